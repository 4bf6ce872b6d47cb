// Bundles the page scripts (ES modules, shared chunks, hls.js loaded on demand) and the
// embed loader (one classic script) into src/castcart/pages/static/dist/.
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(here, "../src/castcart/pages/static/dist");
rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

const common = {
  bundle: true,
  minify: true,
  sourcemap: false,
  target: ["es2020", "safari15"],
  legalComments: "linked",
  logLevel: "info",
};

await build({
  ...common,
  entryPoints: ["shop", "console", "admin", "login", "slip", "order", "shows"].map((n) => resolve(here, `src/${n}.js`)),
  outdir,
  format: "esm",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
});

await build({
  ...common,
  entryPoints: [resolve(here, "src/widget.js")],
  outfile: resolve(outdir, "widget.js"),
  format: "iife",
});

writeFileSync(resolve(outdir, ".built"), new Date().toISOString() + "\n");
