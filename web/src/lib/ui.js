// Boot data, UI strings, safe DOM building and locale formatting shared by every page.
import { exponentOf, formatMoney } from "./money.js";

const bootEl = document.getElementById("cc-boot");
export const boot = bootEl ? JSON.parse(bootEl.textContent) : { strings: {}, lang: "en" };
export const lang = boot.lang || document.documentElement.lang || "en";

/** A UI string in the page language; {name} placeholders filled from `vars`. */
export function t(key, vars) {
  let text = (boot.strings && boot.strings[key]) || key;
  if (vars) for (const [k, v] of Object.entries(vars)) text = text.split(`{${k}}`).join(String(v));
  return text;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/**
 * Build an element. Children that are strings become text nodes, so user text can never
 * become markup (no innerHTML anywhere in castcart's scripts).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function show(el, visible = true) {
  if (el) el.hidden = !visible;
}

/** Decimal places of a currency's minor unit (JPY 0, EUR 2, IDR 2, KWD 3): the server's
 * ISO 4217 table from the boot data, never the browser's ICU (they disagree). */
export function currencyDigits(currency) {
  return exponentOf(boot.money, currency);
}

/** Integer minor units → the page locale's way of writing the price, as the server does. */
export function money(amountMinor, currency) {
  return formatMoney(boot.money, amountMinor, currency);
}

/** A price typed in major units ("19.90") → integer minor units. */
export function toMinor(text, currency) {
  const digits = currencyDigits(currency);
  const value = Number(String(text).replace(",", "."));
  if (!Number.isFinite(value) || value < 0) return null;
  return Math.round(value * 10 ** digits);
}

export const number = (n) => new Intl.NumberFormat(lang).format(n);
export const dateTime = (iso) =>
  new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));

/** "01:02:03" / "02:03" left until `endsAt`, in the locale's digits. */
export function countdown(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const nf = new Intl.NumberFormat(lang, { minimumIntegerDigits: 2, useGrouping: false });
  const hrs = Math.floor(total / 3600);
  const parts = [Math.floor((total % 3600) / 60), total % 60].map((n) => nf.format(n));
  return (hrs ? `${nf.format(hrs)}:` : "") + parts.join(":");
}

/** Product copy in the page language, else the store's default, else the first one. */
export function pickTranslation(translations, fallback) {
  const byLocale = new Map((translations || []).map((tr) => [tr.locale.split("-")[0], tr]));
  return byLocale.get(lang) || byLocale.get((fallback || "en").split("-")[0]) || (translations || [])[0] || { title: "" };
}

// The language switcher submits itself on change (the button stays for no-JS visitors).
for (const select of $$("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
  const button = select.form.querySelector(".js-hide");
  if (button) button.hidden = true;
}

// Times rendered in UTC by the server are shown in the visitor's own time zone.
for (const time of $$("time[data-local][datetime]")) time.textContent = dateTime(time.getAttribute("datetime"));
