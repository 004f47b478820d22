// Officer actions over Socket.IO, each naming the ticket this screen shows, and their buttons.

import { byId, showNotice } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";
import { act } from "/static/js/live.js";
import { leavingCounter } from "./presence.js";
import { renderButtons } from "./render.js";
import { loggedOut } from "./session.js";
import { messageOf, shownNumber, state } from "./state.js";
import { applyDesk, refresh } from "./sync.js";
import { openTransfer } from "./transfer.js";

// Send one action naming the ticket this screen shows (a dialog passes the one it was opened
// for as `extra.current`). The answer redraws the screen; a refusal because someone else
// acted first redraws it from the server.
async function perform(action, extra = {}, button = null) {
  if (state.busy || !state.counter) return null;
  if (!state.socket || !state.socket.connected) {
    showNotice(byId("action-error"), t("ui.counter.error_offline"));
    return null;
  }
  state.busy = true;
  state.missedSeq = 0;
  if (button) button.setAttribute("aria-busy", "true");
  renderButtons();
  showNotice(byId("action-error"), "");
  state.loadFailed = false;
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

export async function performShowingError(action, extra, button, errorElement) {
  const ack = await perform(action, extra, button);
  if (ack && !ack.ok) showNotice(errorElement, messageOf(ack.error));
  return ack;
}

for (const button of document.querySelectorAll("[data-action]")) {
  button.addEventListener("click", () => {
    if (button.dataset.action === "transfer") openTransfer();
    else performShowingError(button.dataset.action, {}, button, byId("action-error"));
  });
}

for (const button of document.querySelectorAll("[data-state]")) {
  const change = () =>
    performShowingError("state", { state: button.dataset.state }, button, byId("action-error"));
  button.addEventListener("click", () => {
    if (button.dataset.state === "open") change();
    else leavingCounter(button.dataset.state, change);
  });
}
