// Suspending and resuming a service from a staff page (the dashboard, the counter console): a
// list item per service, either its resume button or the form that suspends it with a reason
// and an expected time. The page gives its own words and what to do after a change.

import { api } from "/static/js/api.js";
import { el, showNotice } from "/static/js/dom.js";
import { serviceName } from "/static/js/i18n.js";

// `labels`: {resume, suspend, reason, until}; `shown`: what the item shows beside the name
// (suspended, and running); `errorNotice`: where a refusal is said; `describe`: a failure in
// words; `done`: after every change.
export function suspensionItem(serviceId, suspension, page) {
  const name = el("strong", {}, serviceName(serviceId));
  const change = (action, body, button) => changeSuspension(serviceId, action, body, button, page);
  if (suspension) {
    const resume = el(
      "button",
      { type: "button", class: "btn", "data-focus-key": `resume:${serviceId}` },
      page.labels.resume,
    );
    resume.addEventListener("click", () => change("resume", {}, resume));
    return el("li", { "data-service": serviceId }, name, " ", ...page.shown.suspended(suspension), resume);
  }
  // A field of the form, which keeps its focus (by name and service) when the list is redrawn.
  const field = (name, attributes) =>
    el("input", { type: "text", name, "data-focus-key": `suspend-${name}:${serviceId}`, ...attributes });
  const reason = field("reason", { maxlength: "120", required: "" });
  const until = field("until", { inputmode: "numeric", placeholder: "11:30" });
  const submit = el(
    "button",
    { type: "submit", class: "btn", "data-focus-key": `suspend:${serviceId}` },
    page.labels.suspend,
  );
  const form = el(
    "form",
    { class: "suspend-form", "data-service": serviceId },
    name,
    ...page.shown.running(),
    el("label", {}, page.labels.reason, reason),
    el("label", {}, page.labels.until, until),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    change("suspend", { reason: reason.value, until: until.value }, submit);
  });
  return el("li", {}, form);
}

async function changeSuspension(serviceId, action, body, button, page) {
  button.disabled = true;
  try {
    await api("POST", `/api/services/${encodeURIComponent(serviceId)}/${action}`, body);
    showNotice(page.errorNotice(), "");
  } catch (error) {
    showNotice(page.errorNotice(), page.describe(error));
  } finally {
    button.disabled = false;
  }
  await page.done();
}
