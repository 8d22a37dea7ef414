// `cargo xtask bench --browser`: the first sync, the echo run and the no-op run of a CRM of
// GCS_BENCH_CONTACTS contacts (default 25,000) in Debian's Chromium, against the People API
// emulator at GCS_EMULATOR_URL. Serves, on loopback, this page and its script, the in-memory host
// of the browser tests (tests/web/host.js) and the built plugin (`www/pkg/`, from `cargo xtask
// build`), under a policy like the demo's. Prints each run's figures and a Markdown table.

import { chromium } from "../../tools/node_modules/playwright/index.mjs";
import { chromiumLaunch } from "../e2e/chromium.mjs";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";

const emulator = process.env.GCS_EMULATOR_URL;
const n = Number(process.env.GCS_BENCH_CONTACTS || 25000);
// "0": the runs stay on the page (`worker: false`), not in the plugin's worker.
const inWorker = process.env.GCS_BENCH_WORKER !== "0";
if (!emulator) {
  console.error("GCS_EMULATOR_URL is required: run `cargo xtask bench --browser`");
  process.exit(2);
}

const js = "text/javascript; charset=utf-8";
const files = {
  "/bench/index.html": ["index.html", "text/html; charset=utf-8"],
  "/bench/bench.js": ["bench.js", js],
  "/bench/web-host.js": ["../web/host.js", js],
  "/plugin/index.js": ["../../www/plugin/index.js", js],
  "/pkg/gcontacts_sync.js": ["../../www/pkg/gcontacts_sync.js", js],
  "/pkg/gcontacts_sync_bg.wasm": ["../../www/pkg/gcontacts_sync_bg.wasm", "application/wasm"],
  "/plugin/worker-bridge.js": ["../../www/plugin/worker-bridge.js", js],
  "/plugin/sync-worker.js": ["../../www/plugin/sync-worker.js", js],
  "/plugin/rpc.js": ["../../www/plugin/rpc.js", js],
};
const policy =
  `default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${emulator}; ` +
  "base-uri 'none'; form-action 'none'";
// A page served over loopback (not one Playwright fulfils) may call the emulator on loopback:
// Chromium's local network access rules treat a fulfilled page as public.
const server = createServer((req, res) => {
  const file = files[new URL(req.url, "http://x").pathname];
  if (!file) {
    res.writeHead(404).end("not found");
    return;
  }
  const body = readFileSync(fileURLToPath(new URL(file[0], import.meta.url)));
  res.writeHead(200, { "Content-Type": file[1], "Content-Security-Policy": policy, "Cache-Control": "no-store" });
  res.end(body);
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  ...chromiumLaunch,
  // Unrounded `performance.memory` figures.
  args: [...chromiumLaunch.args, "--enable-precise-memory-info"],
});
const mib = (b) => (b === null || b === undefined ? "n/a" : (b / 1048576).toFixed(1) + " MiB");
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.goto(`${base}/bench/index.html`);
  await page.waitForFunction(() => window.benchReady === true);
  const email = `bench-${Date.now()}@example.com`;
  const setup = await page.evaluate(([e, m, k, w]) => window.benchSetup(e, m, k, w), [emulator, email, n, inWorker]);
  console.log(
    `${n} CRM contacts in the page; the runs ${inWorker ? "in the plugin's worker" : "on the page"}; ` +
      `wasm memory ${mib(setup.wasmBytes)} (the page's ${mib(setup.pageWasmBytes)}), JS heap ${mib(setup.jsHeap)} after connecting`,
  );
  const names = ["first sync", "echo run", "no-op run"];
  const rows = [];
  for (const name of names) {
    const r = await page.evaluate(() => window.benchRun());
    if (!r.ok) throw new Error(`${name} failed: ${JSON.stringify(r.errors)}`);
    const total = Object.values(r.requests).reduce((s, k) => s + k, 0);
    console.log(
      `${name}: ${total} requests ${JSON.stringify(r.requests)} (${r.fetched} fetched by the page), ${r.writes} writes; ` +
        `wall ${(r.wallMs / 1000).toFixed(2)} s; longest task ${r.longestTaskMs.toFixed(0)} ms, ` +
        `${r.longTasks} long tasks summing ${r.longTasksMs.toFixed(0)} ms; wasm memory ${mib(r.wasmBefore)} → ` +
        `${mib(r.wasmPeak)} (peak; the page's ${mib(r.pageWasm)}); JS heap ${mib(r.jsHeapBefore)} → peak ${mib(r.jsHeapPeak)} (sampled)`,
    );
    rows.push(
      `| ${name} | ${total} | ${(r.wallMs / 1000).toFixed(2)} s | ${r.longestTaskMs.toFixed(0)} ms | ` +
        `${(r.longTasksMs / 1000).toFixed(2)} s (${r.longTasks}) | ${mib(r.wasmPeak)} | ${mib(r.jsHeapPeak)} |`,
    );
  }
  console.log(
    `\n| Run (${n} contacts, ${inWorker ? "worker" : "page"}) | requests | wall | longest main-thread task | long tasks summed (count) | wasm memory peak | JS heap peak (sampled) |`,
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(row);
} finally {
  await browser.close();
  server.close();
}
