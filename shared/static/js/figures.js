// Numbers and minutes as oversight pages show them (the server already rounded them).

import { formatNumber, t } from "/static/js/i18n.js";

export const MISSING = "—";

export function number(value) {
  return value === null || value === undefined ? MISSING : formatNumber(value);
}

export function minutes(value) {
  return value === null || value === undefined ? MISSING : t("ui.admin.minutes", { n: formatNumber(value) });
}
