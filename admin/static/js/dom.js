// Building page parts from data without innerHTML: every text goes in as text.

// el("td", {class: "num"}, "12") -> <td class="num">12</td>
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined && value !== false) element.setAttribute(name, value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

export function replaceChildren(parent, children) {
  parent.replaceChildren(...children);
}
