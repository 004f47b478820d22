"""What a person far from a screen, or on a small one, notices: text too small to read, text
that does not fit its box, parts that cover one another and words broken across lines. Each
check runs in the page and returns what it found."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page

# Every visible text node with the size it is drawn at; `number` marks the ticket numbers of
# the newest call and of each counter, `name` the names on a board's tiles and lists.
_TEXT_SIZES = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!node.textContent.trim() || !parent.checkVisibility({visibilityProperty: true})) continue;
    if (parent.closest(".visually-hidden, script, style")) continue;
    found.push({
      text: node.textContent.trim().slice(0, 40),
      size: parseFloat(getComputedStyle(parent).fontSize),
      number: Boolean(parent.closest(".now-number, .counter-number")),
      name: Boolean(parent.closest(".counter-name, .recent-counter, .waiting-label")),
    });
  }
  return found;
}"""

# Every visible element whose content is wider (or taller) than its box, or that reaches past
# the screen's edge; `skip` names parts meant to move past their box (a running text).
_OVERFLOWS = """({skip, fixedHeight}) => {
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].map((one) => "." + one).join("");
  const found = [];
  if (document.documentElement.scrollWidth > innerWidth) found.push("wider than the screen");
  const shown = (element) => element.checkVisibility({visibilityProperty: true});
  for (const element of document.body.querySelectorAll("*")) {
    if (!shown(element) || element.closest(".visually-hidden, script, style")) continue;
    if (skip && element.closest(skip)) continue;
    const {clientWidth, clientHeight, scrollWidth, scrollHeight} = element;
    if (clientWidth > 0 && scrollWidth > clientWidth + 1) {
      found.push(`${name(element)}: ${scrollWidth} px of content in ${clientWidth} px`);
    }
    if (clientHeight > 0 && scrollHeight > clientHeight + 1) {
      found.push(`${name(element)}: ${scrollHeight} px high content in ${clientHeight} px`);
    }
    const box = element.getBoundingClientRect();
    if (box.width && (box.left < -1 || box.right > innerWidth + 1)) {
      found.push(`${name(element)}: reaches past the screen's side`);
    }
    if (fixedHeight && box.height && box.bottom > innerHeight + 1) {
      found.push(`${name(element)}: reaches below the screen`);
    }
  }
  return found;
}"""


# Every visible element matching `selector` that is not wholly on the screen, or that reaches
# into the first visible `above` (the running text), with its box.
_OUTSIDE = """({selector, above}) => {
  const floor = [...document.querySelectorAll(above)].find((element) => element.checkVisibility());
  const bottom = floor ? floor.getBoundingClientRect().top : innerHeight;
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    if (!element.checkVisibility({visibilityProperty: true})) continue;
    const box = element.getBoundingClientRect();
    if (box.left < 0 || box.top < 0 || box.right > innerWidth || box.bottom > bottom + 0.5) {
      const where = `${box.left}, ${box.top} to ${box.right}, ${box.bottom}`;
      found.push(`${element.textContent.trim().slice(0, 30)}: ${where}, limit ${bottom}`);
    }
  }
  return found;
}"""


def text_sizes(page: Page) -> list[dict[str, Any]]:
    return page.evaluate(_TEXT_SIZES)


def overflows(page: Page, *, skip: str = "", fixed_height: bool = False) -> list[str]:
    """What does not fit; `fixed_height` for screens that never scroll (the board)."""
    return page.evaluate(_OVERFLOWS, {"skip": skip, "fixedHeight": fixed_height})


def outside(page: Page, selector: str, *, above: str = "") -> list[str]:
    """The `selector` boxes not wholly on the screen and above the first visible `above`."""
    return page.evaluate(_OUTSIDE, {"selector": selector, "above": above})


# Visible children of each container that cover one another (a header printed over itself).
_OVERLAPS = """(selector) => {
  const name = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].map((one) => "." + one).join("");
  const found = [];
  for (const parent of document.querySelectorAll(selector)) {
    const boxes = [...parent.children]
      .filter((child) => child.checkVisibility({visibilityProperty: true}))
      .map((child) => [child, child.getBoundingClientRect()])
      .filter(([, box]) => box.width > 0 && box.height > 0);
    boxes.forEach(([first, a], index) => {
      for (const [second, b] of boxes.slice(index + 1)) {
        const apart = a.right <= b.left + 1 || b.right <= a.left + 1
          || a.bottom <= b.top + 1 || b.bottom <= a.top + 1;
        if (!apart) found.push(`${name(first)} overlaps ${name(second)}`);
      }
    });
  }
  return found;
}"""

# Words of the matching elements' text split across two lines (a line may end only after a
# space, a hyphen or a slash).
_BROKEN_WORDS = """(selector) => {
  const found = [];
  for (const element of document.querySelectorAll(selector)) {
    if (!element.checkVisibility({visibilityProperty: true})) continue;
    for (const node of element.childNodes) {
      if (node.nodeType !== Node.TEXT_NODE) continue;
      const range = document.createRange();
      let top = null;
      for (let index = 0; index < node.length; index += 1) {
        range.setStart(node, index);
        range.setEnd(node, index + 1);
        const box = range.getClientRects()[0];
        if (!box || !box.width) continue;
        const before = node.data[index - 1] || " ";
        if (top !== null && box.top > top + 1 && !/[\\s\\-\\/]/.test(before)) {
          found.push(node.data.slice(Math.max(0, index - 8), index + 8));
        }
        top = box.top;
      }
    }
  }
  return found;
}"""


def overlaps(page: Page, selector: str) -> list[str]:
    """Children of the `selector` elements that cover one another."""
    return page.evaluate(_OVERLAPS, selector)


def broken_words(page: Page, selector: str) -> list[str]:
    """Words of the `selector` elements' text that break across lines."""
    return page.evaluate(_BROKEN_WORDS, selector)
