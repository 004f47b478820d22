// The transfer dialog: send the citizen served now to another service, maybe to its front.

import { api } from "/static/js/api.js";
import { byId, el, showNotice } from "/static/js/dom.js";
import { serviceName, t } from "/static/js/i18n.js";
import { performShowingError } from "./actions.js";
import { messageOf, state } from "./state.js";

// The transfer dialog lists the services open now (a quota used up for today does not close
// a service to transfers), each with how many wait there; the citizen may go straight to the
// front of that queue, with a reason kept for the fairness report.
export async function openTransfer() {
  const ticket = state.current;
  if (!ticket) return;
  const dialog = byId("transfer-dialog");
  dialog.dataset.current = ticket.number; // the citizen this dialog moves, and nobody else
  byId("transfer-title").textContent = t("ui.counter.transfer_title", { number: ticket.number });
  showNotice(byId("transfer-error"), "");
  byId("transfer-front").checked = false;
  byId("transfer-reason").value = "";
  showFrontReason();
  byId("transfer-list").replaceChildren();
  byId("transfer-loading").hidden = false;
  byId("transfer-none").hidden = true;
  dialog.showModal();
  try {
    const { services: now } = await api("GET", "/api/services");
    renderTransferChoices(
      now.filter(
        (service) =>
          service.id !== ticket.service && (service.open || service.closed_reason === "quota"),
      ),
    );
  } catch (error) {
    showNotice(byId("transfer-error"), messageOf(error));
  } finally {
    byId("transfer-loading").hidden = true;
  }
}

function renderTransferChoices(choices) {
  const dialog = byId("transfer-dialog");
  byId("transfer-none").hidden = choices.length > 0;
  const items = choices.map((service, index) => {
    const button = el(
      "button",
      {
        type: "button",
        class: "btn transfer-choice",
        "data-focus-key": `transfer:${service.id}`,
        "data-service": service.id,
      },
      index < 9 ? el("kbd", {}, String(index + 1)) : null,
      el("span", { class: "transfer-name" }, `${service.prefix} · ${serviceName(service.id)}`),
      el("span", { class: "transfer-waiting" }, t("ui.counter.transfer_waiting", { n: service.waiting })),
    );
    button.addEventListener("click", async () => {
      const front = byId("transfer-front").checked;
      const reason = byId("transfer-reason").value.trim();
      if (front && !reason) {
        showNotice(byId("transfer-error"), t("ui.counter.transfer_reason_needed"));
        byId("transfer-reason").focus();
        return;
      }
      const ack = await performShowingError(
        "transfer",
        { service: service.id, current: dialog.dataset.current, front, ...(front ? { reason } : {}) },
        button,
        byId("transfer-error"),
      );
      if (ack && ack.ok) dialog.close();
    });
    return el("li", {}, button);
  });
  byId("transfer-list").replaceChildren(...items);
  const first = byId("transfer-list").querySelector("button");
  if (first) first.focus();
}

function showFrontReason() {
  const front = byId("transfer-front").checked;
  byId("transfer-reason").hidden = !front;
  byId("transfer-reason-label").hidden = !front;
  byId("transfer-reason").required = front;
}

byId("transfer-front").addEventListener("change", () => {
  showFrontReason();
  if (byId("transfer-front").checked) byId("transfer-reason").focus();
});

// In the transfer list, the digits 1-9 choose a service.
byId("transfer-dialog").addEventListener("keydown", (event) => {
  if (!/^[1-9]$/.test(event.key) || event.target.closest("input")) return;
  const choice = byId("transfer-list").querySelectorAll(".transfer-choice")[Number(event.key) - 1];
  if (choice) {
    event.preventDefault();
    choice.click();
  }
});
