// The shopper's order page: server-rendered; this script wires the shared page UI
// (language switcher) and the "create an account" form a guest sees after paying.
import { api, ApiError } from "./lib/api.js";
import { $, boot, t } from "./lib/ui.js";

const form = $("#cc-account-form");
if (form && boot.order) {
  const slug = boot.store.slug;
  // the same storage key as the show page: an account made here signs that page in too
  const tokenKey = `castcart:${slug}:shopper`;
  const stored = () => {
    try {
      return JSON.parse(localStorage.getItem(tokenKey) || "null");
    } catch {
      return null;
    }
  };
  const status = $("#cc-account-status");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = $("#cc-account-password").value;
    if (password.length < 10) {
      status.textContent = t("orderpage.password_short");
      $("#cc-account-password").setAttribute("aria-invalid", "true");
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const saved = stored();
      const session = await api("POST", `/api/v1/shop/${encodeURIComponent(slug)}/orders/${encodeURIComponent(boot.order.id)}/account`, {
        body: { password, key: boot.order.key },
        token: saved && saved.token ? saved.token : undefined,
      });
      try {
        localStorage.setItem(tokenKey, JSON.stringify({ token: session.token }));
      } catch {
        // storage blocked: the account exists all the same
      }
      $("#cc-account-password").value = "";
      $("#cc-account-password").disabled = true;
      status.textContent = t("orderpage.account_created");
    } catch (err) {
      button.disabled = false;
      if (err instanceof ApiError && (err.code === "email_taken" || err.code === "already_registered")) status.textContent = t("orderpage.account_exists");
      else status.textContent = err.message;
    }
  });
}
