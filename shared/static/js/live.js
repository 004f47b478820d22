// The live connection every screen shares: Socket.IO with reconnection, a snapshot to start
// from, board events applied in `seq` order, and a fresh snapshot whenever a gap shows or the
// power changes (`power.state`, which also keeps the page's power notice current). A screen
// that connects with `auth: {batch: true}` hears a commit's board events as one `board.events`
// frame ({events: [[name, payload], ...]}), applied here one by one as if each came alone.
// BOARD_EVENTS must equal shared/events.py's board events (tests/test_docs.py checks it).

import { showPower } from "/static/js/power.js";

export const BOARD_EVENTS = [
  "ticket.issued",
  "ticket.called",
  "ticket.recalled",
  "ticket.done",
  "ticket.no_show",
  "ticket.transferred",
  "ticket.returned",
  "ticket.prioritized",
  "ticket.requeued",
  "ticket.expired",
  "ticket.cancelled",
  "queue.waiting",
  "counter.state",
  "service.suspended",
  "service.resumed",
];

// openSocket({auth, onStatus(online), onConnect(socket)}): the Socket.IO connection with the
// reconnection every screen uses; onConnect runs after every (re)connection.
export function openSocket({ auth = {}, onStatus = () => {}, onConnect = () => {} }) {
  const socket = window.io({
    transports: ["websocket", "polling"],
    auth,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
  });
  socket.on("connect", () => {
    onStatus(true);
    onConnect(socket);
  });
  socket.on("disconnect", () => onStatus(false));
  socket.on("connect_error", () => onStatus(false));
  socket.on("power.state", showPower);
  return socket;
}

// connectLive({auth, onSnapshot(state), onEvent(name, payload), onStatus(online)})
// returns the socket. Events that arrive before the first snapshot are kept and replayed.
export function connectLive({ auth = {}, onSnapshot, onEvent = () => {}, onStatus = () => {} }) {
  const socket = openSocket({ auth, onStatus });
  let seq = null;
  let early = [];

  const resync = () => socket.emit("snapshot", auth);

  socket.on("snapshot", (state) => {
    seq = state.seq;
    onSnapshot(state);
    const pending = early.filter(([, payload]) => payload.seq > seq);
    pending.sort((a, b) => a[1].seq - b[1].seq);
    early = [];
    for (const [name, payload] of pending) apply(name, payload);
  });

  function apply(name, payload) {
    if (seq === null) {
      early.push([name, payload]);
      return;
    }
    if (payload.seq <= seq) return; // already part of the snapshot
    if (payload.seq !== seq + 1) {
      seq = null; // a gap: events were missed; start again from a snapshot
      early.push([name, payload]);
      resync();
      return;
    }
    seq = payload.seq;
    onEvent(name, payload);
  }

  for (const name of BOARD_EVENTS) socket.on(name, (payload) => apply(name, payload));
  socket.on("board.events", (frame) => {
    for (const [name, payload] of frame.events) apply(name, payload);
  });
  // Which services the battery can still serve changes with the power: a fresh snapshot.
  socket.on("power.state", () => {
    if (seq !== null) resync();
  });
  socket.on("disconnect", () => {
    seq = null;
  });
  return socket;
}

// Emit an officer action and resolve with its acknowledgement ({ok, ticket} or {ok, error}).
export function act(socket, event, payload, timeoutMs = 10000) {
  return new Promise((resolve) => {
    socket.timeout(timeoutMs).emit(event, payload, (error, ack) => {
      if (error) resolve({ ok: false, error: { code: "timeout", message: "" } });
      else resolve(ack);
    });
  });
}
