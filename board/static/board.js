// The wall board: each counter's number and state, the newest call large and spoken (with
// nobody called, an invitation to take a number), and below it, taking turns a page at a time,
// the recent calls (marked when the citizen did not come or was sent elsewhere) and people
// waiting per service (closed and suspended ones say so), and after them, one at a time, a page of
// the Standar Pelayanan (a service's requirements, time and cost; the complaint channels); the
// date, a clock and the running text, followed by the Maklumat Pelayanan. Long names
// wrap, and step down in size only while the tiles would not fit above the running text.
// Everything is redrawn from a snapshot on every (re)connection and once a minute (opening
// hours change with no event; a call left unattended leaves), then kept up to date by the
// board events, one frame per commit; live.js resynchronises on any `seq` gap.

import { callOutcome } from "/static/js/calls.js";
import { byId, el } from "/static/js/dom.js";
import {
  currentLanguage,
  formatDate,
  formatNumber,
  formatTime,
  inLanguage,
  otherLanguage,
  page,
  serviceName,
  t,
} from "/static/js/i18n.js";
import { connectLive } from "/static/js/live.js";
import { needName } from "/static/js/needs.js";
import { suspendedUntil } from "/static/js/suspension.js";
import { Announcer } from "./announcer.js";

const HIGHLIGHT_MS = 8000;
// A call blinks: lit and unlit in turn, each for BLINK_MS, BLINKS times (for a citizen who cannot
// hear it, as long as it is highlighted). Timers, not a CSS animation: between two turns the
// board stands still, so the next call is painted in the frame it arrives in.
const BLINK_MS = 500;
const BLINKS = 4;
const LEAVING_MS = 50; // a ticket leaving waits this long for its counter's next call
const RECENT_SHOWN = 3;
const SNAPSHOT_EVERY_MS = 60000;
const PRIVATE = "private"; // every private service together, in the waiting counts
const TICKER_SECONDS_PER_CHARACTER = 0.08; // a calm reading pace
const TICKER_MIN_SECONDS = 4;
const MARKED = new Set(["no_show", "transferred", "returned"]);

// The sizes of the tiles' numbers and of the names on tiles and in the lists, largest first:
// the next only while the tiles would not fit above the running text or a list's row not on
// its page (README: numbers never under 140 px; no text under 48 px but these names, 32 px).
const SIZES = [
  { number: "clamp(7rem, 26cqi, 11rem)", name: "2.4rem" },
  { number: "7rem", name: "2.4rem" },
  { number: "7rem", name: "2rem" },
  { number: "7rem", name: "1.6rem" },
];

const shownCounters = new Set(page.counters.map((counter) => counter.id));
// A counter as the hall sees it, in the board's language (a private service's room neutral).
function counterName(id) {
  const counter = page.counters.find((each) => each.id === id);
  return counter ? inLanguage(counter.name) : undefined;
}

const board = {
  counters: new Map(), // id -> {state, ticket}
  recent: [], // newest first: {number, counter, counter_name, called_at, outcome}
  waiting: {}, // service id -> people waiting
  closed: {}, // service id -> why it takes no tickets now
  suspended: {}, // service id -> its suspension (reason, since, until)
  spotlight: null, // the call shown largest while its citizen is at the counter
};

function counterNow(id) {
  return board.counters.get(id) || { state: "open", ticket: null };
}

// A call is worth the big panel only while that counter, open, still serves that number.
function stillServed(call) {
  const counter = counterNow(call.counter);
  return counter.state === "open" && counter.ticket === call.number;
}

// ---- counters --------------------------------------------------------------------------------

const tiles = new Map();

function buildTiles() {
  const list = byId("counter-list");
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
  const counter = counterNow(id);
  const open = counter.state === "open";
  parts.tile.dataset.state = counter.state;
  // A counter on break or closed shows its state, never a number.
  parts.number.hidden = !open;
  parts.number.textContent = open ? counter.ticket || "—" : "";
  parts.status.hidden = open;
  parts.status.textContent = open ? "" : t(`ui.board.state_${counter.state}`);
}

// Whether every tile is on the screen, above the running text.
function tilesFit() {
  const layout = document.querySelector(".board-layout");
  const list = byId("counter-list");
  return layout.scrollHeight <= layout.clientHeight && list.scrollHeight <= list.clientHeight;
}

// ---- the newest call -------------------------------------------------------------------------

let highlightTimer = null;
let blinkTimer = null;
const stillWanted = window.matchMedia("(prefers-reduced-motion: reduce)");
const longNames = new Map(); // counter id -> whether its name takes more than two lines large

function sameCall(one, other) {
  return Boolean(one && other && one.number === other.number && one.counter === other.counter);
}

// Only writes to the page: a call is painted in the frame it arrives in, and whatever must be
// measured waits until after that frame (`settleSoon`).
function spotlight(call, fresh) {
  const unchanged = sameCall(call, board.spotlight);
  board.spotlight = call;
  // With nobody called, the panel invites people to take a number instead of an empty highlight.
  const panel = byId("now-calling");
  panel.toggleAttribute("data-idle", !call);
  byId("now-idle").hidden = Boolean(call);
  const number = byId("now-number");
  number.hidden = !call;
  number.textContent = call ? call.number : "";
  const where = byId("now-counter");
  where.hidden = !call;
  where.textContent = call ? counterName(call.counter) || call.counter_name : "";
  // A name longer than two lines takes the smaller size, leaving room for the recent calls.
  where.classList.toggle("long", Boolean(call && longNames.get(call.counter)));
  markNeed(panel, call);
  if (unchanged && !fresh) return; // a redraw keeps a running highlight
  for (const element of [panel, ...document.querySelectorAll(".counter-tile.fresh")]) {
    element.classList.remove("fresh", "lit");
  }
  clearTimeout(highlightTimer);
  clearInterval(blinkTimer);
  if (!fresh || !call) return;
  const highlighted = [panel, tiles.get(call.counter)?.tile].filter(Boolean);
  for (const element of highlighted) element.classList.add("fresh");
  highlightTimer = setTimeout(() => {
    clearInterval(blinkTimer);
    for (const element of highlighted) element.classList.remove("fresh", "lit");
  }, HIGHLIGHT_MS);
  if (stillWanted.matches) return;
  const blinks = call.need === "deaf" ? HIGHLIGHT_MS / (2 * BLINK_MS) : BLINKS;
  let turns = 2 * blinks; // lit, then out again, each BLINK_MS from the one before
  blinkTimer = setInterval(() => {
    for (const element of highlighted) element.classList.toggle("lit");
    turns -= 1;
    if (turns === 0) clearInterval(blinkTimer);
  }, BLINK_MS);
}

// Whether each counter's name takes more than two lines in the big panel (measured with the
// panel's own element, restored before anything is painted).
function measureNames() {
  const where = byId("now-counter");
  const shown = { hidden: where.hidden, text: where.textContent, long: where.classList.contains("long") };
  where.hidden = false;
  where.classList.remove("long");
  const size = parseFloat(getComputedStyle(where).fontSize);
  for (const counter of page.counters) {
    where.textContent = counterName(counter.id);
    longNames.set(counter.id, where.offsetHeight > 2.5 * size);
  }
  where.hidden = shown.hidden;
  where.textContent = shown.text;
  where.classList.toggle("long", shown.long);
  if (board.spotlight) {
    where.classList.toggle("long", Boolean(longNames.get(board.spotlight.counter)));
  }
}

// A need's call is marked in words and, for a citizen who cannot hear it, by a panel no one
// can miss (`data-need`): an officer walks to them.
function markNeed(panel, call) {
  const need = call ? call.need : null;
  panel.dataset.need = need || "";
  const mark = byId("now-need");
  mark.hidden = !need;
  mark.textContent = need ? `${needName(need)} · ${t("ui.need.coming")}` : "";
}

// The big call clears as soon as its counter finishes with that citizen or stops serving.
function clearFinishedSpotlight() {
  if (board.spotlight && !stillServed(board.spotlight)) spotlight(null, false);
}

function renderRecent() {
  const items = board.recent
    .filter((call) => !sameCall(call, board.spotlight))
    .slice(0, RECENT_SHOWN)
    .map((call) =>
      el(
        "li",
        { "data-outcome": call.outcome || null },
        el("span", { class: "recent-number" }, call.number),
        el(
          "span",
          { class: "recent-where" },
          el("span", { class: "recent-counter" }, counterName(call.counter) || call.counter_name),
          el(
            "time",
            { class: "recent-time", datetime: call.called_at },
            formatTime(call.called_at),
          ),
        ),
        call.need ? el("span", { class: "recent-need" }, needName(call.need)) : null,
        MARKED.has(call.outcome)
          ? el("span", { class: "recent-mark" }, t(`ui.board.mark.${call.outcome}`))
          : null,
      ),
    );
  redrawList(byId("recent-list"), items);
}

// ---- people waiting --------------------------------------------------------------------------

function renderWaiting() {
  const rows = [];
  for (const service of page.services) {
    rows.push({
      prefix: service.prefix,
      label: serviceName(service.id),
      count: board.waiting[service.id] || 0,
      closed: board.closed[service.id],
      suspended: board.suspended[service.id],
    });
  }
  if (page.private_prefix) {
    // Private services never show their names: together, under a neutral label and number.
    rows.push({
      prefix: page.private_prefix,
      label: t("ui.board.other_services"),
      count: board.waiting[PRIVATE] || 0,
      closed: board.closed[PRIVATE],
    });
  }
  const items = rows.map((row) =>
    el(
      "li",
      { "data-closed": row.closed || null, "data-suspended": row.suspended ? "" : null },
      el("span", { class: "waiting-prefix" }, row.prefix),
      el(
        "span",
        { class: "waiting-label" },
        row.label,
        row.closed
          ? el("span", { class: "waiting-closed" }, t(`ui.board.closed.${row.closed}`))
          : null,
        row.suspended && !row.closed
          ? el(
              "span",
              { class: "waiting-closed waiting-suspended" },
              `${t("ui.board.suspended")} · ${suspendedUntil(row.suspended)}`,
            )
          : null,
      ),
      el("span", { class: "waiting-count" }, formatNumber(row.count)),
    ),
  );
  redrawList(byId("waiting-list"), items);
}

// A list drawn anew shows the rows at the places of the page it showed until its pages are
// measured again, after the frame (`settleSoon`): a change never waits for a measurement.
function redrawList(list, items) {
  const before = [...list.children];
  const pages = turns.filter((each) => each.part.list === list.id);
  for (const { items: rows } of pages) {
    const places = rows.map((row) => before.indexOf(row));
    rows.splice(0, rows.length, ...places.map((place) => items[place]).filter(Boolean));
  }
  const current = turns[turn];
  if (current?.part.list === list.id) {
    for (const item of items) item.hidden = !current.items.includes(item);
  }
  list.replaceChildren(...items);
  settleSoon();
}

// ---- recent calls and people waiting take turns, a page that fits at a time -----------------

// `standard` is one turn per round: each time it comes, the next page of the standard.
const SECTIONS = [
  { section: "recent", list: "recent-list", seconds: 12, firstPageOnly: true },
  { section: "waiting", list: "waiting-list", seconds: 8, firstPageOnly: false },
  { section: "standard", list: "standard-list", seconds: 10, standard: true },
];
let turns = []; // [{part, items}]: every page of every section, in the order they are shown
let turn = 0;
let turnTimer = null;

function showSection(name) {
  for (const part of SECTIONS) byId(part.section).hidden = part.section !== name;
}

// The items of a list grouped into pages that each fit the list's height.
function pagesOf(list) {
  const items = [...list.children];
  for (const item of items) item.hidden = false;
  const room = list.clientHeight;
  const pages = [];
  let current = [];
  let top = 0;
  for (const item of items) {
    if (current.length && item.offsetTop + item.offsetHeight - top > room) {
      pages.push(current);
      current = [];
    }
    if (!current.length) top = item.offsetTop;
    current.push(item);
  }
  if (current.length) pages.push(current);
  return pages;
}

// Everything measured (pages, sizes, long names) once the frame showing the change is painted:
// a call never waits for a measurement. Several changes in one frame are measured once.
let settling = false;
let measured = false;

function settleSoon() {
  if (settling) return;
  settling = true;
  afterFrame(() => {
    settling = false;
    if (!measured) {
      measureNames();
      measureTicker();
    }
    measured = true;
    relayout();
  });
}

// `task` once the next frame (showing the latest changes) is painted, and after the events
// already received (a call comes in several: its number must not wait for a measurement): a
// ResizeObserver reports first in that frame's rendering, before its paint, and the task is
// then posted at background priority. Unlike requestAnimationFrame and timers, neither is held
// by a paused page clock (tests).
function afterFrame(task) {
  const observer = new ResizeObserver(() => {
    observer.disconnect();
    if (globalThis.scheduler?.postTask) {
      globalThis.scheduler.postTask(task, { priority: "background" });
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => task();
    channel.port2.postMessage(null);
  });
  observer.observe(document.body);
}

// Measure every section's pages again (after new data or a new screen size), at the largest
// sizes that fit; the turns go on at their own pace.
function relayout() {
  fitHead();
  const layout = document.querySelector(".board-layout");
  for (const size of SIZES) {
    layout.style.setProperty("--counter-number-size", size.number);
    layout.style.setProperty("--name-size", size.name);
    if (measureTurns() && tilesFit()) break;
  }
  if (turn >= turns.length) turn = 0;
  showTurn();
  if (turns.length > 1 && turnTimer === null) nextTurnLater();
}

// A station's name that would take more than two lines beside the date and the clock gets the
// clock under the date instead (landscape screens; board.css).
function fitHead() {
  const head = document.querySelector(".board-head");
  const brand = head.querySelector(".brand-text");
  head.classList.remove("stacked");
  const lines = brand.offsetHeight / parseFloat(getComputedStyle(brand).lineHeight);
  head.classList.toggle("stacked", lines > 2.5);
}

// Every section's pages as the turns; whether each row fits its list's page.
function measureTurns() {
  turns = [];
  let rowsFit = true;
  for (const part of SECTIONS) {
    if (part.standard) {
      showSection(part.section);
      standardShown = standardSlides().filter(fitsItsPages);
      if (standardShown.length) turns.push({ part, items: [] });
      continue;
    }
    showSection(part.section);
    const list = byId(part.list);
    const pages = pagesOf(list);
    rowsFit &&= [...list.children].every((item) => item.offsetHeight <= list.clientHeight);
    for (const items of part.firstPageOnly ? pages.slice(0, 1) : pages) turns.push({ part, items });
  }
  return rowsFit;
}

function nextTurnLater() {
  turnTimer = setTimeout(() => {
    turnTimer = null;
    if (turns.length < 2) return;
    if (turns[turn].part.standard) nextStandardPage();
    turn = (turn + 1) % turns.length;
    showTurn();
    nextTurnLater();
  }, turns[turn].part.seconds * 1000);
}

function showTurn() {
  const current = turns[turn];
  showSection(current ? current.part.section : null);
  if (!current) return;
  if (current.part.standard) {
    showStandardPage();
    return;
  }
  for (const item of byId(current.part.list).children) item.hidden = !current.items.includes(item);
}

// ---- the Standar Pelayanan between the queue's pages ----------------------------------------

const standardAt = { slide: 0, page: 0, pages: 1 }; // what the next standard turn shows
let standardShown = []; // the slides whose every item fits the board's room for them

// Each service's requirements with its time and cost, then the complaint channels, in the
// board's language: {title, items}.
function standardSlides() {
  const slides = page.services
    .filter((service) => service.id in page.standards)
    .map((service) => {
      const standard = page.standards[service.id];
      return {
        title: t("ui.standard.requirements_of", { service: serviceName(service.id) }),
        items: [
          ...standard.requirements.map((item) => inLanguage(item)),
          `${t("ui.standard.time")}: ${inLanguage(standard.time)}`,
          `${t("ui.standard.cost")}: ${inLanguage(standard.cost)}`,
        ],
      };
    });
  if (page.complaint_channels.length) {
    slides.push({
      title: t("ui.standard.channels"),
      items: page.complaint_channels.map(
        (channel) => `${inLanguage(channel.name)}: ${inLanguage(channel.contact)}`,
      ),
    });
  }
  return slides;
}

function drawSlide(slide) {
  byId("standard-title").textContent = slide.title;
  const list = byId("standard-list");
  list.replaceChildren(...slide.items.map((text) => el("li", {}, text)));
  return list;
}

// Whether each of a slide's items fits the room under its title: a board with little room
// leaves out what it cannot show whole (the queue's own pages come first).
function fitsItsPages(slide) {
  const list = drawSlide(slide);
  return [...list.children].every((item) => item.offsetHeight <= list.clientHeight);
}

// The standard's current page: its slide's items cut into pages that fit, like the lists above.
function showStandardPage() {
  const slide = standardShown[standardAt.slide % standardShown.length];
  const list = drawSlide(slide);
  const pages = pagesOf(list);
  standardAt.pages = pages.length;
  const shown = pages[Math.min(standardAt.page, pages.length - 1)] || [];
  for (const item of list.children) item.hidden = !shown.includes(item);
}

function nextStandardPage() {
  standardAt.page += 1;
  if (standardAt.page < standardAt.pages) return;
  standardAt.page = 0;
  standardAt.slide = (standardAt.slide + 1) % Math.max(1, standardShown.length);
}

// ---- snapshot and events ---------------------------------------------------------------------

function onSnapshot(snapshot) {
  board.counters = new Map(snapshot.counters.map((counter) => [counter.id, counter]));
  board.recent = snapshot.recent.filter((call) => shownCounters.has(call.counter));
  board.waiting = snapshot.waiting;
  board.closed = snapshot.closed || {};
  board.suspended = snapshot.suspended || {};
  for (const id of tiles.keys()) renderCounter(id);
  const newest = board.recent[0];
  spotlight(newest && stillServed(newest) ? newest : null, false);
  renderRecent();
  renderWaiting();
}

function onEvent(name, payload) {
  if (name === "queue.waiting") {
    board.waiting = payload.waiting;
    renderWaiting();
    return;
  }
  if (name === "service.suspended" || name === "service.resumed") {
    // A private service's suspension reaches the hall without its id: nothing to mark.
    if (payload.service && name === "service.suspended") board.suspended[payload.service] = payload;
    if (payload.service && name === "service.resumed") delete board.suspended[payload.service];
    renderWaiting();
    return;
  }
  // A ticket leaving a counter (done, no-show, transfer, back in line, cancelled) is taken off
  // the board a moment later: the next call at that counter usually comes in the same commit,
  // and is then shown at once, never after a frame of an empty counter.
  const leaving = Boolean(payload.number) && payload.status !== "called";
  if (leaving) {
    for (const counter of board.counters.values()) {
      if (counter.ticket === payload.number) counter.ticket = null;
    }
  }
  const outcome = callOutcome(name); // the snapshot says the same as the call's `outcome`
  if (outcome) {
    const call = board.recent.find(
      (each) => each.number === payload.number && each.counter === payload.counter && !each.outcome,
    );
    if (call) call.outcome = outcome;
  }
  if (shownCounters.has(payload.counter)) {
    const counter = counterNow(payload.counter);
    board.counters.set(payload.counter, counter);
    if (name === "counter.state") counter.state = payload.state;
    else if (payload.status === "called") counter.ticket = payload.number;
    if (name === "ticket.called") {
      board.recent.unshift({ ...payload, outcome: null });
      board.recent.length = Math.min(board.recent.length, RECENT_SHOWN + 1);
    }
    if (!leaving) renderCounter(payload.counter);
  }
  if (name === "counter.state") live.emit("snapshot", liveAuth); // which services still open
  const spoken = name === "ticket.called" || name === "ticket.recalled";
  if (spoken && shownCounters.has(payload.counter)) {
    announce(payload);
    return;
  }
  if (leaving) {
    showLeavingSoon();
    return;
  }
  clearFinishedSpotlight();
  renderRecent();
}

let leavingTimer = null;

function showLeavingSoon() {
  if (leavingTimer !== null) return;
  leavingTimer = setTimeout(() => {
    leavingTimer = null;
    for (const id of tiles.keys()) renderCounter(id);
    clearFinishedSpotlight();
    renderRecent();
  }, LEAVING_MS);
}

// A call is shown large, spoken aloud (its audio fetched once the call is painted), and read out
// by a screen reader.
function announce(call) {
  spotlight(call, true);
  renderRecent();
  afterFrame(() => announcer.say(call));
  byId("call-announcer").textContent = t("ui.board.announce_call", {
    number: call.number,
    counter: counterName(call.counter) || call.counter_name,
  });
}

// ---- sound, clock, running text, connection --------------------------------------------------

const announcer = new Announcer(updateSoundButton, page.announcement_repeat);

function updateSoundButton() {
  byId("sound-enable").hidden = !announcer.context || announcer.enabled;
}

byId("sound-enable").addEventListener("click", () => announcer.enable().then(updateSoundButton));

function tick() {
  const now = new Date().toISOString();
  byId("board-date").textContent = formatDate(now);
  const clock = byId("board-clock");
  clock.textContent = formatTime(now);
  clock.dateTime = now;
}

// The running text and the Maklumat Pelayanan, each in the board's language, then in the other,
// a line at a time: each line stands still for as long as it takes to read (the board moves
// nothing while nobody is called). The lines are cut to the strip's width after the frame that
// shows a change, as the pages of the lists are.
const ticker = { texts: [], lines: [], at: 0, timer: null };

function tickerTexts() {
  const language = currentLanguage();
  const other = otherLanguage(language);
  const texts = (lang) => [
    page.running_text?.[lang],
    page.maklumat && `${t("ui.standard.maklumat", {}, lang)}: ${page.maklumat[lang]}`,
  ];
  const mine = texts(language);
  const others = texts(other);
  const found = mine.filter(Boolean).map((text) => ({ text, lang: language }));
  mine.forEach((text, index) => {
    if (text && others[index] && others[index] !== text) {
      found.push({ text: others[index], lang: other });
    }
  });
  return found;
}

// Each text cut into the lines that fit the strip (word by word; a word too long for a line has
// one of its own, clipped).
function measureTicker() {
  const strip = byId("ticker-text");
  const lines = [];
  for (const { text, lang } of ticker.texts) {
    strip.lang = lang;
    let line = [];
    for (const word of text.split(/\s+/).filter(Boolean)) {
      strip.textContent = [...line, word].join(" ");
      if (line.length && strip.scrollHeight > strip.clientHeight + 1) {
        lines.push({ text: line.join(" "), lang });
        line = [];
      }
      line.push(word);
    }
    if (line.length) lines.push({ text: line.join(" "), lang });
  }
  ticker.lines = lines;
  ticker.at = 0;
  showTickerLine();
}

function showTickerLine() {
  clearTimeout(ticker.timer);
  const line = ticker.lines[ticker.at];
  if (!line) return;
  const strip = byId("ticker-text");
  strip.lang = line.lang;
  strip.textContent = line.text;
  const seconds = Math.max(TICKER_MIN_SECONDS, line.text.length * TICKER_SECONDS_PER_CHARACTER);
  ticker.timer = setTimeout(() => {
    ticker.at = (ticker.at + 1) % ticker.lines.length;
    showTickerLine();
  }, seconds * 1000);
}

function showRunningText() {
  ticker.texts = tickerTexts();
  byId("ticker").hidden = !ticker.texts.length;
}

buildTiles();
showRunningText();
renderWaiting();
tick();
setInterval(tick, 1000);
updateSoundButton();
// A new screen size or the page's fonts arriving change what fits.
function measureAgain() {
  measured = false;
  settleSoon();
}
window.addEventListener("resize", measureAgain);
document.fonts.ready.then(measureAgain);
// A commit's board events (a call: the ticket leaving, the call, the waiting counts) as one frame.
const liveAuth = page.board ? { board: page.board, batch: true } : { batch: true };
const live = connectLive({
  auth: liveAuth,
  onSnapshot,
  onEvent,
  onStatus: (online) => {
    byId("offline-mark").hidden = online;
  },
});
setInterval(() => live.emit("snapshot", liveAuth), SNAPSHOT_EVERY_MS);
