// /book on a phone: pick a service, a day and a slot; the booking's code comes back in large
// type with the QR code the kiosk's scanner reads, a calendar file and the booking's own page.

import { api } from "/static/js/api.js";
import { byId, el as node, replaceChildren } from "/static/js/dom.js";
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
  form: byId("book-form"),
  service: byId("service"),
  day: byId("day"),
  slots: byId("slots"),
  noSlots: byId("no-slots"),
  referenceField: byId("reference-field"),
  reference: byId("reference"),
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
  return page.services.find((service) => service.id === el.service.value);
}

function fillServices() {
  replaceChildren(
    el.service,
    page.services.map((service) =>
      node("option", { value: service.id }, inLanguage(service.name)),
    ),
  );
}

function limitDays() {
  const service = chosenService();
  if (!service) return;
  const last = new Date(`${page.today}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() + service.days_ahead);
  el.day.min = page.today;
  el.day.max = last.toISOString().slice(0, 10);
  el.referenceField.hidden = service.reference === "none";
}

async function loadSlots() {
  el.error.hidden = true;
  const service = chosenService();
  if (!service || !el.day.value) return;
  let reply;
  try {
    reply = await api(
      "GET",
      `/api/bookings/slots?service=${encodeURIComponent(service.id)}&date=${encodeURIComponent(el.day.value)}`,
    );
  } catch (error) {
    showError(error.message);
    return;
  }
  const open = reply.slots.filter((slot) => slot.free > 0);
  el.noSlots.hidden = open.length > 0;
  replaceChildren(
    el.slots,
    reply.slots.map((slot, index) => {
      const id = `slot-${index}`;
      const input = node("input", {
        type: "radio",
        name: "slot",
        id,
        value: slot.starts_at,
      });
      input.disabled = slot.free === 0;
      const label = node(
        "label",
        { for: id, class: "book-slot-label" },
        `${formatTime(slot.starts_at)} · ${slot.free === 0 ? t("ui.book.full") : t("ui.book.free", { n: slot.free })}`,
      );
      return node("div", { class: "book-slot" }, input, label);
    }),
  );
}

function showError(message) {
  el.error.textContent = message;
  el.error.hidden = false;
}

async function book(event) {
  event.preventDefault();
  const slot = el.form.querySelector("input[name=slot]:checked");
  if (!slot) {
    showError(t("ui.book.pick_slot"));
    return;
  }
  const body = { service: el.service.value, starts_at: slot.value };
  if (el.reference.value) body.reference = el.reference.value;
  el.submit.disabled = true;
  try {
    const { booking } = await api("POST", "/api/bookings", body);
    show(booking);
  } catch (error) {
    showError(error.message);
    loadSlots();
  } finally {
    el.submit.disabled = false;
  }
}

function show(booking) {
  el.form.hidden = true;
  el.booked.hidden = false;
  el.code.textContent = booking.code;
  el.when.textContent = `${formatDate(booking.starts_at)}, ${formatTime(booking.starts_at)}`;
  el.qr.src = `${booking.status_url}/qr.svg`;
  el.ics.href = `${booking.status_url}/booking.ics`;
  el.link.href = booking.status_url;
  el.announcer.textContent = t("ui.book.booked", { code: booking.code });
  el.code.focus?.();
}

function switchLanguage(language) {
  setLanguage(language);
  el.language.lang = language === "id" ? "en" : "id";
  translatePage();
  fillServicesKeeping();
}

function fillServicesKeeping() {
  const chosen = el.service.value;
  fillServices();
  if (chosen) el.service.value = chosen;
  limitDays();
  loadSlots();
}

el.language.addEventListener("click", () =>
  switchLanguage(currentLanguage() === "id" ? "en" : "id"),
);
el.service.addEventListener("change", () => {
  limitDays();
  loadSlots();
});
el.day.addEventListener("change", loadSlots);
el.form.addEventListener("submit", book);
fillServicesKeeping();
