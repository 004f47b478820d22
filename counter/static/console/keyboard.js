// The console by keyboard: one key per action, and dialogs that give the keyboard's place back.

import { byId } from "/static/js/dom.js";
import { focusFallback } from "./render.js";

// One key per action, shown on its button; never while typing or while a dialog is open.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
  if (byId("desk-view").hidden || document.querySelector("dialog[open]")) return;
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
