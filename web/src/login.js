// Staff login: POST /api/v1/auth/session sets the HttpOnly session cookie + CSRF cookie.

import { api } from "./lib/api.js";
import { $, boot, t } from "./lib/ui.js";

const form = $("#cc-login");
const error = $("#cc-login-error");
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  if (!form.reportValidity()) return;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    await api("POST", "/api/v1/auth/session", {
      body: { store: $("#cc-login-store").value.trim(), email: $("#cc-login-email").value.trim(), password: $("#cc-login-password").value },
    });
    location.assign(boot.next || "/admin");
  } catch (err) {
    error.textContent = err.code === "invalid_credentials" ? t("login.invalid") : err.message;
    error.hidden = false;
    button.disabled = false;
    $("#cc-login-password").focus();
  }
});
