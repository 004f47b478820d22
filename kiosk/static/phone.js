// A citizen's phone: where the ticket stands (live through Socket.IO `watch`), the call with a
// sound and a vibration, and the satisfaction survey once the service is done. No framework:
// this page must open fast on a cheap phone.

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
const VIBRATION_MS = [400, 150, 400, 150, 800];
const BEEPS = [
  [0, 880],
  [0.3, 1175],
  [0.6, 880],
]; // [start in seconds, frequency in Hz]

const element = byId;
const el = {
  language: element("language"),
  number: element("number"),
  service: element("service"),
  priority: element("priority"),
  issued: element("issued"),
  waiting: element("state-waiting"),
  moved: element("moved"),
  ahead: element("ahead"),
  wait: element("wait"),
  alerts: element("alerts"),
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
  announcer: element("announcer"),
  offline: element("offline-mark"),
};

let ticket = page.ticket;
let movedFrom = null; // the service the ticket was transferred from, while it waits again
let survey = page.survey.answered ? "already" : "open"; // open | sending | sent | already
const answers = {};
let sound = null; // the AudioContext, once a touch allowed it

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
  el.closed.hidden = !["no_show", "expired"].includes(status);
  document.body.classList.toggle("is-called", status === "called");
  if (status === "waiting") renderWaiting();
  if (status === "called") el.goTo.textContent = t("ui.phone.go_to", { counter: counterName() });
  if (status === "done") renderSurvey();
  if (!el.closed.hidden) el.closedMessage.textContent = t(`ui.phone.closed.${status}`);
}

function renderWaiting() {
  el.ahead.textContent = ticket.ahead
    ? t("ui.phone.ahead_people", { n: ticket.ahead })
    : t("ui.phone.ahead_none");
  el.wait.textContent = waitText(ticket.estimated_wait);
  el.moved.hidden = movedFrom === null;
  if (movedFrom !== null) {
    el.moved.textContent = t("ui.phone.moved", { service: serviceName(ticket.service) });
  }
  el.alerts.textContent = t(sound ? "ui.phone.alerts_ready" : "ui.phone.alerts_on");
  el.alerts.setAttribute("aria-pressed", String(sound !== null));
}

// A new state of the ticket, from the live connection or a refresh.
function update(next) {
  const before = ticket;
  ticket = next;
  if (next.status === "waiting" && next.service !== before.service) movedFrom = before.service;
  if (next.status !== "waiting") movedFrom = null;
  const newlyCalled =
    next.status === "called" && (before.status !== "called" || before.counter !== next.counter);
  render();
  if (newlyCalled) alertCalled();
}

// ---- the call: sound, vibration and the screen reader ----------------------------------------

function startSound() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  sound = sound || new Context();
  sound.resume();
  return sound;
}

function beep() {
  const context = startSound();
  if (!context) return;
  const start = context.currentTime;
  for (const [offset, frequency] of BEEPS) {
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
el.survey.addEventListener("submit", sendSurvey);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh(); // a phone that slept
});

switchLanguage(savedLanguage());
connect();
