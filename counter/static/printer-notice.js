// Printer faults on every counter console: when a kiosk's printer fails or cannot confirm its
// tickets, officers read it here (worded by the server in the page's language) and serve the
// citizens who got no paper ticket by the number on the kiosk or their phone. Imported for
// its effect: it fills #printer-notice, asking /api/printers/faults every POLL_MS.

import { api } from "/static/js/api.js";
import { byId } from "/static/js/dom.js";

const POLL_MS = 15000;
const notice = byId("printer-notice");

async function check() {
  let words = "";
  try {
    words = (await api("GET", "/api/printers/faults")).notice || "";
  } catch (error) {
    if (error.status !== 401 && error.status !== 403) return; // offline: keep what it says
  }
  if (notice.textContent !== words) notice.textContent = words; // unchanged: not read out again
  notice.hidden = !words;
}

if (notice) {
  check();
  setInterval(check, POLL_MS);
}
