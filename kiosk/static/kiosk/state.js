// The kiosk's shared parts: its settings, its screen's elements and what it shows now.

import { byId } from "/static/js/dom.js";
import { page } from "/static/js/i18n.js";

export const DEFAULT_LANGUAGE = page.language;
export const SCREEN = page.screen;
export const PRIVATE = "private"; // the neutral button's key, and all private services' in counts
// Print results that keep the number on screen longer and offer a reprint.
export const PRINT_TROUBLE = ["failed", "unconfirmed", "reprint_failed"];

// The kiosk's screen parts.
export const ui = {
  start: byId("start"),
  entry: byId("entry"),
  confirm: byId("confirm"),
  confirmTicket: byId("confirm-ticket"),
  services: byId("services"),
  headingAll: byId("heading-all"),
  headingPrivate: byId("heading-private"),
  privateBack: byId("private-back"),
  unreachable: byId("unreachable"),
  icons: byId("service-icons"),
  alert: byId("alert"),
  alertText: byId("alert-text"),
  retry: byId("retry"),
  priorityOn: byId("priority-on"),
  priorityCancel: byId("priority-cancel"),
  language: byId("language"),
  clockTime: byId("clock-time"),
  clockDate: byId("clock-date"),
  number: byId("confirm-number"),
  service: byId("confirm-service"),
  priority: byId("confirm-priority"),
  need: byId("confirm-need"),
  carried: byId("confirm-carried"),
  ahead: byId("confirm-ahead"),
  wait: byId("confirm-wait"),
  qr: byId("confirm-qr"),
  printMessage: byId("print-message"),
  suspended: byId("confirm-suspended"),
  reprint: byId("reprint"),
  finish: byId("finish"),
  countdown: byId("countdown"),
  offline: byId("offline-mark"),
  voice: byId("voice"),
};
export const priorityChoices = [...document.querySelectorAll(".kiosk-priority-choice")];
export const needChoices = [...document.querySelectorAll(".kiosk-need-choice")];

// What the kiosk shows and does now.
export const kiosk = {
  services: page.services,
  buttons: new Map(), // service id (or PRIVATE) -> its button
  privateOpen: false, // the list behind the neutral button is shown
  online: true, // the live connection is up (the page itself just came from the server)
  requestFailed: false, // the last request to the server got no answer
  priorityReason: null, // "disability" | "elderly" | "pregnant" while a priority ticket is chosen
  need: null, // "deaf" | "sight" | "interpreter" while a need is chosen (only its kind is sent)
  privateWaiting: null, // all private services together, from the board's counts
  pending: null, // the tap being sent or waiting for "try again": {key, body, service}
  busy: false,
  current: null, // the ticket on the confirmation screen: {ticket, print, message}
  countdown: null, // {timer, remaining}
  lastTouch: Date.now(),
};

export function unreachable() {
  return !kiosk.online || kiosk.requestFailed;
}
