// Typed entries on their own screen (with keypad.js): the registration number a service asks for.

import { byId } from "/static/js/dom.js";
import { serviceName, t } from "/static/js/i18n.js";
import { booking } from "./check-in.js";
import { send } from "./issue.js";
import { kiosk, ui } from "./state.js";

// Show one entry form in place of the start screen, or (null) the start screen again.
export function showEntry(form) {
  for (const one of [booking.form, reference.form]) one.hidden = one !== form;
  ui.entry.hidden = !form;
  ui.start.hidden = Boolean(form);
  form?.querySelector("input").focus();
}

// A registration number from another system, where the service asks for it.

const reference = {
  form: byId("reference-form"),
  service: byId("reference-service"),
  input: byId("reference-input"),
  error: byId("reference-error"),
  help: byId("reference-help"),
  back: byId("reference-back"),
  skip: byId("reference-skip"),
};

export function askReference(service) {
  reference.required = service.reference === "required";
  reference.input.value = "";
  reference.error.hidden = true;
  reference.skip.hidden = reference.required;
  reference.help.dataset.i18n = reference.required
    ? "ui.kiosk.reference_required_help"
    : "ui.kiosk.reference_optional_help";
  reference.help.textContent = t(reference.help.dataset.i18n);
  renderReference();
  showEntry(reference.form);
}

export function renderReference() {
  if (kiosk.pending) reference.service.textContent = serviceName(kiosk.pending.service);
}

function sendWithReference(event) {
  event.preventDefault();
  const value = reference.input.value;
  if (!value.trim() && reference.required) {
    reference.error.dataset.i18n = "ui.kiosk.reference_required";
    reference.error.textContent = t(reference.error.dataset.i18n);
    reference.error.hidden = false;
    reference.input.focus();
    return;
  }
  if (value.trim()) kiosk.pending.body.reference = value;
  showEntry(null);
  send();
}

reference.form.addEventListener("submit", sendWithReference);
reference.skip.addEventListener("click", () => {
  showEntry(null);
  send();
});
reference.back.addEventListener("click", () => {
  kiosk.pending = null;
  showEntry(null);
});
