// The priority choice made before a service: it marks the ticket taken next.

import { kiosk, priorityChoices, ui } from "./state.js";

export function renderPriority() {
  for (const choice of priorityChoices) {
    choice.setAttribute("aria-pressed", String(choice.dataset.reason === kiosk.priorityReason));
  }
  ui.priorityOn.hidden = kiosk.priorityReason === null;
  ui.services.classList.toggle("is-priority", kiosk.priorityReason !== null);
}

function choosePriority(reason) {
  kiosk.priorityReason = kiosk.priorityReason === reason ? null : reason;
  renderPriority();
}

ui.priorityCancel.addEventListener("click", () => choosePriority(null));
for (const choice of priorityChoices) {
  choice.addEventListener("click", () => choosePriority(choice.dataset.reason));
}
