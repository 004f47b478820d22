// A citizen's phone: where the ticket stands and which number is being served (live through
// Socket.IO `watch`), an "almost your turn" alert once, the call with a sound and a vibration,
// a way to give the number up, a no-show's way back, and the satisfaction survey once the
// service is done; an SMS when the turn is near. No framework: this page must open fast on a cheap phone.

import { api } from "/static/js/api.js";
import { byId, el, showNotice } from "/static/js/dom.js";
import { keepingFocus } from "/static/js/focus.js";
import {
  formatDate,
  formatTime,
  inLanguage,
  otherLanguage,
  page,
  serviceName,
  showInLanguage,
  t,
  waitText,
} from "/static/js/i18n.js";
import { integrityQuestion } from "/static/js/integrity.js";
import { openSocket } from "/static/js/live.js";
import { NEED_VIBRATION } from "/static/js/needs.js";
import { suspensionLines } from "/static/js/suspension.js";
import { renderSmsOptIn, startSmsOptIn } from "./sms-optin.js";

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

const ui = {
  language: byId("language"),
  number: byId("number"),
  service: byId("service"),
  priority: byId("priority"),
  carriedBadge: byId("carried"),
  stepBack: byId("step-back"),
  stepBackHint: byId("step-back-hint"),
  stepBackStatus: byId("step-back-status"),
  carried: byId("state-carried"),
  carriedMessage: byId("carried-message"),
  issued: byId("issued"),
  waiting: byId("state-waiting"),
  almost: byId("almost"),
  almostText: byId("almost-text"),
  moved: byId("moved"),
  suspended: byId("suspended"),
  suspendedTitle: byId("suspended-title"),
  suspendedReason: byId("suspended-reason"),
  suspendedUntil: byId("suspended-until"),
  serving: byId("serving"),
  ahead: byId("ahead"),
  wait: byId("wait"),
  alerts: byId("alerts"),
  cancel: byId("cancel"),
  confirm: byId("cancel-confirm"),
  question: byId("cancel-question"),
  cancelError: byId("cancel-error"),
  cancelYes: byId("cancel-yes"),
  cancelNo: byId("cancel-no"),
  called: byId("state-called"),
  calledNeed: byId("called-need"),
  goTo: byId("go-to"),
  done: byId("state-done"),
  survey: byId("survey"),
  questions: byId("survey-questions"),
  surveyError: byId("survey-error"),
  submit: byId("survey-submit"),
  thanks: byId("survey-thanks"),
  closed: byId("state-closed"),
  closedMessage: byId("closed-message"),
  noShow: byId("no-show"),
  noShowCalled: byId("no-show-called"),
  noShowRestore: byId("no-show-restore"),
  announcer: byId("announcer"),
  offline: byId("offline-mark"),
};

let ticket = page.ticket;
let movedFrom = null; // the service the ticket was transferred from, while it waits again
let survey = page.survey.answered ? "already" : "open"; // open | sending | sent | already
const answers = {};
const profile = {};
const integrity = {}; // the optional integrity questions' "yes" or "no"
let sound = null; // the AudioContext, once a touch allowed it
let cancelling = "no"; // no | asking | sending
let steppingBack = false;
let steppedBack = null; // what the last "let others go first" said, while it still waits
let restoreTimer = null;
const alerted = new Set(); // "almost your turn" alerts given, when storage is blocked

// ---- showing the ticket --------------------------------------------------------------------

function counterName() {
  const names = page.counters[ticket.counter];
  return names ? inLanguage(names) : ticket.counter || "";
}

function render() {
  ui.number.textContent = ticket.number;
  ui.service.textContent = serviceName(ticket.service);
  ui.priority.hidden = !ticket.priority;
  ui.carriedBadge.hidden = !ticket.carried;
  ui.issued.textContent = t("ui.phone.issued_at", { time: formatTime(ticket.issued_at) });
  const status = ticket.status;
  ui.waiting.hidden = status !== "waiting";
  ui.called.hidden = status !== "called";
  ui.done.hidden = status !== "done";
  ui.carried.hidden = !["carried", "resumed"].includes(status) && !ticket.carried_until;
  ui.closed.hidden = !["no_show", "expired", "cancelled"].includes(status) || !ui.carried.hidden;
  if (!ui.carried.hidden) renderCarried();
  document.body.classList.toggle("is-called", status === "called");
  document.body.classList.toggle("is-called-need", status === "called" && Boolean(ticket.need));
  ui.calledNeed.hidden = !ticket.need;
  if (status === "waiting") renderWaiting();
  if (status === "called") ui.goTo.textContent = t("ui.phone.go_to", { counter: counterName() });
  if (status === "done") renderSurvey();
  if (!ui.closed.hidden) ui.closedMessage.textContent = t(`ui.phone.closed.${status}`);
  renderNoShow();
}

// The server says when it is almost the turn (few ahead and a short estimate): one rule.
function almostYourTurn(which = ticket) {
  return which.status === "waiting" && which.almost_turn === true;
}

function renderWaiting() {
  ui.almost.hidden = !almostYourTurn();
  if (almostYourTurn()) {
    ui.almostText.textContent = ticket.ahead
      ? t("ui.phone.almost_ahead", { n: ticket.ahead })
      : t("ui.phone.almost_next");
  }
  ui.serving.textContent = ticket.now_serving || t("ui.phone.serving_none");
  ui.ahead.textContent = ticket.ahead
    ? t("ui.phone.ahead_people", { n: ticket.ahead })
    : t("ui.phone.ahead_none");
  ui.wait.textContent = waitText(ticket.estimated_wait);
  renderSuspension();
  ui.moved.hidden = movedFrom === null;
  if (movedFrom !== null) {
    ui.moved.textContent = t("ui.phone.moved", { service: serviceName(ticket.service) });
  }
  const soundOn = sound !== null && sound.state === "running";
  ui.alerts.textContent = t(soundOn ? "ui.phone.alerts_ready" : "ui.phone.alerts_on");
  ui.alerts.setAttribute("aria-pressed", String(soundOn));
  renderCancel();
  renderStepBack();
  renderSmsOptIn({ offered: page.sms, masked: ticket.sms, doneKey: "ui.optin.ticket_done" });
}

// The ticket's service is suspended: why, when it is expected back, and that the number keeps
// its place (the estimate already includes the outage).
function renderSuspension() {
  const { suspension } = ticket;
  ui.suspended.hidden = !suspension;
  if (!suspension) return;
  const [title, ...rest] = suspensionLines(suspension);
  ui.suspendedTitle.textContent = title;
  ui.suspendedReason.textContent = suspension.reason ? rest[0] : "";
  ui.suspendedReason.hidden = !suspension.reason;
  ui.suspendedUntil.textContent = rest[rest.length - 1];
}

// A carried-over ticket: until which day the kiosk honours it, or what became of it.
function renderCarried() {
  const until = formatDate(ticket.carried_until);
  let key = "ui.phone.carried_until";
  if (ticket.status === "resumed") key = "ui.phone.carried_checked_in";
  else if (ticket.status !== "carried") key = "ui.phone.carried_lapsed";
  ui.carriedMessage.textContent = t(key, { date: until });
}

// Tunda giliran: let a few others go first, while the ticket allows it.
function renderStepBack() {
  const offer = ticket.step_back;
  ui.stepBack.closest("div").hidden = !offer;
  if (!offer) return;
  ui.stepBack.textContent = t("ui.phone.step_back", { n: offer.places });
  ui.stepBack.disabled = steppingBack || offer.left === 0;
  ui.stepBack.setAttribute("aria-busy", String(steppingBack));
  ui.stepBackHint.textContent =
    offer.left === 0 ? t("ui.phone.step_back_none_left") : t("ui.phone.step_back_left", { n: offer.left });
  ui.stepBackStatus.hidden = steppedBack === null;
  ui.stepBackStatus.textContent = steppedBack || "";
}

async function stepBack() {
  steppingBack = true;
  renderStepBack();
  try {
    const reply = await api("POST", `/api/tickets/${encodeURIComponent(ticket.token)}/step-back`);
    steppedBack = t("ui.phone.stepped_back", { n: reply.ticket.ahead || 0 });
    steppingBack = false;
    update(reply.ticket);
  } catch (error) {
    steppingBack = false;
    steppedBack = error.status ? error.message : t("ui.phone.step_back_failed");
    renderStepBack();
  }
}

// After a no-show: which counter called, and until when an officer there can put it back.
function renderNoShow() {
  clearTimeout(restoreTimer);
  ui.noShow.hidden = ticket.status !== "no_show";
  if (ui.noShow.hidden) return;
  ui.noShowCalled.textContent = t("ui.phone.no_show_called", {
    counter: counterName(),
    time: formatTime(ticket.called_at),
  });
  const until = ticket.requeue_until ? Date.parse(ticket.requeue_until) : 0;
  const open = until > Date.now();
  const restore = { time: formatTime(ticket.requeue_until), counter: counterName() };
  ui.noShowRestore.textContent = open
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
  ui.announcer.textContent = "";
  setTimeout(() => {
    ui.announcer.textContent = text;
  }, 100);
}

// A citizen who said a need (above all one who cannot hear) feels the call: a longer pattern.
function alertCalled() {
  if (navigator.vibrate) navigator.vibrate(NEED_VIBRATION[ticket.need] || VIBRATION_MS);
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
  announce(`${t("ui.phone.almost_title")}. ${ui.almostText.textContent}`);
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
      const input = el("input", {
        type: "radio",
        name: question,
        value: String(score),
        checked: answers[question] === score,
        "data-focus-key": `${question}:${score}`,
      });
      input.addEventListener("change", () => {
        answers[question] = score;
        ui.surveyError.hidden = true;
      });
      return el("label", { class: "phone-option" }, input, el("span", {}, words.trim()));
    });
  return el(
    "fieldset",
    { class: "phone-question" },
    el("legend", {}, t(`ui.survey.question.${question}`)),
    el("div", { class: "phone-options" }, ...options),
  );
}

// The optional respondent profile (nine-element form only): categories, each may be skipped.
function profileField(question) {
  const select = el(
    "select",
    { name: `profile-${question}`, "data-focus-key": `profile:${question}` },
    el("option", { value: "" }, t("ui.skm.profile.skip")),
    ...page.survey.profile[question].map((category) =>
      el(
        "option",
        { value: category, selected: profile[question] === category },
        t(`ui.skm.profile.${question}_${category}`),
      ),
    ),
  );
  select.addEventListener("change", () => {
    profile[question] = select.value;
  });
  return el("label", { class: "phone-profile-field" }, t(`ui.skm.profile.${question}`), select);
}

function profileFields() {
  if (!page.survey.profile) return [];
  return [
    el(
      "fieldset",
      { class: "phone-question phone-profile" },
      el("legend", {}, t("ui.skm.profile.intro")),
      ...Object.keys(page.survey.profile).map(profileField),
    ),
  ];
}

// The optional integrity questions: yes or no, each may be left unanswered. They go with the
// survey, and only Propam reads them, without the number.
function integrityField(question) {
  return integrityQuestion(question, { question: "phone-question", options: "phone-options" }, (answer) => {
    const input = el("input", {
      type: "radio",
      name: `integrity-${question}`,
      value: answer,
      checked: integrity[question] === answer,
      "data-focus-key": `integrity:${question}:${answer}`,
    });
    input.addEventListener("change", () => {
      integrity[question] = answer;
    });
    return el("label", { class: "phone-option" }, input, el("span", {}, t(`ui.integrity.${answer}`)));
  });
}

function integrityFields() {
  if (!page.survey.integrity.length) return [];
  return [
    el(
      "div",
      { class: "phone-integrity", role: "group", "aria-labelledby": "integrity-title" },
      el("h3", { id: "integrity-title" }, t("ui.integrity.title")),
      el("p", { class: "phone-hint" }, t("ui.integrity.intro")),
      ...page.survey.integrity.map(integrityField),
    ),
  ];
}

function renderSurvey() {
  ui.survey.hidden = !["open", "sending"].includes(survey);
  ui.thanks.hidden = !["sent", "already"].includes(survey);
  if (!ui.thanks.hidden) {
    ui.thanks.textContent = t(survey === "sent" ? "ui.survey.thanks" : "ui.survey.already");
  }
  if (!ui.survey.hidden) {
    keepingFocus(() =>
      ui.questions.replaceChildren(
        ...page.survey.questions.map(questionField),
        ...profileFields(),
        ...integrityFields(),
      ),
    );
  }
  ui.submit.disabled = survey === "sending";
}

async function sendSurvey(event) {
  event.preventDefault();
  if (page.survey.questions.some((question) => !(question in answers))) {
    showNotice(ui.surveyError, t("ui.survey.unanswered"));
    return;
  }
  survey = "sending";
  renderSurvey();
  try {
    const given = Object.fromEntries(Object.entries(profile).filter(([, category]) => category));
    await api("POST", `/api/tickets/${encodeURIComponent(ticket.token)}/survey`, {
      answers,
      profile: given,
      integrity,
    });
    survey = "sent";
  } catch (error) {
    survey = error.status === 409 ? "already" : "open";
    if (survey === "open") {
      showNotice(ui.surveyError, error.message);
    }
  }
  renderSurvey();
}

// ---- giving the number up -------------------------------------------------------------------

function renderCancel() {
  ui.cancel.hidden = cancelling !== "no";
  ui.confirm.hidden = cancelling === "no";
  ui.question.textContent = t("ui.phone.cancel_question", { number: ticket.number });
  ui.cancelYes.disabled = cancelling === "sending";
  ui.cancelYes.setAttribute("aria-busy", String(cancelling === "sending"));
}

function askToCancel() {
  cancelling = "asking";
  ui.cancelError.hidden = true;
  renderCancel();
  ui.cancelNo.focus();
}

function keepWaiting() {
  cancelling = "no";
  renderCancel();
  ui.cancel.focus();
}

async function cancelTicket() {
  cancelling = "sending";
  renderCancel();
  try {
    const reply = await api("POST", `/api/tickets/${encodeURIComponent(ticket.token)}/cancel`);
    update(reply.ticket);
  } catch (error) {
    cancelling = "asking";
    showNotice(ui.cancelError, error.status ? error.message : t("ui.phone.cancel_failed"));
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
  showInLanguage(language, ui.language);
  try {
    localStorage.setItem(LANGUAGE_KEY, language);
  } catch {
    // storage blocked: the choice lasts until the page is closed
  }
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
      ui.offline.hidden = online;
    },
    // Watch again after every reconnect: a restarted server knows nothing of this phone.
    onConnect: (live) =>
      live.emit("watch", { token: ticket.token }, (ack) => {
        if (ack && ack.ok) update(ack.ticket);
      }),
  });
  socket.on("ticket.update", (payload) => update(payload.ticket));
}

ui.language.addEventListener("click", () => switchLanguage(otherLanguage()));
ui.alerts.addEventListener("click", enableAlerts);
ui.cancel.addEventListener("click", askToCancel);
ui.stepBack.addEventListener("click", stepBack);
ui.cancelNo.addEventListener("click", keepWaiting);
ui.cancelYes.addEventListener("click", cancelTicket);
ui.survey.addEventListener("submit", sendSurvey);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible") refresh(); // a phone that slept
});

startSmsOptIn({
  path: () => `/api/tickets/${encodeURIComponent(ticket.token)}/sms`,
  onDone: (reply) => update(reply.ticket),
});
switchLanguage(savedLanguage());
connect();
