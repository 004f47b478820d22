// What a service's button says of it now: closed until when, suspended, or how many wait.

import { currentLanguage, formatTime, page, t } from "/static/js/i18n.js";
import { suspensionLines } from "/static/js/suspension.js";

function sameDay(a, b) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: page.timezone, dateStyle: "short" });
  return day.format(a) === day.format(b);
}

// "Opens at 08.00", "Opens tomorrow at 08.00" or "Opens Monday at 08.00".
function opensText(iso) {
  if (!iso) return "";
  const opens = new Date(iso);
  const now = new Date();
  const time = formatTime(iso);
  if (sameDay(opens, now)) return t("ui.kiosk.opens_today", { time });
  if (sameDay(opens, new Date(now.getTime() + 86400000))) {
    return t("ui.kiosk.opens_tomorrow", { time });
  }
  const day = new Intl.DateTimeFormat(currentLanguage() === "en" ? "en-GB" : "id-ID", {
    weekday: "long",
    timeZone: page.timezone,
  }).format(opens);
  return t("ui.kiosk.opens_on", { day, time });
}

export function statusText(service) {
  if (!service.open) {
    const why = t(`ui.kiosk.closed.${service.closed_reason}`);
    const when = opensText(service.opens_at);
    return when ? `${why} · ${when}` : why;
  }
  if (service.suspension) {
    return [...suspensionLines(service.suspension), waitingText(service.waiting)]
      .filter(Boolean)
      .join(" · ");
  }
  return waitingText(service.waiting);
}

// How many wait; nothing when the hall may not know (each private service's own count).
export function waitingText(waiting) {
  if (waiting === null) return "";
  if (waiting === 0) return t("ui.kiosk.waiting_none");
  return t("ui.kiosk.waiting", { n: waiting });
}
