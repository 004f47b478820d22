// A citizen asks for SMS on their own phone (the ticket's page, the booking's page): the
// number typed goes to `path`; the page then shows only its masked form. A refusal (not a
// mobile number, the ticket no longer waiting) is said in words under the field.

import { api } from "/static/js/api.js";
import { byId, showNotice } from "/static/js/dom.js";
import { currentLanguage, t } from "/static/js/i18n.js";

const ui = {
  form: byId("sms-form"),
  phone: byId("sms-phone"),
  error: byId("sms-error"),
  submit: byId("sms-submit"),
  done: byId("sms-done"),
};

// `offered`: whether the form may show now; `masked`: the number already registered (or null);
// `doneKey`: the catalogue's words saying where the SMS will go.
export function renderSmsOptIn({ offered, masked, doneKey }) {
  ui.form.hidden = !offered || Boolean(masked);
  ui.done.hidden = !masked;
  ui.done.textContent = masked ? t(doneKey, { number: masked }) : "";
}

// `path()`: where the number is posted; `onDone(reply)`: the page shows the answer.
export function startSmsOptIn({ path, onDone }) {
  ui.form.addEventListener("submit", async (event) => {
    event.preventDefault();
    ui.submit.disabled = true;
    try {
      const reply = await api("POST", path(), { phone: ui.phone.value, language: currentLanguage() });
      ui.phone.value = "";
      showNotice(ui.error, "");
      onDone(reply);
    } catch (error) {
      showNotice(ui.error, error.status ? error.message : t("ui.optin.failed"));
      ui.phone.focus();
    } finally {
      ui.submit.disabled = false;
    }
  });
}
