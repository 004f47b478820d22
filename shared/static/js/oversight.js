// Logging in from an oversight page's login form, and logging out from its header: the page
// reloads to show what the user may see.

import { byId } from "/static/js/dom.js";
import { bindLogin, logOut } from "/static/js/session.js";

const form = byId("login-form");
if (form) {
  bindLogin(form, { error: byId("login-error"), onLoggedIn: () => window.location.reload() });
}

const logout = byId("logout");
if (logout) {
  logout.addEventListener("click", async () => {
    await logOut();
    window.location.reload();
  });
}
