// The queue at this counter: waiting list, no-shows, calling out of turn, giving priority.

import { byId, el, showNotice } from "/static/js/dom.js";
import { formatNumber, formatTime, serviceName, t } from "/static/js/i18n.js";
import { needName } from "/static/js/needs.js";
import { performShowingError } from "./actions.js";
import { shownNumber, state } from "./state.js";

function minutesSince(iso) {
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
}

export function renderWaiting() {
  byId("waiting-title").textContent = t("ui.counter.waiting_title", {
    count: formatNumber(state.waiting.length),
  });
  byId("waiting-empty").hidden = state.waiting.length > 0;
  byId("waiting-table").hidden = state.waiting.length === 0;
  const rows = state.waiting.map((ticket) => {
    const button = el(
      "button",
      {
        type: "button",
        class: "btn call-this",
        "data-service": ticket.service,
        "data-focus-key": `call:${ticket.number}`,
        "aria-label": t("ui.counter.call_this_label", { number: ticket.number }),
      },
      t("ui.counter.call_this"),
    );
    button.addEventListener("click", () => openCall(ticket.number));
    // An action says what it does ("Prioritaskan"); a priority ticket's badge is with its service.
    let mark = null;
    if (!ticket.priority) {
      mark = el(
        "button",
        {
          type: "button",
          class: "btn btn-small mark-priority",
          "data-focus-key": `priority:${ticket.number}`,
          "aria-label": t("ui.counter.mark_priority_label", { number: ticket.number }),
        },
        t("ui.counter.mark_priority"),
      );
      mark.addEventListener("click", () => openPriority(ticket.number));
    }
    // Tunda giliran: the citizen, at the counter, lets a few others go first.
    const stepBack = el(
      "button",
      {
        type: "button",
        class: "btn btn-small step-back",
        "data-focus-key": `step-back:${ticket.number}`,
        "aria-label": t("ui.counter.step_back_label", { number: ticket.number }),
      },
      t("ui.counter.step_back"),
    );
    stepBack.addEventListener("click", () =>
      performShowingError("step_back", { number: ticket.number }, stepBack, byId("action-error")),
    );
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, ticket.number),
      serviceCell(ticket),
      el("td", { "data-issued": ticket.issued_at, title: formatTime(ticket.issued_at) }),
      el("td", { class: "row-actions" }, mark, stepBack, button),
    );
  });
  byId("waiting-rows").replaceChildren(...rows);
  renderWaited();
}

// A booked ticket's mark: its slot's time ("Booking 09.00").
export function bookedText(ticket) {
  return t("ui.counter.booked_for", { time: formatTime(ticket.booked_for) });
}

// The service cell names the service, then marks priority, a booking and a carried-over
// citizen ("Lanjutan"), and shows a reference.
function serviceCell(ticket) {
  return el(
    "td",
    { class: "service-cell" },
    serviceName(ticket.service),
    ticket.priority ? el("span", { class: "badge badge-priority" }, t("ui.counter.priority")) : null,
    ticket.need ? el("span", { class: "badge badge-need" }, needName(ticket.need)) : null,
    ticket.routed ? el("span", { class: "badge badge-muted" }, t("ui.counter.routed_here")) : null,
    ticket.service in state.suspended
      ? el("span", { class: "badge badge-warn" }, t("ui.counter.suspended_row"))
      : null,
    ticket.booked ? el("span", { class: "badge badge-booking" }, bookedText(ticket)) : null,
    ticket.carried ? el("span", { class: "badge badge-carried" }, t("ui.counter.carried")) : null,
    ticket.reference
      ? el(
          "span",
          { class: "row-reference" },
          t("ui.counter.reference", { reference: ticket.reference }),
        )
      : null,
  );
}

export function renderWaited() {
  for (const cell of document.querySelectorAll("[data-issued]")) {
    cell.textContent = t("ui.counter.minutes", { minutes: minutesSince(cell.dataset.issued) });
  }
}

export function renderNoShows() {
  byId("no-shows-empty").hidden = state.noShows.length > 0;
  const items = state.noShows.map((ticket) => {
    const button = el(
      "button",
      { type: "button", class: "btn put-back", "data-focus-key": `put-back:${ticket.number}` },
      t("ui.counter.put_back"),
    );
    button.addEventListener("click", () =>
      performShowingError("requeue", { number: ticket.number }, button, byId("action-error")),
    );
    return el("li", {}, el("span", {}, `${ticket.number} · ${formatTime(ticket.finished_at)}`), button);
  });
  byId("no-show-list").replaceChildren(...items);
}

function openCall(number) {
  const dialog = byId("call-dialog");
  dialog.dataset.number = number;
  // The citizen served now is finished as done by this call: only the one shown when it opened.
  dialog.dataset.current = shownNumber() || "";
  byId("call-title").textContent = t("ui.counter.call_this_label", { number });
  byId("call-reason").value = "";
  showNotice(byId("call-error"), "");
  dialog.showModal();
  byId("call-reason").focus();
}

byId("call-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const dialog = byId("call-dialog");
  const ack = await performShowingError(
    "call",
    {
      number: dialog.dataset.number,
      reason: byId("call-reason").value.trim(),
      current: dialog.dataset.current || null,
    },
    byId("call-submit"),
    byId("call-error"),
  );
  if (ack && ack.ok) dialog.close();
});

// An officer gives a waiting citizen priority (seen at the counter: a disability, old age,
// pregnant or nursing); the reason goes to the fairness report.
function openPriority(number) {
  const dialog = byId("priority-dialog");
  dialog.dataset.number = number;
  byId("priority-title").textContent = t("ui.counter.priority_title", { number });
  byId("priority-form").reset();
  showNotice(byId("priority-error"), "");
  dialog.showModal();
  dialog.querySelector('input[name="priority-reason"]').focus();
}

byId("priority-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const dialog = byId("priority-dialog");
  const chosen = dialog.querySelector('input[name="priority-reason"]:checked');
  const note = byId("priority-note").value.trim();
  if (!chosen) return;
  if (chosen.value === "other" && !note) {
    showNotice(byId("priority-error"), t("ui.counter.priority_note_needed"));
    byId("priority-note").focus();
    return;
  }
  const label = chosen.value === "other" ? "" : t(`ui.counter.priority_reason.${chosen.value}`);
  const reason = [label, note].filter(Boolean).join(": ");
  const ack = await performShowingError(
    "prioritize",
    { number: dialog.dataset.number, reason },
    byId("priority-submit"),
    byId("priority-error"),
  );
  if (ack && ack.ok) dialog.close();
});
