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
// The worker runs its own instance of the glue with the module the page compiled (the glue keeps
// it once `init` has run), so the wasm is downloaded and compiled once. `worker: false`, a browser
// without workers, or a worker that cannot start: the page's instance runs the syncs itself, in
// slices that let the page answer the user between them.

import init, * as glue from "../pkg/gcontacts_sync.js";

export * from "../pkg/gcontacts_sync.js";
export default init;

/**
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").GoogleContactsSyncOptions} GoogleContactsSyncOptions
 * @typedef {import("./worker-bridge.js").Bridge} Bridge
 */

/** The glue as the page loads it; the worker loads the same URL. */
const GLUE_URL = new URL("../pkg/gcontacts_sync.js", import.meta.url);
const WORKER_URL = new URL("./sync-worker.js", import.meta.url);

const Base = glue.GoogleContactsSync;

/**
 * The module the glue's `init` (or `initSync`) compiled or was given, once it has run. The glue
 * keeps it on its init function; where it does not, the worker fetches the wasm itself.
 * @returns {WebAssembly.Module | undefined}
 */
function compiledModule() {
  const kept = /** @type {{ __wbindgen_wasm_module?: unknown }} */ (/** @type {unknown} */ (init)).__wbindgen_wasm_module;
  return kept instanceof WebAssembly.Module ? kept : undefined;
}

/** The APIs made with their syncs in a worker, for `instanceof`. */
const inWorker = new WeakSet();

/**
 * The plugin's API class. `create` takes one option more than the glue's: `worker` (default
 * true); an API whose syncs run in the worker also carries `worker`, its diagnostics
 * (`alive()`, `memoryBytes()`).
 */
export class GoogleContactsSync extends Base {
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
      const api = await bridge.withWorker(main, host, rest, { workerUrl: WORKER_URL, glueUrl: GLUE_URL, module: compiledModule() });
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
