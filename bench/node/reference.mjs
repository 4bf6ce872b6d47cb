// The Node.js reference for bench/fanout.py: a minimal chat broadcast server on `ws`, one
// room, no auth, no limits, no per-connection queue (the same protocol as
// bench/fanout_reference.py, which does the same on Python's `websockets`).
//
//   node bench/node/reference.mjs PORT
//
// Every client gets {"type":"hello"} on connect; every text frame received whose JSON has a
// string `text` becomes {"type":"chat.message","v":1,"seq":N,"text":...}, encoded once and
// sent to every open client (ws frames each send itself). Any plain HTTP request gets 200,
// so the bench can wait for the port the same way it waits for castcart.
import { createServer } from "node:http";
import { WebSocketServer, WebSocket } from "ws";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write("usage: node reference.mjs PORT\n");
  process.exit(2);
}

const http = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("fanout reference\n");
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
const HELLO = JSON.stringify({ type: "hello", v: 1, seq: 0 });
let seq = 0;

wss.on("connection", (ws) => {
  ws.send(HELLO);
  ws.on("message", (data, isBinary) => {
    if (isBinary) return;
    let message;
    try {
      message = JSON.parse(data.toString("utf8"));
    } catch {
      return;
    }
    if (!message || typeof message.text !== "string") return;
    seq += 1;
    const frame = JSON.stringify({ type: "chat.message", v: 1, seq, text: message.text });
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(frame);
    }
  });
  ws.on("error", () => {}); // the bench aborts its sockets at the end
});

http.listen({ port, host: "127.0.0.1", backlog: 4096 });
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    for (const client of wss.clients) client.terminate();
    http.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
