// The kiosk at the door: one tap on a service gives a number, then the confirmation with the
// number and a QR code of the phone status page, then back to the start. Every tap carries
// its own Idempotency-Key, reused when the request is retried, so no tap gives two numbers.
// The priority choice comes first; private services sit behind one neutral button whose list
// names them only once a citizen opens it. A service with a Standar Pelayanan has "Cek
// persyaratan" under its button: the documents to bring in large type, then back or a number. While the server cannot be reached the service
// buttons wait under a large notice, which goes by itself once the server answers again.

import { api } from "/static/js/api.js";
import { byId, el as node } from "/static/js/dom.js";
import {
  currentLanguage,
  formatDate,
  formatTime,
  inLanguage,
  page,
  serviceName,
  setLanguage,
  t,
  translatePage,
  waitText,
} from "/static/js/i18n.js";
import { connectLive } from "/static/js/live.js";

const DEFAULT_LANGUAGE = page.language;
const SCREEN = page.screen;
const RETRY_DELAYS_MS = [600, 1500, 3000]; // automatic retries of a tap that got no answer
const REFRESH_MS = 60000; // opening hours change without any queue event
const UNREACHABLE_RETRY_MS = 3000; // while a request failed, ask again this often
const CLOCK_MS = 10000;
const LONG_NAME = 36; // characters: a longer name gets the smaller type that fits it
const PRIVATE = "private"; // the neutral button's key, and all private services' in counts
// Print results that keep the number on screen longer and offer a reprint.
const PRINT_TROUBLE = ["failed", "unconfirmed", "reprint_failed"];

const element = byId;
const el = {
  start: element("start"),
  entry: element("entry"),
  confirm: element("confirm"),
  confirmTicket: element("confirm-ticket"),
  services: element("services"),
  headingAll: element("heading-all"),
  headingPrivate: element("heading-private"),
  privateBack: element("private-back"),
  unreachable: element("unreachable"),
  icons: element("service-icons"),
  alert: element("alert"),
  alertText: element("alert-text"),
  retry: element("retry"),
  priorityOn: element("priority-on"),
  priorityCancel: element("priority-cancel"),
  language: element("language"),
  clockTime: element("clock-time"),
  clockDate: element("clock-date"),
  number: element("confirm-number"),
  service: element("confirm-service"),
  priority: element("confirm-priority"),
  ahead: element("confirm-ahead"),
  wait: element("confirm-wait"),
  qr: element("confirm-qr"),
  printMessage: element("print-message"),
  reprint: element("reprint"),
  finish: element("finish"),
  countdown: element("countdown"),
  offline: element("offline-mark"),
};
const priorityChoices = [...document.querySelectorAll(".kiosk-priority-choice")];

let services = page.services;
let buttons = new Map(); // service id (or PRIVATE) -> its button
let privateOpen = false; // the list behind the neutral button is shown
let online = true; // the live connection is up (the page itself just came from the server)
let requestFailed = false; // the last request to the server got no answer
let unreachableRetry = null;
let priorityReason = null; // "disability" | "elderly" | "pregnant" while a priority ticket is chosen
let privateWaiting = null; // all private services together, from the board's counts
let pending = null; // the tap being sent or waiting for "try again": {key, body, service}
let busy = false;
let current = null; // the ticket on the confirmation screen: {ticket, print, message}
let countdown = null; // {timer, remaining}
let lastTouch = Date.now();

// ---- the start screen: one button per service ---------------------------------------------

function otherLanguage() {
  return currentLanguage() === "id" ? "en" : "id";
}

const span = (className, ...children) => node("span", { class: className }, ...children);

// The pictogram of a service (`services[].icon`) with its numbers' letters, or the letters
// alone when it has none.
function mark(icon, prefix) {
  const picture = icon && el.icons.content.querySelector(`[data-icon="${icon}"] svg`);
  const letters = span(picture ? "kiosk-service-prefix" : "kiosk-service-letters", prefix);
  return node(
    "span",
    { class: "kiosk-service-mark", "aria-hidden": "true" },
    picture ? picture.cloneNode(true) : null,
    letters,
  );
}

function cardOf(key, icon, prefix, onTap) {
  const data = key === PRIVATE ? "data-private" : "data-service";
  const button = node(
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
  const button = node(
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
  const prefix = services.find((service) => service.private).prefix;
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
  const sending = busy && pending && pending.service === service.id;
  status.textContent = sending ? t("ui.kiosk.busy") : statusText(service);
  button.classList.toggle("is-closed", !service.open);
  button.setAttribute("aria-busy", String(sending));
  button.disabled = busy || unreachable() || !service.open || page.issuing === "none";
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
  button.querySelector(".kiosk-service-status").textContent = waitingText(privateWaiting);
  button.disabled = busy || unreachable() || page.issuing === "none";
}

// The buttons the screen shows now: every public service and the neutral one, or, once that
// is opened, the private services.
function shownKeys() {
  const privateIds = services.filter((service) => service.private).map((service) => service.id);
  if (privateOpen) return privateIds;
  const keys = services.filter((service) => !service.private).map((service) => service.id);
  return privateIds.length ? [...keys, PRIVATE] : keys;
}

// Build the buttons only when the services shown change: a button replaced under a citizen's
// finger would lose the tap.
function renderServices() {
  const keys = shownKeys();
  if ([...buttons.keys()].join(" ") !== keys.join(" ")) {
    const byId = new Map(services.map((service) => [service.id, service]));
    buttons = new Map(
      keys.map((key) => [key, key === PRIVATE ? privateButton() : serviceButton(byId.get(key))]),
    );
    el.services.replaceChildren(
      ...[...buttons].map(([key, button]) => node("li", {}, button, checkButton(key))),
    );
    layoutGrid();
  }
  for (const service of services) {
    if (buttons.has(service.id)) updateButton(buttons.get(service.id), service);
  }
  if (buttons.has(PRIVATE)) updatePrivateButton(buttons.get(PRIVATE));
  el.headingAll.hidden = privateOpen;
  el.headingPrivate.hidden = !privateOpen;
  el.unreachable.hidden = !unreachable();
  el.services.classList.toggle("is-unreachable", unreachable());
  for (const check of el.services.querySelectorAll(".kiosk-check")) check.disabled = busy;
  for (const choice of priorityChoices) choice.disabled = busy;
  el.language.disabled = busy;
  el.privateBack.disabled = busy;
  renderRequirements();
}

function openPrivate(open) {
  privateOpen = open;
  renderServices();
  (open ? el.privateBack : buttons.get(PRIVATE))?.focus();
}

// Columns that fill the screen without scrolling, in portrait and in landscape.
function layoutGrid() {
  const count = Math.max(1, buttons.size);
  const portrait = window.innerHeight >= window.innerWidth;
  let columns;
  if (portrait) columns = count <= 3 ? 1 : 2;
  else if (count <= 2) columns = count;
  else if (count <= 4) columns = 2;
  else if (count <= 6) columns = 3;
  else columns = 4;
  el.services.style.setProperty("--columns", String(columns));
  el.services.style.setProperty("--rows", String(Math.ceil(count / columns)));
}

// ---- reaching the server -----------------------------------------------------------------

function unreachable() {
  return !online || requestFailed;
}

function setReachable(answered) {
  requestFailed = !answered;
  clearTimeout(unreachableRetry);
  if (requestFailed) unreachableRetry = setTimeout(refreshServices, UNREACHABLE_RETRY_MS);
  renderServices();
}

async function refreshServices() {
  try {
    services = (await api("GET", "/api/services")).services;
  } catch (error) {
    if (error.status === 0 || error.status >= 500) setReachable(false);
    return;
  }
  setReachable(true);
}

function applyWaiting(waiting) {
  for (const service of services) {
    if (service.id in waiting) service.waiting = waiting[service.id];
  }
  if (PRIVATE in waiting) privateWaiting = waiting[PRIVATE];
  renderServices();
}

// ---- priority --------------------------------------------------------------------------

function renderPriority() {
  for (const choice of priorityChoices) {
    choice.setAttribute("aria-pressed", String(choice.dataset.reason === priorityReason));
  }
  el.priorityOn.hidden = priorityReason === null;
  el.services.classList.toggle("is-priority", priorityReason !== null);
}

function choosePriority(reason) {
  priorityReason = priorityReason === reason ? null : reason;
  renderPriority();
}

// ---- taking a number -------------------------------------------------------------------

function newKey() {
  if (window.isSecureContext && crypto.randomUUID) return crypto.randomUUID();
  // Plain http on the hall's LAN has no randomUUID; 128 random bits do the same job.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function setBusy(on) {
  busy = on;
  renderServices();
}

function showAlert(text, canRetry) {
  el.alertText.textContent = text;
  el.retry.hidden = !canRetry;
  el.alert.hidden = false;
}

function hideAlert() {
  el.alert.hidden = true;
}

function tap(serviceId) {
  if (busy) return;
  const body = { service: serviceId, priority: priorityReason !== null };
  if (page.kiosk) body.kiosk = page.kiosk;
  pending = { key: newKey(), body, service: serviceId };
  const service = services.find((item) => item.id === serviceId);
  if (service && service.reference && service.reference !== "none") {
    askReference(service);
    return;
  }
  send();
}

// ---- "Cek persyaratan": a service's documents to bring, before its number ------------------

const requirements = {
  screen: element("requirements"),
  title: element("requirements-title"),
  list: element("requirements-list"),
  time: element("requirements-time"),
  cost: element("requirements-cost"),
  status: element("requirements-status"),
  back: element("requirements-back"),
  take: element("requirements-take"),
  service: null, // the service whose requirements are shown
};

function openRequirements(serviceId) {
  requirements.service = serviceId;
  el.start.hidden = true;
  requirements.screen.hidden = false;
  renderRequirements();
  requirements.title.focus();
}

function closeRequirements() {
  requirements.service = null;
  requirements.screen.hidden = true;
  el.start.hidden = false;
}

function renderRequirements() {
  const id = requirements.service;
  if (id === null) return;
  const standard = page.standards[id];
  const service = services.find((item) => item.id === id);
  requirements.title.textContent = t("ui.standard.requirements_of", { service: serviceName(id) });
  requirements.list.replaceChildren(
    ...standard.requirements.map((item) => node("li", {}, inLanguage(item))),
  );
  requirements.time.textContent = inLanguage(standard.time);
  requirements.cost.textContent = inLanguage(standard.cost);
  const open = Boolean(service && service.open);
  requirements.status.textContent = open ? "" : statusText(service);
  requirements.status.hidden = open;
  requirements.take.disabled = busy || unreachable() || !open || page.issuing === "none";
}

requirements.back.addEventListener("click", () => {
  const id = requirements.service;
  closeRequirements();
  el.services.querySelector(`[data-check="${id}"]`)?.focus();
});
requirements.take.addEventListener("click", () => {
  const id = requirements.service;
  closeRequirements();
  tap(id);
});

// ---- typed entries: a code or a number on its own screen, with the keypad (keypad.js) -----

// Show one entry form in place of the start screen, or (null) the start screen again.
function showEntry(form) {
  for (const one of [booking.form, reference.form]) one.hidden = one !== form;
  el.entry.hidden = !form;
  el.start.hidden = Boolean(form);
  form?.querySelector("input").focus();
}

// ---- a registration number from another system, where the service asks for it -----------

const reference = {
  form: element("reference-form"),
  service: element("reference-service"),
  input: element("reference-input"),
  error: element("reference-error"),
  help: element("reference-help"),
  back: element("reference-back"),
  skip: element("reference-skip"),
};

function askReference(service) {
  reference.required = service.reference === "required";
  reference.input.value = "";
  reference.error.hidden = true;
  reference.skip.hidden = reference.required;
  reference.help.dataset.i18n = reference.required
    ? "ui.kiosk.reference_required_help"
    : "ui.kiosk.reference_optional_help";
  reference.help.textContent = t(reference.help.dataset.i18n);
  renderReference();
  showEntry(reference.form);
}

function renderReference() {
  if (pending) reference.service.textContent = serviceName(pending.service);
}

function sendWithReference(event) {
  event.preventDefault();
  const value = reference.input.value;
  if (!value.trim() && reference.required) {
    reference.error.dataset.i18n = "ui.kiosk.reference_required";
    reference.error.textContent = t(reference.error.dataset.i18n);
    reference.error.hidden = false;
    reference.input.focus();
    return;
  }
  if (value.trim()) pending.body.reference = value;
  showEntry(null);
  send();
}

reference.form.addEventListener("submit", sendWithReference);
reference.skip.addEventListener("click", () => {
  showEntry(null);
  send();
});
reference.back.addEventListener("click", () => {
  pending = null;
  showEntry(null);
});

// ---- "Sudah punya kode booking?": a typed code, or a scanner typing the QR's link + Enter --

const booking = {
  open: element("booking-open"),
  form: element("booking-form"),
  code: element("booking-code"),
  close: element("booking-close"),
  problem: element("booking-problem"),
  title: element("booking-problem-title"),
  text: element("booking-problem-text"),
  hint: element("booking-problem-hint"),
};

// What the kiosk says when a booking cannot be checked in: a title and what to do instead.
const BOOKING_PROBLEMS = {
  too_early: ["ui.kiosk.booking_too_early_title", "ui.kiosk.booking_too_early_hint"],
  booking_expired: ["ui.kiosk.booking_expired_title", "ui.kiosk.booking_expired_hint"],
  not_found: ["ui.kiosk.booking_unknown_title", "ui.kiosk.booking_unknown_hint"],
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
  if (!typed || busy) return;
  // A scanned booking link ends in /b/<token>: the token names the booking as well as its code.
  const code = typed.includes("/b/") ? typed.split("/b/").pop().replace(/\/+$/, "") : typed;
  // The same code sent again (its answer was lost) carries the same key: only that retry gets
  // the ticket's token back, so its QR code can still be shown.
  if (!checkInKey || checkInKey.code !== code) checkInKey = { code, key: newKey() };
  setBusy(true);
  try {
    const reply = await api(
      "POST",
      `/api/bookings/${encodeURIComponent(code)}/check-in`,
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
// the start screen into the booking code.
document.addEventListener("keydown", (event) => {
  const typing = event.target instanceof HTMLInputElement;
  const printable = event.key.trim().length === 1; // not Space: it presses the focused key
  if (typing || !printable || event.ctrlKey || event.altKey || event.metaKey) return;
  if (!el.start.hidden && !booking.open.closest("section").hidden) openBooking(true);
  el.entry.querySelector("form:not([hidden]) input")?.focus();
});

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Send the pending tap; a lost answer is retried with the same key, so the server hands back
// the ticket it already issued instead of a second one.
async function send() {
  hideAlert();
  setBusy(true);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const reply = await api("POST", "/api/tickets", pending.body, {
        "Idempotency-Key": pending.key,
      });
      pending = null;
      setBusy(false);
      showConfirmation(reply.ticket, reply.print);
      return;
    } catch (error) {
      const unanswered = error.status === 0 || error.status >= 500;
      if (unanswered && attempt < RETRY_DELAYS_MS.length) {
        await sleep(RETRY_DELAYS_MS[attempt]);
        continue;
      }
      setBusy(false);
      if (unanswered) {
        showAlert(t("ui.kiosk.network_error"), true);
        setReachable(false);
      } else {
        pending = null;
        showAlert(error.message, false);
        refreshServices();
      }
      return;
    }
  }
}

// ---- the confirmation ------------------------------------------------------------------

function renderConfirmation() {
  const { ticket } = current;
  el.number.textContent = ticket.number;
  el.service.textContent = serviceName(ticket.service);
  el.priority.hidden = !ticket.priority;
  el.ahead.textContent = ticket.ahead
    ? t("ui.kiosk.ahead_people", { n: ticket.ahead })
    : t("ui.kiosk.ahead_none");
  el.wait.textContent = waitText(ticket.estimated_wait);
  el.qr.alt = t("ui.kiosk.qr_alt", { number: ticket.number });
  const trouble = PRINT_TROUBLE.includes(current.print);
  let tone = trouble ? "notice-error" : "notice-ok";
  if (current.print === "unconfirmed") tone = "notice-warn";
  el.printMessage.textContent = current.message || t(`ui.kiosk.print.${current.print}`);
  el.printMessage.className = `kiosk-confirm-print notice ${tone}`;
  el.printMessage.dataset.print = current.print;
  el.reprint.hidden = !trouble || current.reprintRefused;
  el.reprint.disabled = current.print === "reprinting";
  el.reprint.textContent = t(
    current.print === "reprinting" ? "ui.kiosk.reprinting" : "ui.kiosk.reprint",
  );
  renderCountdown();
}

function showConfirmation(ticket, print) {
  if (page.issuing === "phone") {
    window.location.assign(ticket.status_url); // a phone keeps its ticket on its own page
    return;
  }
  current = { ticket, print: print.status, message: null, reprintRefused: false };
  // A booking checked in again answers with its number only: no QR code to show.
  el.qr.closest("figure").hidden = !ticket.token;
  if (ticket.token) el.qr.src = `/t/${encodeURIComponent(ticket.token)}/qr.svg`;
  el.start.hidden = true;
  el.confirm.hidden = false;
  renderConfirmation();
  const trouble = PRINT_TROUBLE.includes(print.status);
  startCountdown(trouble ? SCREEN.failed_print_seconds : SCREEN.reset_seconds);
  el.confirmTicket.focus(); // a screen reader reads the number first; Tab reaches "Done"
}

async function reprint() {
  stopCountdown();
  current.print = "reprinting";
  current.message = null;
  renderConfirmation();
  try {
    const reply = await api("POST", `/api/tickets/${encodeURIComponent(current.ticket.token)}/reprint`);
    current.ticket = reply.ticket;
    current.print = { printed: "reprinted", unconfirmed: "unconfirmed" }[reply.print.status];
    current.print ||= "reprint_failed";
  } catch (error) {
    current.print = "reprint_failed";
    if (error.status >= 400 && error.status < 500) {
      current.message = error.message; // e.g. reprinted too often: an officer helps
      current.reprintRefused = true;
    }
  }
  renderConfirmation();
  startCountdown(
    current.print === "reprinted" ? SCREEN.reset_seconds : SCREEN.failed_print_seconds,
  );
}

function renderCountdown() {
  el.countdown.textContent = countdown ? t("ui.kiosk.back_in", { n: countdown.remaining }) : "";
}

function startCountdown(seconds) {
  stopCountdown();
  countdown = { remaining: seconds, timer: null };
  countdown.timer = setInterval(() => {
    countdown.remaining -= 1;
    if (countdown.remaining <= 0) backToStart();
    else renderCountdown();
  }, 1000);
  renderCountdown();
}

function stopCountdown() {
  if (countdown) clearInterval(countdown.timer);
  countdown = null;
}

// The next citizen starts fresh: station language, no priority, no message.
function backToStart() {
  stopCountdown();
  current = null;
  priorityReason = null;
  privateOpen = false;
  hideAlert();
  el.qr.removeAttribute("src");
  showEntry(null);
  closeRequirements();
  el.confirm.hidden = true;
  switchLanguage(DEFAULT_LANGUAGE);
  renderPriority();
  refreshServices();
}

// ---- language, clock, idle -------------------------------------------------------------

function switchLanguage(language) {
  setLanguage(language);
  translatePage();
  el.language.lang = otherLanguage();
  renderServices();
  renderClock();
  renderReference();
  if (current) renderConfirmation();
}

function renderClock() {
  const now = new Date().toISOString();
  el.clockTime.textContent = formatTime(now);
  el.clockDate.textContent = formatDate(now);
}

// A citizen who walked away leaves no priority or language behind for the next one.
function resetWhenIdle() {
  const changed =
    priorityReason !== null ||
    privateOpen ||
    !el.entry.hidden ||
    !requirements.screen.hidden ||
    currentLanguage() !== DEFAULT_LANGUAGE;
  const idle = Date.now() - lastTouch > SCREEN.idle_seconds * 1000;
  if (!current && !busy && idle && (changed || !el.alert.hidden)) {
    pending = null;
    backToStart();
  }
}

// ---- wiring ----------------------------------------------------------------------------

el.language.addEventListener("click", () => switchLanguage(otherLanguage()));
el.retry.addEventListener("click", () => pending && send());
el.priorityCancel.addEventListener("click", () => choosePriority(null));
el.privateBack.addEventListener("click", () => openPrivate(false));
for (const choice of priorityChoices) {
  choice.addEventListener("click", () => choosePriority(choice.dataset.reason));
}
el.finish.addEventListener("click", backToStart);
el.reprint.addEventListener("click", reprint);
document.addEventListener("pointerdown", () => (lastTouch = Date.now()), { capture: true });
document.addEventListener("contextmenu", (event) => event.preventDefault()); // long press
window.addEventListener("resize", layoutGrid);
setInterval(resetWhenIdle, 1000);
setInterval(renderClock, CLOCK_MS);
setInterval(refreshServices, REFRESH_MS);

connectLive({
  onSnapshot: (state) => {
    applyWaiting(state.waiting);
    refreshServices();
  },
  onEvent: (name, payload) => {
    if (name === "queue.waiting") applyWaiting(payload.waiting);
  },
  onStatus: (connected) => {
    online = connected;
    el.offline.hidden = connected;
    renderServices();
  },
});

switchLanguage(DEFAULT_LANGUAGE);
renderPriority();
