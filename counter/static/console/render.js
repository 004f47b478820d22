// Drawing the desk: the ticket served now with its timer, the day's figures and which buttons act.

import { byId, showNotice } from "/static/js/dom.js";
import { keepingFocus } from "/static/js/focus.js";
import { formatNumber, inLanguage, page, serviceName, t } from "/static/js/i18n.js";
import { needName } from "/static/js/needs.js";
import { bookedText, renderNoShows, renderWaiting } from "./queue.js";
import { renderSms } from "./sms.js";
import { services, state } from "./state.js";
import { renderSuspensions } from "./suspension.js";

const ACTIONS_ON_CURRENT = new Set(["recall", "done", "no_show", "transfer"]);

// Where the focus goes when the focused control disappears or turns disabled (e.g. "Done"
// once nobody is served): the main action if it can be used, else the current ticket.
export function focusFallback() {
  const callNext = document.querySelector('[data-action="call_next"]');
  return callNext && !callNext.disabled ? callNext : byId("current-title");
}

// A need beside the number: what it is, that the officer walks to the citizen, and where
// such citizens sit when the hall has a place for them.
function renderNeed(ticket) {
  const need = ticket ? ticket.need : null;
  byId("current-need").hidden = !need;
  if (!need) return;
  byId("current-need-kind").textContent = needName(need);
  const seat = state.seatArea ? ` · ${t("ui.need.seat", { area: inLanguage(state.seatArea) })}` : "";
  byId("current-need-walk").textContent = `${t("ui.need.walk")}${seat}`;
}

export function render() {
  keepingFocus(() => {
    renderCurrent();
    renderWaiting();
    renderNoShows();
    renderSuspensions();
    for (const [key, id] of [
      ["served", "today-served"],
      ["no_show", "today-no-show"],
      ["transferred", "today-transferred"],
    ]) {
      byId(id).textContent = formatNumber(state.today[key] || 0);
    }
    renderButtons();
  }, focusFallback);
}

function renderCurrent() {
  const ticket = state.current;
  byId("current-number").textContent = ticket ? ticket.number : "—";
  byId("current-service").textContent = ticket ? serviceName(ticket.service) : t("ui.counter.no_current");
  byId("current-priority").hidden = !(ticket && ticket.priority);
  byId("current-booked").hidden = !(ticket && ticket.booked);
  byId("current-carried").hidden = !(ticket && ticket.carried);
  renderNeed(ticket);
  renderSms(ticket);
  byId("current-booked").textContent = ticket && ticket.booked ? bookedText(ticket) : "";
  byId("current-reference").hidden = !(ticket && ticket.reference);
  byId("current-reference").textContent =
    ticket && ticket.reference ? t("ui.counter.reference", { reference: ticket.reference }) : "";
  byId("current-timer-row").hidden = !ticket;
  const recalls = ticket ? ticket.recalls : 0;
  byId("current-recalls").hidden = !recalls;
  byId("current-recalls").textContent = recalls ? t("ui.counter.recalls", { n: recalls }) : "";
  const names = state.present.map((person) => person.username);
  byId("present").hidden = names.length === 0;
  byId("present").textContent = t("ui.counter.present", { names: names.join(", ") });
  renderTimer();
  const paused = state.counterState !== "open";
  showNotice(
    byId("paused"),
    paused
      ? t(`ui.counter.paused_${state.counterState}`)
      : atRecallLimit()
        ? t("ui.counter.recall_limit", { n: recalls })
        : "",
  );
  for (const button of document.querySelectorAll("[data-state]")) {
    button.setAttribute("aria-pressed", String(button.dataset.state === state.counterState));
  }
}

export function renderTimer() {
  const ticket = state.current;
  if (!ticket || !ticket.called_at) {
    byId("overtime").hidden = true;
    return;
  }
  const seconds = Math.max(0, Math.floor((Date.now() - Date.parse(ticket.called_at)) / 1000));
  const minutes = Math.floor(seconds / 60);
  const timer = byId("current-timer");
  timer.textContent = `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
  timer.dateTime = `PT${seconds}S`;
  const service = services.get(ticket.service);
  const standard = service ? service.standard_minutes : null; // null: none set, no warning
  const over = standard !== null && seconds > standard * 60;
  showNotice(
    byId("overtime"),
    over ? t("ui.counter.overtime", { minutes, standard }) : "",
  );
}

// Buttons that cannot act are disabled; while an action runs they are only marked
// aria-disabled (and ignored), so the focused button keeps the keyboard's place.
export function renderButtons() {
  keepingFocus(() => {
    const online = state.online;
    for (const button of document.querySelectorAll("[data-action], [data-state]")) {
      const action = button.dataset.action;
      let enabled = online;
      if (ACTIONS_ON_CURRENT.has(action)) enabled &&= Boolean(state.current);
      if (action === "recall") enabled &&= !atRecallLimit();
      if (action === "call_next") enabled &&= state.counterState === "open";
      button.disabled = !enabled;
    }
    for (const button of document.querySelectorAll(".call-this")) {
      // A suspended service's ticket keeps its place but is not called until it resumes.
      const suspended = button.dataset.service in state.suspended;
      button.disabled = !online || state.counterState !== "open" || suspended;
    }
    for (const button of document.querySelectorAll(".put-back, .mark-priority")) {
      button.disabled = !online;
    }
    for (const button of document.querySelectorAll("#desk-view .btn, .console-dialog .btn")) {
      if (state.busy) button.setAttribute("aria-disabled", "true");
      else button.removeAttribute("aria-disabled");
    }
  }, focusFallback);
}

// `no_show_after_recalls`: a citizen recalled that many times is not recalled again.
function atRecallLimit() {
  const limit = page.recall_limit;
  return Boolean(limit && state.current && state.current.recalls >= limit);
}
