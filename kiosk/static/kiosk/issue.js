// Taking a number: a tap sent with its own Idempotency-Key, retried with it when unanswered.

import { api } from "/static/js/api.js";
import { page, t } from "/static/js/i18n.js";
import { showConfirmation } from "./confirmation.js";
import { askReference } from "./entry.js";
import { renderServices } from "./grid.js";
import { refreshServices, setReachable } from "./reach.js";
import { kiosk, ui } from "./state.js";

const RETRY_DELAYS_MS = [600, 1500, 3000]; // automatic retries of a tap that got no answer

export function newKey() {
  if (window.isSecureContext && crypto.randomUUID) return crypto.randomUUID();
  // Plain http on the hall's LAN has no randomUUID; 128 random bits do the same job.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function setBusy(on) {
  kiosk.busy = on;
  renderServices();
}

export function showAlert(text, canRetry) {
  ui.alertText.textContent = text;
  ui.retry.hidden = !canRetry;
  ui.alert.hidden = false;
}

export function hideAlert() {
  ui.alert.hidden = true;
}

// A service's number; one whose registration number may or must be typed asks for it first
// (`typed: false`: the spoken menu, which cannot type, goes without an optional one).
export function tap(serviceId, { typed = true } = {}) {
  if (kiosk.busy) return;
  const body = { service: serviceId, priority: kiosk.priorityReason !== null };
  if (kiosk.need) body.need = kiosk.need;
  if (page.kiosk) body.kiosk = page.kiosk;
  kiosk.pending = { key: newKey(), body, service: serviceId };
  const service = kiosk.services.find((item) => item.id === serviceId);
  if (typed && service && service.reference && service.reference !== "none") {
    askReference(service);
    return;
  }
  send();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Send the pending tap; a lost answer is retried with the same key, so the server hands back
// the ticket it already issued instead of a second one.
export async function send() {
  hideAlert();
  setBusy(true);
  for (let attempt = 0; ; attempt += 1) {
    try {
      const reply = await api("POST", "/api/tickets", kiosk.pending.body, {
        "Idempotency-Key": kiosk.pending.key,
      });
      kiosk.pending = null;
      setBusy(false);
      showConfirmation(reply.ticket, reply.print);
      return;
    } catch (error) {
      const unanswered = error.status === 0 || error.status >= 500;
      if (unanswered && attempt < RETRY_DELAYS_MS.length) {
        await sleep(RETRY_DELAYS_MS[attempt]);
        continue;
      }
      setBusy(false);
      if (unanswered) {
        showAlert(t("ui.kiosk.network_error"), true);
        setReachable(false);
      } else {
        kiosk.pending = null;
        showAlert(error.message, false);
        refreshServices();
      }
      return;
    }
  }
}

ui.retry.addEventListener("click", () => kiosk.pending && send());
