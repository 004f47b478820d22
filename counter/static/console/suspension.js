// Suspending a service from the counter: why each suspended service is not called, and the
// forms that suspend or resume the counter's services.

import { byId, el } from "/static/js/dom.js";
import { serviceName, t } from "/static/js/i18n.js";
import { suspendedUntil } from "/static/js/suspension.js";
import { suspensionItem } from "/static/js/suspension-controls.js";
import { messageOf, state } from "./state.js";
import { refresh } from "./sync.js";

// Why each suspended service of this counter is not called, above the actions.
function suspendedBanners() {
  return Object.values(state.suspended).map((suspension) =>
    el(
      "p",
      { class: "notice notice-warn suspended-banner" },
      t("ui.counter.suspended_banner", {
        service: serviceName(suspension.service),
        reason: suspension.reason,
      }),
      " ",
      suspendedUntil(suspension),
    ),
  );
}

// Each of the counter's services: resume a suspended one, or suspend it with a reason and an
// expected time. Rebuilt only when a service's suspension changes, so typing is never lost.
let suspensionsShown = null;

export function renderSuspensions() {
  byId("suspended-banners").replaceChildren(...suspendedBanners());
  if (!state.counter) return;
  const shown = `${state.counter.id} ${JSON.stringify(state.suspended)}`;
  if (shown === suspensionsShown) return;
  suspensionsShown = shown;
  byId("suspension-list").replaceChildren(
    ...state.counter.services.map((id) => suspensionItem(id, state.suspended[id], SUSPENSION_PAGE)),
  );
}

// The console's words for the suspension controls (a suspended service shows only its name and
// the resume button: its banner above says why).
const SUSPENSION_PAGE = {
  labels: {
    resume: t("ui.counter.resume"),
    suspend: t("ui.counter.suspend"),
    reason: t("ui.counter.suspend_reason"),
    until: t("ui.counter.suspend_until"),
  },
  shown: { suspended: () => [], running: () => [] },
  errorNotice: () => byId("suspension-error"),
  describe: messageOf,
  done: () => refresh(),
};
