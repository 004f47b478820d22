// The SKM follow-up register: add an entry, or fill the form with one to change it; the page
// reloads with the register as saved (every save is an event in the audit log).

import { api } from "/static/js/api.js";
import { page, t } from "/static/js/i18n.js";

const form = document.getElementById("followup-form");
const message = document.getElementById("followup-message");
const heading = document.getElementById("followup-form-title");
const FIELDS = ["period", "element", "action", "owner", "due", "done", "evidence"];

function say(text, isError) {
  message.textContent = text;
  message.classList.toggle("notice-error", isError);
  message.hidden = false;
}

function edit(id) {
  const entry = page.register.entries.find((row) => row.id === id);
  if (!entry) return;
  form.elements.id.value = String(entry.id);
  for (const field of FIELDS) form.elements[field].value = entry[field] || "";
  heading.textContent = t("ui.followup.edit_title", { id: entry.id });
  form.elements.action.focus();
}

document.querySelectorAll("[data-edit]").forEach((button) =>
  button.addEventListener("click", () => edit(Number(button.dataset.edit))),
);

form.addEventListener("reset", () => {
  form.elements.id.value = "";
  heading.textContent = heading.dataset.add;
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = Object.fromEntries(FIELDS.map((field) => [field, form.elements[field].value || null]));
  const id = form.elements.id.value;
  try {
    await api("POST", id ? `/api/admin/followups/${id}` : "/api/admin/followups", body);
    say(t("ui.followup.saved"), false);
    window.location.reload();
  } catch (failure) {
    if (failure.status === 401) window.location.reload();
    say(failure.message, true);
  }
});
