// The wall board: each counter's number and state, the newest call highlighted and spoken,
// recent calls, people waiting per service, the date, a clock and the running text.
// Everything on screen is redrawn from a snapshot on every (re)connection, then kept up to
// date by the board events; live.js resynchronises on any `seq` gap.

import { byId as $, el } from "/static/js/dom.js";
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
import { connectLive } from "/static/js/live.js";
import { Announcer } from "./announcer.js";

const HIGHLIGHT_MS = 8000;
const RECENT_SHOWN = 3;
const TICKER_SECONDS_PER_CHARACTER = 0.22;

const shownCounters = new Set(page.counters.map((counter) => counter.id));
// A counter as the hall sees it, in the board's language (a private service's room neutral).
function counterName(id) {
  const counter = page.counters.find((each) => each.id === id);
  return counter ? inLanguage(counter.name) : undefined;
}

const board = {
  counters: new Map(), // id -> {state, ticket}
  recent: [], // newest first: {number, counter, called_at}
  waiting: {}, // service id -> people waiting
  spotlight: null, // the call shown largest: {number, counter}
};

// ---- counters --------------------------------------------------------------------------------

const tiles = new Map();

function buildTiles() {
  const list = $("counter-list");
  for (const counter of page.counters) {
    const number = el("p", { class: "counter-number" });
    const status = el("p", { class: "counter-state" });
    const tile = el(
      "li",
      { class: "counter-tile", "data-counter": counter.id },
      el("p", { class: "counter-name" }, inLanguage(counter.name)),
      number,
      status,
    );
    list.append(tile);
    tiles.set(counter.id, { tile, number, status });
  }
}

function renderCounter(id) {
  const parts = tiles.get(id);
  if (!parts) return;
  const counter = board.counters.get(id) || { state: "open", ticket: null };
  parts.number.textContent = counter.ticket || "—";
  parts.tile.dataset.state = counter.state;
  parts.status.textContent = counter.state === "open" ? "" : t(`ui.board.state_${counter.state}`);
  parts.status.hidden = counter.state === "open";
}

// ---- the newest call -------------------------------------------------------------------------

let highlightTimer = null;

function spotlight(call, fresh) {
  board.spotlight = call;
  $("now-number").textContent = call ? call.number : "—";
  $("now-counter").textContent = call ? counterName(call.counter) || call.counter_name : "";
  const panel = $("now-calling");
  for (const element of [panel, ...document.querySelectorAll(".counter-tile.fresh")]) {
    element.classList.remove("fresh");
  }
  clearTimeout(highlightTimer);
  if (!fresh || !call) return;
  const tile = tiles.get(call.counter)?.tile;
  for (const element of [panel, tile]) {
    if (!element) continue;
    void element.offsetWidth; // restart the animation when the same element is highlighted again
    element.classList.add("fresh");
  }
  highlightTimer = setTimeout(() => {
    panel.classList.remove("fresh");
    if (tile) tile.classList.remove("fresh");
  }, HIGHLIGHT_MS);
}

function renderRecent() {
  const spot = board.spotlight;
  const items = board.recent
    .filter((call) => !(spot && call.number === spot.number && call.counter === spot.counter))
    .slice(0, RECENT_SHOWN)
    .map((call) =>
      el(
        "li",
        {},
        el("span", { class: "recent-number" }, call.number),
        el("span", { class: "recent-counter" }, counterName(call.counter) || call.counter_name),
        el("time", { class: "recent-time", datetime: call.called_at }, formatTime(call.called_at)),
      ),
    );
  $("recent-list").replaceChildren(...items);
}

// ---- people waiting --------------------------------------------------------------------------

function renderWaiting() {
  const rows = [];
  const open = page.services.filter((service) => !service.private);
  const hidden = page.services.filter((service) => service.private);
  for (const service of open) {
    rows.push({
      prefix: service.prefix,
      label: serviceName(service.id),
      count: board.waiting[service.id] || 0,
    });
  }
  if (hidden.length) {
    // Private services never show their names: together, under a neutral label.
    rows.push({
      prefix: hidden.map((service) => service.prefix).sort().join(" "),
      label: t("ui.board.other_services"),
      count: hidden.reduce((sum, service) => sum + (board.waiting[service.id] || 0), 0),
    });
  }
  const items = rows.map((row) =>
    el(
      "li",
      {},
      el("span", { class: "waiting-prefix" }, row.prefix),
      el("span", { class: "waiting-label" }, row.label),
      el("span", { class: "waiting-count" }, formatNumber(row.count)),
    ),
  );
  $("waiting-list").replaceChildren(...items);
}

// ---- snapshot and events ---------------------------------------------------------------------

function onSnapshot(snapshot) {
  board.counters = new Map(snapshot.counters.map((counter) => [counter.id, counter]));
  board.recent = snapshot.recent.filter((call) => shownCounters.has(call.counter));
  board.waiting = snapshot.waiting;
  for (const id of tiles.keys()) renderCounter(id);
  spotlight(board.recent[0] || null, false);
  renderRecent();
  renderWaiting();
}

function onEvent(name, payload) {
  if (name === "queue.waiting") {
    board.waiting = payload.waiting;
    renderWaiting();
    return;
  }
  if (!shownCounters.has(payload.counter)) return;
  const counter = board.counters.get(payload.counter) || { state: "open", ticket: null };
  board.counters.set(payload.counter, counter);
  if (name === "counter.state") {
    counter.state = payload.state;
  } else if (payload.status === "called") {
    // Every ticket event says the status it leads to: a called ticket is at this counter.
    counter.ticket = payload.number;
  } else if (counter.ticket === payload.number) {
    counter.ticket = null; // done, no-show, transferred: it left the counter
  }
  if (name === "ticket.called") {
    board.recent.unshift(payload);
    board.recent.length = Math.min(board.recent.length, RECENT_SHOWN + 1);
  }
  if (name === "ticket.called" || name === "ticket.recalled") announce(payload);
  renderCounter(payload.counter);
}

// A call is shown large, spoken aloud, and read out by a screen reader.
function announce(call) {
  spotlight(call, true);
  renderRecent();
  announcer.say(call);
  $("call-announcer").textContent = t("ui.board.announce_call", {
    number: call.number,
    counter: counterName(call.counter) || call.counter_name,
  });
}

// ---- sound, clock, running text, connection --------------------------------------------------

const announcer = new Announcer(updateSoundButton);

function updateSoundButton() {
  $("sound-enable").hidden = !announcer.context || announcer.enabled;
}

$("sound-enable").addEventListener("click", () => announcer.enable().then(updateSoundButton));

function tick() {
  const now = new Date().toISOString();
  $("board-date").textContent = formatDate(now);
  const clock = $("board-clock");
  clock.textContent = formatTime(now);
  clock.dateTime = now;
}

function showRunningText() {
  const running = page.running_text;
  if (!running) return;
  const language = currentLanguage();
  const main = document.createElement("span");
  main.textContent = running[language];
  const parts = [main];
  const other = running[language === "id" ? "en" : "id"];
  if (other && other !== running[language]) {
    // The second language scrolls after the first; a still ticker shows the first only.
    const second = document.createElement("span");
    second.className = "ticker-other";
    second.lang = language === "id" ? "en" : "id";
    second.textContent = other;
    parts.push(second);
  }
  const text = $("ticker-text");
  text.replaceChildren(...parts);
  const seconds = Math.max(20, text.textContent.length * TICKER_SECONDS_PER_CHARACTER);
  text.style.setProperty("--ticker-seconds", `${seconds}s`);
  $("ticker").hidden = false;
}

buildTiles();
renderWaiting();
showRunningText();
tick();
setInterval(tick, 1000);
updateSoundButton();
connectLive({
  auth: page.board ? { board: page.board } : {},
  onSnapshot,
  onEvent,
  onStatus: (online) => {
    $("offline-mark").hidden = online;
  },
});
