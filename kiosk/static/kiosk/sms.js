// "Kirim SMS saat giliran saya hampir tiba": a mobile number for the ticket just taken, typed on
// the entry screen (with keypad.js) while the confirmation waits behind it.

import { api } from "/static/js/api.js";
import { byId } from "/static/js/dom.js";
import { currentLanguage, page, t } from "/static/js/i18n.js";
import { renderConfirmation, startCountdown } from "./confirmation.js";
import { setBusy } from "./issue.js";
import { SCREEN, kiosk, ui } from "./state.js";

export const sms = {
  open: byId("sms-open"),
  form: byId("sms-form"),
  input: byId("sms-input"),
  error: byId("sms-error"),
  back: byId("sms-back"),
  done: byId("sms-done"),
};

export function offerSms() {
  const ticket = kiosk.current && kiosk.current.ticket;
  sms.open.hidden = !(page.sms && page.issuing === "kiosk" && ticket && ticket.token && !ticket.sms);
  sms.done.hidden = !(ticket && ticket.sms);
  sms.done.textContent = ticket && ticket.sms ? t("ui.kiosk.sms_done", { number: ticket.sms }) : "";
}

function openSms(open) {
  sms.error.hidden = true;
  sms.input.value = "";
  ui.confirm.hidden = open;
  ui.entry.hidden = !open;
  for (const one of document.querySelectorAll("#entry form")) one.hidden = one !== sms.form;
  if (open) {
    startCountdown(SCREEN.idle_seconds);
    sms.input.focus();
  } else {
    startCountdown(SCREEN.reset_seconds);
    ui.confirmTicket.focus();
  }
}

async function sendSms(event) {
  event.preventDefault();
  if (kiosk.busy || !kiosk.current) return;
  setBusy(true);
  try {
    const reply = await api(
      "POST",
      `/api/tickets/${encodeURIComponent(kiosk.current.ticket.token)}/sms`,
      { phone: sms.input.value, language: currentLanguage() },
    );
    setBusy(false);
    kiosk.current.ticket = { ...kiosk.current.ticket, sms: reply.ticket.sms };
    openSms(false);
    renderConfirmation();
  } catch (error) {
    setBusy(false);
    sms.error.textContent =
      error.status === 0 || error.status >= 500 ? t("ui.kiosk.network_error") : error.message;
    sms.error.hidden = false;
    sms.input.select();
  }
}

sms.open.addEventListener("click", () => openSms(true));
sms.back.addEventListener("click", () => openSms(false));
sms.form.addEventListener("submit", sendSms);
// Typing keeps the screen: the countdown starts again at every key.
sms.input.addEventListener("input", () => startCountdown(SCREEN.idle_seconds));
