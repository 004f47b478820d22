// A ticket's need as people read it: its kind's name, and what the officer does about it.

import { t } from "/static/js/i18n.js";

// The need's name ("Sulit mendengar / tuli"), or "" for a ticket without one.
export function needName(need) {
  return need ? t(`ui.need.${need}`) : "";
}

// How the phone vibrates at a call: an unmistakable long pattern for a ticket whose citizen
// cannot hear it, and for any other need; none for a ticket without one.
export const NEED_VIBRATION = { deaf: [600, 200, 600, 200, 600, 200, 600], sight: [400, 200, 400], interpreter: [400, 200, 400] };
