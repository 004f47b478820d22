// Logging in from an oversight page's login form, and logging out from its header.

import { api } from "/static/js/api.js";

const form = document.getElementById("login-form");
if (form) {
  const error = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const fields = new FormData(form);
    error.hidden = true;
    try {
      await api("POST", "/api/login", {
        username: fields.get("username"),
        password: fields.get("password"),
      });
      window.location.reload();
    } catch (failure) {
      error.textContent = failure.message;
      error.hidden = false;
    }
  });
}

const logout = document.getElementById("logout");
if (logout) {
  logout.addEventListener("click", async () => {
    await api("POST", "/api/logout").catch(() => {});
    window.location.reload();
  });
}
