// The calm notice every page shows while the hall runs on the UPS's battery: drawn with the
// page by the server (#power-notice, from `page.power`), kept current by the `power.state`
// socket event (live.js hands it to showPower on every page's connection), in the page's
// language with the other language beneath. Pages that care (the kiosk) listen for the
// document event "satupintu:power".

import { currentLanguage, page, t } from "/static/js/i18n.js";

let state = page.power;

function render() {
  const notice = document.getElementById("power-notice");
  if (!notice || !state) return;
  const lang = currentLanguage();
  const other = lang === "id" ? "en" : "id";
  notice.hidden = !state.on_battery;
  let detail = "";
  if (state.closing) detail = t("ui.power.closing");
  else if (state.runtime_minutes !== null) {
    detail = t("ui.power.runtime", { minutes: state.runtime_minutes });
  }
  notice.querySelector('[data-power="main"]').textContent = t("ui.power.notice");
  notice.querySelector('[data-power="detail"]').textContent = detail;
  const otherText = notice.querySelector('[data-power="other"]');
  otherText.textContent = t("ui.power.notice", {}, other);
  otherText.lang = other;
}

// A new power state from the server (`power.state`).
export function showPower(next) {
  state = next;
  render();
  document.dispatchEvent(new CustomEvent("satupintu:power", { detail: next }));
}

document.addEventListener("satupintu:language", render);
