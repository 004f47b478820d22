// What every screen says of a suspended service: the `suspension` of a service
// (GET /api/services), of a waiting ticket T, or of the board snapshot's `suspended`, as
// lines in the page's language: the notice, the reason (none for a private service) and when
// the service is expected back.

import { formatDate, formatTime, t } from "/static/js/i18n.js";

function sameDayAsToday(iso) {
  return formatDate(iso) === formatDate(new Date().toISOString());
}

// "Expected back at 11.30" ("on Tuesday, 8 December 2026 at 11.30" when not today), or "not
// known yet".
export function suspendedUntil(suspension, lang) {
  if (!suspension.until) return t("ui.common.suspended_until_unknown", {}, lang);
  const time = formatTime(suspension.until, lang);
  if (sameDayAsToday(suspension.until)) return t("ui.common.suspended_until", { time }, lang);
  const day = formatDate(suspension.until, lang);
  return t("ui.common.suspended_until_day", { day, time }, lang);
}

export function suspensionLines(suspension, lang) {
  return [
    t("ui.common.suspended", {}, lang),
    suspension.reason ? t("ui.common.suspended_reason", { reason: suspension.reason }, lang) : null,
    suspendedUntil(suspension, lang),
  ].filter(Boolean);
}
