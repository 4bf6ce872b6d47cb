// The show's WebSocket: hello, frames by type, reconnect with last_seq/epoch resume.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

export class LiveChannel {
  /**
   * @param {object} opts
   * @param {string} opts.path   /api/v1/shop/{slug}/shows/{id}/live
   * @param {() => Promise<string>} opts.ticket  a fresh single-use ticket for each (re)connect
   * @param {Record<string,string>} [opts.params]  lang, country
   * @param {Record<string,(frame:object)=>void>} opts.handlers  by frame type ("*" for all)
   * @param {(state:string)=>void} [opts.onState]  connecting | open | retrying | closed
   */
  constructor(opts) {
    this.opts = opts;
    this.lastSeq = null;
    this.epoch = null;
    this.attempt = 0;
    this.socket = null;
    this.stopped = false;
    this.refs = 0;
  }

  async connect() {
    if (this.stopped) return;
    this.opts.onState?.("connecting");
    let ticket;
    try {
      ticket = await this.opts.ticket(this.attempt > 0);
    } catch {
      return this.retry();
    }
    const url = new URL(this.opts.path, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("ticket", ticket); // spent on connect: worthless in any log
    for (const [k, v] of Object.entries(this.opts.params || {})) if (v) url.searchParams.set(k, v);
    if (this.lastSeq !== null && this.epoch) {
      url.searchParams.set("last_seq", String(this.lastSeq));
      url.searchParams.set("epoch", this.epoch);
    }
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.opts.onClose?.(event.code);
      if (event.code === 4404 || event.code === 4403) {
        // no such show, or banned from it: reconnecting would only be refused again
        this.stopped = true;
        this.opts.onState?.("closed");
        return;
      }
      this.retry(event.code === 4408 ? 0 : undefined);
    });
  }

  retry(delay) {
    if (this.stopped) return;
    this.opts.onState?.("retrying");
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    const wait = delay ?? base / 2 + Math.random() * base;
    setTimeout(() => this.connect(), wait);
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (!frame || typeof frame.type !== "string") return;
    if (frame.type === "hello") {
      this.attempt = 0;
      if (this.epoch && frame.epoch !== this.epoch) this.lastSeq = null; // a new sequence space
      this.epoch = frame.epoch;
      this.opts.onState?.("open");
    }
    if (frame.type === "resync") {
      // Missed too much: the page reloads its state over HTTP and carries on from here.
      if (frame.epoch) this.epoch = frame.epoch;
      this.lastSeq = frame.seq;
    } else if (typeof frame.seq === "number") {
      // hello/error/pong/staff frames carry the current seq; broadcasts take the next one.
      if (frame.type !== "hello" && this.lastSeq !== null && frame.seq <= this.lastSeq && isBroadcast(frame)) {
        return; // already seen (a resume replay racing a live frame)
      }
      if (frame.type !== "hello" || this.lastSeq === null) this.lastSeq = Math.max(this.lastSeq ?? 0, frame.seq);
    }
    const handler = this.opts.handlers[frame.type];
    if (handler) handler(frame);
    this.opts.handlers["*"]?.(frame);
  }

  send(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return null;
    const ref = `c-${++this.refs}`;
    this.socket.send(JSON.stringify({ ...frame, ref }));
    return ref;
  }

  close() {
    this.stopped = true;
    this.socket?.close(1000);
  }
}

// frames for one connection (or staff) carry the current seq without taking one; an
// assistant answer to the whole room is numbered but never replayed twice by the hub
const UNNUMBERED = new Set(["hello", "error", "resync", "pong", "compliance.alert", "stock.low", "metrics", "assistant.answer", "assistant.handoff"]);
function isBroadcast(frame) {
  return !UNNUMBERED.has(frame.type);
}
