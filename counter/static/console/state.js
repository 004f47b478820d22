// What the console knows: the station's services and counters, and this screen's state.

import { page, t } from "/static/js/i18n.js";

export const services = new Map(page.services.map((service) => [service.id, service]));
export const counters = new Map(page.counters.map((counter) => [counter.id, counter]));

export const state = {
  user: null,
  counter: null, // the chosen counter from page data: {id, name, services}
  socket: null,
  online: false,
  busy: false,
  current: null, // the counter's called ticket (T) or null
  counterState: "open",
  waiting: [],
  noShows: [],
  today: { served: 0, no_show: 0, transferred: 0 },
  seq: 0, // the newest board event the shown state includes
  missedSeq: 0, // the newest board event about this counter seen while an action ran
  lastWaiting: {}, // waiting counts per service, to notice changes in `queue.waiting`
  present: [], // the officers whose consoles are at this counter now
  seatArea: null, // where citizens with a need may sit ({id, en}), if the hall has such a place
  suspended: {}, // this counter's services suspended now: service id -> its suspension
  loadFailed: false, // the error shown comes from a failed reload, not from an action
};

// The ticket this screen shows at the counter, as actions name it (null: nobody).
export function shownNumber() {
  return state.current ? state.current.number : null;
}

// The words an officer reads for a failed request or action.
export function messageOf(error) {
  if (!error) return t("ui.counter.error_network");
  if (error.code === "network") return t("ui.counter.error_network");
  if (error.code === "timeout") return t("ui.counter.error_timeout");
  return error.message || t("ui.counter.error_network");
}

// The server says which counters this user may see and act at (their units).
export function mayActAt(counter) {
  return Boolean(state.user && state.user.counters.includes(counter.id));
}
