// The counter-side survey tablet: asks about the ticket just finished at this counter, with
// the phone survey's questions and answers (ui.survey.*) and, when the station asks them, the
// optional integrity questions (ui.integrity.*). The short form without integrity questions
// sends on the first tap; otherwise a send button sends. "English" switches the language for
// one citizen: the tablet returns to the station's language after each answer.

import { api } from "/static/js/api.js";
import { currentLanguage, otherLanguage, page, showInLanguage, t } from "/static/js/i18n.js";
import { integrityQuestion } from "/static/js/integrity.js";
import { connectLive } from "/static/js/live.js";
import { byId, el, replaceChildren, setText, showNotice } from "/static/js/dom.js";

const THANKS_MS = 6000;
const SCALE = [1, 2, 3, 4];
const counterId = page.desk.counter.id;
const DEFAULT_LANGUAGE = page.language;
const languageButton = byId("language");
const panels = {
  idle: byId("desk-idle"),
  form: byId("desk-form"),
  thanks: byId("desk-thanks"),
};
const form = panels.form;
const error = byId("desk-error");
const sendButton = byId("desk-send");
let desk = page.desk;
let thanking = false;

function show(name) {
  for (const [key, panel] of Object.entries(panels)) panel.hidden = key !== name;
}

function question(key, index) {
  const name = `q-${key}`;
  const answers = t(`ui.survey.scale.${key}`).split("|").map((text) => text.trim());
  const choices = SCALE.map((score) => {
    const input = el("input", { type: "radio", name, value: String(score), required: "required" });
    input.addEventListener("change", () => {
      if (sendsOnTap()) form.requestSubmit();
    });
    return el(
      "label",
      { class: `tablet-choice choice choice-${score}` },
      input,
      el("span", { class: "choice-score" }, String(score)),
      el("span", { class: "choice-text" }, answers[score - 1]),
    );
  });
  return el(
    "fieldset",
    { class: "tablet-question" },
    el("legend", {}, desk.questions.length > 1 ? `${index + 1}. ` : "", t(`ui.survey.question.${key}`)),
    el("div", { class: "choices" }, ...choices),
  );
}

function sendsOnTap() {
  return desk.questions.length === 1 && !desk.integrity.length;
}

// An optional integrity question: "yes" or "no", or left unanswered.
function integrityChoices(key) {
  return integrityQuestion(key, { question: "tablet-question", options: "choices choices-two" }, (answer) =>
    el(
      "label",
      { class: "tablet-choice choice choice-integrity" },
      el("input", { type: "radio", name: `i-${key}`, value: answer }),
      el("span", { class: "choice-text" }, t(`ui.integrity.${answer}`)),
    ),
  );
}

function integrityPart() {
  if (!desk.integrity.length) return [];
  return [
    el(
      "div",
      { class: "desk-integrity", role: "group", "aria-labelledby": "desk-integrity-title" },
      el("h2", { id: "desk-integrity-title" }, t("ui.integrity.title")),
      el("p", {}, t("ui.integrity.intro")),
      ...desk.integrity.map(integrityChoices),
    ),
  ];
}

function render() {
  if (thanking) return;
  if (!desk.ticket) {
    show("idle");
    return;
  }
  // Redraw the questions only for another ticket or language: a refresh must not wipe the
  // answers a citizen is giving.
  const shown = `${desk.ticket.handle} ${currentLanguage()}`;
  if (form.dataset.shown !== shown || form.hidden) {
    form.dataset.shown = shown;
    setText("desk-ask", t("ui.survey_desk.ask", { number: desk.ticket.number }));
    replaceChildren(byId("desk-questions"), [...desk.questions.map(question), ...integrityPart()]);
    error.hidden = true;
  }
  sendButton.hidden = sendsOnTap();
  show("form");
}

async function refresh() {
  try {
    desk = await api("GET", `/api/survey/${encodeURIComponent(counterId)}`);
    render();
  } catch {
    // the board stream or the next event will try again
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const answers = {};
  for (const key of desk.questions) {
    const chosen = form.querySelector(`input[name="q-${key}"]:checked`);
    if (!chosen) return;
    answers[key] = Number(chosen.value);
  }
  const integrity = {};
  for (const key of desk.integrity) {
    const chosen = form.querySelector(`input[name="i-${key}"]:checked`);
    if (chosen) integrity[key] = chosen.value;
  }
  try {
    await api("POST", `/api/survey/${encodeURIComponent(counterId)}`, {
      handle: desk.ticket.handle,
      answers,
      integrity,
    });
    thanking = true;
    show("thanks");
    setTimeout(() => {
      thanking = false;
      desk = { ...desk, ticket: null }; // answered: idle until the next citizen
      switchLanguage(DEFAULT_LANGUAGE);
      refresh();
    }, THANKS_MS);
  } catch (failure) {
    showNotice(error, failure.message);
    if (failure.status === 409) setTimeout(refresh, THANKS_MS);
  }
});

function switchLanguage(language) {
  showInLanguage(language, languageButton);
  render();
}

languageButton.addEventListener("click", () => switchLanguage(otherLanguage()));

render();
connectLive({
  onSnapshot: refresh,
  onEvent: (name, payload) => {
    if (payload.counter === counterId) refresh();
  },
  onStatus: (online) => {
    byId("offline-mark").hidden = online;
  },
});
setInterval(refresh, 60000); // the question lapses after a few minutes
