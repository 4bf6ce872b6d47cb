// The shopper's order page: server-rendered; this script only wires the shared page UI
// (language switcher) under the CSP.
import "./lib/ui.js";
