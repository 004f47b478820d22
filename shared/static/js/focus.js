// Keeping a keyboard user's place while live data redraws the page.
//
// A list rebuilt by a live event, or a button that turns disabled after its action, would
// otherwise drop the focus to the top of the page. Controls that are redrawn carry a
// `data-focus-key` naming what they do (e.g. "call:A-003"); the focus goes back to the new
// control with the same key, else to `fallback()` (an element, or null to leave it).

export function keepingFocus(redraw, fallback = () => null) {
  const before = document.activeElement;
  redraw();
  if (!before || before === document.body) return;
  if (before.isConnected && !before.disabled) return;
  const key = before.dataset ? before.dataset.focusKey : undefined;
  const twin = key ? document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`) : null;
  const target = twin && !twin.disabled ? twin : fallback();
  if (target) target.focus();
}
