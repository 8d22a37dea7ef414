// The browser benchmark's page: a host that uses the plugin's class directly, as a CRM without
// the loader would: the public entry (`/plugin/index.js`, the wasm-bindgen glue under `/pkg/`
// behind it), the in-memory host of the browser tests (tests/web/host.js) holding the CRM's
// contacts, and the People API emulator over HTTP. The runs go to the plugin's worker, which the
// class starts, or stay on the page (`worker: false`). `run.mjs` calls `benchSetup` once, then
// `benchRun` once per run, and prints what each run measured.

import init, { GoogleContactsSync } from "/plugin/index.js";
import { makeHost } from "/bench/web-host.js";

const EPOCH = "2024-02-01T10:00:00.000Z";

/** The contacts a CRM of `n` holds: the same people as the native benchmark. */
function contacts(n) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      id: "c" + String(i).padStart(6, "0"),
      modifiedAt: EPOCH,
      firstName: "Given" + i,
      lastName: "Family",
      emails: [{ value: `p${i}@example.com`, type: "work" }],
      phones: [],
      addresses: [],
    };
  }
  return out;
}

/**
 * Adds the contract's optional `changedSince` to the in-memory host, as a CRM with a change log
 * offers it: every contact once from the start of the log, then whatever the host's own
 * `create`/`update`/`remove` logged (nothing else edits this CRM during a benchmark).
 */
function withChangeFeed(host) {
  const log = [...host.crm.keys()].map((id) => [id, false]);
  const page = 1000;
  const { create, update, remove } = host.contacts;
  host.contacts.create = async (items) => {
    const made = await create(items);
    for (const c of made) log.push([c.id, false]);
    return made;
  };
  host.contacts.update = async (items) => {
    const done = await update(items);
    for (const c of done) log.push([c.id, false]);
    return done;
  };
  host.contacts.remove = async (ids) => {
    await remove(ids);
    for (const id of ids) log.push([id, true]);
  };
  host.contacts.changedSince = async (cursor) => {
    const start = cursor === null ? 0 : Number(cursor);
    const slice = log.slice(start, start + page);
    const end = start + slice.length;
    return {
      items: slice.filter(([id, del]) => !del && host.crm.has(id)).map(([id]) => host.crm.get(id)),
      deletedIds: slice.filter(([, del]) => del).map(([id]) => id),
      cursor: String(end),
      more: end < log.length,
    };
  };
  return host;
}

// Main-thread tasks over 50 ms, as the browser reports them.
const longTasks = [];
const keep = (entries) => {
  for (const e of entries) longTasks.push({ start: e.startTime, duration: e.duration });
};
const observer = new PerformanceObserver((list) => keep(list.getEntries()));
observer.observe({ type: "longtask", buffered: true });
performance.setResourceTimingBufferSize(100000);

let wasm = null;
let api = null;
let accountId = null;
let emulator = null;

const jsHeap = () => (performance.memory ? performance.memory.usedJSHeapSize : null);

/** The wasm memory the runs use: the worker's, or the page's. */
const runMemory = async () => (api.worker ? api.worker.memoryBytes() : wasm.memory.buffer.byteLength);

/**
 * Loads the wasm, builds the host with `n` contacts, creates the API (its syncs in the worker
 * unless `inWorker` is false) and connects the account.
 */
window.benchSetup = async (emulatorUrl, email, n, inWorker) => {
  emulator = emulatorUrl;
  wasm = await init();
  const host = withChangeFeed(makeHost(emulatorUrl, email, contacts(n)));
  const options = { peopleApiBase: emulatorUrl, oauth: { revokeUrl: emulatorUrl + "/revoke" }, worker: inWorker };
  api = await GoogleContactsSync.create(host, options);
  if (inWorker && !api.worker) throw new Error("the plugin's worker did not start");
  accountId = (await api.connect()).id;
  return { wasmBytes: await runMemory(), pageWasmBytes: wasm.memory.buffer.byteLength, jsHeap: jsHeap() };
};

/** One whole-account run, measured. */
window.benchRun = async () => {
  const memoryBefore = await runMemory();
  const heapBefore = jsHeap();
  let heapPeak = heapBefore;
  // A sampler: it cannot fire inside a long task, so the JS heap figure is a lower bound of the
  // peak; a wasm memory never shrinks, so its size after the run is its peak.
  const sampler = setInterval(() => {
    const h = jsHeap();
    if (h !== null && h > heapPeak) heapPeak = h;
  }, 20);
  const resourcesBefore = performance.getEntriesByType("resource").length;
  const t0 = performance.now();
  const report = await api.sync(accountId);
  const t1 = performance.now();
  clearInterval(sampler);
  // A long task is reported once it has ended, and the run's last task is still running here:
  // take the entries the observer holds from the next task on.
  await new Promise((r) => setTimeout(r, 0));
  keep(observer.takeRecords());
  const during = longTasks.filter((t) => t.start >= t0 && t.start < t1);
  const fetched = performance
    .getEntriesByType("resource")
    .slice(resourcesBefore)
    .filter((e) => e.name.startsWith(emulator)).length;
  const h = jsHeap();
  if (h !== null && h > heapPeak) heapPeak = h;
  return {
    ok: report.ok,
    errors: report.errors,
    requests: report.requests,
    fetched,
    writes: ["created", "updated", "deleted"].reduce((s, k) => s + report[k].crm + report[k].google, 0),
    wallMs: t1 - t0,
    longestTaskMs: during.reduce((m, t) => Math.max(m, t.duration), 0),
    longTasksMs: during.reduce((s, t) => s + t.duration, 0),
    longTasks: during.length,
    wasmBefore: memoryBefore,
    wasmPeak: await runMemory(),
    pageWasm: wasm.memory.buffer.byteLength,
    jsHeapBefore: heapBefore,
    jsHeapPeak: heapPeak,
  };
};

window.benchReady = true;
