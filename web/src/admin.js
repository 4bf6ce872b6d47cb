// Merchant admin: catalog (with translations), shows, coupons, orders, claim evidence — all through the
// staff API with the session cookie + CSRF header.

import { mountDashboard } from "./lib/analytics.js";
import { api } from "./lib/api.js";
import { clearError, reportError, wireLogout } from "./lib/staff.js";
import { $, $$, boot, currencyDigits, dateTime, h, money, number, pickTranslation, show, t, toMinor } from "./lib/ui.js";

const store = boot.store;
const errorBox = $("#cc-admin-error");
const fail = (err) => reportError(errorBox, err);
const notice = (text) => ($("#cc-admin-msg").textContent = text);
wireLogout();

// ---- tabs (arrow keys move between them, as the ARIA tabs pattern expects) ----
const tabs = $$("[role=tab]");
function selectTab(tab, focus = false) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute("aria-selected", String(selected));
    other.tabIndex = selected ? 0 : -1;
    show(document.getElementById(other.getAttribute("aria-controls")), selected);
  }
  if (focus) tab.focus();
  const name = tab.id.replace("tab-", "");
  history.replaceState(null, "", `#${name}`);
  loaders[name]?.();
}
tabs.forEach((tab, i) => {
  tab.addEventListener("click", () => selectTab(tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1, Home: -i, End: tabs.length - 1 - i }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    const rtl = document.dir === "rtl" && (event.key === "ArrowRight" || event.key === "ArrowLeft");
    selectTab(tabs[(i + (rtl ? -step : step) + tabs.length) % tabs.length], true);
  });
});

// ---- catalog ----
let products = [];
let warehousesLoaded = false;
const titleOf = (p) => pickTranslation(p.translations, store.default_locale).title || p.handle;

function findingsButton(p) {
  if (!p.open_findings) return "";
  const b = h("button", { type: "button", class: "small warn", "aria-label": `${t("admin.findings_for", { title: titleOf(p) })}: ${t("admin.findings_open", { n: number(p.open_findings) })}` }, t("admin.findings_open", { n: number(p.open_findings) }));
  b.addEventListener("click", () => showFindings(p.id));
  return b;
}

function priceRange(variants) {
  if (!variants.length) return "—";
  const amounts = variants.map((v) => v.price_amount);
  const [low, high] = [Math.min(...amounts), Math.max(...amounts)];
  const currency = variants[0].currency;
  return low === high ? money(low, currency) : `${money(low, currency)} – ${money(high, currency)}`;
}

async function loadProducts() {
  try {
    if (!warehousesLoaded) {
      warehouses = await api("GET", "/api/v1/warehouses");
      warehousesLoaded = true;
      show($("#cc-no-warehouses"), !warehouses.length);
      if (!$("#cc-product-id").value) resetProductForm();
    }
    products = await api("GET", "/api/v1/products?limit=200");
    $("#cc-products").replaceChildren(
      ...products.map((p) => {
        const edit = h("button", { type: "button", class: "small", "aria-label": t("admin.edit_item", { title: titleOf(p) }) }, t("admin.edit"));
        edit.addEventListener("click", () => editProduct(p));
        return h(
          "tr",
          {},
          h("td", {}, h("code", {}, p.handle)),
          h("td", {}, titleOf(p)),
          h("td", {}, priceRange(p.variants)),
          h("td", {}, number(p.variants.reduce((n, x) => n + (x.available ?? 0), 0))),
          h("td", {}, p.status),
          h("td", {}, edit, " ", findingsButton(p)),
        );
      }),
    );
  } catch (err) {
    fail(err);
  }
}

function translationRow(tr = { locale: "", title: "", description: "" }) {
  const n = $$(".translation", $("#cc-translations")).length;
  const locale = h("select", { id: `cc-tr-locale-${n}`, class: "tr-locale" }, ...boot.locales.map((l) => h("option", { value: l, selected: l === tr.locale }, l)));
  const remove = h("button", { type: "button", class: "small link" }, t("shop.remove"));
  const row = h(
    "div",
    { class: "translation" },
    h("label", { for: `cc-tr-locale-${n}` }, t("admin.locale")),
    locale,
    h("label", { for: `cc-tr-title-${n}` }, t("admin.title_field")),
    h("input", { id: `cc-tr-title-${n}`, class: "tr-title", required: true, maxlength: 300, value: tr.title }),
    h("label", { for: `cc-tr-desc-${n}` }, t("admin.description")),
    h("textarea", { id: `cc-tr-desc-${n}`, class: "tr-desc", rows: 2, maxlength: 20000 }, tr.description || ""),
    remove,
  );
  remove.addEventListener("click", () => row.remove());
  $("#cc-translations").append(row);
}

// Variant rows: SKU, options ("size=M, colour=red"), price and stock per warehouse.
let warehouses = [];
let variantSeq = 0;
const priceText = (minor) => (minor / 10 ** currencyDigits(store.currency)).toString();
/** A catalog string if the page's language has it (tax names are keyed "tax.<English name>"), else the server's English. */
const catalogText = (key, english) => (boot.strings && boot.strings[key]) || english;
const optionsText = (options) => Object.entries(options || {}).map(([k, v]) => `${k}=${v}`).join(", ");

/** "size=M, colour=red" → {size: "M", colour: "red"}; null when a pair is malformed. */
function parseOptions(text) {
  const out = {};
  for (const part of text.split(/[,;]/)) {
    if (!part.trim()) continue;
    const [key, ...rest] = part.split(/[=:]/);
    const value = rest.join("=").trim();
    if (!key.trim() || !value) return null;
    out[key.trim()] = value;
  }
  return out;
}

const field = (label, input) => h("span", { class: "field" }, label, input);

function variantRow(v = null) {
  const n = variantSeq++;
  const stockOf = (wid) => (v ? (v.stock.find((s) => s.warehouse_id === wid) || {}).quantity : undefined);
  const row = h(
    "div",
    { class: "variant", dataset: { variantId: v ? v.id : "" } },
    field(h("label", { for: `cc-v-sku-${n}` }, "SKU"), h("input", { id: `cc-v-sku-${n}`, class: "v-sku", required: true, pattern: "[A-Za-z0-9._\\-]{1,64}", value: v ? v.sku : "", disabled: Boolean(v) })),
    field(h("label", { for: `cc-v-options-${n}` }, t("admin.options")), h("input", { id: `cc-v-options-${n}`, class: "v-options", placeholder: "size=M, colour=red", value: v ? optionsText(v.options) : "" })),
    field(h("label", { for: `cc-v-price-${n}` }, `${t("admin.price")} (${store.currency})`), h("input", { id: `cc-v-price-${n}`, class: "v-price", type: "number", min: 0, step: 1 / 10 ** currencyDigits(store.currency), inputmode: "decimal", required: true, value: v ? priceText(v.price_amount) : "" })),
    ...warehouses.map((w) =>
      field(h("label", { for: `cc-v-stock-${n}-${w.code}` }, t("admin.stock_at", { warehouse: w.name || w.code })), h("input", { id: `cc-v-stock-${n}-${w.code}`, class: "v-stock", type: "number", min: 0, step: 1, inputmode: "numeric", dataset: { warehouseId: w.id }, value: stockOf(w.id) ?? "" })),
    ),
  );
  if (!v) {
    const remove = h("button", { type: "button", class: "small link" }, t("shop.remove"));
    remove.addEventListener("click", () => row.remove());
    row.append(remove);
  }
  $("#cc-variants").append(row);
}

function imageList(p) {
  $("#cc-product-image-list").replaceChildren(
    ...(p ? p.images : []).map((img) => {
      const remove = h("button", { type: "button", class: "small link", "aria-label": t("admin.remove_image", { alt: img.alt || img.url }) }, t("shop.remove"));
      remove.addEventListener("click", async () => {
        clearError(errorBox);
        try {
          const out = await api("DELETE", `/api/v1/products/${encodeURIComponent(p.id)}/images/${encodeURIComponent(img.id)}`);
          imageList(out);
          loadProducts();
        } catch (err) {
          fail(err);
        }
      });
      return h("li", {}, h("img", { src: img.url, alt: img.alt, width: 64, height: 64 }), remove);
    }),
  );
}

function resetProductForm() {
  $("#cc-product-id").value = "";
  $("#cc-product-form-title").textContent = t("admin.new_product");
  $("#cc-translations").replaceChildren();
  translationRow({ locale: store.default_locale.split("-")[0], title: "", description: "" });
  $("#cc-product-handle").disabled = false;
  $("#cc-variants").replaceChildren();
  variantRow();
  imageList(null);
}

function editProduct(p) {
  $("#cc-product-id").value = p.id;
  $("#cc-product-form-title").textContent = t("admin.edit_item", { title: titleOf(p) });
  $("#cc-product-handle").value = p.handle;
  $("#cc-product-handle").disabled = true;
  $("#cc-product-status").value = p.status;
  $("#cc-translations").replaceChildren();
  p.translations.forEach((tr) => translationRow(tr));
  $("#cc-variants").replaceChildren();
  p.variants.forEach((v) => variantRow(v));
  imageList(p);
  $("#cc-product-handle").focus();
}

$("#cc-add-translation").addEventListener("click", () => translationRow());
$("#cc-add-variant").addEventListener("click", () => variantRow());
$("#cc-product-reset").addEventListener("click", () => setTimeout(resetProductForm));

/** The variant rows as the API wants them (throws a localized error on bad options). */
function readVariants() {
  return $$(".variant", $("#cc-variants")).map((row) => {
    const options = parseOptions($(".v-options", row).value);
    if (options === null) throw new Error(t("admin.options_invalid", { sku: $(".v-sku", row).value }));
    return {
      id: row.dataset.variantId,
      sku: $(".v-sku", row).value.trim(),
      options,
      price_amount: toMinor($(".v-price", row).value, store.currency),
      stock: $$(".v-stock", row)
        .filter((input) => input.value !== "")
        .map((input) => ({ warehouse_id: input.dataset.warehouseId, quantity: Math.max(0, Math.round(Number(input.value))) })),
    };
  });
}

async function saveStock(variantId, stock, before = []) {
  for (const s of stock) {
    const old = before.find((x) => x.warehouse_id === s.warehouse_id);
    if (old && old.quantity === s.quantity) continue;
    await api("PUT", `/api/v1/variants/${encodeURIComponent(variantId)}/stock/${encodeURIComponent(s.warehouse_id)}`, { body: { quantity: s.quantity } });
  }
}

async function uploadImages(productId) {
  const files = Array.from($("#cc-product-images").files || []);
  const alt = $("#cc-product-image-alt").value.trim();
  let out = null;
  for (const file of files) {
    const form = new FormData();
    form.append("file", file);
    form.append("alt", alt);
    out = await api("POST", `/api/v1/products/${encodeURIComponent(productId)}/images`, { body: form });
  }
  return out;
}

$("#cc-product-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearError(errorBox);
  notice("");
  const translations = $$(".translation", $("#cc-translations")).map((row) => ({
    locale: $(".tr-locale", row).value,
    title: $(".tr-title", row).value.trim(),
    description: $(".tr-desc", row).value,
  }));
  const id = $("#cc-product-id").value;
  try {
    const variants = readVariants();
    let saved;
    if (id) {
      const product = products.find((p) => p.id === id);
      saved = await api("PATCH", `/api/v1/products/${encodeURIComponent(id)}`, { body: { translations, status: $("#cc-product-status").value } });
      for (const v of variants) {
        const old = product && product.variants.find((x) => x.id === v.id);
        let variantId = v.id;
        if (!old) {
          variantId = (await api("POST", `/api/v1/products/${encodeURIComponent(id)}/variants`, { body: { sku: v.sku, options: v.options, price_amount: v.price_amount } })).id;
        } else if (old.price_amount !== v.price_amount || optionsText(old.options) !== optionsText(v.options)) {
          await api("PATCH", `/api/v1/variants/${encodeURIComponent(v.id)}`, { body: { price_amount: v.price_amount, options: v.options } });
        }
        await saveStock(variantId, v.stock, old ? old.stock : []);
      }
    } else {
      saved = await api("POST", "/api/v1/products", {
        body: {
          handle: $("#cc-product-handle").value.trim(),
          status: $("#cc-product-status").value,
          translations,
          variants: variants.map((v) => ({ sku: v.sku, options: v.options, price_amount: v.price_amount })),
        },
      });
      for (const v of variants) {
        const created = saved.variants.find((x) => x.sku === v.sku);
        if (created) await saveStock(created.id, v.stock);
      }
    }
    await uploadImages(saved.id);
    const findings = saved.open_findings || 0;
    notice(findings ? t("admin.saved_with_findings", { n: number(findings) }) : t("admin.saved"));
    event.target.reset();
    resetProductForm();
    await loadProducts();
    if (findings) showFindings(saved.id);
    else show($("#cc-findings"), false);
  } catch (err) {
    fail(err);
  }
});

// ---- compliance findings on the product copy ----
const categoryName = (c) => (t(`finding.${c}`) === `finding.${c}` ? c.replaceAll("_", " ") : t(`finding.${c}`));

function findingItem(f, productId) {
  const where = `${f.locale} · ${t(f.field === "title" ? "admin.title_field" : "admin.description")}`;
  const item = h(
    "li",
    { class: `finding is-${f.status}`, dataset: { findingId: f.id } },
    h("strong", {}, categoryName(f.category)),
    ` (${where}, ${f.severity}): `,
    f.excerpt ? h("q", { dir: "auto" }, f.excerpt) : "",
    f.suggestion ? h("p", { class: "hint" }, f.suggestion) : null,
  );
  if (f.status === "resolved") {
    const byEvidence = (f.resolved_by || "").startsWith("evidence:");
    item.append(h("p", { class: "resolved" }, t(byEvidence ? "admin.finding_substantiated" : "admin.finding_resolved", { note: f.note })));
    return item;
  }
  const id = `cc-finding-note-${f.id}`;
  const note = h("input", { id, maxlength: 500, required: true });
  const form = h("form", { class: "inline-form" }, h("label", { for: id }, t("admin.finding_note")), note, h("button", { type: "submit", class: "small" }, t("admin.finding_resolve")));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errorBox);
    notice("");
    try {
      await api("POST", `/api/v1/findings/${encodeURIComponent(f.id)}/resolve`, { body: { note: note.value.trim() } });
      notice(t("admin.saved"));
      await showFindings(productId);
      loadProducts();
    } catch (err) {
      fail(err);
    }
  });
  item.append(form);
  return item;
}

/** The product's findings next to the catalog: resolve with a note, edit and re-check. */
async function showFindings(productId) {
  const box = $("#cc-findings");
  try {
    const found = await api("GET", `/api/v1/products/${encodeURIComponent(productId)}/findings`);
    const product = products.find((p) => p.id === productId);
    const edit = h("button", { type: "button", class: "small" }, t("admin.edit"));
    edit.addEventListener("click", () => product && editProduct(product));
    const recheck = h("button", { type: "button", class: "small" }, t("admin.recheck"));
    recheck.addEventListener("click", async () => {
      clearError(errorBox);
      try {
        await api("POST", `/api/v1/products/${encodeURIComponent(productId)}/findings/recheck`);
        await showFindings(productId);
        loadProducts();
      } catch (err) {
        fail(err);
      }
    });
    box.replaceChildren(
      h("h3", {}, t("admin.findings_for", { title: product ? titleOf(product) : productId })),
      found.length ? h("ul", { class: "findings" }, ...found.map((f) => findingItem(f, productId))) : h("p", {}, t("admin.no_findings")),
      h("p", { class: "button-row" }, edit, recheck),
    );
    show(box, true);
  } catch (err) {
    fail(err);
  }
}

// ---- shows ----
async function loadShows() {
  try {
    if (!products.length) products = await api("GET", "/api/v1/products?limit=200");
    fillShowForm();
    const shows = await api("GET", "/api/v1/shows");
    $("#cc-shows").replaceChildren(
      ...shows.map((s) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `/console/shows/${encodeURIComponent(s.id)}` }, s.title)),
          h("td", {}, dateTime(s.scheduled_at)),
          h("td", {}, t(`status.${s.status}`)),
          h(
            "td",
            {},
            h("a", { href: `/s/${encodeURIComponent(store.slug)}/shows/${encodeURIComponent(s.id)}` }, t("admin.shopper_page")),
            " ",
            h("button", { type: "button", class: "small", onclick: () => openAnalytics(s) }, t("analytics.open")),
          ),
        ),
      ),
    );
  } catch (err) {
    fail(err);
  }
}

// ---- show analytics: the same dashboard as the console, for any show ----
let dashboard = null;
function openAnalytics(s) {
  if (dashboard) dashboard.stop();
  $("#cc-show-analytics-name").textContent = s.title;
  show($("#cc-show-analytics"));
  const titles = new Map(products.map((p) => [p.id, pickTranslation(p.translations, store.default_locale).title || p.handle]));
  dashboard = mountDashboard($("#cc-admin-analytics"), s.id, { currency: store.currency, titleOf: (id) => titles.get(id) || id });
}

// Markets a show can target: those the tax engine and checkout know (routes.CHECKOUT_COUNTRIES).
const MARKETS = ["DE", "FR", "ES", "IT", "NL", "IE", "AT", "BE", "PT", "PL", "SE", "GB", "NO", "CH", "US", "CA", "MX", "BR", "AU", "NZ", "SG", "MY", "TH", "ID", "PH", "VN", "SA", "AE"];

function fillShowForm() {
  const markets = $("#cc-show-markets");
  if (!markets.children.length) {
    const named = MARKETS.map((c) => [c, regionName(c)]).sort((a, b) => a[1].localeCompare(b[1], document.documentElement.lang || "en"));
    markets.replaceChildren(
      ...named.map(([code, name]) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", class: "show-market", value: code, checked: code === store.country }), ` ${name} (${code})`),
      ),
    );
  }
  const chosen = new Set($$(".show-product:checked").map((i) => i.value));
  $("#cc-show-showcase").replaceChildren(
    ...products
      .filter((p) => p.status === "active")
      .map((p) => h("label", { class: "check" }, h("input", { type: "checkbox", class: "show-product", value: p.id, checked: chosen.has(p.id) }), ` ${titleOf(p)}`)),
  );
}

const showMarkets = () => $$(".show-market:checked").map((i) => i.value);
let checkedKey = ""; // the time + markets whose warnings the seller has seen

/** Cultural scheduling check (prayer times, Ramadan, holidays) per chosen market. */
async function checkSchedule() {
  const box = $("#cc-schedule-check");
  const value = $("#cc-show-when").value;
  if (!value) return { key: "", warnings: 0 };
  const when = new Date(value).toISOString();
  const duration = Math.max(1, Math.round(Number($("#cc-show-duration").value) || 60));
  const markets = showMarkets().length ? showMarkets() : [store.country];
  const results = await Promise.all(
    markets.map((market) =>
      api("POST", "/api/v1/shows/schedule-check", { body: { market, starts_at: when, duration_minutes: duration, suggestions: 1 } }).catch((err) => ({ market, error: err })),
    ),
  );
  let warnings = 0;
  const items = results.flatMap((r) => {
    if (r.error) return [h("li", { class: "warn" }, `${regionName(r.market)}: ${r.error.message}`)];
    if (r.ok) return [h("li", { class: "ok" }, t("admin.schedule_ok", { market: regionName(r.market) }))];
    warnings += r.warnings.length;
    return [
      ...r.warnings.map((w) => h("li", { class: `warn severity-${w.severity}` }, `${regionName(r.market)}: ${w.message}`)),
      ...r.suggested_slots.map((slot) => h("li", { class: "hint" }, t("admin.schedule_suggest", { market: regionName(r.market), time: slot.local_start, zone: slot.timezone }))),
    ];
  });
  box.replaceChildren(h("ul", { class: "schedule-check" }, ...items));
  show(box, true);
  // Ramadan in a market that observes prayer times: offer the iftar countdown.
  const ramadan = results.some((r) => !r.error && r.ramadan && r.observes_prayer_times);
  show($("#cc-show-iftar-row"), ramadan);
  if (!ramadan) $("#cc-show-iftar").checked = false;
  return { key: `${when}|${duration}|${markets.join(",")}`, warnings };
}

$("#cc-show-relationship").addEventListener("change", (event) => {
  const commercial = event.target.value !== "none";
  show($("#cc-show-brand-row"), commercial);
  $("#cc-show-brand").required = commercial;
});

$("#cc-check-schedule").addEventListener("click", async () => {
  clearError(errorBox);
  try {
    checkedKey = (await checkSchedule()).key;
  } catch (err) {
    fail(err);
  }
});

$("#cc-show-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearError(errorBox);
  notice("");
  try {
    // Warnings are shown before saving; a second submit with the same time and markets saves.
    const check = await checkSchedule();
    if (check.warnings && check.key !== checkedKey) {
      checkedKey = check.key;
      notice(t("admin.schedule_confirm"));
      return;
    }
    const when = new Date($("#cc-show-when").value); // local time → UTC instant
    const created = await api("POST", "/api/v1/shows", {
      body: {
        title: $("#cc-show-title").value,
        description: $("#cc-show-description").value,
        scheduled_at: when.toISOString(),
        markets: showMarkets(),
        commercial_relationship: $("#cc-show-relationship").value,
        disclosure_brand: $("#cc-show-relationship").value === "none" ? "" : $("#cc-show-brand").value.trim(),
        iftar_countdown: $("#cc-show-iftar").checked && !$("#cc-show-iftar-row").hidden,
      },
    });
    const showcase = $$(".show-product:checked").map((i) => i.value);
    if (showcase.length) await api("PUT", `/api/v1/shows/${encodeURIComponent(created.id)}/showcase`, { body: { product_ids: showcase } });
    event.target.reset();
    checkedKey = "";
    show($("#cc-schedule-check"), false);
    show($("#cc-show-brand-row"), false);
    show($("#cc-show-iftar-row"), false);
    $$(".show-market").forEach((i) => (i.checked = i.value === store.country));
    notice(t("admin.saved"));
    loadShows();
  } catch (err) {
    fail(err);
  }
});

// ---- coupons ----
async function loadCoupons() {
  try {
    const coupons = await api("GET", "/api/v1/coupons");
    $("#cc-coupons").replaceChildren(
      ...coupons.map((c) =>
        h("tr", {}, h("td", {}, h("code", {}, c.code)), h("td", {}, c.kind === "percent" ? `${number(c.percent_off)} %` : money(c.amount_off, store.currency)), h("td", {}, number(c.used_count))),
      ),
    );
  } catch (err) {
    fail(err);
  }
}

$("#cc-coupon-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearError(errorBox);
  notice("");
  const kind = $("#cc-coupon-kind").value;
  const value = $("#cc-coupon-value").value;
  const body = { code: $("#cc-coupon-code").value.trim(), kind };
  if (kind === "percent") body.percent_off = Math.round(Number(value));
  else body.amount_off = toMinor(value, store.currency);
  try {
    await api("POST", "/api/v1/coupons", { body });
    event.target.reset();
    notice(t("admin.saved"));
    loadCoupons();
  } catch (err) {
    fail(err);
  }
});

// ---- orders ----
const NEXT = { paid: ["fulfilled", "refunded", "cancelled"], pending_payment: ["cancelled"], fulfilled: ["refunded"] };

async function loadOrders() {
  const status = $("#cc-order-filter").value;
  try {
    const orders = await api("GET", `/api/v1/orders?limit=100${status ? `&status=${status}` : ""}`);
    $("#cc-orders").replaceChildren(
      ...orders.map((o) => {
        const open = h("button", { type: "button", class: "small", "aria-label": t("admin.order_detail", { number: o.number }) }, t("admin.details"));
        open.addEventListener("click", () => orderDetail(o.id));
        return h("tr", {}, h("td", {}, o.number), h("td", {}, dateTime(o.created_at)), h("td", {}, money(o.total_amount, o.currency)), h("td", {}, t(`order.${o.status}`)), h("td", {}, open));
      }),
    );
  } catch (err) {
    fail(err);
  }
}
$("#cc-order-filter").addEventListener("change", loadOrders);

const ADDRESS_ORDER = ["name", "company_name", "street_address", "city_area", "postal_code", "city", "sorting_code", "country_area", "country_code"];
const regionName = (code) => {
  try {
    return new Intl.DisplayNames([document.documentElement.lang || "en"], { type: "region" }).of(code) || code;
  } catch {
    return code;
  }
};

function addressBlock(address) {
  if (!address) return h("p", {}, "—");
  const lines = [];
  const postalCity = [address.postal_code, address.city].filter(Boolean).join(" ");
  for (const key of ADDRESS_ORDER) {
    if (key === "postal_code" || !address[key]) continue;
    if (key === "city") lines.push(postalCity);
    else if (key === "country_code") lines.push(regionName(address[key]));
    else lines.push(address[key]);
  }
  if (!address.city && address.postal_code) lines.splice(-1, 0, address.postal_code);
  return h("address", { id: "cc-order-address" }, ...lines.flatMap((line, i) => (i ? [h("br"), line] : [line])));
}

function definition(term, ...value) {
  return [h("dt", {}, term), h("dd", {}, ...value)];
}

function shipForm(o) {
  const planned = (o.shipments[0] && o.shipments[0].carrier) || "";
  const form = h(
    "form",
    { id: "cc-ship-form", class: "stack" },
    h("h4", {}, t("admin.ship")),
    h("label", { for: "cc-ship-carrier" }, t("admin.carrier")),
    h("input", { id: "cc-ship-carrier", required: true, maxlength: 64, pattern: "[A-Za-z0-9 ._&\\-]{1,64}", value: planned }),
    h("label", { for: "cc-ship-number" }, t("admin.tracking_number")),
    h("input", { id: "cc-ship-number", required: true, maxlength: 64, pattern: "[A-Za-z0-9 ._/\\-]{1,64}", autocapitalize: "none", spellcheck: "false" }),
    h("label", { for: "cc-ship-url" }, t("admin.tracking_url")),
    h("input", { id: "cc-ship-url", type: "url", maxlength: 500 }),
    h("button", { type: "submit", class: "primary" }, t("admin.ship")),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError(errorBox);
    notice("");
    const body = { carrier: $("#cc-ship-carrier").value.trim(), tracking_number: $("#cc-ship-number").value.trim() };
    const url = $("#cc-ship-url").value.trim();
    if (url) body.tracking_url = url;
    try {
      await api("POST", `/api/v1/orders/${encodeURIComponent(o.id)}/shipments`, { body });
      notice(t("admin.saved"));
      orderDetail(o.id);
      loadOrders();
    } catch (err) {
      fail(err);
    }
  });
  return form;
}

/** A shipping service code ("standard", "same-day") in the page's language; a lane's own
 * wording as written (same rule as castcart.pages.order_view.service_label). */
function serviceLabel(code) {
  if (!code) return "";
  const key = `shipping.service.${code.trim().toLowerCase().replace(/[- ]/g, "_")}`;
  return boot.strings && boot.strings[key] ? t(key) : code;
}

/** The order's mails (notifications domain: GET /orders/{id}/mails): kind, status, time,
 * failed tries with the last error, and "Resend" (POST .../resend, owners only). */
function mailsTable(o, mails) {
  if (!mails.length) return h("p", { id: "cc-order-mails", class: "muted" }, t("admin.mails_none"));
  const row = (m) => {
    const when = m.sent_at ? t("admin.mail_sent_at", { time: dateTime(m.sent_at) }) : m.next_attempt_at ? t("admin.mail_next_try", { time: dateTime(m.next_attempt_at) }) : "";
    const tries = m.attempts ? t("admin.mail_attempts", { count: number(m.attempts) }) : "";
    const resend = h("button", { type: "button", class: "small", "aria-label": t("admin.mail_resend_kind", { kind: t(`admin.mail_kind.${m.kind}`) }), disabled: m.sending }, t("admin.mail_resend"));
    resend.addEventListener("click", async () => {
      clearError(errorBox);
      resend.disabled = true;
      try {
        await api("POST", `/api/v1/orders/${encodeURIComponent(o.id)}/mails/${encodeURIComponent(m.kind)}/resend`);
        notice(t("admin.mail_requeued", { kind: t(`admin.mail_kind.${m.kind}`) }));
        orderDetail(o.id);
      } catch (err) {
        resend.disabled = false;
        fail(err);
      }
    });
    return h(
      "tr",
      { dataset: { kind: m.kind, status: m.status } },
      h("th", { scope: "row" }, t(`admin.mail_kind.${m.kind}`)),
      h("td", { class: `mail-status ${m.status}` }, m.sending ? t("admin.mail_sending") : t(`admin.mail_status.${m.status}`)),
      h("td", {}, when),
      h("td", {}, [tries, m.last_error && t("admin.mail_last_error", { error: m.last_error })].filter(Boolean).join(" · ")),
      h("td", {}, resend),
    );
  };
  return h("table", { class: "data", id: "cc-order-mails", "aria-labelledby": "cc-order-mails-h" }, h("tbody", {}, ...mails.map(row)));
}

async function orderDetail(id) {
  const box = $("#cc-order-detail");
  try {
    const [o, picks, mails] = await Promise.all([
      api("GET", `/api/v1/orders/${encodeURIComponent(id)}?lang=${encodeURIComponent(document.documentElement.lang || "en")}`),
      api("GET", `/api/v1/orders/${encodeURIComponent(id)}/pick-list`),
      api("GET", `/api/v1/orders/${encodeURIComponent(id)}/mails`),
    ]);
    const actions = (NEXT[o.status] || []).map((to) => {
      const b = h("button", { type: "button", class: to === "fulfilled" ? "" : "danger" }, t(`admin.to_${to}`));
      b.addEventListener("click", async () => {
        clearError(errorBox);
        try {
          await api("POST", `/api/v1/orders/${encodeURIComponent(o.id)}/transition`, { body: { to } });
          orderDetail(o.id);
          loadOrders();
        } catch (err) {
          fail(err);
        }
      });
      return b;
    });
    const slip = h("a", { href: `/admin/orders/${encodeURIComponent(o.id)}/packing-slip?lang=${encodeURIComponent(document.documentElement.lang || "en")}`, target: "_blank", rel: "noopener", class: "button" }, t("admin.packing_slip"));
    const contact = [o.contact_email && h("a", { href: `mailto:${o.contact_email}` }, o.contact_email), o.contact_email && o.contact_phone && " · ", o.contact_phone && h("a", { href: `tel:${o.contact_phone}` }, o.contact_phone)].filter(Boolean);
    const parts = [
      h("h3", {}, t("admin.order_detail", { number: o.number })),
      h("p", {}, `${t(`order.${o.status}`)} · ${money(o.total_amount, o.currency)}`),
      h(
        "dl",
        { class: "order-facts" },
        ...definition(t("admin.customer"), ...(contact.length ? contact : ["—"])),
        ...definition(t("admin.ship_to"), addressBlock(o.shipping_address)),
        ...definition(t("admin.payment_method"), h("span", { id: "cc-order-method", "data-method": o.payment_method || "" }, o.payment_method_name || "—")),
      ),
      h("ul", {}, ...o.lines.map((l) => h("li", {}, `${l.title} (${l.sku}) × ${number(l.quantity)} — ${money(l.line_total_amount, o.currency)}`))),
      o.tax_lines.length
        ? h(
            "table",
            { class: "data", id: "cc-order-taxes" },
            h("caption", {}, t("admin.tax_lines")),
            h("tbody", {}, ...o.tax_lines.map((x) => h("tr", {}, h("td", {}, catalogText(`tax.${x.name}`, x.name)), h("td", {}, `${x.rate_percent} %`), h("td", {}, money(x.amount, o.currency)), h("td", {}, x.included ? t("admin.tax_included") : "")))),
          )
        : null,
      h("h4", {}, t("admin.pick_list")),
      h(
        "table",
        { class: "data", id: "cc-pick-list" },
        h("tbody", {}, ...picks.flatMap((g) => g.lines.map((l) => h("tr", {}, h("td", {}, g.warehouse_code || "—"), h("td", {}, h("code", {}, l.sku)), h("td", {}, [l.title, optionsText(l.options)].filter(Boolean).join(" · ")), h("td", {}, number(l.quantity)))))),
      ),
      o.shipments.length
        ? h("ul", { id: "cc-order-shipments", class: "shipments" }, ...o.shipments.map((s) => h("li", { class: "shipment" }, [s.warehouse_code, s.carrier, serviceLabel(s.service)].filter(Boolean).join(" · "))))
        : null,
      ...o.shipments.filter((s) => s.tracking_number).map((s) => h("p", { class: "tracking" }, s.tracking_url ? h("a", { href: s.tracking_url, rel: "noopener noreferrer", target: "_blank" }, t("admin.shipped_with", { carrier: s.carrier, number: s.tracking_number })) : t("admin.shipped_with", { carrier: s.carrier, number: s.tracking_number }))),
      h("p", { class: "button-row" }, slip, ...actions),
      o.status === "paid" ? shipForm(o) : null,
      h("h4", { id: "cc-order-mails-h" }, t("admin.mails")),
      mailsTable(o, mails),
      h("ol", { class: "events" }, ...o.events.map((e) => h("li", {}, `${dateTime(e.created_at)}: ${e.from_status ? t(`order.${e.from_status}`) + " → " : ""}${t(`order.${e.to_status}`)}${e.reason ? ` (${e.reason})` : ""}`))),
    ];
    box.replaceChildren(...parts.filter(Boolean));
    show(box, true);
    box.focus?.();
  } catch (err) {
    fail(err);
  }
}

// ---- claim evidence: substantiation records for comparisons ("cheaper than on Amazon") ----
async function loadEvidence() {
  try {
    if (!products.length) products = await api("GET", "/api/v1/products?limit=200");
    const select = $("#cc-evidence-product");
    const chosen = select.value;
    select.replaceChildren(select.options[0], ...products.map((p) => h("option", { value: p.id }, titleOf(p))));
    select.value = chosen;
    const records = await api("GET", "/api/v1/claim-evidence");
    const productTitle = (id) => {
      const p = products.find((x) => x.id === id);
      return p ? titleOf(p) : t("admin.evidence_all_products");
    };
    $("#cc-evidence").replaceChildren(
      ...(records.length
        ? records.map((r) => {
            const revoke = h("button", { type: "button", class: "small", "aria-label": `${t("admin.evidence_revoke")}: ${r.claim}` }, t("admin.evidence_revoke"));
            revoke.addEventListener("click", async () => {
              clearError(errorBox);
              try {
                await api("DELETE", `/api/v1/claim-evidence/${encodeURIComponent(r.id)}`);
                notice(t("admin.saved"));
                loadEvidence();
              } catch (err) {
                fail(err);
              }
            });
            const backing = [r.evidence_text, r.url ? h("a", { href: r.url, rel: "noopener noreferrer", target: "_blank" }, r.url) : null, r.file_ref ? h("code", {}, r.file_ref) : null].filter(Boolean);
            return h(
              "tr",
              { dataset: { evidenceId: r.id } },
              h("td", {}, h("q", { dir: "auto" }, r.claim)),
              h("td", {}, productTitle(r.product_id)),
              h("td", {}, ...backing.flatMap((part, i) => (i ? [h("br"), part] : [part]))),
              h("td", {}, dateTime(r.valid_until)),
              h("td", {}, revoke),
            );
          })
        : [h("tr", {}, h("td", { colspan: 5 }, t("admin.evidence_none")))]),
    );
  } catch (err) {
    fail(err);
  }
}

$("#cc-evidence-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  clearError(errorBox);
  notice("");
  const body = {
    claim: $("#cc-evidence-claim").value.trim(),
    evidence_text: $("#cc-evidence-text").value.trim(),
    // the end of the chosen day, in UTC
    valid_until: `${$("#cc-evidence-until").value}T23:59:59Z`,
  };
  const product = $("#cc-evidence-product").value;
  if (product) body.product_id = product;
  const url = $("#cc-evidence-url").value.trim();
  if (url) body.url = url;
  const file = $("#cc-evidence-file").value.trim();
  if (file) body.file_ref = file;
  try {
    await api("POST", "/api/v1/claim-evidence", { body });
    event.target.reset();
    notice(t("admin.evidence_saved"));
    loadEvidence();
  } catch (err) {
    fail(err);
  }
});

const loaders = { catalog: loadProducts, shows: loadShows, coupons: loadCoupons, orders: loadOrders, evidence: loadEvidence };
resetProductForm();
const initial = document.getElementById(`tab-${location.hash.slice(1)}`) || tabs[0];
selectTab(initial);
