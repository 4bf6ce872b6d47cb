// The analytics beacon of the shopper page and the widget: events are queued and sent in
// batches (navigator.sendBeacon as text/plain, so a page being closed still delivers and no
// preflight is needed) to POST /api/v1/shop/{slug}/analytics/beacon. Nothing is queued
// unless the visitor allows analytics (lib/consent.js): the room's own counting (who
// watches, for how long) is the strictly necessary part and needs no beacon.

const FLUSH_MS = 5000;
const MAX_EVENTS = 500;

function randomId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function hostOf(url) {
  try {
    return url ? new URL(url).hostname : null;
  } catch {
    return null;
  }
}

/** Where this visit came from: UTM tags, campaign code, share link, the site embedding the
 * widget (the iframe's referrer), or another site's referrer. */
export function landingSource(embedded) {
  const q = new URLSearchParams(location.search);
  const referrer = document.referrer || null;
  const source = {
    utm_source: q.get("utm_source"),
    utm_medium: q.get("utm_medium"),
    utm_campaign: q.get("utm_campaign"),
    campaign: q.get("campaign"),
    share_code: q.get("share"),
    widget_host: embedded ? hostOf(referrer) : null,
    referrer: embedded ? null : referrer,
  };
  for (const key of Object.keys(source)) if (!source[key]) delete source[key];
  return source;
}

export class Beacon {
  constructor(url, { showId, embedded }) {
    this.url = url;
    this.showId = showId;
    this.session = randomId();
    this.source = landingSource(embedded);
    this.token = null;
    this.queue = [];
    this.seen = new Set();
    this.timer = null;
    const leave = () => this.flush(true);
    addEventListener("pagehide", leave);
    document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && leave());
  }

  /** Analytics allowed: start sending, first with where this visit came from. */
  enable(token) {
    if (this.token) return;
    this.token = token;
    this.track("landing");
    this.timer = setInterval(() => this.flush(false), FLUSH_MS);
  }

  /** Analytics refused or withdrawn: drop what is queued, send nothing more. */
  disable() {
    this.token = null;
    this.queue = [];
    clearInterval(this.timer);
    this.timer = null;
  }

  track(kind, fields = {}) {
    if (!this.token) return;
    this.queue.push({ kind, t: Date.now(), ...fields });
    if (this.queue.length >= MAX_EVENTS) this.flush(false);
  }

  /** Once per page and key (impressions). */
  once(key, kind, fields) {
    if (!this.token || this.seen.has(key)) return;
    this.seen.add(key);
    this.track(kind, fields);
  }

  flush(leaving) {
    if (!this.token || !this.queue.length) return;
    const events = this.queue.splice(0, MAX_EVENTS);
    const body = JSON.stringify({ session: this.session, token: this.token, show_id: this.showId, source: this.source, events });
    const blob = new Blob([body], { type: "text/plain" });
    if (leaving && navigator.sendBeacon && navigator.sendBeacon(this.url, blob)) return;
    if (navigator.sendBeacon && navigator.sendBeacon(this.url, blob)) return;
    fetch(this.url, { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain" } }).catch(() => {});
  }
}
