// Checking in a booking at the kiosk: a typed code, or a scanner typing the QR's link + Enter.

import { api } from "/static/js/api.js";
import { byId } from "/static/js/dom.js";
import { page, t } from "/static/js/i18n.js";
import { showConfirmation } from "./confirmation.js";
import { showEntry } from "./entry.js";
import { newKey, setBusy, showAlert } from "./issue.js";
import { setReachable } from "./reach.js";
import { kiosk, ui } from "./state.js";

export const booking = {
  open: byId("booking-open"),
  form: byId("booking-form"),
  code: byId("booking-code"),
  close: byId("booking-close"),
  problem: byId("booking-problem"),
  title: byId("booking-problem-title"),
  text: byId("booking-problem-text"),
  hint: byId("booking-problem-hint"),
};

// What the kiosk says when a booking cannot be checked in: a title and what to do instead.
const BOOKING_PROBLEMS = {
  too_early: ["ui.kiosk.booking_too_early_title", "ui.kiosk.booking_too_early_hint"],
  booking_expired: ["ui.kiosk.booking_expired_title", "ui.kiosk.booking_expired_hint"],
  not_found: ["ui.kiosk.booking_unknown_title", "ui.kiosk.booking_unknown_hint"],
  not_carried: ["ui.kiosk.carried_refused_title", "ui.kiosk.carried_refused_hint"],
};

function openBooking(open) {
  booking.problem.hidden = true;
  booking.code.value = "";
  showEntry(open ? booking.form : null);
}

function bookingProblem(error) {
  const [title, hint] = BOOKING_PROBLEMS[error.code] || ["", ""];
  booking.title.textContent = title ? t(title) : "";
  booking.text.textContent = error.message;
  booking.hint.textContent = hint ? t(hint) : "";
  booking.problem.hidden = false;
  booking.problem.dataset.code = error.code;
  booking.code.select();
}

let checkInKey = null;

async function checkIn(event) {
  event.preventDefault();
  const typed = booking.code.value.trim();
  if (!typed || kiosk.busy) return;
  // A scanned booking link ends in /b/<token>: the token names the booking as well as its code.
  // A scanned paper ticket's link ends in /t/<token>: a carried-over ticket, checked in on its
  // next open day.
  const carried = typed.includes("/t/");
  const code = typed.split(carried ? "/t/" : "/b/").pop().replace(/\/+$/, "");
  const path = carried ? "tickets" : "bookings";
  // The same code sent again (its answer was lost) carries the same key: only that retry gets
  // the ticket's token back, so its QR code can still be shown.
  if (!checkInKey || checkInKey.code !== code) checkInKey = { code, key: newKey() };
  setBusy(true);
  try {
    const reply = await api(
      "POST",
      `/api/${path}/${encodeURIComponent(code)}/check-in`,
      page.kiosk ? { kiosk: page.kiosk } : {},
      { "Idempotency-Key": checkInKey.key },
    );
    checkInKey = null;
    setBusy(false);
    openBooking(false);
    showConfirmation(reply.ticket, reply.print);
  } catch (error) {
    setBusy(false);
    if (error.status === 0 || error.status >= 500) {
      showAlert(t("ui.kiosk.network_error"), false);
      setReachable(false);
      openBooking(false);
    } else {
      bookingProblem(error);
    }
  }
}

booking.open.addEventListener("click", () => openBooking(true));
booking.close.addEventListener("click", () => openBooking(false));
booking.form.addEventListener("submit", checkIn);
// A scanner types like a keyboard: typing outside a field goes into the field on screen, and on
// the start screen into the booking code; not while the spoken menu takes the keypad's keys.
document.addEventListener("keydown", (event) => {
  const typing = event.target instanceof HTMLInputElement;
  const printable = event.key.trim().length === 1; // not Space: it presses the focused key
  if (typing || !printable || event.ctrlKey || event.altKey || event.metaKey) return;
  if (!ui.voice.hidden) return;
  if (!ui.start.hidden && !booking.open.closest("section").hidden) openBooking(true);
  ui.entry.querySelector("form:not([hidden]) input")?.focus();
});
