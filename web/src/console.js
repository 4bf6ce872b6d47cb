// Host console: go live / end, stream key and ingest, showcase + pin, flash sales, polls /
// giveaways / quizzes, chat with moderation, compliance alerts, live metrics, orders.

import { api, ApiError } from "./lib/api.js";
import { mountDashboard } from "./lib/analytics.js";
import { ChatLog, chatErrorText } from "./lib/chat.js";
import { Engagement } from "./lib/engagement.js";
import { LiveChannel } from "./lib/live.js";
import { play } from "./lib/player.js";
import { reportError, wireLogout } from "./lib/staff.js";
import { $, boot, h, lang, money, number, pickTranslation, show, t, toMinor } from "./lib/ui.js";

const store = boot.store;
let detail = boot.show;
const showId = detail.show.id;
const showApi = `/api/v1/shows/${encodeURIComponent(showId)}`;
const products = new Map(boot.products.map((p) => [p.id, p]));
const errorBox = $("#cc-console-error");
const fail = (err) => reportError(errorBox, err);
const can = (perm) => boot.permissions.includes(perm);

wireLogout();

const titleOf = (product) => pickTranslation(product.translations, store.default_locale).title || product.handle;

// ---- show status ----
function renderStatus(status) {
  detail.show.status = status;
  const el = $("#cc-show-status");
  el.textContent = t(`status.${status}`);
  el.dataset.status = status;
  show($("#cc-go-live"), status === "scheduled" && can("shows.run"));
  show($("#cc-end-show"), (status === "live" || status === "interrupted") && can("shows.run"));
}

async function transition(to) {
  try {
    const out = await api("POST", `${showApi}/transition`, { body: { to } });
    renderStatus(out.status);
    loadStream();
  } catch (err) {
    fail(err);
  }
}
$("#cc-go-live").addEventListener("click", () => transition("live"));
$("#cc-end-show").addEventListener("click", () => {
  if (confirm(t("console.confirm_end"))) transition("ended");
});

// ---- stream (media helper: GET /shows/{id}/stream) ----
let stopPreview = null;
function renderStream(stream) {
  $("#cc-ingest-url").textContent = stream.ingest_url || "—";
  const key = $("#cc-stream-key");
  key.dataset.key = stream.stream_key || key.dataset.key;
  if ($("#cc-reveal-key").getAttribute("aria-pressed") === "true") key.textContent = key.dataset.key;
  $("#cc-stream-state").textContent = stream.state ? t(`stream.${stream.state}`) : "—";
  // A show that went live before its ingest was opened (or whose ingest was closed).
  show($("#cc-open-ingest"), stream.state === "closed" && detail.show.status !== "ended" && can("shows.run"));
}

$("#cc-open-ingest").addEventListener("click", async () => {
  try {
    renderStream(await api("POST", `${showApi}/stream/open`, { body: {} }));
    setTimeout(loadStream, 1500); // the state follows the encoder: look again shortly
  } catch (err) {
    fail(err);
  }
});

$("#cc-rotate-key").addEventListener("click", async () => {
  if (!confirm(t("console.confirm_rotate"))) return;
  try {
    renderStream(await api("POST", `${showApi}/stream/rotate-key`, { body: {} }));
  } catch (err) {
    fail(err);
  }
});

async function loadStream() {
  try {
    const stream = await api("GET", `${showApi}/stream`);
    renderStream(stream);
    if (stream.hls_url && !stopPreview) {
      show($("#cc-preview"), true);
      stopPreview = await play($("#cc-preview"), stream.hls_url, { onFatal: () => (stopPreview = null) });
    }
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) fail(err);
  }
}
$("#cc-reveal-key").addEventListener("click", (event) => {
  const key = $("#cc-stream-key");
  const revealed = event.currentTarget.getAttribute("aria-pressed") === "true";
  key.textContent = revealed ? "••••••••" : key.dataset.key;
  event.currentTarget.setAttribute("aria-pressed", String(!revealed));
  event.currentTarget.textContent = revealed ? t("console.reveal") : t("console.hide");
});

// ---- copy the server URL and the stream key into OBS ----
// navigator.clipboard where the page may use it (a secure context), else the text is
// selected so the host presses Ctrl+C; the button says "Copied" for a moment either way.
function selectText(el) {
  const range = document.createRange();
  range.selectNodeContents(el);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

// the key is masked until revealed: copy what it is, not what is shown
const copyText = (target) => (target.id === "cc-stream-key" ? target.dataset.key : target.textContent);

async function copyField(button) {
  const target = document.getElementById(button.dataset.copy);
  const value = copyText(target);
  if (!value || value === "—") return;
  const status = $("#cc-copy-status");
  let copied = false;
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(value);
      copied = true;
    } catch {
      copied = false; // permission refused: fall back to the selection below
    }
  }
  if (!copied) {
    const reveal = $("#cc-reveal-key");
    if (target.id === "cc-stream-key" && reveal.getAttribute("aria-pressed") !== "true") reveal.click();
    selectText(target);
    status.textContent = t("console.copy_manual");
    return;
  }
  status.textContent = t("console.copied_detail", { what: button.dataset.label || "" });
  button.textContent = t("console.copied");
  button.classList.add("is-copied");
  clearTimeout(button._copiedTimer);
  button._copiedTimer = setTimeout(() => {
    button.textContent = t("console.copy");
    button.classList.remove("is-copied");
  }, 2000);
}
for (const button of document.querySelectorAll("button.copy[data-copy]")) {
  button.addEventListener("click", () => copyField(button));
}

// ---- showcase & pin ----
function showcaseIds() {
  return [...detail.showcase].sort((a, b) => a.position - b.position).map((i) => i.product_id);
}

function renderShowcase() {
  const pinned = detail.show.pinned_product_id;
  const ids = showcaseIds();
  $("#cc-showcase").replaceChildren(
    ...ids.map((id, index) => {
      const product = products.get(id);
      const title = product ? titleOf(product) : id;
      const isPinned = id === pinned;
      const pin = h("button", { type: "button", class: isPinned ? "primary small" : "small", "aria-pressed": String(isPinned), dataset: { action: "pin", id } }, isPinned ? t("console.unpin") : t("console.pin"));
      const up = h("button", { type: "button", class: "small", "aria-label": t("console.move_up", { title }), disabled: index === 0, dataset: { action: "up", id } }, "↑");
      const down = h("button", { type: "button", class: "small", "aria-label": t("console.move_down", { title }), disabled: index === ids.length - 1, dataset: { action: "down", id } }, "↓");
      const remove = h("button", { type: "button", class: "small danger", "aria-label": t("console.remove_item", { title }), dataset: { action: "remove", id } }, "✕");
      const variant = product && product.variants[0];
      return h(
        "li",
        { class: isPinned ? "showcase-item is-pinned" : "showcase-item", dataset: { productId: id } },
        h("span", { class: "showcase-title" }, title),
        variant ? h("span", { class: "muted" }, ` ${money(variant.price_amount, store.currency)} · ${t("console.in_stock", { n: number(variant.available ?? 0) })}`) : null,
        h("span", { class: "button-row" }, pin, up, down, remove),
      );
    }),
  );
  const inShowcase = new Set(ids);
  $("#cc-showcase-product").replaceChildren(
    ...[...products.values()].filter((p) => !inShowcase.has(p.id) && p.status === "active").map((p) => h("option", { value: p.id }, titleOf(p))),
  );
  $("#cc-sale-variant").replaceChildren(
    ...ids.flatMap((id) => {
      const p = products.get(id);
      return p ? p.variants.map((v) => h("option", { value: v.id }, `${titleOf(p)} · ${v.sku}`)) : [];
    }),
  );
}

async function saveShowcase(ids) {
  try {
    detail = { ...detail, ...(await api("PUT", `${showApi}/showcase`, { body: { product_ids: ids } })) };
    renderShowcase();
  } catch (err) {
    fail(err);
  }
}

$("#cc-showcase").addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const { action, id } = button.dataset;
  const ids = showcaseIds();
  const i = ids.indexOf(id);
  if (action === "pin") {
    const target = detail.show.pinned_product_id === id ? null : id;
    button.disabled = true;
    try {
      const out = await api("POST", `${showApi}/pin`, { body: { product_id: target } });
      detail.show.pinned_product_id = out.pinned_product_id;
      renderShowcase();
    } catch (err) {
      fail(err);
      button.disabled = false;
    }
  } else if (action === "up" && i > 0) {
    [ids[i - 1], ids[i]] = [ids[i], ids[i - 1]];
    saveShowcase(ids);
  } else if (action === "down" && i < ids.length - 1) {
    [ids[i + 1], ids[i]] = [ids[i], ids[i + 1]];
    saveShowcase(ids);
  } else if (action === "remove") {
    saveShowcase(ids.filter((x) => x !== id));
  }
});

$("#cc-showcase-add").addEventListener("submit", (event) => {
  event.preventDefault();
  const id = $("#cc-showcase-product").value;
  if (id) saveShowcase([...showcaseIds(), id]);
});

// ---- flash sale ----
function renderSales() {
  const byVariant = new Map([...products.values()].flatMap((p) => p.variants.map((v) => [v.id, p])));
  $("#cc-sales").replaceChildren(
    ...detail.flash_sales.map((s) => {
      const p = byVariant.get(s.variant_id);
      return h("li", {}, `${p ? titleOf(p) : s.variant_id}: ${money(s.price_amount, store.currency)} · ${t("console.sold_of", { sold: number(s.sold ?? 0), cap: number(s.quantity_cap) })} · ${new Intl.DateTimeFormat(lang, { timeStyle: "short" }).format(new Date(s.ends_at))}`);
    }),
  );
}

$("#cc-sale-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const price = toMinor($("#cc-sale-price").value, store.currency);
  const minutes = Number($("#cc-sale-minutes").value);
  const now = new Date();
  try {
    const sale = await api("POST", `${showApi}/flash-sales`, {
      body: {
        variant_id: $("#cc-sale-variant").value,
        price_amount: price,
        quantity_cap: Number($("#cc-sale-cap").value),
        starts_at: now.toISOString(),
        ends_at: new Date(now.getTime() + minutes * 60000).toISOString(),
      },
    });
    detail.flash_sales = [...detail.flash_sales, sale];
    renderSales();
    event.target.reset();
  } catch (err) {
    fail(err);
  }
});

// ---- engagement ----
const lines = (text) => text.split("\n").map((s) => s.trim()).filter(Boolean);
const engagement = new Engagement(
  $("#cc-engagement-live"),
  {
    closePoll: (id) => api("POST", `${showApi}/polls/${encodeURIComponent(id)}/close`, { body: {} }),
    draw: (id) => api("POST", `${showApi}/giveaways/${encodeURIComponent(id)}/draw`, { body: {} }),
    reveal: (id) => api("POST", `${showApi}/quizzes/${encodeURIComponent(id)}/reveal`, { body: {} }),
  },
  "staff",
);

function formSubmit(selector, build, url) {
  $(selector).addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", `${showApi}/${url}`, { body: build() });
      event.target.reset();
    } catch (err) {
      fail(err);
    }
  });
}
formSubmit("#cc-poll-form", () => ({ question: $("#cc-poll-question").value, options: lines($("#cc-poll-options").value) }), "polls");
formSubmit("#cc-giveaway-form", () => ({ title: $("#cc-giveaway-title").value, prize: $("#cc-giveaway-prize").value }), "giveaways");
formSubmit(
  "#cc-quiz-form",
  () => ({ question: $("#cc-quiz-question").value, options: lines($("#cc-quiz-options").value), correct_index: Number($("#cc-quiz-correct").value) - 1, reward_percent_off: Number($("#cc-quiz-reward").value) }),
  "quizzes",
);

// ---- orders (metrics frames when the hub sends them; the orders API otherwise) ----
async function loadOrders() {
  if (!can("orders.read")) return;
  try {
    const orders = await api("GET", `/api/v1/orders?show_id=${encodeURIComponent(showId)}&limit=200`);
    const paid = orders.filter((o) => ["paid", "fulfilled"].includes(o.status));
    $("#cc-orders-count").textContent = number(paid.length);
    const gmv = paid.reduce((sum, o) => sum + o.total_amount, 0);
    $("#cc-orders-gmv").textContent = money(gmv, store.currency);
    $("#cc-orders").replaceChildren(
      ...orders.slice(0, 10).map((o) => h("li", {}, `#${o.number} · ${money(o.total_amount, o.currency)} · ${t(`order.${o.status}`)}`)),
    );
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) fail(err);
  }
}
// Metrics frames say when orders or sales moved; a slow poll covers a server without them.
setInterval(loadOrders, 5000);

let lastOrders = null;
function renderMetrics(m) {
  const set = (id, v) => ($(id).textContent = v);
  set("#cc-m-viewers", number(m.viewers ?? 0));
  set("#cc-m-peak", number(m.peak_viewers ?? 0));
  set("#cc-m-chat", number(m.chat_per_min ?? 0));
  set("#cc-m-likes", number(m.likes ?? 0));
  set("#cc-m-carts", number(m.add_to_carts ?? 0));
  set("#cc-m-orders", number(m.orders ?? 0));
  set("#cc-m-gmv", money(m.gmv_amount ?? 0, m.currency || store.currency));
  const names = new Intl.DisplayNames([lang], { type: "region" });
  $("#cc-m-countries").replaceChildren(
    ...Object.entries(m.countries || {})
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([cc, n]) => h("li", {}, `${safeName(names, cc)}: ${number(n)}`)),
  );
  const moved = `${m.orders}:${m.gmv_amount}`;
  if (moved !== lastOrders) {
    lastOrders = moved;
    loadOrders();
  }
}
function safeName(names, cc) {
  try {
    return names.of(cc) || cc;
  } catch {
    return cc;
  }
}

// ---- compliance alerts ----
function addAlert(f) {
  show($("#cc-alerts-empty"), false);
  const findings = (f.findings || []).map((x) =>
    h(
      "li",
      {},
      // a category this page has no label for (a newer rule pack) still reads as words
      t(`finding.${x.category}`) === `finding.${x.category}`
        ? h("strong", { title: x.category }, t("finding.other"))
        : h("strong", { dataset: { category: x.category } }, t(`finding.${x.category}`)),
      x.market ? ` (${x.market})` : "",
      x.suggestion ? ` — ${x.suggestion}` : "",
    ),
  );
  $("#cc-alerts").prepend(
    h("li", { class: "alert" }, h("q", {}, f.text || ""), f.markets ? h("span", { class: "muted" }, ` (${f.markets.join(", ")})`) : null, h("ul", {}, findings)),
  );
}

// a variant of the store ran low (stock.low, after a paid order): staff only
function addStockAlert(f) {
  show($("#cc-alerts-empty"), false);
  $("#cc-alerts").prepend(
    h("li", { class: "alert stock-low", dataset: { variant: f.variant_id } }, t("console.stock_low", { sku: f.sku, available: number(f.available) })),
  );
}

// ---- questions the assistant handed to the host (with its draft answer) ----
const questionIds = new Set();
function addQuestion(q) {
  if (!q || questionIds.has(q.id)) return;
  questionIds.add(q.id);
  show($("#cc-questions-empty"), false);
  const id = `cc-q-${q.id}`;
  const answer = h("textarea", { id, rows: 2, maxlength: 2000, dir: "auto" });
  answer.value = q.draft || "";
  const item = h(
    "li",
    { class: "question", dataset: { id: q.id } },
    h("p", {}, h("bdi", { class: "chat-author" }, q.viewer_name || t("shop.guest")), ` (${q.lang}${q.country ? `, ${q.country}` : ""}) `, h("q", { dir: "auto" }, q.question)),
    h("p", { class: "muted" }, t(`console.question_reason.${q.reason}`) === `console.question_reason.${q.reason}` ? q.reason : t(`console.question_reason.${q.reason}`)),
    h("label", { for: id }, q.draft ? t("console.question_draft") : t("console.question_answer")),
    answer,
  );
  const send = h("button", { type: "button", class: "small primary" }, t("console.question_send"));
  const dismiss = h("button", { type: "button", class: "small" }, t("console.question_dismiss"));
  const close = async (text) => {
    try {
      await api("POST", `/api/v1/assistant/handoffs/${encodeURIComponent(q.id)}/answer`, { body: { answer: text } });
      item.remove();
      show($("#cc-questions-empty"), !$("#cc-questions").children.length);
    } catch (err) {
      fail(err);
    }
  };
  send.addEventListener("click", () => answer.value.trim() && close(answer.value.trim()));
  dismiss.addEventListener("click", () => close(""));
  item.append(h("p", { class: "actions" }, send, " ", dismiss));
  $("#cc-questions").prepend(item);
}

async function loadQuestions() {
  try {
    const open = await api("GET", `/api/v1/assistant/handoffs?show_id=${encodeURIComponent(showId)}`);
    open.reverse().forEach(addQuestion);
  } catch {
    /* no assistant on this server */
  }
}

// ---- chat with moderation ----
const chat = new ChatLog($("#cc-chat"), {
  decorate: (frame, li) => {
    const viewer = frame.viewer_id || frame.author_id;
    if (frame.role && frame.role !== "shopper") return;
    const mod = (label, aria, send) => {
      const b = h("button", { type: "button", class: "small mod", "aria-label": aria }, label);
      b.addEventListener("click", () => {
        if (!live.send(send())) fail(new Error(t("shop.reconnecting")));
      });
      return b;
    };
    const who = frame.author || t("shop.guest");
    li.append(
      h(
        "span",
        { class: "mod-tools" },
        mod(t("console.delete"), t("console.delete_from", { name: who }), () => ({ type: "mod.delete", message_id: frame.id })),
        viewer ? mod(t("console.mute"), t("console.mute_name", { name: who }), () => ({ type: "mod.mute", viewer_id: viewer, seconds: 300 })) : null,
        viewer ? mod(t("console.ban"), t("console.ban_name", { name: who }), () => ({ type: "mod.ban", viewer_id: viewer })) : null,
      ),
    );
  },
});

$("#cc-slow-mode").addEventListener("change", (event) => {
  const seconds = Number(event.target.value);
  live.send({ type: "mod.slow_mode", seconds: seconds > 0 ? seconds : 0 }); // 0 switches it off
});

async function liveTicket() {
  // the session cookie is HttpOnly: the console trades it (with the CSRF header) for a ticket
  const out = await api("POST", `/api/v1/shop/${encodeURIComponent(store.slug)}/live-tickets`, { body: {} });
  return out.ticket;
}

const live = new LiveChannel({
  path: `/api/v1/shop/${encodeURIComponent(store.slug)}/shows/${encodeURIComponent(showId)}/live`,
  params: { lang },
  ticket: liveTicket,
  onState: (state) => ($("#cc-conn").textContent = state === "retrying" ? t("shop.reconnecting") : ""),
  handlers: {
    hello: (f) => {
      $("#cc-m-viewers").textContent = number(f.viewers);
      $("#cc-m-likes").textContent = number(f.likes);
      detail.show.pinned_product_id = f.pinned_product_id;
      renderShowcase();
      if (f.show && f.show.status) renderStatus(f.show.status);
    },
    "chat.message": (f) => chat.add(f),
    "chat.batch": (f) => (f.messages || []).forEach((m) => chat.add(m)),
    "chat.translated": (f) => chat.translate(f.message_id, f.translations),
    "chat.deleted": (f) => chat.remove(f.message_id),
    viewers: (f) => ($("#cc-m-viewers").textContent = number(f.count)),
    likes: (f) => ($("#cc-m-likes").textContent = number(f.total)),
    pin: (f) => {
      detail.show.pinned_product_id = f.product_id;
      renderShowcase();
    },
    "show.state": (f) => {
      renderStatus(f.status);
      loadStream();
    },
    stream: () => loadStream(),
    flash_sale: (f) => {
      if (!detail.flash_sales.some((s) => s.id === f.flash_sale_id)) {
        detail.flash_sales = [...detail.flash_sales, { ...f, id: f.flash_sale_id, sold: 0 }];
        renderSales();
      }
    },
    slow_mode: (f) => {
      $("#cc-slow-mode").value = String(f.seconds || 0);
      chat.system(f.seconds ? t("shop.slow_mode_on", { seconds: number(f.seconds) }) : t("shop.slow_mode_off"));
    },
    metrics: renderMetrics,
    "compliance.alert": addAlert,
    "stock.low": addStockAlert,
    "assistant.handoff": addQuestion,
    "assistant.answer": (f) => chat.add({ id: `assistant-${f.handoff_id || Math.random()}`, author: t("shop.assistant"), role: "assistant", text: f.text, lang: f.lang }),
    error: (f) => fail(new Error(chatErrorText(f))),
    resync: () => api("GET", showApi).then((d) => {
      detail = d;
      renderShowcase();
      renderSales();
      renderStatus(d.show.status);
    }),
    ...engagement.handlers(),
  },
});

$("#cc-chat-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("#cc-chat-input");
  const text = input.value.trim();
  if (text && live.send({ type: "chat.send", text })) input.value = "";
});

async function loadEngagement() {
  try {
    engagement.restore(await api("GET", `/api/v1/shop/${encodeURIComponent(store.slug)}/shows/${encodeURIComponent(showId)}/engagement`));
  } catch {
    /* engagement not available on this server */
  }
}

// Moderators read and moderate; running the show (pins, sales, polls, keys) is for hosts.
if (!can("shows.run")) {
  for (const sel of ["#cc-rotate-key", "#cc-showcase-add", "#cc-sale-form", "#cc-poll-form", "#cc-giveaway-form", "#cc-quiz-form"]) show($(sel), false);
  $("#cc-showcase").classList.add("read-only");
}

renderStatus(detail.show.status);
loadEngagement();
renderShowcase();
renderSales();
loadStream();
loadOrders();
loadQuestions();
live.connect();

// ---- show analytics (the durable figures, polled: GET /api/v1/analytics/shows/{id}/dashboard) ----
mountDashboard($("#cc-analytics"), showId, {
  currency: store.currency,
  titleOf: (id) => (products.has(id) ? titleOf(products.get(id)) : id),
});
