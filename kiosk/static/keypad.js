// The kiosk has no keyboard: an on-screen keypad types booking codes and registration numbers.
// Each `.kiosk-keypad` names its field (`data-input`) and its characters (`data-keys`); it gets
// one large key per character, then "delete" and "clear all". A scanner or a keyboard still
// types into the field itself.

import { el as node } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";

function key(label, onPress, { className = "kiosk-key", i18n = null } = {}) {
  const button = node("button", { type: "button", class: className, "data-i18n": i18n }, label);
  button.addEventListener("click", onPress);
  return button;
}

function build(pad) {
  const input = document.getElementById(pad.dataset.input);
  const type = (change) => {
    input.value = change(input.value).slice(0, input.maxLength);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  };
  const edit = (i18n, change) =>
    key(t(i18n), () => type(change), { className: "kiosk-key kiosk-key-edit", i18n });
  const keys = [...pad.dataset.keys].map((char) => key(char, () => type((value) => value + char)));
  pad.replaceChildren(
    node("div", { class: "kiosk-keys" }, ...keys),
    node(
      "div",
      { class: "kiosk-keys-edit" },
      edit("ui.kiosk.key_backspace", (value) => value.slice(0, -1)),
      edit("ui.kiosk.key_clear", () => ""),
    ),
  );
}

for (const pad of document.querySelectorAll(".kiosk-keypad")) build(pad);
