// The officer's console: log in, choose a counter, then call and serve citizens.
// Actions go over Socket.IO with an acknowledgement that carries the counter as it is after
// the action; every action names the ticket this screen shows (`current`), so a second
// console or a stale dialog can never act on someone else: the server refuses, and the
// screen redraws. Board events made elsewhere that concern this counter reload its state.
// Leaving a counter while serving (another counter, logging out, a break, closing) first asks
// whether the citizen was served or goes back to the front of the queue. The console tells
// the server it is at its counter (`counter.attend`, repeated), so oversight sees who is where.

import { api } from "/static/js/api.js";
import { byId as $, el, showNotice } from "/static/js/dom.js";
import { keepingFocus } from "/static/js/focus.js";
import {
  currentLanguage,
  formatDate,
  formatNumber,
  formatTime,
  inLanguage,
  page,
  serviceName,
  t,
} from "/static/js/i18n.js";
import { act, connectLive } from "/static/js/live.js";
import { bindLogin, logOut } from "/static/js/session.js";
import "./printer-notice.js";

const COUNTER_KEY = "satupintu.counter";
const ACTIONS_ON_CURRENT = new Set(["recall", "done", "no_show", "transfer"]);
const WAITED_REFRESH_MS = 30000;
const ATTEND_FALLBACK_SECONDS = 60;

const services = new Map(page.services.map((service) => [service.id, service]));
const counters = new Map(page.counters.map((counter) => [counter.id, counter]));

const state = {
  user: null,
  counter: null, // the chosen counter from page data: {id, name, services}
  socket: null,
  online: false,
  busy: false,
  current: null, // the counter's called ticket (T) or null
  counterState: "open",
  waiting: [],
  noShows: [],
  today: { served: 0, no_show: 0, transferred: 0 },
  seq: 0, // the newest board event the shown state includes
  missedSeq: 0, // the newest board event about this counter seen while an action ran
  lastWaiting: {}, // waiting counts per service, to notice changes in `queue.waiting`
  present: [], // the officers whose consoles are at this counter now
};

// The ticket this screen shows at the counter, as actions name it (null: nobody).
function shownNumber() {
  return state.current ? state.current.number : null;
}

// Show one of the three views; when the view changes, the keyboard's place moves into it.
let shownView = null;

function show(view) {
  for (const id of ["login-view", "choose-view", "desk-view"]) $(id).hidden = id !== view;
  $("user-area").hidden = view === "login-view";
  if (view === shownView) return;
  shownView = view;
  const first = {
    "login-view": () => $("username"),
    "choose-view": () => document.querySelector(".choose-button"),
    "desk-view": focusFallback,
  }[view]();
  if (first) first.focus();
}

// The words an officer reads for a failed request or action.
function messageOf(error) {
  if (!error) return t("ui.counter.error_network");
  if (error.code === "network") return t("ui.counter.error_network");
  if (error.code === "timeout") return t("ui.counter.error_timeout");
  return error.message || t("ui.counter.error_network");
}

// ---- login, counter choice, logout -----------------------------------------------------------

async function start() {
  try {
    const { user } = await api("GET", "/api/me");
    loggedIn(user);
  } catch (error) {
    loggedOut(error.status === 401 ? "" : messageOf(error));
  }
}

// The server says which counters this user may see and act at (their units).
function mayActAt(counter) {
  return Boolean(state.user && state.user.counters.includes(counter.id));
}

function loggedIn(user) {
  state.user = user;
  $("user-name").textContent = t("ui.counter.signed_in", { user: user.username });
  connect();
  const remembered = counters.get(localStorage.getItem(COUNTER_KEY));
  if (remembered && mayActAt(remembered)) openDesk(remembered);
  else chooseCounter();
}

function loggedOut(message = "") {
  state.user = null;
  if (state.socket) state.socket.disconnect();
  state.socket = null;
  setOnline(true);
  show("login-view");
  showNotice($("login-error"), message);
}

bindLogin($("login-form"), {
  error: $("login-error"),
  submit: $("login-submit"),
  onLoggedIn: loggedIn,
  describe: messageOf,
});

$("logout").addEventListener("click", () =>
  leavingCounter("logout", async () => {
    leave();
    await logOut(); // an unreachable server: this screen logs out anyway
    loggedOut();
  }),
);

function chooseCounter() {
  leave();
  const list = $("choose-list");
  list.replaceChildren();
  for (const counter of [...counters.values()].filter(mayActAt)) {
    const button = el(
      "button",
      { type: "button", class: "btn choose-button" },
      el("strong", {}, inLanguage(counter.name)),
      el("span", {}, counter.services.map((id) => serviceName(id)).join(", ")),
    );
    button.addEventListener("click", () => openDesk(counter));
    list.append(el("li", {}, button));
  }
  $("counter-name").textContent = "";
  state.counter = null;
  show("choose-view");
}

$("change-counter").addEventListener("click", () => {
  if (state.counter) leavingCounter("change", chooseCounter);
  else chooseCounter();
});

function openDesk(counter) {
  localStorage.setItem(COUNTER_KEY, counter.id);
  state.counter = counter;
  state.current = null;
  state.waiting = [];
  state.noShows = [];
  state.seq = 0;
  state.present = [];
  $("counter-name").textContent = inLanguage(counter.name);
  $("booking-open").hidden = bookableServices().length === 0;
  show("desk-view");
  render();
  refresh();
  attend();
}

// ---- presence at the counter -----------------------------------------------------------------

let attendTimer = null;

// Tell the server this console is at its counter, now and every heartbeat while connected.
async function attend() {
  clearTimeout(attendTimer);
  if (!state.counter || !state.socket || !state.socket.connected) return;
  const ack = await act(state.socket, "counter.attend", { counter: state.counter.id });
  const seconds = (ack.ok && ack.heartbeat_seconds) || ATTEND_FALLBACK_SECONDS;
  attendTimer = setTimeout(attend, seconds * 1000);
}

function leave() {
  clearTimeout(attendTimer);
  if (state.counter && state.socket && state.socket.connected) act(state.socket, "counter.leave", {});
}

// Before the officer leaves the counter (`why`: change, logout, break, closed) while a citizen
// is served there, ask what became of the citizen and do it; then `next` runs. Staying at the
// counter runs nothing.
function leavingCounter(why, next) {
  const ticket = state.current;
  if (!ticket) {
    next();
    return;
  }
  const dialog = $("leave-dialog");
  dialog.dataset.current = ticket.number;
  $("leave-title").textContent = t("ui.counter.leave_title", { number: ticket.number });
  $("leave-text").textContent = t(`ui.counter.leave_text.${why}`);
  showNotice($("leave-error"), "");
  const settle = (action, button) => async () => {
    const ack = await performShowingError(
      action,
      { current: dialog.dataset.current },
      button,
      $("leave-error"),
    );
    if (ack && ack.ok) {
      dialog.close();
      next();
    }
  };
  $("leave-done").onclick = settle("done", $("leave-done"));
  $("leave-return").onclick = settle("return", $("leave-return"));
  dialog.showModal();
  $("leave-done").focus();
}

// ---- the live connection ---------------------------------------------------------------------

function connect() {
  if (state.socket) return;
  state.online = false; // no action until the socket is up (the login screen showed none)
  renderButtons();
  state.socket = connectLive({
    auth: { language: currentLanguage() }, // acks come back in the page's language
    onSnapshot: (snapshot) => {
      state.lastWaiting = snapshot.waiting;
      refresh();
      attend(); // after every (re)connection: this console is at its counter again
    },
    onEvent: (name, payload) => {
      if (!concernsThisCounter(name, payload)) return;
      if (state.busy) state.missedSeq = Math.max(state.missedSeq, payload.seq);
      else if (payload.seq > state.seq) refresh();
    },
    onStatus: setOnline,
  });
  state.socket.on("counter.presence", (change) => {
    if (state.counter && change.counter === state.counter.id) refresh();
  });
}

// Board events that change what this console shows: anything at this counter, and any change
// in the number of people waiting for one of its services (every issue, call, transfer,
// put-back and expiry is followed by `queue.waiting`; the hall hears of private services only
// together, under "private").
function concernsThisCounter(name, payload) {
  if (!state.counter) return false;
  if (payload.counter === state.counter.id) return true;
  if (name !== "queue.waiting") return false;
  const key = (id) => (id in payload.waiting ? id : "private");
  const changed = state.counter.services.some(
    (id) => payload.waiting[key(id)] !== state.lastWaiting[key(id)],
  );
  state.lastWaiting = payload.waiting;
  return changed;
}

function setOnline(online) {
  state.online = online;
  $("connection-lost").hidden = online || !state.user;
  $("offline-mark").hidden = online || !state.user;
  renderButtons();
}

// Reload the counter's state; calls that arrive while one is running coalesce into one more.
let loading = null;
let loadAgain = false;
let loadFailed = false; // the error shown comes from a failed reload, not from an action

function refresh() {
  if (loading) {
    loadAgain = true;
    return loading;
  }
  loading = (async () => {
    do {
      loadAgain = false;
      await load();
    } while (loadAgain);
  })().finally(() => {
    loading = null;
  });
  return loading;
}

// The counter as the server says it is now (an acknowledgement or GET /api/counters/<id>).
// An answer read before one already shown (a slow reload overtaken by an action) is dropped.
function applyDesk(desk) {
  if (!state.counter || desk.id !== state.counter.id || desk.seq < state.seq) return;
  state.current = desk.ticket;
  state.counterState = desk.state;
  state.waiting = desk.waiting;
  state.noShows = desk.no_shows;
  state.today = desk.today;
  state.present = desk.present;
  state.seq = desk.seq;
  render();
}

async function load() {
  const counter = state.counter;
  if (!counter || !state.user) return;
  try {
    const desk = await api("GET", `/api/counters/${encodeURIComponent(counter.id)}`);
    if (counter !== state.counter) return; // the officer switched counters meanwhile
    if (loadFailed) showNotice($("action-error"), "");
    loadFailed = false;
    applyDesk(desk);
  } catch (error) {
    if (error.status === 401) {
      loggedOut(error.message);
    } else {
      loadFailed = true;
      showNotice($("action-error"), messageOf(error));
    }
  }
}

// ---- actions ---------------------------------------------------------------------------------

// Send one action naming the ticket this screen shows (a dialog passes the one it was opened
// for as `extra.current`). The answer redraws the screen; a refusal because someone else
// acted first redraws it from the server.
async function perform(action, extra = {}, button = null) {
  if (state.busy || !state.counter) return null;
  if (!state.socket || !state.socket.connected) {
    showNotice($("action-error"), t("ui.counter.error_offline"));
    return null;
  }
  state.busy = true;
  state.missedSeq = 0;
  if (button) button.setAttribute("aria-busy", "true");
  renderButtons();
  showNotice($("action-error"), "");
  loadFailed = false;
  const ack = await act(state.socket, action, {
    counter: state.counter.id,
    current: shownNumber(),
    ...extra,
  });
  state.busy = false;
  if (button) button.removeAttribute("aria-busy");
  if (ack.ok) {
    applyDesk(ack.counter);
    if (state.missedSeq > state.seq) refresh();
  } else if (ack.error.code === "unauthorized") {
    loggedOut(ack.error.message);
  } else if (ack.error.code === "conflict" || state.missedSeq > state.seq) {
    refresh();
  }
  renderButtons();
  return ack;
}

async function performShowingError(action, extra, button, errorElement) {
  const ack = await perform(action, extra, button);
  if (ack && !ack.ok) showNotice(errorElement, messageOf(ack.error));
  return ack;
}

for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => {
    if (button.dataset.action === "transfer") openTransfer();
    else performShowingError(button.dataset.action, {}, button, $("action-error"));
  });
}

for (const button of document.querySelectorAll("[data-state]")) {
  const change = () =>
    performShowingError("state", { state: button.dataset.state }, button, $("action-error"));
  button.addEventListener("click", () => {
    if (button.dataset.state === "open") change();
    else leavingCounter(button.dataset.state, change);
  });
}

// One key per action, shown on its button; never while typing or while a dialog is open.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if ($("desk-view").hidden || document.querySelector("dialog[open]")) return;
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const button = document.querySelector(`[data-key="${CSS.escape(event.key.toLowerCase())}"]`);
  if (!button) return;
  event.preventDefault();
  if (!button.disabled) button.click();
});

for (const close of document.querySelectorAll("dialog [data-close]")) {
  close.addEventListener("click", () => close.closest("dialog").close());
}

// A closed dialog gives the focus back to the button that opened it; when that button is
// gone (the list was redrawn meanwhile), the keyboard's place is the main action.
for (const dialog of document.querySelectorAll("dialog")) {
  dialog.addEventListener("close", () => {
    if (!document.activeElement || document.activeElement === document.body) {
      focusFallback().focus();
    }
  });
}

// The transfer dialog lists the services open now (a quota used up for today does not close
// a service to transfers), each with how many wait there; the citizen may go straight to the
// front of that queue, with a reason kept for the fairness report.
async function openTransfer() {
  const ticket = state.current;
  if (!ticket) return;
  const dialog = $("transfer-dialog");
  dialog.dataset.current = ticket.number; // the citizen this dialog moves, and nobody else
  $("transfer-title").textContent = t("ui.counter.transfer_title", { number: ticket.number });
  showNotice($("transfer-error"), "");
  $("transfer-front").checked = false;
  $("transfer-reason").value = "";
  showFrontReason();
  $("transfer-list").replaceChildren();
  $("transfer-loading").hidden = false;
  $("transfer-none").hidden = true;
  dialog.showModal();
  try {
    const { services: now } = await api("GET", "/api/services");
    renderTransferChoices(
      now.filter(
        (service) =>
          service.id !== ticket.service && (service.open || service.closed_reason === "quota"),
      ),
    );
  } catch (error) {
    showNotice($("transfer-error"), messageOf(error));
  } finally {
    $("transfer-loading").hidden = true;
  }
}

function renderTransferChoices(choices) {
  const dialog = $("transfer-dialog");
  $("transfer-none").hidden = choices.length > 0;
  const items = choices.map((service, index) => {
    const button = el(
      "button",
      {
        type: "button",
        class: "btn transfer-choice",
        "data-focus-key": `transfer:${service.id}`,
        "data-service": service.id,
      },
      index < 9 ? el("kbd", {}, String(index + 1)) : null,
      el("span", { class: "transfer-name" }, `${service.prefix} · ${serviceName(service.id)}`),
      el("span", { class: "transfer-waiting" }, t("ui.counter.transfer_waiting", { n: service.waiting })),
    );
    button.addEventListener("click", async () => {
      const front = $("transfer-front").checked;
      const reason = $("transfer-reason").value.trim();
      if (front && !reason) {
        showNotice($("transfer-error"), t("ui.counter.transfer_reason_needed"));
        $("transfer-reason").focus();
        return;
      }
      const ack = await performShowingError(
        "transfer",
        { service: service.id, current: dialog.dataset.current, front, ...(front ? { reason } : {}) },
        button,
        $("transfer-error"),
      );
      if (ack && ack.ok) dialog.close();
    });
    return el("li", {}, button);
  });
  $("transfer-list").replaceChildren(...items);
  const first = $("transfer-list").querySelector("button");
  if (first) first.focus();
}

function showFrontReason() {
  const front = $("transfer-front").checked;
  $("transfer-reason").hidden = !front;
  $("transfer-reason-label").hidden = !front;
  $("transfer-reason").required = front;
}

$("transfer-front").addEventListener("change", () => {
  showFrontReason();
  if ($("transfer-front").checked) $("transfer-reason").focus();
});

// In the transfer list, the digits 1-9 choose a service.
$("transfer-dialog").addEventListener("keydown", (event) => {
  if (!/^[1-9]$/.test(event.key) || event.target.closest("input")) return;
  const choice = $("transfer-list").querySelectorAll(".transfer-choice")[Number(event.key) - 1];
  if (choice) {
    event.preventDefault();
    choice.click();
  }
});

function openCall(number) {
  const dialog = $("call-dialog");
  dialog.dataset.number = number;
  // The citizen served now is finished as done by this call: only the one shown when it opened.
  dialog.dataset.current = shownNumber() || "";
  $("call-title").textContent = t("ui.counter.call_this_label", { number });
  $("call-reason").value = "";
  showNotice($("call-error"), "");
  dialog.showModal();
  $("call-reason").focus();
}

$("call-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const dialog = $("call-dialog");
  const ack = await performShowingError(
    "call",
    {
      number: dialog.dataset.number,
      reason: $("call-reason").value.trim(),
      current: dialog.dataset.current || null,
    },
    $("call-submit"),
    $("call-error"),
  );
  if (ack && ack.ok) dialog.close();
});

// An officer gives a waiting citizen priority (seen at the counter: a disability, old age,
// pregnant or nursing); the reason goes to the fairness report.
function openPriority(number) {
  const dialog = $("priority-dialog");
  dialog.dataset.number = number;
  $("priority-title").textContent = t("ui.counter.priority_title", { number });
  $("priority-form").reset();
  showNotice($("priority-error"), "");
  dialog.showModal();
  dialog.querySelector('input[name="priority-reason"]').focus();
}

$("priority-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const dialog = $("priority-dialog");
  const chosen = dialog.querySelector('input[name="priority-reason"]:checked');
  const note = $("priority-note").value.trim();
  if (!chosen) return;
  if (chosen.value === "other" && !note) {
    showNotice($("priority-error"), t("ui.counter.priority_note_needed"));
    $("priority-note").focus();
    return;
  }
  const label = chosen.value === "other" ? "" : t(`ui.counter.priority_reason.${chosen.value}`);
  const reason = [label, note].filter(Boolean).join(": ");
  const ack = await performShowingError(
    "prioritize",
    { number: dialog.dataset.number, reason },
    $("priority-submit"),
    $("priority-error"),
  );
  if (ack && ack.ok) dialog.close();
});

// ---- bookings at the counter -----------------------------------------------------------------

// The counter's services that citizens may book ahead.
function bookableServices() {
  return state.counter ? state.counter.services.filter((id) => services.get(id).bookable) : [];
}

// The booking dialog lists today's bookings of this counter's services and books a slot for
// a citizen ("come back tomorrow at 09.00"), then prints the slip on the station's printer.
async function openBookings() {
  const dialog = $("booking-dialog");
  showNotice($("booking-error"), "");
  showNotice($("booking-print-status"), "");
  $("booking-made").hidden = true;
  $("booking-form").reset();
  $("booking-service").replaceChildren(
    ...bookableServices().map((id) => el("option", { value: id }, serviceName(id))),
  );
  dialog.showModal();
  $("booking-service").focus();
  await Promise.all([loadTodaysBookings(), loadSlots()]);
}

async function loadTodaysBookings() {
  try {
    const today = await api("GET", `/api/bookings?counter=${encodeURIComponent(state.counter.id)}`);
    const rows = bookableServices().flatMap((id) =>
      (today.services[id] || []).map((booking) => bookingRow(id, booking)),
    );
    $("booking-today-empty").hidden = rows.length > 0;
    $("booking-today").replaceChildren(...rows);
  } catch (error) {
    showNotice($("booking-error"), messageOf(error));
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
  const service = $("booking-service").value;
  const select = $("booking-slot");
  select.replaceChildren();
  if (!service) return;
  if (!$("booking-day").value) $("booking-day").value = stationToday();
  const query = new URLSearchParams({ service, date: $("booking-day").value });
  try {
    const found = await api("GET", `/api/bookings/slots?${query}`);
    $("booking-day").min = found.first_date;
    $("booking-day").max = found.last_date;
    if (found.date < found.first_date) {
      // The calendar day is not the service day yet (before `day_starts_at`): start there.
      $("booking-day").value = found.first_date;
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
    showNotice($("booking-error"), messageOf(error));
  }
}

// Today's date (YYYY-MM-DD) at the station, whatever this computer's time zone.
function stationToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: page.timezone }).format(new Date());
}

$("booking-service").addEventListener("change", loadSlots);
$("booking-day").addEventListener("change", loadSlots);

$("booking-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  showNotice($("booking-error"), "");
  const reference = $("booking-reference").value.trim();
  const submit = $("booking-submit");
  submit.setAttribute("aria-busy", "true");
  try {
    const { booking } = await api("POST", "/api/bookings", {
      service: $("booking-service").value,
      starts_at: $("booking-slot").value,
      ...(reference ? { reference } : {}),
    });
    $("booking-made-code").textContent = booking.code;
    $("booking-made-time").textContent =
      `${formatDate(booking.starts_at)} ${formatTime(booking.starts_at)} · ${serviceName(booking.service)}`;
    $("booking-made").hidden = false;
    $("booking-reference").value = ""; // the next citizen's form: theirs is not this one's
    $("booking-dialog").scrollTop = 0; // the code is at the dialog's top, where the officer looks
    $("booking-made").focus();
    await printBooking(booking.code);
    await Promise.all([loadTodaysBookings(), loadSlots()]);
  } catch (error) {
    showNotice($("booking-error"), messageOf(error));
  } finally {
    submit.removeAttribute("aria-busy");
  }
});

async function printBooking(code) {
  const notice = $("booking-print-status");
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

$("booking-open").addEventListener("click", openBookings);

// ---- drawing the screen ----------------------------------------------------------------------

// Where the focus goes when the focused control disappears or turns disabled (e.g. "Done"
// once nobody is served): the main action if it can be used, else the current ticket.
function focusFallback() {
  const callNext = document.querySelector('[data-action="call_next"]');
  return callNext && !callNext.disabled ? callNext : $("current-title");
}

function render() {
  keepingFocus(() => {
    renderCurrent();
    renderWaiting();
    renderNoShows();
    for (const [key, id] of [
      ["served", "today-served"],
      ["no_show", "today-no-show"],
      ["transferred", "today-transferred"],
    ]) {
      $(id).textContent = formatNumber(state.today[key] || 0);
    }
    renderButtons();
  }, focusFallback);
}

function renderCurrent() {
  const ticket = state.current;
  $("current-number").textContent = ticket ? ticket.number : "—";
  $("current-service").textContent = ticket ? serviceName(ticket.service) : t("ui.counter.no_current");
  $("current-priority").hidden = !(ticket && ticket.priority);
  $("current-booked").hidden = !(ticket && ticket.booked);
  $("current-booked").textContent = ticket && ticket.booked ? bookedText(ticket) : "";
  $("current-reference").hidden = !(ticket && ticket.reference);
  $("current-reference").textContent =
    ticket && ticket.reference ? t("ui.counter.reference", { reference: ticket.reference }) : "";
  $("current-timer-row").hidden = !ticket;
  const recalls = ticket ? ticket.recalls : 0;
  $("current-recalls").hidden = !recalls;
  $("current-recalls").textContent = recalls ? t("ui.counter.recalls", { n: recalls }) : "";
  const names = state.present.map((person) => person.username);
  $("present").hidden = names.length === 0;
  $("present").textContent = t("ui.counter.present", { names: names.join(", ") });
  renderTimer();
  const paused = state.counterState !== "open";
  showNotice(
    $("paused"),
    paused
      ? t(`ui.counter.paused_${state.counterState}`)
      : atRecallLimit()
        ? t("ui.counter.recall_limit", { n: recalls })
        : "",
  );
  for (const button of document.querySelectorAll("[data-state]")) {
    button.setAttribute("aria-pressed", String(button.dataset.state === state.counterState));
  }
}

function renderTimer() {
  const ticket = state.current;
  if (!ticket || !ticket.called_at) {
    $("overtime").hidden = true;
    return;
  }
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(ticket.called_at)) / 1000));
  const minutes = Math.floor(seconds / 60);
  const timer = $("current-timer");
  timer.textContent = `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  timer.dateTime = `PT${seconds}S`;
  const service = services.get(ticket.service);
  const standard = service ? service.standard_minutes : null; // null: none set, no warning
  const over = standard !== null && seconds > standard * 60;
  showNotice(
    $("overtime"),
    over ? t("ui.counter.overtime", { minutes, standard }) : "",
  );
}

// Buttons that cannot act are disabled; while an action runs they are only marked
// aria-disabled (and ignored), so the focused button keeps the keyboard's place.
function renderButtons() {
  keepingFocus(() => {
    const online = state.online;
    for (const button of document.querySelectorAll("[data-action], [data-state]")) {
      const action = button.dataset.action;
      let enabled = online;
      if (ACTIONS_ON_CURRENT.has(action)) enabled &&= Boolean(state.current);
      if (action === "recall") enabled &&= !atRecallLimit();
      if (action === "call_next") enabled &&= state.counterState === "open";
      button.disabled = !enabled;
    }
    for (const button of document.querySelectorAll(".call-this")) {
      button.disabled = !online || state.counterState !== "open";
    }
    for (const button of document.querySelectorAll(".put-back, .mark-priority")) {
      button.disabled = !online;
    }
    for (const button of document.querySelectorAll("#desk-view .btn, .console-dialog .btn")) {
      if (state.busy) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }
  }, focusFallback);
}

// `no_show_after_recalls`: a citizen recalled that many times is not recalled again.
function atRecallLimit() {
  const limit = page.recall_limit;
  return Boolean(limit && state.current && state.current.recalls >= limit);
}

function minutesSince(iso) {
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
}

function renderWaiting() {
  $("waiting-title").textContent = t("ui.counter.waiting_title", {
    count: formatNumber(state.waiting.length),
  });
  $("waiting-empty").hidden = state.waiting.length > 0;
  $("waiting-table").hidden = state.waiting.length === 0;
  const rows = state.waiting.map((ticket) => {
    const button = el(
      "button",
      {
        type: "button",
        class: "btn call-this",
        "data-focus-key": `call:${ticket.number}`,
        "aria-label": t("ui.counter.call_this_label", { number: ticket.number }),
      },
      t("ui.counter.call_this"),
    );
    button.addEventListener("click", () => openCall(ticket.number));
    // An action says what it does ("Prioritaskan"); a priority ticket's badge is with its service.
    let mark = null;
    if (!ticket.priority) {
      mark = el(
        "button",
        {
          type: "button",
          class: "btn btn-small mark-priority",
          "data-focus-key": `priority:${ticket.number}`,
          "aria-label": t("ui.counter.mark_priority_label", { number: ticket.number }),
        },
        t("ui.counter.mark_priority"),
      );
      mark.addEventListener("click", () => openPriority(ticket.number));
    }
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, ticket.number),
      serviceCell(ticket),
      el("td", { "data-issued": ticket.issued_at, title: formatTime(ticket.issued_at) }),
      el("td", { class: "row-actions" }, mark, button),
    );
  });
  $("waiting-rows").replaceChildren(...rows);
  renderWaited();
}

// A booked ticket's mark: its slot's time ("Booking 09.00").
function bookedText(ticket) {
  return t("ui.counter.booked_for", { time: formatTime(ticket.booked_for) });
}

// The service cell names the service, then marks priority and a booking and shows a reference.
function serviceCell(ticket) {
  return el(
    "td",
    { class: "service-cell" },
    serviceName(ticket.service),
    ticket.priority ? el("span", { class: "badge badge-priority" }, t("ui.counter.priority")) : null,
    ticket.booked ? el("span", { class: "badge badge-booking" }, bookedText(ticket)) : null,
    ticket.reference
      ? el(
          "span",
          { class: "row-reference" },
          t("ui.counter.reference", { reference: ticket.reference }),
        )
      : null,
  );
}

function renderWaited() {
  for (const cell of document.querySelectorAll("[data-issued]")) {
    cell.textContent = t("ui.counter.minutes", { minutes: minutesSince(cell.dataset.issued) });
  }
}

function renderNoShows() {
  $("no-shows-empty").hidden = state.noShows.length > 0;
  const items = state.noShows.map((ticket) => {
    const button = el(
      "button",
      { type: "button", class: "btn put-back", "data-focus-key": `put-back:${ticket.number}` },
      t("ui.counter.put_back"),
    );
    button.addEventListener("click", () =>
      performShowingError("requeue", { number: ticket.number }, button, $("action-error")),
    );
    return el("li", {}, el("span", {}, `${ticket.number} · ${formatTime(ticket.finished_at)}`), button);
  });
  $("no-show-list").replaceChildren(...items);
}

setInterval(renderTimer, 1000);
setInterval(renderWaited, WAITED_REFRESH_MS);

start();
