// Presence at the counter (`counter.attend`, repeated) and leaving it while a citizen is served.

import { byId, showNotice } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";
import { act } from "/static/js/live.js";
import { performShowingError } from "./actions.js";
import { state } from "./state.js";

const ATTEND_FALLBACK_SECONDS = 60;

let attendTimer = null;

// Tell the server this console is at its counter, now and every heartbeat while connected.
export async function attend() {
  clearTimeout(attendTimer);
  if (!state.counter || !state.socket || !state.socket.connected) return;
  const ack = await act(state.socket, "counter.attend", { counter: state.counter.id });
  const seconds = (ack.ok && ack.heartbeat_seconds) || ATTEND_FALLBACK_SECONDS;
  attendTimer = setTimeout(attend, seconds * 1000);
}

export function leave() {
  clearTimeout(attendTimer);
  if (state.counter && state.socket && state.socket.connected) act(state.socket, "counter.leave", {});
}

// Before the officer leaves the counter (`why`: change, logout, break, closed) while a citizen
// is served there, ask what became of the citizen and do it; then `next` runs. Staying at the
// counter runs nothing.
export function leavingCounter(why, next) {
  const ticket = state.current;
  if (!ticket) {
    next();
    return;
  }
  const dialog = byId("leave-dialog");
  dialog.dataset.current = ticket.number;
  byId("leave-title").textContent = t("ui.counter.leave_title", { number: ticket.number });
  byId("leave-text").textContent = t(`ui.counter.leave_text.${why}`);
  showNotice(byId("leave-error"), "");
  const settle = (action, button) => async () => {
    const ack = await performShowingError(
      action,
      { current: dialog.dataset.current },
      button,
      byId("leave-error"),
    );
    if (ack && ack.ok) {
      dialog.close();
      next();
    }
  };
  byId("leave-done").onclick = settle("done", byId("leave-done"));
  byId("leave-return").onclick = settle("return", byId("leave-return"));
  dialog.showModal();
  byId("leave-done").focus();
}
