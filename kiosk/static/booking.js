// A booking's own page (/b/<token>): its code, time and status, and a way to cancel it.

import { api } from "/static/js/api.js";
import { byId } from "/static/js/dom.js";
import {
  currentLanguage,
  formatDate,
  formatTime,
  inLanguage,
  page,
  setLanguage,
  t,
  translatePage,
} from "/static/js/i18n.js";

const el = {
  language: byId("language"),
  when: byId("booked-when"),
  status: byId("booking-status"),
  cancel: byId("cancel"),
  error: byId("cancel-error"),
};
const STATUS_TEXT = {
  booked: "ui.book.status_booked",
  cancelled: "ui.book.status_cancelled",
  checked_in: "ui.book.status_checked_in",
  missed: "ui.book.status_missed",
};
let booking = page.booking;

function render() {
  el.when.textContent = `${inLanguage(page.service)} · ${formatDate(booking.starts_at)}, ${formatTime(booking.starts_at)}`;
  el.status.textContent = t(STATUS_TEXT[booking.status], {
    opens: formatTime(booking.check_in_opens),
    closes: formatTime(booking.check_in_closes),
  });
  el.cancel.hidden = booking.status !== "booked";
}

async function cancel() {
  el.cancel.disabled = true;
  try {
    booking = (await api("POST", `/api/bookings/${encodeURIComponent(booking.token)}/cancel`))
      .booking;
    el.error.hidden = true;
  } catch (error) {
    el.error.textContent = error.message;
    el.error.hidden = false;
  } finally {
    el.cancel.disabled = false;
  }
  render();
}

el.language.addEventListener("click", () => {
  setLanguage(currentLanguage() === "id" ? "en" : "id");
  el.language.lang = currentLanguage() === "id" ? "en" : "id";
  translatePage();
  render();
});
el.cancel.addEventListener("click", cancel);
render();
