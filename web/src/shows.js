// The store's shows page: times in the viewer's own time zone, "remind me" by e-mail (with
// the marketing consent the box records) or by Web Push, and the widget's height report.

import { ApiError } from "./lib/api.js";
import { shopperApi } from "./lib/shopper.js";
import { $, $$, boot, lang, show, t } from "./lib/ui.js";

const store = boot.store;
const call = shopperApi(store.slug, lang);
const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

// ---- times in the viewer's zone (and remembered for the next server render) ----
const format = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "short", timeZone: zone });
for (const el of $$("time[data-local]")) el.textContent = format.format(new Date(el.getAttribute("datetime")));
$("#cc-tz-note").textContent = t("shows.times_in", { zone });
document.cookie = `castcart_tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax`;

function report(form, text, ok) {
  const status = $(".remind-status", form);
  status.textContent = text;
  status.classList.toggle("error", !ok);
}

async function book(form, body) {
  const showId = form.dataset.showId;
  return call("POST", `/shows/${encodeURIComponent(showId)}/reminders`, {
    body: { ...body, time_zone: zone, lang, consent: $("input[name=consent]", form).checked },
  });
}

function failure(err) {
  if (err instanceof ApiError && err.code === "consent_required") return t("shows.consent_needed");
  return t("shows.remind_failed");
}

for (const form of $$(".remind-form")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const email = $("input[name=email]", form).value.trim();
    if (!email) return report(form, t("shows.email_needed"), false);
    if (!$("input[name=consent]", form).checked) return report(form, t("shows.consent_needed"), false);
    try {
      await book(form, { channel: "email", email });
      report(form, t("shows.remind_booked", { email }), true);
      form.dataset.booked = "email";
    } catch (err) {
      report(form, failure(err), false);
    }
  });
}

// ---- Web Push: only where the server has a VAPID key and the browser can subscribe ----
function keyBytes(b64) {
  const padded = b64.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (b64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

async function subscribe() {
  const { public_key: key } = await call("GET", "/push-key");
  if (!key) throw new Error("no push key");
  const registration = await navigator.serviceWorker.register("/assets/push-sw.js", { scope: "/assets/" });
  await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  return existing || registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
}

if (boot.push && "serviceWorker" in navigator && "PushManager" in window) {
  for (const form of $$(".remind-form")) {
    const button = $(".remind-push", form);
    show(button, true);
    button.addEventListener("click", async () => {
      if (!$("input[name=consent]", form).checked) return report(form, t("shows.consent_needed"), false);
      try {
        if ((await Notification.requestPermission()) !== "granted") throw new Error("denied");
        const subscription = await subscribe();
        await book(form, { channel: "push", subscription: subscription.toJSON() });
        report(form, t("shows.push_booked"), true);
      } catch (err) {
        report(form, err instanceof ApiError ? failure(err) : t("shows.push_unavailable"), false);
      }
    });
  }
}

// ---- embed: tell the widget how tall the page is ----
if (boot.embed && window.parent !== window) {
  const sendHeight = () => window.parent.postMessage({ type: "castcart:resize", height: document.documentElement.scrollHeight }, "*");
  new ResizeObserver(sendHeight).observe(document.body);
  sendHeight();
}
