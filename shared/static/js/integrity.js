// The survey's optional integrity questions (ui.integrity.*), as the phone and the counter's
// survey tablet ask them: a fieldset per question, its legend, then a choice for "yes" and one
// for "no". Each page draws its own choice and names its own classes.

import { el } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";

// `classes`: {question, options}; `choice(answer)`: the page's control for "yes" or "no".
export function integrityQuestion(question, classes, choice) {
  return el(
    "fieldset",
    { class: classes.question },
    el("legend", {}, t(`ui.integrity.question.${question}`)),
    el("div", { class: classes.options }, ...["yes", "no"].map(choice)),
  );
}
