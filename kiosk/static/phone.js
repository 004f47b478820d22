// A citizen's phone: where the ticket stands and which number is being served (live through
// Socket.IO `watch`), an "almost your turn" alert once, the call with a sound and a vibration,
// a way to give the number up, a no-show's way back, and the satisfaction survey once the
// service is done. No framework: this page must open fast on a cheap phone.

import { api } from "/static/js/api.js";
import { byId, el as node } from "/static/js/dom.js";
import { keepingFocus } from "/static/js/focus.js";
import {
  currentLanguage,
  formatTime,
  inLanguage,
  page,
  serviceName,
  setLanguage,
  t,
  translatePage,
  waitText,
} from "/static/js/i18n.js";
import { openSocket } from "/static/js/live.js";

const LANGUAGE_KEY = "satupintu.language";
const ALMOST_KEY = "satupintu.almost."; // + ticket id: this phone already alerted for it
const VIBRATION_MS = [400, 150, 400, 150, 800];
const ALMOST_VIBRATION_MS = [200, 100, 200];
// [start in seconds, frequency in Hz]
const BEEPS = [
  [0, 880],
  [0.3, 1175],
  [0.6, 880],
];
const ALMOST_BEEPS = [
  [0, 660],
  [0.25, 880],
];

const element = byId;
const el = {
  language: element("language"),
  number: element("number"),
  service: element("service"),
  priority: element("priority"),
  issued: element("issued"),
  waiting: element("state-waiting"),
  almost: element("almost"),
  almostText: element("almost-text"),
  moved: element("moved"),
  serving: element("serving"),
  ahead: element("ahead"),
  wait: element("wait"),
  alerts: element("alerts"),
  cancel: element("cancel"),
  confirm: element("cancel-confirm"),
  question: element("cancel-question"),
  cancelError: element("cancel-error"),
  cancelYes: element("cancel-yes"),
  cancelNo: element("cancel-no"),
  called: element("state-called"),
  goTo: element("go-to"),
  done: element("state-done"),
  survey: element("survey"),
  questions: element("survey-questions"),
  surveyError: element("survey-error"),
  submit: element("survey-submit"),
  thanks: element("survey-thanks"),
  closed: element("state-closed"),
  closedMessage: element("closed-message"),
  noShow: element("no-show"),
  noShowCalled: element("no-show-called"),
  noShowRestore: element("no-show-restore"),
  announcer: element("announcer"),
  offline: element("offline-mark"),
};

let ticket = page.ticket;
let movedFrom = null; // the service the ticket was transferred from, while it waits again
let survey = page.survey.answered ? "already" : "open"; // open | sending | sent | already
const answers = {};
let sound = null; // the AudioContext, once a touch allowed it
let cancelling = "no"; // no | asking | sending
let restoreTimer = null;
const alerted = new Set(); // "almost your turn" alerts given, when storage is blocked

// ---- showing the ticket --------------------------------------------------------------------

function counterName() {
  const names = page.counters[ticket.counter];
  return names ? inLanguage(names) : ticket.counter || "";
}

function render() {
  el.number.textContent = ticket.number;
  el.service.textContent = serviceName(ticket.service);
  el.priority.hidden = !ticket.priority;
  el.issued.textContent = t("ui.phone.issued_at", { time: formatTime(ticket.issued_at) });
  const status = ticket.status;
  el.waiting.hidden = status !== "waiting";
  el.called.hidden = status !== "called";
  el.done.hidden = status !== "done";
  el.closed.hidden = !["no_show", "expired", "cancelled"].includes(status);
  document.body.classList.toggle("is-called", status === "called");
  if (status === "waiting") renderWaiting();
  if (status === "called") el.goTo.textContent = t("ui.phone.go_to", { counter: counterName() });
  if (status === "done") renderSurvey();
  if (!el.closed.hidden) el.closedMessage.textContent = t(`ui.phone.closed.${status}`);
  renderNoShow();
}

// The server says when it is almost the turn (few ahead and a short estimate): one rule.
function almostYourTurn(which = ticket) {
  return which.status === "waiting" && which.almost_turn === true;
}

function renderWaiting() {
  el.almost.hidden = !almostYourTurn();
  if (almostYourTurn()) {
    el.almostText.textContent = ticket.ahead
      ? t("ui.phone.almost_ahead", { n: ticket.ahead })
      : t("ui.phone.almost_next");
  }
  el.serving.textContent = ticket.now_serving || t("ui.phone.serving_none");
  el.ahead.textContent = ticket.ahead
    ? t("ui.phone.ahead_people", { n: ticket.ahead })
    : t("ui.phone.ahead_none");
  el.wait.textContent = waitText(ticket.estimated_wait);
  el.moved.hidden = movedFrom === null;
  if (movedFrom !== null) {
    el.moved.textContent = t("ui.phone.moved", { service: serviceName(ticket.service) });
  }
  const soundOn = sound !== null && sound.state === "running";
  el.alerts.textContent = t(soundOn ? "ui.phone.alerts_ready" : "ui.phone.alerts_on");
  el.alerts.setAttribute("aria-pressed", String(soundOn));
  renderCancel();
}

// After a no-show: which counter called, and until when an officer there can put it back.
function renderNoShow() {
  clearTimeout(restoreTimer);
  el.noShow.hidden = ticket.status !== "no_show";
  if (el.noShow.hidden) return;
  el.noShowCalled.textContent = t("ui.phone.no_show_called", {
    counter: counterName(),
    time: formatTime(ticket.called_at),
  });
  const until = ticket.requeue_until ? Date.parse(ticket.requeue_until) : 0;
  const open = until > Date.now();
  const restore = { time: formatTime(ticket.requeue_until), counter: counterName() };
  el.noShowRestore.textContent = open
    ? t("ui.phone.no_show_restore", restore)
    : t("ui.phone.no_show_too_late");
  if (open) restoreTimer = setTimeout(renderNoShow, until - Date.now());
}

// A new state of the ticket, from the live connection or a refresh.
function update(next) {
  const before = ticket;
  ticket = next;
  if (next.status === "waiting" && next.service !== before.service) movedFrom = before.service;
  if (next.status !== "waiting") movedFrom = null;
  const newlyCalled =
    next.status === "called" && (before.status !== "called" || before.counter !== next.counter);
  if (next.status !== "waiting") cancelling = "no";
  render();
  if (newlyCalled) alertCalled();
  else if (almostYourTurn(next) && !almostYourTurn(before)) alertAlmostOnce();
}

// ---- the call: sound, vibration and the screen reader ----------------------------------------

function startSound() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  if (!sound) {
    sound = new Context();
    sound.addEventListener("statechange", () => {
      if (ticket.status === "waiting") renderWaiting();
    });
  }
  sound.resume();
  return sound;
}

function beep(tones = BEEPS) {
  const context = startSound();
  if (!context) return;
  const start = context.currentTime;
  for (const [offset, frequency] of tones) {
    const tone = context.createOscillator();
    const volume = context.createGain();
    tone.frequency.value = frequency;
    volume.gain.setValueAtTime(0.0001, start + offset);
    volume.gain.exponentialRampToValueAtTime(0.5, start + offset + 0.02);
    volume.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.25);
    tone.connect(volume).connect(context.destination);
    tone.start(start + offset);
    tone.stop(start + offset + 0.27);
  }
}

function announce(text) {
  el.announcer.textContent = "";
  setTimeout(() => {
    el.announcer.textContent = text;
  }, 100);
}

function alertCalled() {
  if (navigator.vibrate) navigator.vibrate(VIBRATION_MS);
  beep();
  announce(t("ui.phone.announce_called", { number: ticket.number, counter: counterName() }));
}

// "Almost your turn": a short tone, a short vibration and the screen reader when the ticket
// gets there, once per ticket on this phone (the banner stays while it holds; a page opened
// when it already holds just shows it).
function alertAlmostOnce() {
  const key = `${ALMOST_KEY}${ticket.id}`;
  try {
    if (localStorage.getItem(key)) return;
    localStorage.setItem(key, "1");
  } catch {
    if (alerted.has(key)) return; // storage blocked: once while the page is open
    alerted.add(key);
  }
  if (navigator.vibrate) navigator.vibrate(ALMOST_VIBRATION_MS);
  beep(ALMOST_BEEPS);
  announce(`${t("ui.phone.almost_title")}. ${el.almostText.textContent}`);
}

// Browsers only play sound after a touch: this button gives that touch (and a test beep).
function enableAlerts() {
  beep();
  if (navigator.vibrate) navigator.vibrate(100);
  renderWaiting();
}

// ---- the survey ----------------------------------------------------------------------------

function questionField(question) {
  const options = t(`ui.survey.scale.${question}`)
    .split("|")
    .map((words, index) => {
      const score = index + 1;
      const input = node("input", {
        type: "radio",
        name: question,
        value: String(score),
        checked: answers[question] === score,
        "data-focus-key": `${question}:${score}`,
      });
      input.addEventListener("change", () => {
        answers[question] = score;
        el.surveyError.hidden = true;
      });
      return node("label", { class: "phone-option" }, input, node("span", {}, words.trim()));
    });
  return node(
    "fieldset",
    { class: "phone-question" },
    node("legend", {}, t(`ui.survey.question.${question}`)),
    node("div", { class: "phone-options" }, ...options),
  );
}

function renderSurvey() {
  el.survey.hidden = !["open", "sending"].includes(survey);
  el.thanks.hidden = !["sent", "already"].includes(survey);
  if (!el.thanks.hidden) {
    el.thanks.textContent = t(survey === "sent" ? "ui.survey.thanks" : "ui.survey.already");
  }
  if (!el.survey.hidden) {
    keepingFocus(() => el.questions.replaceChildren(...page.survey.questions.map(questionField)));
  }
  el.submit.disabled = survey === "sending";
}

async function sendSurvey(event) {
  event.preventDefault();
  if (page.survey.questions.some((question) => !(question in answers))) {
    el.surveyError.textContent = t("ui.survey.unanswered");
    el.surveyError.hidden = false;
    return;
  }
  survey = "sending";
  renderSurvey();
  try {
    await api("POST", `/api/tickets/${encodeURIComponent(ticket.token)}/survey`, { answers });
    survey = "sent";
  } catch (error) {
    survey = error.status === 409 ? "already" : "open";
    if (survey === "open") {
      el.surveyError.textContent = error.message;
      el.surveyError.hidden = false;
    }
  }
  renderSurvey();
}

// ---- giving the number up -------------------------------------------------------------------

function renderCancel() {
  el.cancel.hidden = cancelling !== "no";
  el.confirm.hidden = cancelling === "no";
  el.question.textContent = t("ui.phone.cancel_question", { number: ticket.number });
  el.cancelYes.disabled = cancelling === "sending";
  el.cancelYes.setAttribute("aria-busy", String(cancelling === "sending"));
}

function askToCancel() {
  cancelling = "asking";
  el.cancelError.hidden = true;
  renderCancel();
  el.cancelNo.focus();
}

function keepWaiting() {
  cancelling = "no";
  renderCancel();
  el.cancel.focus();
}

async function cancelTicket() {
  cancelling = "sending";
  renderCancel();
  try {
    const reply = await api("POST", `/api/tickets/${encodeURIComponent(ticket.token)}/cancel`);
    update(reply.ticket);
  } catch (error) {
    cancelling = "asking";
    el.cancelError.textContent = error.status ? error.message : t("ui.phone.cancel_failed");
    el.cancelError.hidden = false;
    renderCancel();
    refresh(); // it may have been called meanwhile
  }
}

// ---- language and the live connection ------------------------------------------------------

// The language asked for in the address (?lang=), else the one chosen on this phone before.
function savedLanguage() {
  if (new URLSearchParams(window.location.search).has("lang")) return page.language;
  try {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    return saved === "id" || saved === "en" ? saved : page.language;
  } catch {
    return page.language; // storage blocked: the station's language
  }
}

function switchLanguage(language) {
  setLanguage(language);
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // storage blocked: the choice lasts until the page is closed
  }
  el.language.lang = language === "id" ? "en" : "id";
  translatePage();
  for (const part of document.querySelectorAll("[data-language]")) {
    part.hidden = part.dataset.language !== language; // the standard, written in both
  }
  render();
}

async function refresh() {
  try {
    update((await api("GET", `/api/tickets/${encodeURIComponent(ticket.token)}`)).ticket);
  } catch {
    // offline: the live connection catches up when it is back
  }
}

function connect() {
  const socket = openSocket({
    onStatus: (online) => {
      el.offline.hidden = online;
    },
    // Watch again after every reconnect: a restarted server knows nothing of this phone.
    onConnect: (live) =>
      live.emit("watch", { token: ticket.token }, (ack) => {
        if (ack && ack.ok) update(ack.ticket);
      }),
  });
  socket.on("ticket.update", (payload) => update(payload.ticket));
}

el.language.addEventListener("click", () =>
  switchLanguage(currentLanguage() === "id" ? "en" : "id"),
);
el.alerts.addEventListener("click", enableAlerts);
el.cancel.addEventListener("click", askToCancel);
el.cancelNo.addEventListener("click", keepWaiting);
el.cancelYes.addEventListener("click", cancelTicket);
el.survey.addEventListener("submit", sendSurvey);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh(); // a phone that slept
});

switchLanguage(savedLanguage());
connect();
