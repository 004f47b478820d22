// The kiosk has no keyboard: an on-screen keypad types booking codes and registration numbers.
// Each `.kiosk-keypad` names its field (`data-input`) and its characters (`data-keys`); it gets
// one large key per character, then "delete" and "clear all". A scanner or a keyboard still
// types into the field itself.

import { byId, el } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";

function key(label, onPress, { className = "kiosk-key", i18n = null } = {}) {
  const button = el("button", { type: "button", class: className, "data-i18n": i18n }, label);
  button.addEventListener("click", onPress);
  return button;
}

function build(pad) {
  const input = byId(pad.dataset.input);
  const type = (change) => {
    input.value = change(input.value).slice(0, input.maxLength);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const edit = (i18n, change) =>
    key(t(i18n), () => type(change), { className: "kiosk-key kiosk-key-edit", i18n });
  const keys = [...pad.dataset.keys].map((char) => key(char, () => type((value) => value + char)));
  pad.replaceChildren(
    el("div", { class: "kiosk-keys" }, ...keys),
    el(
      "div",
      { class: "kiosk-keys-edit" },
      edit("ui.kiosk.key_backspace", (value) => value.slice(0, -1)),
      edit("ui.kiosk.key_clear", () => ""),
    ),
  );
}

for (const pad of document.querySelectorAll(".kiosk-keypad")) build(pad);
