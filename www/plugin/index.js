// @ts-check
// The plugin's JS API as a host imports it: the wasm-bindgen glue (../pkg/gcontacts_sync.js),
// every export of it as is, its default `init` included, except `GoogleContactsSync`, whose
// `create` answers an API whose syncs run in a dedicated worker (worker-bridge.js), off the
// CRM's main thread. The loader (plugin-loader.js) uses this module too; a host that uses the
// class without the loader gets the same worker.
//
//   import init, { GoogleContactsSync } from "…/plugin/index.js";
//   await init();                                   // or init({ module_or_path }) as the glue takes
//   const api = await GoogleContactsSync.create(host, options);   // syncs in the worker
//   const onPage = await GoogleContactsSync.create(host, { ...options, worker: false });
//
// The worker runs its own instance of the glue with the module the page compiled: `init` and
// `initSync` take what the glue's take, compile it here and hand the glue the compiled module, so
// the wasm is downloaded and compiled once. `worker: false`, a browser without workers, or a
// worker that cannot start: the page's instance runs the syncs itself, in slices that let the
// page answer the user between them.

import glueInit, { initSync as glueInitSync, GoogleContactsSync as Base } from "../pkg/gcontacts_sync.js";

export * from "../pkg/gcontacts_sync.js";

/**
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").GoogleContactsSyncOptions} GoogleContactsSyncOptions
 * @typedef {import("./worker-bridge.js").Bridge} Bridge
 * @typedef {Parameters<typeof glueInit>[0]} InitArgument
 * @typedef {Parameters<typeof glueInitSync>[0]} InitSyncArgument
 * @typedef {Awaited<ReturnType<typeof glueInit>>} InitOutput
 */

/** The glue as the page loads it; the worker loads the same URL. */
const GLUE_URL = new URL("../pkg/gcontacts_sync.js", import.meta.url);
const WORKER_URL = new URL("./sync-worker.js", import.meta.url);

/** The module the page's instance runs, once `init` or `initSync` has made it. */
/** @type {WebAssembly.Module | undefined} */
let compiled;
/** @type {Promise<InitOutput> | undefined} */
let starting;

/**
 * Starts the wasm, as the glue's default export does: from `{ module_or_path }` (or the deprecated
 * bare argument): a URL, a `Request`, a `Response`, the bytes, a compiled module, or a promise of
 * one; without it, the wasm file beside the glue. Runs once; a failed start may be tried again.
 * @param {InitArgument} [input]
 * @returns {Promise<InitOutput>}
 */
export default function init(input) {
  if (!starting) {
    starting = start(input);
    starting.catch(() => {
      starting = undefined;
    });
  }
  return starting;
}

/** @param {InitArgument} [input] */
async function start(input) {
  /** @type {unknown} */
  let source = input;
  if (source && Object.getPrototypeOf(source) === Object.prototype) {
    source = /** @type {{ module_or_path?: unknown }} */ (source).module_or_path;
  }
  source = await source;
  if (source === undefined) source = new URL("gcontacts_sync_bg.wasm", GLUE_URL);
  if (typeof source === "string" || source instanceof URL || source instanceof Request) source = await fetch(source);
  const module = source instanceof WebAssembly.Module ? source : await compile(/** @type {Response | BufferSource} */ (source));
  const output = await glueInit({ module_or_path: module });
  compiled = compiled || module;
  return output;
}

/**
 * Compiles a fetched wasm file (streaming when it is served as `application/wasm`) or its bytes.
 * @param {Response | BufferSource} source
 */
async function compile(source) {
  if (!(source instanceof Response)) return WebAssembly.compile(source);
  if (!source.ok) throw new Error(`failed to fetch Wasm: ${source.status} ${source.statusText} fetching '${source.url}'`);
  if ((source.headers.get("Content-Type") || "").startsWith("application/wasm")) return WebAssembly.compileStreaming(source);
  return WebAssembly.compile(await source.arrayBuffer());
}

/**
 * Starts the wasm at once, as the glue's `initSync`: from `{ module }` (or the bare argument), a
 * compiled module or the bytes.
 * @param {InitSyncArgument} input
 * @returns {InitOutput}
 */
export function initSync(input) {
  /** @type {unknown} */
  let source = input;
  if (source && Object.getPrototypeOf(source) === Object.prototype) {
    source = /** @type {{ module?: unknown }} */ (source).module;
  }
  const module = source instanceof WebAssembly.Module ? source : new WebAssembly.Module(/** @type {BufferSource} */ (source));
  const output = glueInitSync({ module });
  compiled = compiled || module;
  return output;
}

/**
 * The glue's class, as TypeScript lets a class extend it (its constructor is the glue's own; this
 * module never calls it).
 */
const Extendable = /** @type {{ new (): Base, prototype: Base, create: typeof Base.create }} */ (/** @type {unknown} */ (Base));

/** The APIs made with their syncs in a worker, for `instanceof`. */
const inWorker = new WeakSet();

/**
 * The plugin's API class. `create` takes one option more than the glue's: `worker` (default
 * true); an API whose syncs run in the worker also carries `worker`, its diagnostics
 * (`alive()`, `memoryBytes()`).
 */
export class GoogleContactsSync extends Extendable {
  /**
   * @param {CrmHost} host
   * @param {GoogleContactsSyncOptions} [options]
   * @returns {Promise<import("../types").GoogleContactsSync & { worker?: Bridge }>}
   */
  static async create(host, options) {
    const { worker = true, ...rest } = options || {};
    const main = await Base.create(host, rest);
    if (worker === false) return main;
    try {
      const bridge = await import("./worker-bridge.js");
      const api = await bridge.withWorker(main, host, rest, { workerUrl: WORKER_URL, glueUrl: GLUE_URL, module: compiled });
      inWorker.add(api);
      return api;
    } catch {
      // No worker here (none in this browser, or it could not start): the page runs the syncs.
      return main;
    }
  }

  /** @param {unknown} v */
  static [Symbol.hasInstance](v) {
    return v instanceof Base || (typeof v === "object" && v !== null && inWorker.has(v));
  }
}
