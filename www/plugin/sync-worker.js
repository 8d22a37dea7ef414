// @ts-check
// The plugin's dedicated worker: runs syncs off the CRM's main thread. The page (worker-bridge.js)
// starts it with the compiled wasm module, the glue's URL, the API options and the shape of the
// host: which functions it offers, and its plain properties. The worker makes a host of the same
// shape whose every call goes to the page as a message (a page of contacts at a time) and is
// answered there, and the plugin's API over it. People API requests leave from here, unless the
// host proxies `fetch`. Tokens come from the page, which signs in.

import { connect, errorData } from "./rpc.js";

/**
 * @typedef {object} HostShape What the page's host offers.
 * @property {number} apiVersion
 * @property {string} instanceId
 * @property {unknown} [capabilities]
 * @property {string[]} functions Paths of its functions ("currentUser", "contacts.list", …),
 *   without `fetch` and `google.*`.
 * @property {boolean} fetch Whether it proxies the People API requests.
 *
 * @typedef {object} Init
 * @property {string} glueUrl The wasm-bindgen glue's URL.
 * @property {WebAssembly.Module} [module] The page's compiled wasm (else the glue fetches it).
 * @property {import("../types").GoogleContactsSyncOptions} options
 * @property {HostShape} host
 *
 * @typedef {{ url: string, method: string, headers: [string, string][], body?: string }} RequestData
 * @typedef {{ status: number, statusText: string, headers: [string, string][], body: string }} ResponseData
 */

const scope = /** @type {{ postMessage(m: unknown): void, onmessage: ((e: MessageEvent) => void) | null }} */ (
  /** @type {unknown} */ (globalThis)
);

/** @type {import("../types").GoogleContactsSync | null} */
let api = null;
/** @type {WebAssembly.Memory | null} */
let memory = null;

/**
 * The host the plugin sees in the worker.
 * @param {HostShape} shape
 */
function proxyHost(shape) {
  /** @type {Record<string, any>} */
  const host = { apiVersion: shape.apiVersion, instanceId: shape.instanceId };
  if (shape.capabilities !== undefined) host.capabilities = shape.capabilities;
  for (const path of shape.functions) {
    const parts = path.split(".");
    let at = host;
    for (const p of parts.slice(0, -1)) at = at[p] = at[p] || {};
    const name = /** @type {string} */ (parts.at(-1));
    // The UI's calls answer nothing: they must not wait for the page.
    at[name] = path.startsWith("ui.")
      ? (/** @type {unknown[]} */ ...args) => void rpc.send(`host.${path}`, args)
      : (/** @type {unknown[]} */ ...args) => rpc.call(`host.${path}`, args);
  }
  host.google = {
    getToken: (/** @type {string[]} */ scopes, /** @type {unknown} */ o) => rpc.call("getToken", [scopes, o]),
    forget: (/** @type {string} */ accountId) => void rpc.send("forget", [accountId]),
  };
  if (shape.fetch) {
    host.fetch = async (/** @type {Request} */ req) => {
      /** @type {RequestData} */
      const r = { url: req.url, method: req.method, headers: [...req.headers] };
      if (req.method !== "GET" && req.method !== "HEAD") r.body = await req.text();
      const a = /** @type {ResponseData} */ (await rpc.call("fetch", [r]));
      // These statuses carry no body, and `Response` refuses one.
      const empty = [101, 204, 205, 304].includes(a.status);
      return new Response(empty ? null : a.body, { status: a.status, statusText: a.statusText, headers: a.headers });
    };
  }
  return host;
}

/** @param {Init} o */
async function init(o) {
  /** @type {typeof import("../types").Glue} */
  const glue = await import(o.glueUrl);
  const exports = await glue.default({ module_or_path: o.module });
  memory = exports.memory;
  api = await glue.GoogleContactsSync.create(/** @type {any} */ (proxyHost(o.host)), o.options);
}

/**
 * Calls the API. A trap of the wasm leaves its instance unusable: the page hears of it and
 * stops this worker.
 * @param {string} method
 * @param {unknown[]} args
 */
async function call(method, args) {
  if (!api) throw new Error("the sync worker is not started");
  const f = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (api))[method];
  if (typeof f !== "function") throw new Error(`${method} is not a method of the API`);
  try {
    return await f.apply(api, args);
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError) rpc.send("fatal", [errorData(e).message]);
    throw e;
  }
}

/** What the page asks of the worker's API. */
const METHODS = ["sync", "preview", "replan", "syncSelected", "syncContact", "backup", "cancel", "startScheduler", "stopScheduler", "forgetToken"];

const rpc = connect(scope, {
  init,
  api: Object.fromEntries(METHODS.map((m) => [m, (/** @type {unknown[]} */ ...args) => call(m, args)])),
  /** The wasm memory's size in bytes: the benchmark reads the peak here. */
  memoryBytes: () => (memory ? memory.buffer.byteLength : 0),
});
scope.onmessage = (/** @type {MessageEvent} */ e) => void rpc.receive(e.data);
