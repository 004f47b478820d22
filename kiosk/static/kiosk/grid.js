// The start screen's service grid: one button per service, and the neutral private one.

import { el } from "/static/js/dom.js";
import {
  currentLanguage,
  formatTime,
  otherLanguage,
  page,
  serviceName,
  t,
} from "/static/js/i18n.js";
import { tap } from "./issue.js";
import { PRIVATE, kiosk, priorityChoices, ui, unreachable } from "./state.js";

const LONG_NAME = 36; // characters: a longer name gets the smaller type that fits it

const span = (className, ...children) => el("span", { class: className }, ...children);

// The pictogram of a service (`services[].icon`) with its numbers' letters, or the letters
// alone when it has none.
function mark(icon, prefix) {
  const picture = icon && ui.icons.content.querySelector(`[data-icon="${icon}"] svg`);
  const letters = span(picture ? "kiosk-service-prefix" : "kiosk-service-letters", prefix);
  return el(
    "span",
    { class: "kiosk-service-mark", "aria-hidden": "true" },
    picture ? picture.cloneNode(true) : null,
    letters,
  );
}

function cardOf(key, icon, prefix, onTap) {
  const data = key === PRIVATE ? "data-private" : "data-service";
  const button = el(
    "button",
    { type: "button", class: "kiosk-service", [data]: key },
    mark(icon, prefix),
    span(
      "kiosk-service-text",
      span("kiosk-service-name"),
      span("kiosk-service-alt"),
      span("kiosk-service-meta", span("kiosk-service-unit"), span("kiosk-service-status")),
    ),
  );
  button.addEventListener("click", onTap);
  return button;
}

function serviceButton(service) {
  return cardOf(service.id, service.icon, service.prefix, () => tap(service.id));
}

// The one neutral button in front of every private service: nothing on it says which.
function privateButton() {
  const prefix = kiosk.services.find((service) => service.private).prefix;
  return cardOf(PRIVATE, PRIVATE, prefix, () => openPrivate(true));
}

function sameDay(a, b) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: page.timezone, dateStyle: "short" });
  return day.format(a) === day.format(b);
}

// "Opens at 08.00", "Opens tomorrow at 08.00" or "Opens Monday at 08.00".
function opensText(iso) {
  if (!iso) return "";
  const opens = new Date(iso);
  const now = new Date();
  const time = formatTime(iso);
  if (sameDay(opens, now)) return t("ui.kiosk.opens_today", { time });
  if (sameDay(opens, new Date(now.getTime() + 86400000))) {
    return t("ui.kiosk.opens_tomorrow", { time });
  }
  const day = new Intl.DateTimeFormat(currentLanguage() === "en" ? "en-GB" : "id-ID", {
    weekday: "long",
    timeZone: page.timezone,
  }).format(opens);
  return t("ui.kiosk.opens_on", { day, time });
}

function statusText(service) {
  if (!service.open) {
    const why = t(`ui.kiosk.closed.${service.closed_reason}`);
    const when = opensText(service.opens_at);
    return when ? `${why} · ${when}` : why;
  }
  return waitingText(service.waiting);
}

// How many wait; nothing when the hall may not know (each private service's own count).
function waitingText(waiting) {
  if (waiting === null) return "";
  if (waiting === 0) return t("ui.kiosk.waiting_none");
  return t("ui.kiosk.waiting", { n: waiting });
}

function setNames(button, names, lang, other) {
  const name = button.querySelector(".kiosk-service-name");
  const alt = button.querySelector(".kiosk-service-alt");
  name.textContent = names[lang];
  alt.textContent = names[other];
  alt.lang = other;
  alt.hidden = names[other] === names[lang];
  const longest = Math.max(names[lang].length, alt.hidden ? 0 : names[other].length);
  button.classList.toggle("is-long", longest > LONG_NAME);
}

function updateButton(button, service) {
  const lang = currentLanguage();
  const other = otherLanguage();
  const names = { [lang]: serviceName(service.id, lang), [other]: serviceName(service.id, other) };
  setNames(button, names, lang, other);
  button.querySelector(".kiosk-service-unit").textContent = service.unit;
  const status = button.querySelector(".kiosk-service-status");
  const sending = kiosk.busy && kiosk.pending && kiosk.pending.service === service.id;
  status.textContent = sending ? t("ui.kiosk.busy") : statusText(service);
  button.classList.toggle("is-closed", !service.open);
  button.setAttribute("aria-busy", String(sending));
  button.disabled = kiosk.busy || unreachable() || !service.open || page.issuing === "none";
}

function updatePrivateButton(button) {
  const lang = currentLanguage();
  const other = otherLanguage();
  const names = {
    [lang]: t("ui.common.private_services", {}, lang),
    [other]: t("ui.common.private_services", {}, other),
  };
  setNames(button, names, lang, other);
  button.querySelector(".kiosk-service-unit").textContent = t("ui.kiosk.private_note");
  button.querySelector(".kiosk-service-status").textContent = waitingText(kiosk.privateWaiting);
  button.disabled = kiosk.busy || unreachable() || page.issuing === "none";
}

// The buttons the screen shows now: every public service and the neutral one, or, once that
// is opened, the private services.
function shownKeys() {
  const privateIds = kiosk.services.filter((service) => service.private).map((service) => service.id);
  if (kiosk.privateOpen) return privateIds;
  const keys = kiosk.services.filter((service) => !service.private).map((service) => service.id);
  return privateIds.length ? [...keys, PRIVATE] : keys;
}

// Build the buttons only when the services shown change: a button replaced under a citizen's
// finger would lose the tap.
export function renderServices() {
  const keys = shownKeys();
  if ([...kiosk.buttons.keys()].join(" ") !== keys.join(" ")) {
    const serviceById = new Map(kiosk.services.map((service) => [service.id, service]));
    kiosk.buttons = new Map(
      keys.map((key) => [key, key === PRIVATE ? privateButton() : serviceButton(serviceById.get(key))]),
    );
    const items = [...kiosk.buttons.values()].map((button) => el("li", {}, button));
    ui.services.replaceChildren(...items);
    layoutGrid();
  }
  for (const service of kiosk.services) {
    if (kiosk.buttons.has(service.id)) updateButton(kiosk.buttons.get(service.id), service);
  }
  if (kiosk.buttons.has(PRIVATE)) updatePrivateButton(kiosk.buttons.get(PRIVATE));
  ui.headingAll.hidden = kiosk.privateOpen;
  ui.headingPrivate.hidden = !kiosk.privateOpen;
  ui.unreachable.hidden = !unreachable();
  ui.services.classList.toggle("is-unreachable", unreachable());
  for (const choice of priorityChoices) choice.disabled = kiosk.busy;
  ui.language.disabled = kiosk.busy;
  ui.privateBack.disabled = kiosk.busy;
}

function openPrivate(open) {
  kiosk.privateOpen = open;
  renderServices();
  (open ? ui.privateBack : kiosk.buttons.get(PRIVATE))?.focus();
}

// Columns that fill the screen without scrolling, in portrait and in landscape.
export function layoutGrid() {
  const count = Math.max(1, kiosk.buttons.size);
  const portrait = window.innerHeight >= window.innerWidth;
  let columns;
  if (portrait) columns = count <= 3 ? 1 : 2;
  else if (count <= 2) columns = count;
  else if (count <= 4) columns = 2;
  else if (count <= 6) columns = 3;
  else columns = 4;
  ui.services.style.setProperty("--columns", String(columns));
  ui.services.style.setProperty("--rows", String(Math.ceil(count / columns)));
}

ui.privateBack.addEventListener("click", () => openPrivate(false));
