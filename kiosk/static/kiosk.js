// The kiosk at the door: one tap on a service gives a number, then the confirmation with the
// number and a QR code of the phone status page, then back to the start. Every tap carries
// its own Idempotency-Key, reused when the request is retried, so no tap gives two numbers.
// The priority choice comes first; private services sit behind one neutral button whose list
// names them only once a citizen opens it. A service with a Standar Pelayanan has "Cek
// persyaratan" under its button: the documents to bring in large type, then back or a number.
// While the server cannot be reached the service buttons wait under a large notice, which goes
// by itself once the server answers again.

import { connectLive } from "/static/js/live.js";
import "./kiosk/check-in.js";
import "./kiosk/voice-menu.js";
import { layoutGrid, renderServices } from "./kiosk/grid.js";
import { renderClock, resetWhenIdle, switchLanguage } from "./kiosk/idle.js";
import { renderNeeds } from "./kiosk/needs.js";
import { renderPriority } from "./kiosk/priority.js";
import { applyWaiting, refreshServices } from "./kiosk/reach.js";
import { DEFAULT_LANGUAGE, kiosk, ui } from "./kiosk/state.js";

const REFRESH_MS = 60000; // opening hours change without any queue event
const CLOCK_MS = 10000;

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
    if (name === "service.suspended" || name === "service.resumed") refreshServices();
  },
  onStatus: (connected) => {
    kiosk.online = connected;
    ui.offline.hidden = connected;
    renderServices();
  },
});

switchLanguage(DEFAULT_LANGUAGE);
renderPriority();
renderNeeds();
