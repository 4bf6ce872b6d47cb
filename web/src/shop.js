// Shopper page: video, chat, likes, viewers, product cards (pin, live prices, flash-sale
// countdown), engagement widgets, captions, cart and sandbox checkout.

import { api, ApiError } from "./lib/api.js";
import { Beacon } from "./lib/beacon.js";
import { ChatLog, chatErrorText } from "./lib/chat.js";
import { CaptionOverlay } from "./lib/captions.js";
import { Engagement } from "./lib/engagement.js";
import { LiveChannel } from "./lib/live.js";
import { play } from "./lib/player.js";
import { convertMinor } from "./lib/money.js";
import { consent, installConsent } from "./lib/consent.js";
import { $, $$, boot, countdown, currencyDigits, h, lang, money, number, pickTranslation, show, t } from "./lib/ui.js";

const store = boot.store;
let showData = boot.show;
const showId = showData.show.id;
const shopBase = `/api/v1/shop/${encodeURIComponent(store.slug)}`;
const tokenKey = `castcart:${store.slug}:shopper`;
let shopper = null; // {token, shopper: {id, ...}}
let hlsUrl = boot.hls_url;
let stopVideo = null;
let cartAttached = false;

// ---- guest shopper (token kept in localStorage; memory only where storage is blocked) ----
const memory = {};
const storage = {
  get(key) {
    try {
      return localStorage.getItem(key);
    } catch {
      return memory[key] ?? null;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, value);
    } catch {
      memory[key] = value;
    }
  },
};

let pendingShopper = null;
/** The guest shopper of this browser; concurrent callers share one creation. */
function ensureShopper(refresh = false) {
  if (shopper && !refresh) return Promise.resolve(shopper);
  if (!pendingShopper) pendingShopper = loadShopper(refresh).finally(() => (pendingShopper = null));
  return pendingShopper;
}

async function loadShopper(refresh) {
  const saved = JSON.parse(storage.get(tokenKey) || "null");
  if (saved && saved.token && !refresh) {
    try {
      saved.shopper = await api("GET", `${shopBase}/me`, { token: saved.token });
      shopper = saved;
      return shopper;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
    }
  }
  const created = await api("POST", `${shopBase}/sessions`, {
    body: { locale: lang, country: boot.country || null },
  });
  shopper = { token: created.token, shopper: created.shopper };
  storage.set(tokenKey, JSON.stringify({ token: created.token }));
  return shopper;
}

async function shopApi(method, path, opts = {}) {
  const s = await ensureShopper();
  try {
    return await api(method, `${shopBase}${path}`, { ...opts, token: s.token });
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      const fresh = await ensureShopper(true);
      return api(method, `${shopBase}${path}`, { ...opts, token: fresh.token });
    }
    throw err;
  }
}

// ---- video ----
const video = $("#cc-video");
const soon = $("#cc-soon");

async function startVideo() {
  if (!hlsUrl || stopVideo) return;
  // One player at a time, even while hls.js is still loading.
  let stopped = false;
  let stopPlayer = null;
  const stopThis = () => {
    stopped = true;
    stopPlayer?.();
  };
  stopVideo = stopThis;
  show(video, true);
  show(soon, false);
  stopPlayer = await play(video, hlsUrl, {
    onFatal: () => {
      // The stream is not there (yet, or any more): show "starting soon" and try again.
      if (stopVideo === stopThis) stopVideo = null;
      if (stopped) return;
      show(video, false);
      show(soon, true);
      setTimeout(startVideo, 5000);
    },
  });
  if (stopped) stopPlayer();
}

let refreshTimer = null;
async function reloadShow() {
  const q = boot.country ? `?country=${encodeURIComponent(boot.country)}` : "";
  showData = await api("GET", `${shopBase}/shows/${encodeURIComponent(showId)}${q}`);
  const url = showData.hls_url ?? showData.show.hls_url ?? null;
  if (url && url !== hlsUrl) {
    stopVideo?.();
    stopVideo = null;
    hlsUrl = url;
  }
  renderCards();
  setStatus(showData.show.status);
  startVideo();
}

/** While the show is live but has no stream yet, look for its HLS URL now and then. */
function watchForStream() {
  clearInterval(refreshTimer);
  if (!hlsUrl && showData.show.status === "live") {
    refreshTimer = setInterval(() => {
      if (hlsUrl) clearInterval(refreshTimer);
      else reloadShow().catch(() => {});
    }, 15000);
  }
}

// ---- the shopper's currency ----
// Cards and cart lines are in the currency the quote to the chosen destination uses, at the
// same FX snapshot (boot.fx, from the server), converted per unit as checkout converts.
// A quote's own currency wins once there is one (it may differ, e.g. a currency asked for).
let quotedCurrency = null;
function presentment() {
  if (quotedCurrency) return quotedCurrency;
  const chosen = ($("#cc-country") && $("#cc-country").value) || boot.country;
  return (boot.fx && boot.fx.currency_of && boot.fx.currency_of[chosen]) || store.currency;
}
/** Store-currency minor units → [amount, currency] the shopper sees. */
function shown(amountMinor) {
  const cur = presentment();
  const converted = convertMinor(boot.fx, boot.money, amountMinor, store.currency, cur);
  return converted === null ? [amountMinor, store.currency] : [converted, cur];
}
const price = (amountMinor) => money(...shown(amountMinor));

// ---- analytics: the beacon, sending only once the shopper allows analytics ----
const beacon = new Beacon(`${shopBase}/analytics/beacon`, { showId, embedded: Boolean(boot.embed) });
// GA4 / GTM: e-commerce events (view_item, add_to_cart, purchase, GA4's schema) pushed to
// window.dataLayer while analytics is allowed, and to the embedding page's dataLayer through
// the widget (castcart:datalayer messages), where a store runs its Google tags.
const minorDigits = (currency) => 10 ** currencyDigits(currency);
function gaPush(event, ecommerce) {
  if (!consent.get("analytics")) return;
  const payload = { event, ecommerce };
  (window.dataLayer = window.dataLayer || []).push({ ecommerce: null }); // GA4: clear the last one
  window.dataLayer.push(payload);
  if (boot.embed && window.parent !== window) window.parent.postMessage({ type: "castcart:datalayer", payload }, "*");
}
function gaItem(productId, price, currency, quantity, name) {
  const major = price / minorDigits(currency);
  return { item_id: productId, item_name: name || productId, price: major, quantity: quantity || 1 };
}

// the visitor's choice (lib/consent.js, the banner): send while analytics is allowed
consent.onChange((state) => {
  if (state.analytics) ensureShopper().then((s) => beacon.enable(s.token)).catch(() => {});
  else beacon.disable();
});

// ---- product cards ----
const cardsList = $("#cc-products");
const sales = new Map(); // variant id → flash sale
for (const sale of showData.flash_sales || []) sales.set(sale.variant_id, sale);
const livePrices = new Map((showData.live_prices || []).map((p) => [p.variant_id, p.price_amount]));

function cardFor(product) {
  const variant = product.variants[0];
  const copy = pickTranslation(product.translations, store.default_locale);
  const image = product.images && product.images[0];
  const available = variant.available ?? 0;
  return h(
    "li",
    { class: "card", id: `card-${product.id}`, dataset: { productId: product.id, variantId: variant.id } },
    image ? h("img", { class: "card-img", src: image.url, alt: image.alt || copy.title, loading: "lazy", width: 96, height: 96 }) : null,
    h(
      "div",
      { class: "card-body" },
      h("p", { class: "pin-badge", hidden: true }, t("shop.pinned")),
      h("h3", { class: "card-title", id: `title-${product.id}`, dir: "auto" }, copy.title),
      h("p", { class: "price" }, h("span", { class: "price-now" }, price(variant.price_amount))),
      h("p", { class: "sale", hidden: true }, h("span", { class: "sale-label" }, t("shop.flash_sale")), " ", h("span", { class: "sale-price" }), " ", h("span", { class: "countdown", role: "timer" })),
      h("button", { class: "add primary", type: "button", "aria-describedby": `title-${product.id}`, dataset: { variantId: variant.id }, disabled: available <= 0 }, available > 0 ? t("shop.add_to_cart") : t("shop.sold_out")),
      askForm(product.id),
    ),
  );
}

// ---- the assistant: an Ask box per product card, answers in the chat ----
function askForm(productId) {
  const id = `cc-ask-${productId}`;
  return h(
    "form",
    { class: "ask-form", dataset: { productId } },
    h("label", { for: id }, t("shop.ask_label")),
    h(
      "span",
      { class: "ask-row" },
      h("input", { id, class: "ask-input", name: "question", maxlength: 500, autocomplete: "off", placeholder: t("shop.ask_placeholder"), required: true }),
      h("button", { type: "submit", class: "ask-button" }, t("shop.ask")),
    ),
    h("p", { class: "ask-answer", role: "status", "aria-live": "polite", dir: "auto", hidden: true }),
  );
}

const asking = new Map(); // frame ref (from live.send) -> the card's answer box

function showAnswer(box, answer) {
  box.replaceChildren(
    h("span", { class: "ask-text", lang: answer.lang || null }, answer.text || ""),
    answer.status === "handoff" ? h("span", { class: "ask-note" }, " ", t("shop.ask_handed_off")) : null,
  );
  box.classList.toggle("is-handoff", answer.status === "handoff");
  show(box, true);
}

async function ask(form) {
  const input = $(".ask-input", form);
  const box = $(".ask-answer", form);
  const text = input.value.trim();
  if (!text) return;
  box.textContent = t("shop.ask_waiting");
  show(box, true);
  const ref = live.send({ type: "assistant.ask", text, product_id: form.dataset.productId });
  if (ref) {
    asking.set(ref, box);
    input.value = "";
    return;
  }
  // no socket (yet): the same question over HTTP
  try {
    const answer = await shopApi("POST", "/assistant/ask", {
      body: { question: text, product_id: form.dataset.productId, show_id: showId, lang, country: boot.country || undefined },
    });
    input.value = "";
    showAnswer(box, answer);
  } catch (err) {
    box.textContent = err.message;
  }
}

cardsList.addEventListener("submit", (event) => {
  const form = event.target.closest(".ask-form");
  if (!form) return;
  event.preventDefault();
  ask(form);
});

let answerSeq = 0;
/** An `assistant.answer` frame: into the card that asked, else into the chat. */
function onAnswer(f) {
  const box = f.ref != null ? asking.get(f.ref) : null;
  if (box) {
    asking.delete(f.ref);
    showAnswer(box, f);
    return;
  }
  const mine = shopper && f.asker_id === shopper.shopper.id;
  const text = f.status === "handoff" && mine ? `${f.text} ${t("shop.ask_handed_off")}` : f.text;
  chat.add({ id: `assistant-${++answerSeq}`, author: f.by_host ? t("role.host") : t("shop.assistant"), role: f.by_host ? "host" : "assistant", text, lang: f.lang });
}

/** The product's option values of a variant ("Blue / M"), else its SKU. */
function variantLabel(variant) {
  const values = Object.values(variant.options || {});
  return values.length ? values.join(" / ") : variant.sku;
}

/** Variant picker (the product's options, not always the first variant) and quantity. */
function addPicker(card, product) {
  if (!product || $(".pick", card)) return;
  const button = $("button.add", card);
  const variants = product.variants || [];
  const pick = h("div", { class: "pick" });
  const current = variants.find((v) => v.id === card.dataset.variantId) || variants[0];
  if (variants.length > 1) {
    const id = `cc-variant-${product.id}`;
    const select = h(
      "select",
      { id, class: "variant" },
      variants.map((v) => h("option", { value: v.id, selected: v.id === current.id }, variantLabel(v))),
    );
    select.addEventListener("change", () => {
      card.dataset.variantId = select.value;
      button.dataset.variantId = select.value;
      syncAvailability(card, variants.find((v) => v.id === select.value));
      refreshPrices();
    });
    pick.append(h("label", { for: id }, t("shop.variant")), select);
  }
  const qid = `cc-qty-${product.id}`;
  pick.append(h("label", { for: qid }, t("shop.quantity")), h("input", { id: qid, class: "qty", type: "number", min: 1, max: 100, value: 1, inputmode: "numeric" }));
  button.before(pick);
  syncAvailability(card, current);
}

function syncAvailability(card, variant) {
  const button = $("button.add", card);
  const available = (variant && variant.available) ?? 0;
  button.disabled = available <= 0;
  button.textContent = available > 0 ? t("shop.add_to_cart") : t("shop.sold_out");
  const qty = $(".qty", card);
  if (qty) qty.max = String(Math.max(1, Math.min(100, available)));
}

function renderCards() {
  const wanted = [...showData.showcase].sort((a, b) => a.position - b.position).map((i) => i.product_id);
  const current = $$(".card", cardsList).map((c) => c.dataset.productId);
  // Rebuild only when the set of products changed (the pinned card is moved first, and a
  // rebuild would take the keyboard focus away).
  if ([...wanted].sort().join() !== [...current].sort().join()) {
    const byId = new Map(showData.products.map((p) => [p.id, p]));
    cardsList.replaceChildren(...wanted.filter((id) => byId.has(id)).map((id) => cardFor(byId.get(id))));
  }
  const products = new Map(showData.products.map((p) => [p.id, p]));
  for (const card of $$(".card", cardsList)) addPicker(card, products.get(card.dataset.productId));
  livePrices.clear();
  for (const p of showData.live_prices || []) livePrices.set(p.variant_id, p.price_amount);
  for (const s of showData.flash_sales || []) sales.set(s.variant_id, s);
  refreshPrices();
  setPinned(showData.show.pinned_product_id);
}

function refreshPrices() {
  const byVariant = new Map(showData.products.flatMap((p) => p.variants.map((v) => [v.id, v])));
  for (const card of $$(".card", cardsList)) {
    const variant = byVariant.get(card.dataset.variantId);
    if (!variant) continue;
    const now = livePrices.get(variant.id) ?? variant.price_amount;
    const priceEl = $(".price", card);
    priceEl.replaceChildren(h("span", { class: "price-now" }, price(now)));
    if (now !== variant.price_amount) priceEl.append(" ", h("s", { class: "price-was" }, price(variant.price_amount)));
    const sale = sales.get(variant.id);
    const saleEl = $(".sale", card);
    if (sale) {
      $(".sale-price", saleEl).textContent = price(sale.price_amount);
      const timer = $(".countdown", saleEl);
      timer.dataset.startsAt = sale.starts_at;
      timer.dataset.endsAt = sale.ends_at;
    }
    show(saleEl, Boolean(sale));
  }
  tick();
}

function setPinned(productId) {
  for (const card of $$(".card", cardsList)) {
    const pinned = card.dataset.productId === productId;
    if (!beacon.seen.has(`impression:${card.dataset.productId}`) && consent.get("analytics")) {
      const product = showData.products.find((p) => p.id === card.dataset.productId);
      const variant = product && product.variants[0];
      if (variant) {
        const name = pickTranslation(product.translations, store.default_locale).title;
        gaPush("view_item", { currency: store.currency, value: variant.price_amount / minorDigits(store.currency), items: [gaItem(product.id, variant.price_amount, store.currency, 1, name)] });
      }
    }
    beacon.once(`impression:${card.dataset.productId}`, "product_impression", { product_id: card.dataset.productId, detail: "card" });
    card.classList.toggle("is-pinned", pinned);
    if (pinned) card.setAttribute("aria-current", "true");
    else card.removeAttribute("aria-current");
    show($(".pin-badge", card), pinned);
  }
  const card = productId && document.getElementById(`card-${productId}`);
  if (card) cardsList.prepend(card); // the pinned product first, where a phone shows it
}

/** Flash-sale countdowns, once a second. */
function tick() {
  const now = Date.now();
  for (const timer of $$(".countdown[data-ends-at]", cardsList)) {
    const starts = Date.parse(timer.dataset.startsAt);
    const ends = Date.parse(timer.dataset.endsAt);
    const saleEl = timer.closest(".sale");
    if (now < starts) timer.textContent = t("shop.sale_starts_in", { time: countdown(starts - now) });
    else if (now < ends) timer.textContent = t("shop.sale_ends_in", { time: countdown(ends - now) });
    else {
      timer.textContent = t("shop.sale_over");
      saleEl.classList.add("is-over");
    }
  }
}
setInterval(tick, 1000);

// ---- cart & checkout ----
const cartLines = $("#cc-cart-lines");
const quoteForm = $("#cc-quote-form");
const quoteBox = $("#cc-quote");
const orderStatus = $("#cc-order-status");
let idempotencyKey = null;
let currentOrder = null;
let currentPayment = null;

let lastCart = null;
function renderCart(cart) {
  lastCart = cart;
  const lines = cart.lines || [];
  // Per unit, then × quantity: the quote's own arithmetic (cart.currency is the store's).
  const shownLines = lines.map((l) => {
    const [unit, cur] = cart.currency === store.currency ? shown(l.unit_price_amount) : [l.unit_price_amount, cart.currency];
    return [unit * l.quantity, cur];
  });
  $("#cc-cart-count").textContent = number(lines.reduce((n, l) => n + l.quantity, 0));
  cartLines.replaceChildren(
    ...lines.map((line) => {
      const remove = h("button", { type: "button", class: "small link", "aria-label": t("shop.remove_item", { title: line.title }) }, t("shop.remove"));
      remove.addEventListener("click", () => setQuantity(line.variant_id, 0));
      return h(
        "li",
        { class: "cart-line" },
        h("span", { class: "cart-title" }, line.title),
        h("span", { class: "cart-qty" }, `× ${number(line.quantity)}`),
        h("span", { class: "cart-price" }, money(...shownLines[lines.indexOf(line)])),
        remove,
      );
    }),
  );
  if (lines.length) {
    const subtotal = shownLines.reduce((sum, [amount]) => sum + amount, 0);
    cartLines.append(h("li", { class: "cart-subtotal" }, h("span", {}, t("shop.subtotal")), h("span", {}, money(subtotal, shownLines[0][1]))));
  }
  show($("#cc-cart-empty"), !lines.length);
  show(quoteForm, lines.length > 0);
  show($("#cc-coupon-form"), lines.length > 0);
  show(quoteBox, false);
  if (lines.length && !addressFor) prefillCheckout().catch((err) => formError(err.message));
}

// A signed-in shopper (an account, not a guest) starts from their last order's e-mail,
// phone and address; a guest's form starts empty (GET checkout/prefill answers nothing).
let prefilled = false;
async function prefillCheckout() {
  if (prefilled) return loadAddressForm();
  prefilled = true;
  const s = await ensureShopper();
  if (!s.shopper || !s.shopper.email) return loadAddressForm();
  const last = await shopApi("GET", "/checkout/prefill");
  const country = $("#cc-country");
  if (last.country && [...country.options].some((o) => o.value === last.country)) country.value = last.country;
  await loadAddressForm();
  for (const [name, value] of Object.entries(last.shipping_address || {})) {
    const el = document.getElementById(`cc-addr-${name}`);
    if (el && value && !el.value) el.value = value;
  }
  if (last.contact_email && !$("#cc-email").value) $("#cc-email").value = last.contact_email;
  if (last.contact_phone && !$("#cc-phone").value) $("#cc-phone").value = last.contact_phone;
}

async function addToCart(button) {
  button.disabled = true;
  orderStatus.textContent = "";
  try {
    if (!cartAttached) {
      await shopApi("PATCH", "/cart", { body: { show_id: showId } }); // live prices apply
      cartAttached = true;
    }
    const qty = $(".qty", button.closest(".card"));
    const quantity = Math.max(1, Math.min(100, Number.parseInt(qty ? qty.value : "1", 10) || 1));
    const cart = await shopApi("POST", "/cart/lines", { body: { variant_id: button.dataset.variantId, quantity } });
    renderCart(cart);
    const card = button.closest(".card");
    const product = card && showData.products.find((p) => p.id === card.dataset.productId);
    const variant = product && product.variants.find((v) => v.id === button.dataset.variantId);
    if (variant) {
      const name = pickTranslation(product.translations, store.default_locale).title;
      gaPush("add_to_cart", { currency: store.currency, value: (variant.price_amount * quantity) / minorDigits(store.currency), items: [gaItem(product.id, variant.price_amount, store.currency, quantity, name)] });
    }
    orderStatus.textContent = t("shop.added");
  } catch (err) {
    orderStatus.textContent = err.message;
  } finally {
    button.disabled = false;
  }
}

async function setQuantity(variantId, quantity) {
  renderCart(await shopApi("PUT", `/cart/lines/${encodeURIComponent(variantId)}`, { body: { quantity } }));
}

cardsList.addEventListener("click", (event) => {
  const card = event.target.closest(".card");
  if (card) beacon.track("product_click", { product_id: card.dataset.productId, detail: card.classList.contains("is-pinned") ? "pin" : "card" });
  const button = event.target.closest("button.add");
  if (button) addToCart(button);
});

function quoteRow(label, amount, currency, cls) {
  return h("tr", { class: cls || null }, h("th", { scope: "row" }, label), h("td", {}, money(amount, currency)));
}

function deliveryText(q) {
  const promise = q.delivery_promise;
  if (!promise) return "";
  const fmt = (d) => new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(d)); // calendar dates
  const early = promise.earliest_date;
  const late = promise.latest_date;
  if (early && late) return t("shop.delivery_between", { from: fmt(early), to: fmt(late) });
  if (promise.business_days_min !== undefined)
    return t("shop.delivery_days", { min: number(promise.business_days_min), max: number(promise.business_days_max) });
  return "";
}

let lastQuote = null;

/** A catalog string if the page's language has it, else the server's English text. */
const localText = (key, english) => (boot.strings && boot.strings[key]) || english;

/** A note in the page's language: its message key (castcart.tax.messages, sent with the
 * quote as note_messages) from the catalog, values filled in; else the server's English. */
function localNote(text, message) {
  if (!message || !boot.strings || !boot.strings[message.key]) return text;
  const values = { ...message.params };
  if (message.inner) {
    const inner = localNote(null, message.inner);
    if (inner === null) return text;
    values.note = inner;
  }
  return t(message.key, values);
}

function renderQuote(q) {
  lastQuote = q;
  const cur = q.currency;
  if (cur !== presentment()) {
    quotedCurrency = cur;
    repriced();
  }
  $("#cc-quote-lines").replaceChildren(
    ...q.lines.map((l) => h("tr", {}, h("th", { scope: "row", dir: "auto" }, `${l.title} × ${number(l.quantity)}`), h("td", {}, money(l.line_total_amount, cur)))),
  );
  const totals = [quoteRow(t("shop.subtotal"), q.subtotal_amount, cur)];
  if (q.discount_amount) totals.push(quoteRow(t("shop.discount"), -q.discount_amount, cur));
  if (q.shipping_amount !== undefined && q.shipping_amount !== null) totals.push(quoteRow(t("shop.shipping"), q.shipping_amount, cur));
  // "incl." only for a line inside the prices (line.included); Brazil's ICMS and duty are
  // added on top. Tax names come from the page's catalog (key "tax.<English name>").
  const taxLabel = (line) => {
    let label = `${localText(`tax.${line.name}`, line.name)} (${number(Number(line.rate_percent))} %)`;
    if (line.collected_at === "import") label += ` · ${t("shop.at_import")}`;
    else if (line.included) label = t("shop.included", { tax: label });
    return label;
  };
  for (const line of q.tax_lines || []) totals.push(quoteRow(taxLabel(line), line.amount, cur));
  for (const line of q.duty_lines || []) totals.push(quoteRow(taxLabel(line), line.amount, cur));
  if (q.due_at_import_amount) {
    // One total to pay now; what customs collects at import on its own, clearly apart.
    totals.push(quoteRow(t("shop.total_now"), q.due_at_checkout_amount, cur, "grand-total"));
    totals.push(quoteRow(t("shop.due_at_import_later"), q.due_at_import_amount, cur, "due-import"));
  } else {
    totals.push(quoteRow(t("shop.total"), q.total_amount ?? q.due_at_checkout_amount, cur, "grand-total"));
  }
  $("#cc-quote-totals").replaceChildren(...totals);
  const delivery = deliveryText(q);
  $("#cc-quote-delivery").textContent = delivery;
  show($("#cc-quote-delivery"), Boolean(delivery));
  // The rate's date next to converted prices, so an old rate is visible to the shopper.
  const fxNote = q.fx_rate && q.fx_rate !== "1" && q.fx_as_of
    ? [h("li", { class: "fx-rate" }, t("shop.fx_rate_of", { date: new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(q.fx_as_of)), from: boot.store.currency, rate: number(Number(q.fx_rate)), to: cur }))]
    : [];
  $("#cc-quote-notes").replaceChildren(...fxNote, ...(q.notes || []).map((n, i) => h("li", {}, localNote(n, (q.note_messages || [])[i]))));
  const methods = $("#cc-pay-methods");
  methods.replaceChildren(methods.querySelector("legend"));
  (q.payment_methods || []).forEach((m, i) => {
    const id = `cc-pm-${m.id}`;
    methods.append(h("div", { class: "choice" }, h("input", { type: "radio", name: "payment_method", id, value: m.id, checked: i === 0 }), h("label", { for: id }, m.name)));
  });
  show(quoteBox, true);
}

// The address fields follow the destination's format (GET checkout/address-form/{CC}).
const addressBox = $("#cc-address");
let addressFor = null;

let addressLoading = null; // {country, promise} of the form being fetched

/** One fetch per country at a time; a late answer for a country no longer chosen is
 * dropped, and what the shopper typed meanwhile is kept (read when the form is swapped). */
function loadAddressForm() {
  const country = $("#cc-country").value;
  if (addressFor === country) return Promise.resolve();
  if (addressLoading && addressLoading.country === country) return addressLoading.promise;
  const promise = fetchAddressForm(country).finally(() => {
    if (addressLoading && addressLoading.promise === promise) addressLoading = null;
  });
  addressLoading = { country, promise };
  return promise;
}

async function fetchAddressForm(country) {
  const form = await api("GET", `${shopBase}/checkout/address-form/${encodeURIComponent(country)}?locale=${encodeURIComponent(lang)}`);
  if ($("#cc-country").value !== country) return; // a newer choice is being loaded
  const typed = addressValues();
  addressFor = country;
  addressBox.replaceChildren(
    ...form.fields.map((f) => {
      const id = `cc-addr-${f.name}`;
      const attrs = { id, name: f.name, required: f.required, "aria-describedby": `cc-err-${f.name}`, dataset: { address: f.name } };
      let input;
      if (f.choices.length) {
        input = h("select", attrs, h("option", { value: "" }, t("shop.choose")), f.choices.map((c) => h("option", { value: c.code }, c.name)));
      } else {
        const auto = { name: "name", company_name: "organization", street_address: "street-address", city: "address-level2", postal_code: "postal-code" }[f.name];
        input = h("input", { ...attrs, autocomplete: auto || null, maxlength: f.name === "street_address" ? 400 : 200, placeholder: f.example || null });
      }
      if (typed[f.name] && !f.choices.length) input.value = typed[f.name];
      return h("p", { class: "field" }, h("label", { for: id }, f.label + (f.required ? " *" : "")), input, h("span", { id: `cc-err-${f.name}`, class: "field-error error", hidden: true }));
    }),
  );
}

function addressValues() {
  const out = {};
  for (const el of $$("[data-address]", addressBox)) if (el.value.trim()) out[el.dataset.address] = el.value.trim();
  return out;
}

function contactBody() {
  const phone = $("#cc-phone").value.trim();
  return {
    country: $("#cc-country").value,
    locale: lang,
    shipping_address: { ...addressValues(), country_code: $("#cc-country").value },
    contact_email: $("#cc-email").value.trim() || null,
    contact_phone: phone || null,
    marketing_consent: $("#cc-consent").checked,
  };
}

function formError(text) {
  const el = $("#cc-form-error");
  el.textContent = text || "";
  show(el, Boolean(text));
}

function clearFieldErrors() {
  for (const el of $$(".field-error", quoteForm)) {
    el.textContent = "";
    show(el, false);
  }
  for (const el of $$("[aria-invalid]", quoteForm)) el.removeAttribute("aria-invalid");
  formError("");
}

/** A 422 invalid_contact shown next to each field, in the page's language. */
function showFieldErrors(err) {
  if (!(err instanceof ApiError) || err.code !== "invalid_contact") return false;
  const fields = (err.details && err.details.fields) || {};
  for (const [name, code] of Object.entries(fields)) {
    const targets = name === "shipping_address" ? $$("[data-address][required]", addressBox).map((el) => el.dataset.address) : [name];
    for (const target of targets) {
      const box = document.getElementById(`cc-err-${target}`);
      const input = quoteForm.querySelector(`[name="${target}"]`);
      if (box) {
        box.textContent = code === "required" ? t("shop.field_required") : t("shop.field_invalid");
        show(box, true);
      }
      if (input) input.setAttribute("aria-invalid", "true");
    }
  }
  formError(t("shop.check_fields"));
  const first = quoteForm.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
  return true;
}

/** Cards and cart again, in the currency of the destination (or of the latest quote). */
function repriced() {
  refreshPrices();
  if (lastCart) {
    const open = !quoteBox.hidden;
    renderCart(lastCart);
    show(quoteBox, open);
  }
}

$("#cc-country").addEventListener("change", () => {
  quotedCurrency = null;
  repriced();
  show(quoteBox, false);
  loadAddressForm().catch((err) => formError(err.message));
});
quoteForm.addEventListener("input", () => show(quoteBox, false)); // a changed address needs a new quote

let quotedBody = null;
async function requote() {
  const body = contactBody();
  const q = await shopApi("POST", "/cart/quote", { body });
  quotedBody = body;
  renderQuote(q);
  return q;
}

quoteForm.addEventListener("submit", () => beacon.once("checkout", "checkout_start", {}));
quoteForm.addEventListener("submit", async (event) => {
  event.preventDefault();
  clearFieldErrors();
  orderStatus.textContent = t("shop.quoting");
  try {
    await loadAddressForm();
    const q = await requote();
    idempotencyKey = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    orderStatus.textContent = "";
    couponMessage(q.coupon);
    $("#cc-place-order").focus();
  } catch (err) {
    orderStatus.textContent = showFieldErrors(err) ? "" : err.message;
  }
});

// ---- coupon: only the quote says whether the server takes it ----
function couponMessage(coupon) {
  const el = $("#cc-coupon-status");
  if (!coupon || !coupon.code) return;
  const known = ["coupon_invalid", "coupon_expired", "coupon_not_started", "coupon_minimum"];
  el.className = `coupon-status ${coupon.error ? "error" : "ok"}`;
  if (!coupon.error) el.textContent = t("shop.coupon_applied", { code: coupon.code });
  else el.textContent = t(known.includes(coupon.error) ? `shop.${coupon.error}` : "shop.coupon_rejected", { code: coupon.code });
}

$("#cc-coupon-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("#cc-coupon");
  const code = input.value.trim().toUpperCase();
  const el = $("#cc-coupon-status");
  el.textContent = "";
  try {
    await shopApi("PATCH", "/cart", { body: { coupon_code: code || null } });
    if (!code) return;
    // A quote for the destination chosen so far (the address is optional for a quote).
    const q = await shopApi("POST", "/cart/quote", { body: { country: $("#cc-country").value, locale: lang } });
    couponMessage(q.coupon);
    show(quoteBox, false);
  } catch (err) {
    el.className = "coupon-status error";
    el.textContent = err instanceof ApiError && err.status === 422 ? t("shop.coupon_invalid", { code }) : err.message;
  }
});

$("#cc-place-order").addEventListener("click", async (event) => {
  const button = event.currentTarget;
  button.disabled = true;
  orderStatus.textContent = t("shop.placing_order");
  try {
    // The same key on a retry returns the same order, never a second one.
    const picked = $("#cc-pay-methods input[name=payment_method]:checked");
    const method = picked ? picked.value : null;
    const body = { ...quotedBody, payment_method: method, expected_total_amount: lastQuote ? lastQuote.total_amount : null };
    currentOrder = await shopApi("POST", "/checkout", { body, headers: { "Idempotency-Key": idempotencyKey } });
    const query = method ? `&method=${encodeURIComponent(method)}` : "";
    currentPayment = await shopApi("POST", `/orders/${encodeURIComponent(currentOrder.id)}/payments?gateway=sandbox${query}`);
    show(quoteBox, false);
    show(quoteForm, false);
    $("#cc-sandbox-amount").textContent = money(currentPayment.amount, currentPayment.currency);
    show($("#cc-sandbox"), true);
    orderStatus.textContent = t("shop.order_created", { number: currentOrder.number });
    $("#cc-sandbox-pay").focus();
  } catch (err) {
    if (showFieldErrors(err)) {
      show(quoteBox, false);
      orderStatus.textContent = "";
    } else orderStatus.textContent = err.message;
  } finally {
    button.disabled = false;
  }
});

async function completeSandbox(outcome) {
  $$("#cc-sandbox button").forEach((b) => (b.disabled = true));
  try {
    await api("POST", `/api/v1/sandbox/payments/${encodeURIComponent(currentPayment.reference)}`, { body: { outcome } });
    for (let i = 0; i < 20; i++) {
      const order = await shopApi("GET", `/orders/${encodeURIComponent(currentOrder.id)}`);
      if (order.status === "paid") {
        orderStatus.textContent = t("shop.order_paid", { number: order.number });
        gaPush("purchase", {
          transaction_id: order.number,
          currency: order.currency,
          value: order.total_amount / minorDigits(order.currency),
          items: (order.lines || []).map((l) => gaItem(l.product_id, l.unit_price_amount, order.currency, l.quantity, l.title)),
        });
        show($("#cc-sandbox"), false);
        // the order page (signed link, the same one the confirmation e-mail carries)
        if (order.order_page_url) {
          const link = $("#cc-order-link");
          link.href = `${order.order_page_url}&lang=${encodeURIComponent(boot.lang)}`;
          show($("#cc-order-link-row"), true);
        }
        renderCart(await shopApi("GET", "/cart"));
        return;
      }
      if (outcome === "failed") break;
      await new Promise((r) => setTimeout(r, 500));
    }
    orderStatus.textContent = outcome === "failed" ? t("shop.payment_failed") : t("shop.payment_pending");
  } catch (err) {
    orderStatus.textContent = err.message;
  } finally {
    $$("#cc-sandbox button").forEach((b) => (b.disabled = false));
  }
}
$("#cc-sandbox-pay").addEventListener("click", () => completeSandbox("succeeded"));
$("#cc-sandbox-fail").addEventListener("click", () => completeSandbox("failed"));

// ---- live channel ----
const chat = new ChatLog($("#cc-chat"));
const engagement = new Engagement(
  $("#cc-engagement"),
  {
    vote: (pollId, option) => shopApi("POST", `/shows/${showId}/polls/${encodeURIComponent(pollId)}/votes`, { body: { option_index: option.index } }),
    enter: async (gid) => {
      const entry = await shopApi("POST", `/shows/${showId}/giveaways/${encodeURIComponent(gid)}/entries`);
      myTickets.add(entry.ticket);
    },
    answer: (qid, option) => shopApi("POST", `/shows/${showId}/quizzes/${encodeURIComponent(qid)}/answers`, { body: { option_index: option.index } }),
  },
  "shopper",
);
const myTickets = new Set(); // giveaway tickets of this shopper, to recognise a win
const captions = new CaptionOverlay($("#cc-caption"));

function setStatus(status) {
  show($("#cc-live-badge"), status === "live");
  if (status === "ended") $("#cc-conn").textContent = t("shop.show_ended");
  else if (status === "interrupted") $("#cc-conn").textContent = t("shop.interrupted");
  else if ($("#cc-conn").textContent === t("shop.interrupted")) $("#cc-conn").textContent = "";
  watchForStream();
}

const live = new LiveChannel({
  path: `${shopBase}/shows/${encodeURIComponent(showId)}/live`,
  params: { lang, country: boot.country || "" },
  ticket: async () => (await shopApi("POST", "/live-tickets", { body: {} })).ticket,
  onClose: (code) => {
    if (code === 4401) shopper = null; // expired or revoked: check it (or start afresh)
    if (code === 4403) {
      $("#cc-conn").textContent = t("chat_error.banned");
      $("#cc-chat-form").querySelectorAll("input, button").forEach((el) => (el.disabled = true));
    }
  },
  onState: (state) => {
    const conn = $("#cc-conn");
    if (state === "retrying") conn.textContent = t("shop.reconnecting");
    else if (state === "open" && showData.show.status !== "ended") conn.textContent = "";
  },
  handlers: {
    hello: (f) => {
      $("#cc-viewers").textContent = number(f.viewers);
      $("#cc-likes").textContent = number(f.likes);
      showData.show.pinned_product_id = f.pinned_product_id;
      setPinned(f.pinned_product_id);
      if (f.show && f.show.status !== showData.show.status) {
        showData.show.status = f.show.status;
        setStatus(f.show.status);
      }
    },
    "chat.message": (f) => chat.add(f),
    "chat.batch": (f) => (f.messages || []).forEach((m) => chat.add(m)),
    "chat.translated": (f) => chat.translate(f.message_id, f.translations),
    "chat.deleted": (f) => chat.remove(f.message_id),
    "assistant.answer": onAnswer,
    likes: (f) => ($("#cc-likes").textContent = number(f.total)),
    viewers: (f) => ($("#cc-viewers").textContent = number(f.count)),
    pin: (f) => {
      showData.show.pinned_product_id = f.product_id;
      if (f.product_id && !document.getElementById(`card-${f.product_id}`)) reloadShow().catch(() => {});
      else setPinned(f.product_id);
    },
    "show.state": (f) => {
      showData.show.status = f.status;
      setStatus(f.status);
      if (f.status === "live" && !hlsUrl) reloadShow().catch(() => {});
    },
    stream: (f) => {
      // The encoder (re)connected: (re)load the playlist so the player joins the live edge.
      if (!f.hls_url) return;
      stopVideo?.();
      stopVideo = null;
      hlsUrl = f.hls_url;
      startVideo();
    },
    flash_sale: (f) => {
      sales.set(f.variant_id, { ...f, id: f.flash_sale_id });
      if (!$$(".card", cardsList).some((c) => c.dataset.variantId === f.variant_id)) reloadShow().catch(() => {});
      else refreshPrices();
    },
    live_prices: (f) => {
      livePrices.clear();
      for (const p of f.prices || []) livePrices.set(p.variant_id, p.price_amount);
      refreshPrices();
    },
    slow_mode: (f) => chat.system(f.seconds ? t("shop.slow_mode_on", { seconds: number(f.seconds) }) : t("shop.slow_mode_off")),
    caption: (f) => captions.add(f),
    muted: (f) => {
      const until = f.until ? new Intl.DateTimeFormat(lang, { timeStyle: "short" }).format(new Date(f.until)) : null;
      chat.system(until ? t("shop.muted_until", { time: until }) : t("shop.unmuted"));
    },
    error: (f) => {
      const box = $("#cc-chat-error");
      box.textContent = chatErrorText(f);
      show(box, true);
      setTimeout(() => show(box, false), 5000);
    },
    resync: () => reloadShow().catch(() => {}),
    ...engagement.handlers(() => myTickets),
  },
});

$("#cc-chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("#cc-chat-input");
  const text = input.value.trim();
  if (!text) return;
  if (live.send({ type: "chat.send", text })) input.value = "";
  else {
    $("#cc-chat-error").textContent = t("shop.reconnecting");
    show($("#cc-chat-error"), true);
  }
});

$("#cc-like").addEventListener("click", () => {
  live.send({ type: "like" });
  const likes = $("#cc-like");
  likes.classList.remove("pop");
  void likes.offsetWidth;
  likes.classList.add("pop");
});

// ---- engagement state on page load (what is open now) ----
async function loadEngagement() {
  try {
    engagement.restore(await shopApi("GET", `/shows/${encodeURIComponent(showId)}/engagement`), myTickets);
  } catch {
    /* no engagement yet on this server */
  }
}

// ---- embed: tell the widget how tall the page is ----
if (boot.embed && window.parent !== window) {
  const report = () => window.parent.postMessage({ type: "castcart:resize", height: document.documentElement.scrollHeight }, "*");
  new ResizeObserver(report).observe(document.body);
  report();
}

// ---- consent (banner, stored decisions, window.castcartConsent) ----
const consentCountry = boot.consent.country ? `?country=${encodeURIComponent(boot.consent.country)}` : "";
installConsent(boot.consent, {
  load: () => shopApi("GET", `/consents${consentCountry}`),
  save: (choices, source) =>
    shopApi("PUT", "/consents", {
      body: { policy_version: boot.consent.policy_version, choices, source, country: boot.consent.country || null },
    }),
});

// ---- iftar countdown (a show in Ramadan aimed at a market that observes prayer times) ----
const iftarEl = $("#cc-iftar");
if (iftarEl) {
  const at = Date.parse(iftarEl.dataset.at);
  const skew = Date.parse(iftarEl.dataset.serverNow) - Date.now(); // the server's clock
  const left = $(".iftar-countdown", iftarEl);
  const tick = () => {
    const ms = at - (Date.now() + skew);
    if (ms <= 0) {
      $(".iftar-when", iftarEl).textContent = t("shop.iftar_now", { city: iftarEl.dataset.city });
      left.textContent = "";
      clearInterval(iftarTimer);
      return;
    }
    left.textContent = countdown(ms);
  };
  const iftarTimer = setInterval(tick, 1000);
  tick();
}

// ---- start ----
renderCards();
setStatus(showData.show.status);
startVideo();
if (boot.replay) {
  // the replay: chapters on the seek bar, the product card follows the playhead
  import("./lib/replay.js").then(({ followReplay }) => followReplay(video, boot.replay, setPinned));
}
ensureShopper()
  .then(async () => {
    if (!boot.replay) live.connect(); // a replay has no room to join
    loadEngagement();
    const cart = await shopApi("GET", "/cart");
    cartAttached = cart.show_id === showId;
    renderCart(cart);
  })
  .catch((err) => {
    $("#cc-conn").textContent = err.message;
  });
