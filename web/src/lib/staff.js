// Staff pages: logout, and error display shared by the console and the admin.

import { api } from "./api.js";
import { $, boot } from "./ui.js";

export function wireLogout() {
  const button = $("#cc-logout");
  if (!button) return;
  button.addEventListener("click", async () => {
    try {
      await api("POST", "/api/v1/auth/logout");
    } finally {
      // back to this page's login, with the store filled in
      const params = new URLSearchParams({ next: location.pathname });
      if (boot.store && boot.store.slug) params.set("store", boot.store.slug);
      location.assign(`/console/login?${params}`);
    }
  });
}

/** Show an error in a role=alert box (and hide it again after a while). */
export function reportError(box, err) {
  box.textContent = err && err.message ? err.message : String(err);
  box.hidden = false;
  clearTimeout(box._timer);
  box._timer = setTimeout(() => (box.hidden = true), 8000);
}

/** Clear a previous error (each new submit starts clean, so an old error never sits next to
 * a later "Saved."). */
export function clearError(box) {
  clearTimeout(box._timer);
  box.textContent = "";
  box.hidden = true;
}
