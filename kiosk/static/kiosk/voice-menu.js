// The spoken menu for a citizen who cannot see the screen, on a numeric keypad (a tactile
// audio keypad presents itself as a keyboard). Enter starts it on the start screen, where a
// barcode scanner's characters would open the booking code instead; then a digit
// chooses, Enter takes the number, 1 a priority number, 0 says it again or goes back, 9
// switches the language. The server builds every step's words (shared/domain/kiosk_voice.py) and says them
// in the station's voice; the words are also shown, for whoever stands beside the citizen.

import { api } from "/static/js/api.js";
import { byId } from "/static/js/dom.js";
import { currentLanguage, otherLanguage } from "/static/js/i18n.js";
import { backToStart, switchLanguage } from "./idle.js";
import { tap } from "./issue.js";
import { kiosk, ui } from "./state.js";

const said = byId("voice-text");
// What the menu says now: its step's query, the keys it offers, and its audio.
const voice = { query: null, keys: {}, audio: null };

async function say(query) {
  voice.query = query;
  voice.keys = {};
  ui.voice.hidden = false; // the keypad's keys are the menu's from now on
  const params = new URLSearchParams({ ...query, lang: currentLanguage() });
  let prompt;
  try {
    prompt = await api("GET", `/api/kiosk/prompt?${params}`);
  } catch {
    return; // the server is out of reach: the kiosk's own notice says so
  }
  if (voice.query !== query) return; // a later key asked for another step meanwhile
  voice.keys = prompt.keys;
  said.textContent = prompt.text;
  voice.audio?.pause();
  voice.audio = new Audio(prompt.audio);
  voice.audio.play().catch(() => {}); // no speaker: the words stay on the screen
}

function stop() {
  voice.audio?.pause();
  voice.query = null;
  voice.keys = {};
  ui.voice.hidden = true;
  said.textContent = "";
}

const menu = (page = 0) => say({ say: "menu", page });

function choose(choice) {
  const { say: step, page = 0 } = voice.query;
  if (choice === "more") say({ say: step, page: page + 1 });
  else if (choice === "private") say({ say: "private" });
  else say({ say: "service", service: choice });
}

function takeNumber(priority) {
  kiosk.priorityReason = priority ? "disability" : null;
  tap(voice.query.service, { typed: false });
}

// A key while the menu speaks: true when the menu used it.
function onMenuKey(key) {
  const step = voice.query.say;
  if (key === "9") {
    switchLanguage(otherLanguage(currentLanguage()));
    say(voice.query);
  } else if (step === "ticket") {
    if (key === "Enter") backToStart();
    else if (key === "0") say(voice.query);
    else return false;
  } else if (key === "0") {
    if (step === "menu" && !voice.query.page) say(voice.query);
    else menu();
  } else if (!(key in voice.keys)) {
    return false;
  } else if (step === "service") {
    takeNumber(voice.keys[key] === "priority");
  } else {
    choose(voice.keys[key]);
  }
  return true;
}

document.addEventListener("keydown", (event) => {
  const key = event.key;
  if (!/^[0-9]$/.test(key) && key !== "Enter") return;
  if (!ui.entry.hidden || event.target.closest?.("input, textarea, select")) return;
  kiosk.lastTouch = Date.now();
  if (kiosk.busy) return;
  if (voice.query === null) {
    const onAButton = document.activeElement && document.activeElement !== document.body;
    if (key !== "Enter" || onAButton || kiosk.current) return; // a button's own Enter
    event.preventDefault();
    menu();
    return;
  }
  if (onMenuKey(key)) event.preventDefault();
});

// The number taken by this menu: say it, how many are ahead and where the ticket is.
document.addEventListener("kiosk:issued", (event) => {
  if (voice.query !== null) say({ say: "ticket", ...event.detail });
});
document.addEventListener("kiosk:start", stop);
