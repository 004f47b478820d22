// Reaching the server: the services as it says they are now, and what to do while it is away.

import { api } from "/static/js/api.js";
import { renderServices } from "./grid.js";
import { PRIVATE, kiosk } from "./state.js";

const UNREACHABLE_RETRY_MS = 3000; // while a request failed, ask again this often

let unreachableRetry = null;

export function setReachable(answered) {
  kiosk.requestFailed = !answered;
  clearTimeout(unreachableRetry);
  if (kiosk.requestFailed) unreachableRetry = setTimeout(refreshServices, UNREACHABLE_RETRY_MS);
  renderServices();
}

export async function refreshServices() {
  let reply;
  try {
    reply = await api("GET", "/api/services");
  } catch (error) {
    if (error.status === 0 || error.status >= 500) setReachable(false);
    return;
  }
  // A reply cut short (the server stopping mid-answer) has no services: not reached yet.
  if (!Array.isArray(reply.services)) {
    setReachable(false);
    return;
  }
  kiosk.services = reply.services;
  setReachable(true);
}

export function applyWaiting(waiting) {
  for (const service of kiosk.services) {
    if (service.id in waiting) service.waiting = waiting[service.id];
  }
  if (PRIVATE in waiting) kiosk.privateWaiting = waiting[PRIVATE];
  renderServices();
}
