// Fan-out viewers for bench/fanout.py, on Node's `ws` (the Python client saturates first).
//
// Speaks the same protocol as fanout.py's Python viewers process, over JSON lines:
//   argv[2]: a JSON file {urls, count, concurrency, idle, drain, bucket_us}
//   stdout: {"connected", "failures"}  -> stdin: expected lines per viewer
//   stdout: {"received", "alive", "alive_received", "closed", "hist", "first_ns", "last_ns",
//            "drain_s"}                -> stdin: "stop"
// Latency: each chat line carries t=<sender's time.time_ns()>; receive time is epoch
// microseconds from performance.timeOrigin + performance.now() (µs precision).
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import WebSocket from "ws";

const opts = JSON.parse(readFileSync(process.argv[2], "utf8"));
const lines = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => lines.once("line", resolve));
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const counts = [];
const closed = new Map(); // viewer index -> close code
const hist = new Map();
let firstNs = 0;
let lastNs = 0;

function open(url, index) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 120000 });
    let hello = false;
    ws.on("message", (data) => {
      if (!hello) {
        hello = true;
        if (!data.includes('"hello"')) return resolve("first frame not hello");
        counts[index] = 0;
        return resolve(ws);
      }
      if (!data.includes('"chat.message"') && !data.includes('"chat.batch"')) return;
      const now = nowUs();
      const text = data.toString("latin1");
      let k = text.indexOf("t=");
      while (k >= 0) {
        const stamp = Number(text.slice(k + 2, text.indexOf(" ", k))) / 1000;
        const bucket = Math.floor((now - stamp) / opts.bucket_us);
        hist.set(bucket, (hist.get(bucket) || 0) + 1);
        counts[index] += 1;
        k = text.indexOf("t=", k + 2);
      }
      if (!firstNs) firstNs = Math.round(now * 1000);
      lastNs = Math.round(now * 1000);
    });
    ws.on("close", (code) => {
      if (!hello) resolve(`close ${code}`);
      else closed.set(index, code);
    });
    ws.on("error", (err) => {
      if (!hello) resolve(`connect: ${err.code || err.name}`);
    });
  });
}

async function openAll() {
  const sockets = new Array(opts.count);
  const failures = {};
  let next = 0;
  async function worker() {
    while (next < opts.count) {
      const i = next++;
      const result = await open(opts.urls[i % opts.urls.length], i);
      if (typeof result === "string") failures[result] = (failures[result] || 0) + 1;
      else sockets[i] = result;
    }
  }
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  return { sockets: sockets.filter(Boolean), failures };
}

const { sockets, failures } = await openAll();
process.stdout.write(JSON.stringify({ connected: sockets.length, failures }) + "\n");
const expected = Number(await nextLine());
const start = performance.now();
let movedAt = start;
let lastTotal = -1;
for (;;) {
  const alive = counts.filter((c, i) => c !== undefined && !closed.has(i));
  const total = counts.reduce((a, c) => a + (c || 0), 0);
  const now = performance.now();
  if (total !== lastTotal) [lastTotal, movedAt] = [total, now];
  if (alive.every((c) => c >= expected)) break;
  if (now - movedAt > opts.idle * 1000 || now - start > opts.drain * 1000) break;
  await sleep(100);
}
const aliveCounts = counts.filter((c, i) => c !== undefined && !closed.has(i));
const codes = {};
for (const code of closed.values()) codes[code] = (codes[code] || 0) + 1;
process.stdout.write(
  JSON.stringify({
    received: counts.reduce((a, c) => a + (c || 0), 0),
    alive: aliveCounts.length,
    alive_received: aliveCounts.reduce((a, c) => a + Math.min(c, expected), 0),
    closed: codes,
    hist: Object.fromEntries(hist),
    first_ns: firstNs,
    last_ns: lastNs,
    drain_s: (performance.now() - start) / 1000,
  }) + "\n",
);
await nextLine(); // stop
for (const ws of sockets) ws.terminate();
process.exit(0);
