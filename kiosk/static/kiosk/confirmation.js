// The confirmation: the number, a QR code of the phone's status page, printing and reprinting.

import { api } from "/static/js/api.js";
import { page, serviceName, t, waitText } from "/static/js/i18n.js";
import { needName } from "/static/js/needs.js";
import { suspendedUntil } from "/static/js/suspension.js";
import { backToStart } from "./idle.js";
import { offerSms } from "./sms.js";
import { PRINT_TROUBLE, SCREEN, kiosk, ui } from "./state.js";

export function renderConfirmation() {
  const { ticket } = kiosk.current;
  ui.number.textContent = ticket.number;
  ui.service.textContent = serviceName(ticket.service);
  ui.priority.hidden = !ticket.priority;
  ui.need.hidden = !ticket.need;
  ui.need.textContent = needName(ticket.need);
  ui.carried.hidden = !ticket.carried;
  ui.ahead.textContent = ticket.ahead
    ? t("ui.kiosk.ahead_people", { n: ticket.ahead })
    : t("ui.kiosk.ahead_none");
  ui.wait.textContent = waitText(ticket.estimated_wait);
  ui.suspended.hidden = !ticket.suspension;
  if (ticket.suspension) {
    ui.suspended.textContent = [
      t("ui.common.suspended"),
      t("ui.kiosk.suspended_take"),
      suspendedUntil(ticket.suspension),
    ].join(" ");
  }
  ui.qr.alt = t("ui.kiosk.qr_alt", { number: ticket.number });
  const trouble = PRINT_TROUBLE.includes(kiosk.current.print);
  let tone = trouble ? "notice-error" : "notice-ok";
  if (kiosk.current.print === "unconfirmed") tone = "notice-warn";
  ui.printMessage.textContent = kiosk.current.message || t(`ui.kiosk.print.${kiosk.current.print}`);
  ui.printMessage.className = `kiosk-confirm-print notice ${tone}`;
  ui.printMessage.dataset.print = kiosk.current.print;
  ui.reprint.hidden = !trouble || kiosk.current.reprintRefused;
  ui.reprint.disabled = kiosk.current.print === "reprinting";
  ui.reprint.textContent = t(
    kiosk.current.print === "reprinting" ? "ui.kiosk.reprinting" : "ui.kiosk.reprint",
  );
  renderCountdown();
  offerSms();
}

export function showConfirmation(ticket, print) {
  if (page.issuing === "phone") {
    window.location.assign(ticket.status_url); // a phone keeps its ticket on its own page
    return;
  }
  kiosk.current = { ticket, print: print.status, message: null, reprintRefused: false };
  // A booking checked in again answers with its number only: no QR code to show.
  ui.qr.closest("figure").hidden = !ticket.token;
  if (ticket.token) ui.qr.src = `/t/${encodeURIComponent(ticket.token)}/qr.svg`;
  ui.start.hidden = true;
  ui.confirm.hidden = false;
  renderConfirmation();
  const trouble = PRINT_TROUBLE.includes(print.status);
  startCountdown(trouble ? SCREEN.failed_print_seconds : SCREEN.reset_seconds);
  ui.confirmTicket.focus(); // a screen reader reads the number first; Tab reaches "Done"
  const detail = { token: ticket.token, print: print.status };
  document.dispatchEvent(new CustomEvent("kiosk:issued", { detail }));
}

async function reprint() {
  stopCountdown();
  kiosk.current.print = "reprinting";
  kiosk.current.message = null;
  renderConfirmation();
  try {
    const reply = await api("POST", `/api/tickets/${encodeURIComponent(kiosk.current.ticket.token)}/reprint`);
    kiosk.current.ticket = reply.ticket;
    kiosk.current.print = { printed: "reprinted", unconfirmed: "unconfirmed" }[reply.print.status];
    kiosk.current.print ||= "reprint_failed";
  } catch (error) {
    kiosk.current.print = "reprint_failed";
    if (error.status >= 400 && error.status < 500) {
      kiosk.current.message = error.message; // e.g. reprinted too often: an officer helps
      kiosk.current.reprintRefused = true;
    }
  }
  renderConfirmation();
  startCountdown(
    kiosk.current.print === "reprinted" ? SCREEN.reset_seconds : SCREEN.failed_print_seconds,
  );
}

function renderCountdown() {
  ui.countdown.textContent = kiosk.countdown ? t("ui.kiosk.back_in", { n: kiosk.countdown.remaining }) : "";
}

export function startCountdown(seconds) {
  stopCountdown();
  kiosk.countdown = { remaining: seconds, timer: null };
  kiosk.countdown.timer = setInterval(() => {
    kiosk.countdown.remaining -= 1;
    if (kiosk.countdown.remaining <= 0) backToStart();
    else renderCountdown();
  }, 1000);
  renderCountdown();
}

export function stopCountdown() {
  if (kiosk.countdown) clearInterval(kiosk.countdown.timer);
  kiosk.countdown = null;
}

ui.reprint.addEventListener("click", reprint);
