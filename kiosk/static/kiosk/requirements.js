// "Cek persyaratan": a service's documents to bring, in large type, before its number; then
// back to the services or a number of that service.

import { byId, el } from "/static/js/dom.js";
import { inLanguage, page, serviceName, t } from "/static/js/i18n.js";
import { tap } from "./issue.js";
import { kiosk, ui, unreachable } from "./state.js";
import { statusText } from "./status.js";

const sheet = {
  screen: byId("requirements"),
  title: byId("requirements-title"),
  list: byId("requirements-list"),
  time: byId("requirements-time"),
  cost: byId("requirements-cost"),
  status: byId("requirements-status"),
  back: byId("requirements-back"),
  take: byId("requirements-take"),
  service: null, // the service whose requirements are shown
};

export function requirementsShown() {
  return !sheet.screen.hidden;
}

export function openRequirements(serviceId) {
  sheet.service = serviceId;
  ui.start.hidden = true;
  sheet.screen.hidden = false;
  renderRequirements();
  sheet.title.focus();
}

export function closeRequirements() {
  sheet.service = null;
  sheet.screen.hidden = true;
  ui.start.hidden = false;
}

export function renderRequirements() {
  const id = sheet.service;
  if (id === null) return;
  const standard = page.standards[id];
  const service = kiosk.services.find((item) => item.id === id);
  sheet.title.textContent = t("ui.standard.requirements_of", { service: serviceName(id) });
  sheet.list.replaceChildren(...standard.requirements.map((item) => el("li", {}, inLanguage(item))));
  sheet.time.textContent = inLanguage(standard.time);
  sheet.cost.textContent = inLanguage(standard.cost);
  const open = Boolean(service && service.open);
  sheet.status.textContent = open ? "" : statusText(service);
  sheet.status.hidden = open;
  sheet.take.disabled = kiosk.busy || unreachable() || !open || page.issuing === "none";
}

sheet.back.addEventListener("click", () => {
  const id = sheet.service;
  closeRequirements();
  ui.services.querySelector(`[data-check="${id}"]`)?.focus();
});
sheet.take.addEventListener("click", () => {
  const id = sheet.service;
  closeRequirements();
  tap(id);
});
