// Checking a station's evidence bundle: the chosen ZIP goes to POST /api/central/evidence, and
// the answer (genuine, or refused and why, in the page's language) shows above the form.

import { api } from "/static/js/api.js";
import { byId, showNotice } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";

const form = byId("evidence-form");
const verdict = byId("evidence-verdict");

function show(ok, message) {
  verdict.classList.toggle("notice-ok", ok);
  verdict.classList.toggle("notice-error", !ok);
  verdict.setAttribute("role", ok ? "status" : "alert");
  showNotice(verdict, message);
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const [bundle] = form.elements.bundle.files;
  if (!bundle) return;
  try {
    const found = await api("POST", "/api/central/evidence", bundle);
    show(
      true,
      t("ui.central.evidence_ok", {
        station: found.station.name,
        period: found.period,
        row: found.head.row,
        files: found.files.length,
      }),
    );
  } catch (error) {
    show(false, t("ui.central.evidence_refused", { reason: error.message }));
  }
});
