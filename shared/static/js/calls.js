// What ends a call at its counter: the server's CALL_ENDINGS (shared/store/eventlog.py, from the
// ticket's transition table); tests/test_structure.py keeps the two the same.

export const CALL_ENDINGS = {
  "ticket.done": "done",
  "ticket.no_show": "no_show",
  "ticket.transferred": "transferred",
  "ticket.returned": "returned",
};

// How the call ended when `eventName` ended it (the snapshot's `outcome`), else null.
export function callOutcome(eventName) {
  return CALL_ENDINGS[eventName] || null;
}
