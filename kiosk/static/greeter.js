// The greeter's tablet: staff issue a ticket on a citizen's behalf (a service, priority, a need)
// and either print it at the greeter's kiosk or say the number aloud in the station's voice
// (the kiosk's spoken prompt for a ticket). "English" switches the language for one citizen:
// the tablet returns to the station's language for the next one.

import { api } from "/static/js/api.js";
import { currentLanguage, otherLanguage, page, serviceName, showInLanguage, t } from "/static/js/i18n.js";
import { byId, el, replaceChildren, setText, showNotice } from "/static/js/dom.js";

const greeter = page.greeter;
const DEFAULT_LANGUAGE = page.language;
const languageButton = byId("language");
const form = byId("greeter-form");
const result = byId("greeter-result");
const error = byId("greeter-error");
const audio = byId("greeter-audio");
let services = page.services;
let issued = null;
let privateOpen = false;

function serviceChoice(service, chosen) {
  return el(
    "label",
    { class: "tablet-choice greeter-choice" },
    el("input", {
      type: "radio",
      name: "service",
      value: service.id,
      checked: service.id === chosen,
      disabled: !service.open,
    }),
    el("span", { class: "greeter-prefix" }, service.prefix),
    el("span", {}, serviceName(service.id)),
  );
}

// Private services stay behind one neutral choice, as on the kiosk: whoever stands beside the
// tablet at the door cannot read which one a citizen asks for.
function privateToggle(hidden) {
  const toggle = el(
    "button",
    { type: "button", class: "tablet-choice greeter-choice greeter-private", "aria-expanded": String(privateOpen) },
    el("span", { class: "greeter-prefix" }, hidden[0].prefix),
    el("span", {}, t("ui.common.private_services")),
  );
  toggle.addEventListener("click", () => {
    privateOpen = !privateOpen;
    renderServices();
  });
  return toggle;
}

function renderServices() {
  const chosen = form.querySelector('input[name="service"]:checked')?.value;
  const hidden = services.filter((service) => service.private);
  const choices = services.filter((service) => !service.private).map((service) => serviceChoice(service, chosen));
  if (hidden.length) {
    choices.push(privateToggle(hidden));
    if (privateOpen) choices.push(...hidden.map((service) => serviceChoice(service, chosen)));
  }
  replaceChildren(byId("greeter-services"), choices);
}

function renderPrintButton() {
  setText(
    "greeter-print",
    greeter.kiosk_name ? t("ui.greeter.print", { kiosk: greeter.kiosk_name }) : t("ui.greeter.print_default"),
  );
}

function render() {
  renderServices();
  renderPrintButton();
  if (issued) renderIssued();
}

function promptUrl() {
  const query = new URLSearchParams({
    say: "ticket",
    token: issued.ticket.token,
    print: issued.print.status,
    lang: currentLanguage(),
  });
  return `/api/kiosk/prompt.wav?${query}`;
}

function say() {
  audio.src = promptUrl();
  audio.play().catch(() => {
    // a tablet that blocks sound still shows the number
  });
}

function renderIssued() {
  const { ticket } = issued;
  setText("greeter-number", ticket.number);
  byId("greeter-priority").hidden = !ticket.priority;
  const need = byId("greeter-need");
  need.hidden = !ticket.need;
  if (ticket.need) setText("greeter-need", t(`ui.need.${ticket.need}`));
  const printed = ["printed", "unconfirmed"].includes(issued.print.status);
  let outcome = "ui.greeter.spoken";
  if (issued.handover === "print") outcome = printed ? "ui.greeter.printed" : "ui.greeter.print_failed";
  setText("greeter-outcome", t(outcome));
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const service = form.querySelector('input[name="service"]:checked');
  if (!service) {
    showNotice(error, t("ui.greeter.choose_service"));
    return;
  }
  const handover = event.submitter?.value === "voice" ? "voice" : "print";
  try {
    const answer = await api(
      "POST",
      `/api/greeter/${encodeURIComponent(greeter.id)}/tickets`,
      {
        service: service.value,
        priority: form.querySelector('input[name="priority"]:checked').value === "yes",
        need: form.querySelector('input[name="need"]:checked').value || null,
        handover,
      },
      { "Idempotency-Key": crypto.randomUUID() },
    );
    issued = { ...answer, handover };
    error.hidden = true;
    renderIssued();
    form.hidden = true;
    result.hidden = false;
    byId("greeter-next").focus();
    if (handover === "voice" || !["printed", "unconfirmed"].includes(answer.print.status)) say();
  } catch (failure) {
    showNotice(error, failure.message);
  }
});

byId("greeter-say").addEventListener("click", say);

byId("greeter-next").addEventListener("click", async () => {
  issued = null;
  privateOpen = false;
  form.reset();
  result.hidden = true;
  form.hidden = false;
  showInLanguage(DEFAULT_LANGUAGE, languageButton);
  try {
    services = (await api("GET", "/api/services")).services;
  } catch {
    // the list shown stays; the server refuses a closed service
  }
  render();
});

languageButton.addEventListener("click", () => {
  showInLanguage(otherLanguage(), languageButton);
  render();
});

render();
