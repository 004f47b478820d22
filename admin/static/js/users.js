// The admin's user list: add users, change roles, disable/enable, set a new password, give a
// mobile number (shown only masked) and choose a supervisor's alerts by SMS.

import { api } from "/static/js/api.js";
import { formatDate, formatTime, page, t } from "/static/js/i18n.js";
import { keepingFocus } from "/static/js/focus.js";
import { byId, el, replaceChildren } from "/static/js/dom.js";

const ROLES = ["officer", "supervisor", "admin", "propam"];
const message = byId("users-message");

function say(text, isError = false) {
  message.textContent = text;
  message.classList.toggle("notice-error", isError);
  message.hidden = false;
}

// A change to one user (POST /api/admin/users/<username>/<what>): the list drawn again and
// `doneKey`'s words said.
async function change(user, what, body, doneKey) {
  try {
    const path = `/api/admin/users/${encodeURIComponent(user.username)}/${what}`;
    const reply = await api("POST", path, body);
    render(reply.users);
    say(t(doneKey, { user: user.username }));
  } catch (failure) {
    if (failure.status === 401) window.location.reload();
    say(failure.message, true);
  }
}

function roleSelect(user) {
  const select = el(
    "select",
    {
      "aria-label": t("ui.admin.role_of", { user: user.username }),
      "data-focus-key": `role:${user.username}`,
    },
    ...ROLES.map((role) =>
      el("option", { value: role, selected: role === user.role }, t(`ui.admin.role.${role}`)),
    ),
  );
  select.addEventListener("change", () =>
    change(user, "role", { role: select.value }, "ui.admin.role_changed"),
  );
  return select;
}

// Units an officer is limited to (none ticked: every counter); each tick saves at once.
function unitsField(user) {
  const mine = user.units || [];
  const boxes = page.units.map((unit) => {
    const box = el("input", {
      type: "checkbox",
      value: unit,
      checked: mine.includes(unit),
      "data-focus-key": `unit:${user.username}:${unit}`,
    });
    box.addEventListener("change", () => {
      const units = [...field.querySelectorAll("input:checked")].map((input) => input.value);
      change(user, "units", { units: units.length ? units : null }, "ui.admin.units_changed");
    });
    return el("label", { class: "unit-choice" }, box, " ", unit);
  });
  const field = el(
    "fieldset",
    { class: "unit-choices" },
    el("legend", { class: "visually-hidden" }, t("ui.admin.units_of", { user: user.username })),
    ...boxes,
  );
  return field;
}

// A field of a user's row, named for screen readers with the user's name (`labelKey`); it keeps
// its focus (by `key` and user) when the table is redrawn.
function userField(user, key, labelKey, placeholderKey, attributes) {
  return el("input", {
    ...attributes,
    "aria-label": t(labelKey, { user: user.username }),
    "data-focus-key": `${key}:${user.username}`,
    placeholder: t(placeholderKey),
  });
}

// A mobile number (typed anew; the saved one is shown masked) and, for a supervisor or an
// admin, whether the alerts come by SMS. An empty number removes it.
function phoneForm(user) {
  const input = userField(user, "phone", "ui.admin.phone_of", "ui.admin.phone_none", {
    type: "tel",
    inputmode: "tel",
    autocomplete: "off",
  });
  const alerts = el("input", {
    type: "checkbox",
    checked: user.sms_alerts,
    disabled: user.role === "officer",
    "data-focus-key": `alerts:${user.username}`,
  });
  const submit = el(
    "button",
    { class: "btn", type: "submit", "data-focus-key": `save-phone:${user.username}` },
    t("ui.admin.phone_save"),
  );
  const form = el(
    "form",
    { class: "inline-form" },
    el("span", { class: "phone-masked" }, user.phone || "—"),
    input,
    el("label", { class: "unit-choice" }, alerts, " ", t("ui.admin.sms_alerts")),
    submit,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { sms_alerts: alerts.checked };
    if (input.value.trim()) body.phone = input.value.trim(); // else the saved number stays
    change(user, "phone", body, "ui.admin.phone_changed");
  });
  if (user.phone) {
    const remove = el(
      "button",
      { class: "btn", type: "button", "data-focus-key": `remove-phone:${user.username}` },
      t("ui.admin.phone_remove"),
    );
    remove.addEventListener("click", () =>
      change(user, "phone", { phone: null, sms_alerts: false }, "ui.admin.phone_changed"),
    );
    form.append(remove);
  }
  return form;
}

function passwordForm(user) {
  const input = userField(user, "password", "ui.admin.new_password_for", "ui.admin.new_password", {
    type: "password",
    minlength: "8",
    required: "required",
    autocomplete: "new-password",
  });
  const submit = el(
    "button",
    { class: "btn", type: "submit", "data-focus-key": `reset:${user.username}` },
    t("ui.admin.reset_password"),
  );
  const form = el("form", { class: "inline-form" }, input, submit);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    change(user, "password", { password: input.value }, "ui.admin.password_reset");
  });
  return form;
}

function toggleButton(user) {
  const action = user.disabled ? "enable" : "disable";
  const button = el(
    "button",
    {
      type: "button",
      class: user.disabled ? "btn" : "btn btn-danger",
      "data-focus-key": `toggle:${user.username}`,
    },
    user.disabled ? t("ui.admin.enable") : t("ui.admin.disable"),
  );
  const doneKey = user.disabled ? "ui.admin.user_enabled" : "ui.admin.user_disabled";
  button.addEventListener("click", () => change(user, action, undefined, doneKey));
  return button;
}

// Every change redraws the list; the focus stays on the same control of the same user.
function render(users) {
  keepingFocus(() => replaceChildren(byId("users"), users.map(userRow)));
}

function userRow(user) {
  const you = user.username === page.me ? ` (${t("ui.admin.you")})` : "";
  const lastLogin = user.last_login
    ? `${formatDate(user.last_login)} ${formatTime(user.last_login)}`
    : "—";
  return el(
    "tr",
    { class: user.disabled ? "quiet" : null },
    el("th", { scope: "row" }, user.username, you),
    el("td", {}, roleSelect(user)),
    el("td", {}, unitsField(user)),
    el("td", {}, phoneForm(user)),
    el(
      "td",
      {},
      el(
        "span",
        { class: `badge ${user.disabled ? "badge-warn" : "badge-ok"}` },
        user.disabled ? t("ui.admin.disabled") : t("ui.admin.enabled"),
      ),
    ),
    el("td", {}, lastLogin),
    el("td", { class: "row-actions" }, toggleButton(user), passwordForm(user)),
  );
}

const addForm = byId("add-user");
addForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  const fields = new FormData(addForm);
  try {
    const units = fields.getAll("units");
    await api("POST", "/api/admin/users", {
      username: fields.get("username"),
      role: fields.get("role"),
      password: fields.get("password"),
      units: units.length ? units : null,
    });
    addForm.reset();
    render((await api("GET", "/api/admin/users")).users);
    say(t("ui.admin.user_added", { user: fields.get("username") }));
  } catch (failure) {
    say(failure.message, true);
  }
});

render(page.users);
