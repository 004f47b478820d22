// /book on a phone: pick a service, a day and a slot; the booking's code comes back in large
// type with the QR code the kiosk's scanner reads, a calendar file and the booking's own page.

import { api } from "/static/js/api.js";
import { byId, el, replaceChildren, showNotice } from "/static/js/dom.js";
import {
  formatDate,
  formatTime,
  inLanguage,
  otherLanguage,
  page,
  showInLanguage,
  t,
} from "/static/js/i18n.js";

const ui = {
  language: byId("language"),
  form: byId("book-form"),
  service: byId("service"),
  day: byId("day"),
  slots: byId("slots"),
  noSlots: byId("no-slots"),
  referenceField: byId("reference-field"),
  reference: byId("reference"),
  need: byId("need"),
  needHint: byId("need-hint"),
  error: byId("book-error"),
  submit: byId("book-submit"),
  booked: byId("booked"),
  code: byId("code"),
  when: byId("booked-when"),
  qr: byId("qr"),
  ics: byId("ics"),
  link: byId("status-link"),
  announcer: byId("announcer"),
};

function chosenService() {
  return page.services.find((service) => service.id === ui.service.value);
}

function fillServices() {
  replaceChildren(
    ui.service,
    page.services.map((service) =>
      el("option", { value: service.id }, inLanguage(service.name)),
    ),
  );
}

function limitDays() {
  const service = chosenService();
  if (!service) return;
  const last = new Date(`${page.today}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() + service.days_ahead);
  ui.day.min = page.today;
  ui.day.max = last.toISOString().slice(0, 10);
  ui.referenceField.hidden = service.reference === "none";
}

async function loadSlots() {
  ui.error.hidden = true;
  const service = chosenService();
  if (!service || !ui.day.value) return;
  let reply;
  try {
    reply = await api(
      "GET",
      `/api/bookings/slots?service=${encodeURIComponent(service.id)}&date=${encodeURIComponent(ui.day.value)}`,
    );
  } catch (error) {
    showError(error.message);
    return;
  }
  const open = reply.slots.filter((slot) => slot.free > 0);
  ui.noSlots.hidden = open.length > 0;
  replaceChildren(
    ui.slots,
    reply.slots.map((slot, index) => {
      const id = `slot-${index}`;
      const input = el("input", {
        type: "radio",
        name: "slot",
        id,
        value: slot.starts_at,
      });
      input.disabled = slot.free === 0;
      const label = el(
        "label",
        { for: id, class: "book-slot-label" },
        `${formatTime(slot.starts_at)} · ${slot.free === 0 ? t("ui.book.full") : t("ui.book.free", { n: slot.free })}`,
      );
      return el("div", { class: "book-slot" }, input, label);
    }),
  );
}

function showError(message) {
  showNotice(ui.error, message);
}

// The need's hint says how early an interpreter is booked (the hall's lead time).
function renderNeedHint() {
  ui.needHint.textContent = t("ui.book.need_hint", { hours: ui.needHint.dataset.hours });
}
document.addEventListener("satupintu:language", renderNeedHint);

async function book(event) {
  event.preventDefault();
  const slot = ui.form.querySelector("input[name=slot]:checked");
  if (!slot) {
    showError(t("ui.book.pick_slot"));
    return;
  }
  const body = { service: ui.service.value, starts_at: slot.value };
  if (ui.reference.value) body.reference = ui.reference.value;
  if (ui.need.value) body.need = ui.need.value;
  ui.submit.disabled = true;
  try {
    const { booking } = await api("POST", "/api/bookings", body);
    show(booking);
  } catch (error) {
    showError(error.message);
    loadSlots();
  } finally {
    ui.submit.disabled = false;
  }
}

function show(booking) {
  ui.form.hidden = true;
  ui.booked.hidden = false;
  ui.code.textContent = booking.code;
  ui.when.textContent = `${formatDate(booking.starts_at)}, ${formatTime(booking.starts_at)}`;
  ui.qr.src = `${booking.status_url}/qr.svg`;
  ui.ics.href = `${booking.status_url}/booking.ics`;
  ui.link.href = booking.status_url;
  ui.announcer.textContent = t("ui.book.booked", { code: booking.code });
  ui.code.focus?.();
}

function switchLanguage(language) {
  showInLanguage(language, ui.language);
  fillServicesKeeping();
}

function fillServicesKeeping() {
  const chosen = ui.service.value;
  fillServices();
  if (chosen) ui.service.value = chosen;
  limitDays();
  loadSlots();
}

ui.language.addEventListener("click", () => switchLanguage(otherLanguage()));
ui.service.addEventListener("change", () => {
  limitDays();
  loadSlots();
});
ui.day.addEventListener("change", loadSlots);
ui.form.addEventListener("submit", book);
fillServicesKeeping();
