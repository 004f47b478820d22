// Back to the start for the next citizen: after a ticket, or once the last one walked away.

import {
  currentLanguage,
  formatDate,
  formatTime,
  otherLanguage,
  showInLanguage,
} from "/static/js/i18n.js";
import { renderConfirmation, stopCountdown } from "./confirmation.js";
import { renderReference, showEntry } from "./entry.js";
import { renderServices } from "./grid.js";
import { hideAlert } from "./issue.js";
import { renderNeeds } from "./needs.js";
import { renderPriority } from "./priority.js";
import { refreshServices } from "./reach.js";
import { closeRequirements, requirementsShown } from "./requirements.js";
import { DEFAULT_LANGUAGE, SCREEN, kiosk, ui } from "./state.js";

// The next citizen starts fresh: station language, no priority, no message.
export function backToStart() {
  stopCountdown();
  kiosk.current = null;
  kiosk.priorityReason = null;
  kiosk.need = null;
  kiosk.privateOpen = false;
  hideAlert();
  ui.qr.removeAttribute("src");
  showEntry(null);
  closeRequirements();
  ui.confirm.hidden = true;
  switchLanguage(DEFAULT_LANGUAGE);
  renderPriority();
  renderNeeds();
  refreshServices();
  document.dispatchEvent(new Event("kiosk:start"));
}

export function switchLanguage(language) {
  showInLanguage(language, ui.language);
  renderServices();
  renderClock();
  renderReference();
  if (kiosk.current) renderConfirmation();
}

export function renderClock() {
  const now = new Date().toISOString();
  ui.clockTime.textContent = formatTime(now);
  ui.clockDate.textContent = formatDate(now);
}

// A citizen who walked away leaves no priority or language behind for the next one.
export function resetWhenIdle() {
  const changed =
    kiosk.priorityReason !== null ||
    kiosk.need !== null ||
    kiosk.privateOpen ||
    !ui.entry.hidden ||
    requirementsShown() ||
    !ui.voice.hidden ||
    currentLanguage() !== DEFAULT_LANGUAGE;
  const idle = Date.now() - kiosk.lastTouch > SCREEN.idle_seconds * 1000;
  if (!kiosk.current && !kiosk.busy && idle && (changed || !ui.alert.hidden)) {
    kiosk.pending = null;
    backToStart();
  }
}

ui.language.addEventListener("click", () => switchLanguage(otherLanguage()));
ui.finish.addEventListener("click", backToStart);
document.addEventListener("pointerdown", () => (kiosk.lastTouch = Date.now()), { capture: true });
document.addEventListener("contextmenu", (event) => event.preventDefault()); // long press
