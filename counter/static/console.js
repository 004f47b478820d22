// The officer's console: log in, choose a counter, then call and serve citizens.
// Actions go over Socket.IO with an acknowledgement that carries the counter as it is after
// the action; every action names the ticket this screen shows (`current`), so a second
// console or a stale dialog can never act on someone else: the server refuses, and the
// screen redraws. Board events made elsewhere that concern this counter reload its state.
// Leaving a counter while serving (another counter, logging out, a break, closing) first asks
// whether the citizen was served or goes back to the front of the queue. The console tells
// the server it is at its counter (`counter.attend`, repeated), so oversight sees who is where.

import "./printer-notice.js";
import "./console/actions.js";
import "./console/bookings.js";
import "./console/keyboard.js";
import { renderWaited } from "./console/queue.js";
import { renderTimer } from "./console/render.js";
import { start } from "./console/session.js";
import "./console/transfer.js";

const WAITED_REFRESH_MS = 30000;

setInterval(renderTimer, 1000);
setInterval(renderWaited, WAITED_REFRESH_MS);

start();
