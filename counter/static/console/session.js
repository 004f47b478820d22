// Logging in and out, choosing a counter, and the three views (login, choice, desk).

import { api } from "/static/js/api.js";
import { byId, el, showNotice } from "/static/js/dom.js";
import { inLanguage, serviceName, t } from "/static/js/i18n.js";
import { bindLogin, logOut } from "/static/js/session.js";
import { bookableServices } from "./bookings.js";
import { attend, leave, leavingCounter } from "./presence.js";
import { focusFallback, render } from "./render.js";
import { counters, mayActAt, messageOf, state } from "./state.js";
import { connect, refresh, setOnline } from "./sync.js";

const COUNTER_KEY = "satupintu.counter";

// Show one of the three views; when the view changes, the keyboard's place moves into it.
let shownView = null;

export function show(view) {
  for (const id of ["login-view", "choose-view", "desk-view"]) byId(id).hidden = id !== view;
  byId("user-area").hidden = view === "login-view";
  if (view === shownView) return;
  shownView = view;
  const first = {
    "login-view": () => byId("username"),
    "choose-view": () => document.querySelector(".choose-button"),
    "desk-view": focusFallback,
  }[view]();
  if (first) first.focus();
}

export async function start() {
  try {
    const { user } = await api("GET", "/api/me");
    loggedIn(user);
  } catch (error) {
    loggedOut(error.status === 401 ? "" : messageOf(error));
  }
}

function loggedIn(user) {
  state.user = user;
  byId("user-name").textContent = t("ui.counter.signed_in", { user: user.username });
  connect();
  const remembered = counters.get(localStorage.getItem(COUNTER_KEY));
  if (remembered && mayActAt(remembered)) openDesk(remembered);
  else chooseCounter();
}

export function loggedOut(message = "") {
  state.user = null;
  if (state.socket) state.socket.disconnect();
  state.socket = null;
  setOnline(true);
  show("login-view");
  showNotice(byId("login-error"), message);
}

bindLogin(byId("login-form"), {
  error: byId("login-error"),
  submit: byId("login-submit"),
  onLoggedIn: loggedIn,
  describe: messageOf,
});

byId("logout").addEventListener("click", () =>
  leavingCounter("logout", async () => {
    leave();
    await logOut(); // an unreachable server: this screen logs out anyway
    loggedOut();
  }),
);

function chooseCounter() {
  leave();
  const list = byId("choose-list");
  list.replaceChildren();
  for (const counter of [...counters.values()].filter(mayActAt)) {
    const button = el(
      "button",
      { type: "button", class: "btn choose-button" },
      el("strong", {}, inLanguage(counter.name)),
      el("span", {}, counter.services.map((id) => serviceName(id)).join(", ")),
    );
    button.addEventListener("click", () => openDesk(counter));
    list.append(el("li", {}, button));
  }
  byId("counter-name").textContent = "";
  state.counter = null;
  show("choose-view");
}

byId("change-counter").addEventListener("click", () => {
  if (state.counter) leavingCounter("change", chooseCounter);
  else chooseCounter();
});

function openDesk(counter) {
  localStorage.setItem(COUNTER_KEY, counter.id);
  state.counter = counter;
  state.current = null;
  state.waiting = [];
  state.noShows = [];
  state.seq = 0;
  state.present = [];
  byId("counter-name").textContent = inLanguage(counter.name);
  byId("booking-open").hidden = bookableServices().length === 0;
  show("desk-view");
  render();
  refresh();
  attend();
}
