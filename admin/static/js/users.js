// The admin's user list: add users, change roles, disable/enable, set a new password.

import { api } from "/static/js/api.js";
import { formatDate, formatTime, page, t } from "/static/js/i18n.js";
import { el, replaceChildren } from "./dom.js";

const ROLES = ["officer", "supervisor", "admin"];
const message = document.getElementById("users-message");

function say(text, isError = false) {
  message.textContent = text;
  message.classList.toggle("notice-error", isError);
  message.hidden = false;
}

async function act(path, body, done) {
  try {
    const reply = await api("POST", path, body);
    render(reply.users);
    say(done);
  } catch (failure) {
    if (failure.status === 401) window.location.reload();
    say(failure.message, true);
  }
}

function roleSelect(user) {
  const select = el(
    "select",
    { "aria-label": t("ui.admin.role_of", { user: user.username }) },
    ...ROLES.map((role) =>
      el("option", { value: role, selected: role === user.role }, t(`ui.admin.role.${role}`)),
    ),
  );
  select.addEventListener("change", () =>
    act(
      `/api/admin/users/${encodeURIComponent(user.username)}/role`,
      { role: select.value },
      t("ui.admin.role_changed", { user: user.username }),
    ),
  );
  return select;
}

function passwordForm(user) {
  const input = el("input", {
    type: "password",
    minlength: "8",
    required: "required",
    autocomplete: "new-password",
    "aria-label": t("ui.admin.new_password_for", { user: user.username }),
    placeholder: t("ui.admin.new_password"),
  });
  const form = el("form", { class: "inline-form" }, input,
    el("button", { class: "btn", type: "submit" }, t("ui.admin.reset_password")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    act(
      `/api/admin/users/${encodeURIComponent(user.username)}/password`,
      { password: input.value },
      t("ui.admin.password_reset", { user: user.username }),
    );
  });
  return form;
}

function toggleButton(user) {
  const action = user.disabled ? "enable" : "disable";
  const button = el(
    "button",
    { type: "button", class: user.disabled ? "btn" : "btn btn-danger" },
    user.disabled ? t("ui.admin.enable") : t("ui.admin.disable"),
  );
  button.addEventListener("click", () =>
    act(
      `/api/admin/users/${encodeURIComponent(user.username)}/${action}`,
      undefined,
      user.disabled
        ? t("ui.admin.user_enabled", { user: user.username })
        : t("ui.admin.user_disabled", { user: user.username }),
    ),
  );
  return button;
}

function render(users) {
  replaceChildren(
    document.getElementById("users"),
    users.map((user) =>
      el(
        "tr",
        { class: user.disabled ? "quiet" : null },
        el("th", { scope: "row" }, user.username, user.username === page.me ? ` (${t("ui.admin.you")})` : ""),
        el("td", {}, roleSelect(user)),
        el(
          "td",
          {},
          el(
            "span",
            { class: `badge ${user.disabled ? "badge-warn" : "badge-ok"}` },
            user.disabled ? t("ui.admin.disabled") : t("ui.admin.enabled"),
          ),
        ),
        el("td", {}, user.last_login ? `${formatDate(user.last_login)} ${formatTime(user.last_login)}` : "—"),
        el("td", { class: "row-actions" }, toggleButton(user), passwordForm(user)),
      ),
    ),
  );
}

const addForm = document.getElementById("add-user");
addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = new FormData(addForm);
  try {
    await api("POST", "/api/admin/users", {
      username: fields.get("username"),
      role: fields.get("role"),
      password: fields.get("password"),
    });
    addForm.reset();
    render((await api("GET", "/api/admin/users")).users);
    say(t("ui.admin.user_added", { user: fields.get("username") }));
  } catch (failure) {
    say(failure.message, true);
  }
});

render(page.users);
