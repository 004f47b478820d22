// Bookings at the counter: today's bookings of its services, booking a slot, printing slips.

import { api } from "/static/js/api.js";
import { byId, el, showNotice } from "/static/js/dom.js";
import { formatDate, formatTime, page, serviceName, t } from "/static/js/i18n.js";
import { messageOf, services, state } from "./state.js";

// The counter's services that citizens may book ahead.
export function bookableServices() {
  return state.counter ? state.counter.services.filter((id) => services.get(id).bookable) : [];
}

// The booking dialog lists today's bookings of this counter's services and books a slot for
// a citizen ("come back tomorrow at 09.00"), then prints the slip on the station's printer.
async function openBookings() {
  const dialog = byId("booking-dialog");
  showNotice(byId("booking-error"), "");
  showNotice(byId("booking-print-status"), "");
  byId("booking-made").hidden = true;
  byId("booking-form").reset();
  byId("booking-service").replaceChildren(
    ...bookableServices().map((id) => el("option", { value: id }, serviceName(id))),
  );
  dialog.showModal();
  byId("booking-service").focus();
  await Promise.all([loadTodaysBookings(), loadSlots()]);
}

async function loadTodaysBookings() {
  try {
    const today = await api("GET", `/api/bookings?counter=${encodeURIComponent(state.counter.id)}`);
    const rows = bookableServices().flatMap((id) =>
      (today.services[id] || []).map((booking) => bookingRow(id, booking)),
    );
    byId("booking-today-empty").hidden = rows.length > 0;
    byId("booking-today").replaceChildren(...rows);
  } catch (error) {
    showNotice(byId("booking-error"), messageOf(error));
  }
}

function bookingRow(serviceId, booking) {
  const status = t(`ui.counter.booking_state.${booking.status}`, { number: booking.number });
  const print =
    booking.status === "booked"
      ? el(
          "button",
          { type: "button", class: "btn btn-small booking-print", "data-code": booking.code },
          t("ui.counter.booking_print", { code: booking.code }),
        )
      : null;
  if (print) print.addEventListener("click", () => printBooking(booking.code));
  return el(
    "li",
    {},
    el(
      "strong",
      {},
      t("ui.counter.booking_row", { time: formatTime(booking.starts_at), code: booking.code }),
    ),
    el("span", {}, serviceName(serviceId)),
    el("span", {}, status),
    booking.reference
      ? el("span", {}, t("ui.counter.reference", { reference: booking.reference }))
      : null,
    print,
  );
}

// The free slots of the chosen service and day (the first bookable day when none is chosen).
async function loadSlots() {
  const service = byId("booking-service").value;
  const select = byId("booking-slot");
  select.replaceChildren();
  if (!service) return;
  if (!byId("booking-day").value) byId("booking-day").value = stationToday();
  const query = new URLSearchParams({ service, date: byId("booking-day").value });
  try {
    const found = await api("GET", `/api/bookings/slots?${query}`);
    byId("booking-day").min = found.first_date;
    byId("booking-day").max = found.last_date;
    if (found.date < found.first_date) {
      // The calendar day is not the service day yet (before `day_starts_at`): start there.
      byId("booking-day").value = found.first_date;
      return loadSlots();
    }
    const free = found.slots.filter((slot) => slot.free > 0);
    select.replaceChildren(
      ...free.map((slot) =>
        el(
          "option",
          { value: slot.starts_at },
          t("ui.counter.booking_slot_free", { time: formatTime(slot.starts_at), n: slot.free }),
        ),
      ),
    );
    if (!free.length) select.append(el("option", { value: "" }, t("ui.counter.booking_no_slots")));
  } catch (error) {
    showNotice(byId("booking-error"), messageOf(error));
  }
}

// Today's date (YYYY-MM-DD) at the station, whatever this computer's time zone.
function stationToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: page.timezone }).format(new Date());
}

byId("booking-service").addEventListener("change", loadSlots);
byId("booking-day").addEventListener("change", loadSlots);

byId("booking-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showNotice(byId("booking-error"), "");
  const reference = byId("booking-reference").value.trim();
  const submit = byId("booking-submit");
  submit.setAttribute("aria-busy", "true");
  try {
    const { booking } = await api("POST", "/api/bookings", {
      service: byId("booking-service").value,
      starts_at: byId("booking-slot").value,
      ...(reference ? { reference } : {}),
    });
    byId("booking-made-code").textContent = booking.code;
    byId("booking-made-time").textContent =
      `${formatDate(booking.starts_at)} ${formatTime(booking.starts_at)} · ${serviceName(booking.service)}`;
    byId("booking-made").hidden = false;
    byId("booking-reference").value = ""; // the next citizen's form: theirs is not this one's
    byId("booking-dialog").scrollTop = 0; // the code is at the dialog's top, where the officer looks
    byId("booking-made").focus();
    await printBooking(booking.code);
    await Promise.all([loadTodaysBookings(), loadSlots()]);
  } catch (error) {
    showNotice(byId("booking-error"), messageOf(error));
  } finally {
    submit.removeAttribute("aria-busy");
  }
});

async function printBooking(code) {
  const notice = byId("booking-print-status");
  try {
    const { print } = await api("POST", `/api/bookings/${encodeURIComponent(code)}/print`);
    const words = {
      printed: t("ui.counter.booking_printed", { code }),
      disabled: t("ui.counter.booking_no_printer", { code }),
    }[print.status];
    showNotice(notice, words || t("ui.counter.booking_not_printed", { code, reason: print.error }));
  } catch (error) {
    showNotice(notice, t("ui.counter.booking_not_printed", { code, reason: messageOf(error) }));
  }
}

byId("booking-open").addEventListener("click", openBookings);
