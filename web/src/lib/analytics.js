// The show analytics dashboard (host console and admin): every figure of
// GET /api/v1/analytics/shows/{id}/dashboard, polled every few seconds, with the minute
// audience and drop-off drawn by uPlot.
import uPlot from "uplot";

import { api } from "./api.js";
import { h, lang, money, number, t } from "./ui.js";

const POLL_MS = 2000;

function seconds(value) {
  const s = Math.round(value || 0);
  const m = Math.floor(s / 60);
  return m ? `${number(m)}:${String(s % 60).padStart(2, "0")}` : `${number(s)} s`;
}

function percent(value) {
  if (value === null || value === undefined) return "—";
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(value);
}

function figure(key, value, testId) {
  return h("div", {}, h("dt", {}, t(key)), h("dd", { dataset: { figure: testId } }, value));
}

/** Mount a dashboard into `root` for `showId`; `titleOf(productId)` names products. */
export function mountDashboard(root, showId, { titleOf = (id) => id, currency } = {}) {
  const grid = h("dl", { class: "metric-grid analytics-grid" });
  const chartBox = h("div", { class: "analytics-chart", role: "img", "aria-label": t("analytics.audience_chart") });
  const funnel = h("ol", { class: "analytics-funnel" });
  const products = h("tbody", {});
  const sources = h("tbody", {});
  const audience = h("ul", { class: "countries" });
  const status = h("p", { class: "muted", role: "status" });
  root.replaceChildren(
    grid,
    h("h3", {}, t("analytics.audience_curve")),
    chartBox,
    h("h3", {}, t("analytics.funnel")),
    funnel,
    h("h3", {}, t("analytics.top_products")),
    h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ...["analytics.product", "analytics.clicks", "analytics.carted", "analytics.sold", "analytics.revenue"].map((k) => h("th", { scope: "col" }, t(k))))),
      products),
    h("h3", {}, t("analytics.sources")),
    h("table", { class: "table" },
      h("thead", {}, h("tr", {}, ...["analytics.source", "analytics.orders_first", "analytics.orders_last", "analytics.revenue_last"].map((k) => h("th", { scope: "col" }, t(k))))),
      sources),
    h("h3", {}, t("analytics.audience")),
    audience,
    status,
  );
  let plot = null;
  let timer = null;

  function draw(minutes) {
    const xs = minutes.map((m) => m.minute);
    const data = [xs, minutes.map((m) => m.viewers), minutes.map((m) => m.dropped)];
    if (!plot) {
      plot = new uPlot(
        {
          width: Math.max(280, chartBox.clientWidth || 480),
          height: 180,
          scales: { x: { time: false } },
          axes: [{ label: t("analytics.minute") }, { label: t("analytics.viewers") }],
          series: [
            { label: t("analytics.minute") },
            { label: t("analytics.viewers"), stroke: "#2563eb", width: 2 },
            { label: t("analytics.dropped"), stroke: "#dc2626", width: 1, dash: [4, 4] },
          ],
        },
        data,
        chartBox,
      );
    } else {
      plot.setData(data);
    }
  }

  function render(d) {
    const cur = d.currency || currency;
    grid.replaceChildren(
      figure("analytics.concurrent", number(d.concurrent_viewers), "concurrent"),
      figure("analytics.peak", number(d.peak_viewers), "peak"),
      figure("analytics.unique", number(d.unique_viewers), "unique"),
      figure("analytics.avg_watch", seconds(d.avg_watch_seconds), "avg_watch"),
      figure("analytics.median_watch", seconds(d.median_watch_seconds), "median_watch"),
      figure("analytics.interaction_rate", percent(d.interaction_rate), "interaction_rate"),
      figure("analytics.product_clicks", number(d.product_clicks), "product_clicks"),
      figure("analytics.add_to_cart_rate", percent(d.add_to_cart_rate), "add_to_cart_rate"),
      figure("analytics.conversion", percent(d.conversion), "conversion"),
      figure("analytics.orders", number(d.orders), "orders"),
      figure("analytics.gmv", money(d.gmv, cur), "gmv"),
      figure("analytics.aov", d.aov === null ? "—" : money(d.aov, cur), "aov"),
      figure("analytics.revenue_per_minute", d.revenue_per_viewer_minute === null ? "—" : money(Math.round(d.revenue_per_viewer_minute), cur), "revenue_per_minute"),
    );
    draw(d.minutes);
    funnel.replaceChildren(
      ...d.funnel.steps.map((s) =>
        h("li", { dataset: { step: s.step } },
          h("span", { class: "funnel-label" }, t(`analytics.step_${s.step}`)),
          h("meter", { min: 0, max: 1, value: s.of_viewers || 0 }),
          ` ${number(s.viewers)} (${percent(s.of_viewers)})`),
      ),
    );
    products.replaceChildren(
      ...d.top_products.map((p) =>
        h("tr", {}, h("td", {}, titleOf(p.product_id)), h("td", {}, number(p.clicks)), h("td", {}, number(p.carted_units)), h("td", {}, number(p.units_sold)), h("td", {}, money(p.revenue, cur))),
      ),
    );
    const bySource = new Map();
    for (const [model, rows] of [["first", d.attribution.first_touch], ["last", d.attribution.last_touch]]) {
      for (const r of rows) {
        const row = bySource.get(r.source) || { first: 0, last: 0, revenue: 0 };
        row[model] = r.orders;
        if (model === "last") row.revenue = r.revenue;
        bySource.set(r.source, row);
      }
    }
    sources.replaceChildren(
      ...[...bySource.entries()].map(([source, r]) =>
        h("tr", {}, h("td", {}, source), h("td", {}, number(r.first)), h("td", {}, number(r.last)), h("td", {}, money(r.revenue, cur))),
      ),
    );
    const regions = new Intl.DisplayNames([lang], { type: "region" });
    const languages = new Intl.DisplayNames([lang], { type: "language" });
    const name = (names, code) => {
      try {
        return names.of(code);
      } catch {
        return code;
      }
    };
    audience.replaceChildren(
      ...d.countries.slice(0, 8).map((c) => h("li", {}, `${c.country ? name(regions, c.country) : t("analytics.unknown")}: ${number(c.viewers)}`)),
      ...d.languages.slice(0, 8).map((l) => h("li", {}, `${l.lang ? name(languages, l.lang) : t("analytics.unknown")}: ${number(l.viewers)}`)),
    );
    status.textContent = t("analytics.updated", { time: new Date().toLocaleTimeString(lang) });
  }

  // One request at a time, the next POLL_MS after the last answer: a slow answer can never
  // land after a newer one and draw older figures.
  let stopped = false;
  async function poll() {
    clearTimeout(timer);
    try {
      const figures = await api("GET", `/api/v1/analytics/shows/${encodeURIComponent(showId)}/dashboard`);
      if (!stopped) render(figures);
    } catch (err) {
      status.textContent = err && err.message ? err.message : String(err);
    } finally {
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    }
  }
  poll();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      if (plot) plot.destroy();
    },
  };
}
