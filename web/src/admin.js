// Merchant admin: catalog (with translations), shows, coupons, orders — all through the
// staff API with the session cookie + CSRF header.

import { api } from "./lib/api.js";
import { reportError, wireLogout } from "./lib/staff.js";
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
const titleOf = (p) => pickTranslation(p.translations, store.default_locale).title || p.handle;

async function loadProducts() {
  try {
    products = await api("GET", "/api/v1/products?limit=200");
    $("#cc-products").replaceChildren(
      ...products.map((p) => {
        const v = p.variants[0];
        const edit = h("button", { type: "button", class: "small", "aria-label": t("admin.edit_item", { title: titleOf(p) }) }, t("admin.edit"));
        edit.addEventListener("click", () => editProduct(p));
        return h(
          "tr",
          {},
          h("td", {}, h("code", {}, p.handle)),
          h("td", {}, titleOf(p)),
          h("td", {}, v ? money(v.price_amount, v.currency) : "—"),
          h("td", {}, number(p.variants.reduce((n, x) => n + (x.available ?? 0), 0))),
          h("td", {}, p.status),
          h("td", {}, edit),
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

function resetProductForm() {
  $("#cc-product-id").value = "";
  $("#cc-product-form-title").textContent = t("admin.new_product");
  $("#cc-translations").replaceChildren();
  translationRow({ locale: store.default_locale.split("-")[0], title: "", description: "" });
  $("#cc-product-handle").disabled = false;
  $("#cc-product-sku").disabled = false;
}

function editProduct(p) {
  const v = p.variants[0];
  $("#cc-product-id").value = p.id;
  $("#cc-product-form-title").textContent = t("admin.edit_item", { title: titleOf(p) });
  $("#cc-product-handle").value = p.handle;
  $("#cc-product-handle").disabled = true;
  $("#cc-product-sku").value = v ? v.sku : "";
  $("#cc-product-sku").disabled = true;
  $("#cc-product-price").value = v ? (v.price_amount / 10 ** currencyDigits(store.currency)).toString() : "";
  $("#cc-product-status").value = p.status;
  $("#cc-translations").replaceChildren();
  p.translations.forEach((tr) => translationRow(tr));
  $("#cc-product-handle").focus();
}

$("#cc-add-translation").addEventListener("click", () => translationRow());
$("#cc-product-reset").addEventListener("click", () => setTimeout(resetProductForm));

$("#cc-product-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const translations = $$(".translation", $("#cc-translations")).map((row) => ({
    locale: $(".tr-locale", row).value,
    title: $(".tr-title", row).value.trim(),
    description: $(".tr-desc", row).value,
  }));
  const price = toMinor($("#cc-product-price").value, store.currency);
  const id = $("#cc-product-id").value;
  try {
    if (id) {
      const product = products.find((p) => p.id === id);
      await api("PATCH", `/api/v1/products/${encodeURIComponent(id)}`, { body: { translations, status: $("#cc-product-status").value } });
      if (product && product.variants[0] && product.variants[0].price_amount !== price)
        await api("PATCH", `/api/v1/variants/${encodeURIComponent(product.variants[0].id)}`, { body: { price_amount: price } });
      notice(t("admin.saved"));
    } else {
      const out = await api("POST", "/api/v1/products", {
        body: {
          handle: $("#cc-product-handle").value.trim(),
          status: $("#cc-product-status").value,
          translations,
          variants: [{ sku: $("#cc-product-sku").value.trim(), price_amount: price }],
        },
      });
      notice(out.compliance_findings && out.compliance_findings.length ? t("admin.saved_with_findings", { n: number(out.compliance_findings.length) }) : t("admin.saved"));
    }
    event.target.reset();
    resetProductForm();
    loadProducts();
  } catch (err) {
    fail(err);
  }
});

// ---- shows ----
async function loadShows() {
  try {
    const shows = await api("GET", "/api/v1/shows");
    $("#cc-shows").replaceChildren(
      ...shows.map((s) =>
        h(
          "tr",
          {},
          h("td", {}, h("a", { href: `/console/shows/${encodeURIComponent(s.id)}` }, s.title)),
          h("td", {}, dateTime(s.scheduled_at)),
          h("td", {}, t(`status.${s.status}`)),
          h("td", {}, h("a", { href: `/s/${encodeURIComponent(store.slug)}/shows/${encodeURIComponent(s.id)}` }, t("admin.shopper_page"))),
        ),
      ),
    );
  } catch (err) {
    fail(err);
  }
}

$("#cc-show-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const when = new Date($("#cc-show-when").value); // local time → UTC instant
    await api("POST", "/api/v1/shows", {
      body: { title: $("#cc-show-title").value, description: $("#cc-show-description").value, scheduled_at: when.toISOString() },
    });
    event.target.reset();
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

async function orderDetail(id) {
  const box = $("#cc-order-detail");
  try {
    const o = await api("GET", `/api/v1/orders/${encodeURIComponent(id)}`);
    const actions = (NEXT[o.status] || []).map((to) => {
      const b = h("button", { type: "button", class: to === "fulfilled" ? "primary" : "danger" }, t(`admin.to_${to}`));
      b.addEventListener("click", async () => {
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
    box.replaceChildren(
      h("h3", {}, t("admin.order_detail", { number: o.number })),
      h("p", {}, `${t(`order.${o.status}`)} · ${money(o.total_amount, o.currency)}`),
      h("ul", {}, ...o.lines.map((l) => h("li", {}, `${l.title} × ${number(l.quantity)} — ${money(l.line_total_amount, o.currency)}`))),
      h("ol", { class: "events" }, ...o.events.map((e) => h("li", {}, `${dateTime(e.created_at)}: ${e.from_status ? t(`order.${e.from_status}`) + " → " : ""}${t(`order.${e.to_status}`)}${e.reason ? ` (${e.reason})` : ""}`))),
      h("p", { class: "button-row" }, ...actions),
    );
    show(box, true);
    box.focus?.();
  } catch (err) {
    fail(err);
  }
}

const loaders = { catalog: loadProducts, shows: loadShows, coupons: loadCoupons, orders: loadOrders };
resetProductForm();
const initial = document.getElementById(`tab-${location.hash.slice(1)}`) || tabs[0];
selectTab(initial);
