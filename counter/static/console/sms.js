// A citizen's mobile number for SMS, added by the officer for the ticket being served.

import { api } from "/static/js/api.js";
import { byId, showNotice } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";
import { render } from "./render.js";
import { state } from "./state.js";

const smsForm = byId("sms-form"); // absent when the station sends no SMS

// The masked number of the ticket served, or the form to add one.
export function renderSms(ticket) {
  byId("current-sms").hidden = !(ticket && ticket.sms);
  byId("current-sms").textContent = ticket && ticket.sms ? t("ui.counter.sms", { number: ticket.sms }) : "";
  if (!smsForm) return;
  const wanted = Boolean(ticket && !ticket.sms);
  if (smsForm.hidden === wanted) {
    byId("sms-phone").value = "";
    showNotice(byId("sms-error"), "");
  }
  smsForm.hidden = !wanted;
}

async function addSmsNumber(event) {
  event.preventDefault();
  const ticket = state.current;
  if (!ticket || !state.counter) return;
  showNotice(byId("sms-error"), "");
  try {
    const added = await api("POST", `/api/counters/${encodeURIComponent(state.counter.id)}/sms`, {
      number: ticket.number,
      phone: byId("sms-phone").value,
    });
    if (state.current && state.current.number === added.number) state.current.sms = added.sms;
    render();
  } catch (error) {
    showNotice(byId("sms-error"), error.message);
  }
}

smsForm?.addEventListener("submit", addSmsNumber);
