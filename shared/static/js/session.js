// The one login flow of every staff screen (the counter console and the oversight pages):
// a form posting to /api/login, its error shown in words, and logging out.

import { api } from "./api.js";
import { showNotice } from "./dom.js";

// bindLogin(form, {error, submit, onLoggedIn(user)}): the form's username and password fields
// are sent; a refusal is shown in `error` and the password is cleared after a success.
export function bindLogin(form, { error, submit = null, onLoggedIn, describe = (e) => e.message }) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = form.elements.username;
    const password = form.elements.password;
    if (submit) submit.disabled = true;
    showNotice(error, "");
    try {
      const { user } = await api("POST", "/api/login", {
        username: username.value.trim(),
        password: password.value,
      });
      password.value = "";
      onLoggedIn(user);
    } catch (failure) {
      showNotice(error, describe(failure));
    } finally {
      if (submit) submit.disabled = false;
    }
  });
}

// End the session on the server; an unreachable server leaves it to expire on its own.
export async function logOut() {
  await api("POST", "/api/logout").catch(() => {});
}
