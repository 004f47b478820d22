// The need chosen beside priority ("sulit mendengar / tuli", …): sent with the ticket taken
// next, so its call is made visibly and an officer walks to the citizen.

import { kiosk, needChoices } from "./state.js";

export function renderNeeds() {
  for (const choice of needChoices) {
    choice.setAttribute("aria-pressed", String(choice.dataset.need === kiosk.need));
  }
}

function chooseNeed(need) {
  kiosk.need = kiosk.need === need ? null : need;
  renderNeeds();
}

for (const choice of needChoices) {
  choice.addEventListener("click", () => chooseNeed(choice.dataset.need));
}
