// The live connection and the counter's state from the server (reloaded when events concern it).

import { api } from "/static/js/api.js";
import { byId, showNotice } from "/static/js/dom.js";
import { currentLanguage } from "/static/js/i18n.js";
import { connectLive } from "/static/js/live.js";
import { attend } from "./presence.js";
import { render, renderButtons } from "./render.js";
import { loggedOut } from "./session.js";
import { messageOf, state } from "./state.js";

export function connect() {
  if (state.socket) return;
  state.online = false; // no action until the socket is up (the login screen showed none)
  renderButtons();
  state.socket = connectLive({
    // Acks come back in the page's language; board events come in `board.events` frames
    // (kiosk tickets together, a call at once), as on the wall board.
    auth: { language: currentLanguage(), batch: true },
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
  if (name === "service.suspended" || name === "service.resumed") {
    return !payload.service || state.counter.services.includes(payload.service);
  }
  if (name !== "queue.waiting") return false;
  const key = (id) => (id in payload.waiting ? id : "private");
  const changed = state.counter.services.some(
    (id) => payload.waiting[key(id)] !== state.lastWaiting[key(id)],
  );
  state.lastWaiting = payload.waiting;
  return changed;
}

export function setOnline(online) {
  state.online = online;
  byId("connection-lost").hidden = online || !state.user;
  byId("offline-mark").hidden = online || !state.user;
  renderButtons();
}

// Reload the counter's state; calls that arrive while one is running coalesce into one more.
let loading = null;
let loadAgain = false;

export function refresh() {
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
export function applyDesk(desk) {
  if (!state.counter || desk.id !== state.counter.id || desk.seq < state.seq) return;
  state.current = desk.ticket;
  state.counterState = desk.state;
  state.waiting = desk.waiting;
  state.noShows = desk.no_shows;
  state.today = desk.today;
  state.present = desk.present;
  state.seatArea = desk.seat_area;
  state.suspended = desk.suspended || {};
  state.seq = desk.seq;
  render();
}

async function load() {
  const counter = state.counter;
  if (!counter || !state.user) return;
  try {
    const desk = await api("GET", `/api/counters/${encodeURIComponent(counter.id)}`);
    if (counter !== state.counter) return; // the officer switched counters meanwhile
    if (state.loadFailed) showNotice(byId("action-error"), "");
    state.loadFailed = false;
    applyDesk(desk);
  } catch (error) {
    if (error.status === 401) {
      loggedOut(error.message);
    } else {
      state.loadFailed = true;
      showNotice(byId("action-error"), messageOf(error));
    }
  }
}
