// Packing slip: the print button (no inline scripts under the CSP).
document.getElementById("cc-print")?.addEventListener("click", () => window.print());
