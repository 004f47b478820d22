// Suspending a service from the counter: why each suspended service is not called, and the
// forms that suspend or resume the counter's services.

import { api } from "/static/js/api.js";
import { byId, el, showNotice } from "/static/js/dom.js";
import { serviceName, t } from "/static/js/i18n.js";
import { suspendedUntil } from "/static/js/suspension.js";
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
  byId("suspension-list").replaceChildren(...state.counter.services.map(suspensionItem));
}

function suspensionItem(serviceId) {
  const name = serviceName(serviceId);
  if (serviceId in state.suspended) {
    const resume = el(
      "button",
      { type: "button", class: "btn", "data-focus-key": `resume:${serviceId}` },
      t("ui.counter.resume"),
    );
    resume.addEventListener("click", () => changeSuspension(serviceId, "resume", {}, resume));
    return el("li", { "data-service": serviceId }, el("strong", {}, name), " ", resume);
  }
  const reason = el("input", {
    type: "text",
    name: "reason",
    maxlength: "120",
    required: "",
    "data-focus-key": `suspend-reason:${serviceId}`,
  });
  const until = el("input", {
    type: "text",
    name: "until",
    inputmode: "numeric",
    placeholder: "11:30",
    "data-focus-key": `suspend-until:${serviceId}`,
  });
  const submit = el(
    "button",
    { type: "submit", class: "btn", "data-focus-key": `suspend:${serviceId}` },
    t("ui.counter.suspend"),
  );
  const form = el(
    "form",
    { class: "suspend-form", "data-service": serviceId },
    el("strong", {}, name),
    el("label", {}, t("ui.counter.suspend_reason"), reason),
    el("label", {}, t("ui.counter.suspend_until"), until),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    changeSuspension(serviceId, "suspend", { reason: reason.value, until: until.value }, submit);
  });
  return el("li", {}, form);
}

async function changeSuspension(serviceId, action, body, button) {
  button.disabled = true;
  try {
    await api("POST", `/api/services/${encodeURIComponent(serviceId)}/${action}`, body);
    showNotice(byId("suspension-error"), "");
  } catch (error) {
    showNotice(byId("suspension-error"), messageOf(error));
  } finally {
    button.disabled = false;
  }
  await refresh();
}
