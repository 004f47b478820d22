// A booking's own page (/b/<token>): its code, time and status, a way to cancel it, and a
// mobile number for its confirmation, its reminder and its ticket's SMS.

import { api } from "/static/js/api.js";
import { byId, showNotice } from "/static/js/dom.js";
import {
  formatDate,
  formatTime,
  inLanguage,
  otherLanguage,
  page,
  showInLanguage,
  t,
} from "/static/js/i18n.js";
import { renderSmsOptIn, startSmsOptIn } from "./sms-optin.js";

const ui = {
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
let masked = page.sms_number;

function render() {
  ui.when.textContent = `${inLanguage(page.service)} · ${formatDate(booking.starts_at)}, ${formatTime(booking.starts_at)}`;
  ui.status.textContent = t(STATUS_TEXT[booking.status], {
    opens: formatTime(booking.check_in_opens),
    closes: formatTime(booking.check_in_closes),
  });
  ui.cancel.hidden = booking.status !== "booked";
  const offered = page.sms && booking.status === "booked";
  renderSmsOptIn({ offered, masked, doneKey: "ui.optin.booking_done" });
}

async function cancel() {
  ui.cancel.disabled = true;
  try {
    booking = (await api("POST", `/api/bookings/${encodeURIComponent(booking.token)}/cancel`))
      .booking;
    showNotice(ui.error, "");
  } catch (error) {
    showNotice(ui.error, error.message);
  } finally {
    ui.cancel.disabled = false;
  }
  render();
}

ui.language.addEventListener("click", () => {
  showInLanguage(otherLanguage(), ui.language);
  render();
});
ui.cancel.addEventListener("click", cancel);
startSmsOptIn({
  path: () => `/api/bookings/${encodeURIComponent(booking.token)}/sms`,
  onDone: (reply) => {
    masked = reply.sms;
    render();
  },
});
render();
