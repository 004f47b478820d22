// Building page parts from data without innerHTML: every text goes in as text. One helper for
// every screen.

export const byId = (id) => document.getElementById(id);

// el("td", {class: "num"}, "12") -> <td class="num">12</td>. Attributes that are null,
// undefined or false are left out; children are nodes or text.
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

// Put `value` as the text of the element with this id.
export function setText(id, value) {
  byId(id).textContent = value;
}

export function replaceChildren(parent, children) {
  parent.replaceChildren(...children);
}

// Show a notice with a message, or hide it when there is none.
export function showNotice(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}
