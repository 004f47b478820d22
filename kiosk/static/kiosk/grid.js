// The start screen's service grid: one button per service, and the neutral private one.

import { el } from "/static/js/dom.js";
import { currentLanguage, otherLanguage, page, serviceName, t } from "/static/js/i18n.js";
import { tap } from "./issue.js";
import { openRequirements, renderRequirements } from "./requirements.js";
import { PRIVATE, kiosk, needChoices, priorityChoices, ui, unreachable } from "./state.js";
import { statusText, waitingText } from "./status.js";

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
  const button = cardOf(service.id, service.icon, service.prefix, () => tap(service.id));
  button.querySelector(".kiosk-service-name").id = `service-name-${service.id}`;
  return button;
}

// "Cek persyaratan" under a service that has a standard (never a private one: the hall would
// see which private service a citizen reads about).
function checkButton(key) {
  if (!(key in page.standards)) return null;
  const button = el(
    "button",
    {
      type: "button",
      class: "btn kiosk-check",
      "data-check": key,
      "data-i18n": "ui.kiosk.check_requirements",
      "aria-describedby": `service-name-${key}`,
    },
    t("ui.kiosk.check_requirements"),
  );
  button.addEventListener("click", () => openRequirements(key));
  return button;
}

// The one neutral button in front of every private service: nothing on it says which.
function privateButton() {
  const prefix = kiosk.services.find((service) => service.private).prefix;
  return cardOf(PRIVATE, PRIVATE, prefix, () => openPrivate(true));
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
  button.classList.toggle("is-suspended", service.open && Boolean(service.suspension));
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
    const items = [...kiosk.buttons].map(([key, button]) => el("li", {}, button, checkButton(key)));
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
  for (const check of ui.services.querySelectorAll(".kiosk-check")) check.disabled = kiosk.busy;
  for (const choice of [...priorityChoices, ...needChoices]) choice.disabled = kiosk.busy;
  ui.language.disabled = kiosk.busy;
  ui.privateBack.disabled = kiosk.busy;
  renderRequirements();
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
