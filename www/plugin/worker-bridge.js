// @ts-check
// Runs the plugin's syncs in a dedicated worker (sync-worker.js) so that the CRM's page never
// freezes: reading 25,000 contacts, planning and saving the state take whole seconds of work.
//
// The page keeps one instance of the API: it signs in (popups and Google Identity Services need
// the page), holds the tokens and answers the light calls (accounts, settings, groups, the run
// log). The worker holds a second instance over a host whose calls come back here as messages:
// `sync`, `preview`, `syncSelected`, `syncContact`, `backup` and the scheduler run there, and
// `replan`, which plans the worker's last preview again with the user's decisions. The
// two share what the host stores, and take the same per-account lock as two tabs would.
//
// Where there is no worker (no `Worker`, or it cannot start) the page's instance does
// everything, in slices that yield to the browser. When the worker dies, a call waiting for it
// rejects with a plain-words error, the progress bar is cleared, and later calls run on the page.

import { connect } from "./rpc.js";

/**
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").GoogleContactsSync} GoogleContactsSync
 * @typedef {import("../types").GoogleContactsSyncOptions} GoogleContactsSyncOptions
 * @typedef {import("./sync-worker.js").HostShape} HostShape
 * @typedef {import("./sync-worker.js").RequestData} RequestData
 * @typedef {import("./sync-worker.js").ResponseData} ResponseData
 *
 * @typedef {object} WorkerSource
 * @property {URL} workerUrl sync-worker.js.
 * @property {URL} glueUrl The wasm-bindgen glue, as the page loaded it.
 * @property {WebAssembly.Module} [module] The compiled wasm, compiled once for both; without
 *   it the worker fetches the wasm beside the glue.
 *
 * @typedef {object} Bridge What the facade adds to the API, for diagnostics and benchmarks.
 * @property {() => Promise<number>} memoryBytes The worker's wasm memory in bytes (0 once
 *   it is gone).
 * @property {() => boolean} alive Whether the worker still runs the syncs.
 */

/** The API's methods that run in the worker. */
const IN_WORKER = ["sync", "preview", "replan", "syncSelected", "syncContact", "backup"];

/** The host contract's groups of functions; other plain objects of the host are offered too. */
const NAMESPACES = ["contacts", "storage", "ui"];

/** How often the scheduler looks for accounts due a run (as `shell/scheduler.rs`). */
const SCHEDULER_TICK_MS = 60_000;

/** How long the worker may take to load the wasm and start the API. */
const START_TIMEOUT_MS = 30_000;

/**
 * The names of an object's properties, its class's methods included.
 * @param {object} o
 */
function namesOf(o) {
  const names = new Set();
  for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const k of Object.getOwnPropertyNames(p)) if (k !== "constructor") names.add(k);
  }
  return [...names];
}

/**
 * The paths of the host's functions the worker's host offers, one level deep.
 * @param {CrmHost} host
 */
function functionsOf(host) {
  const out = [];
  const h = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (host));
  for (const k of namesOf(host)) {
    const v = h[k];
    if (k === "fetch" || k === "google") continue;
    if (typeof v === "function") out.push(k);
    else if (v && typeof v === "object" && (NAMESPACES.includes(k) || Object.getPrototypeOf(v) === Object.prototype)) {
      const o = /** @type {Record<string, unknown>} */ (v);
      for (const m of namesOf(o)) if (typeof o[m] === "function") out.push(`${k}.${m}`);
    }
  }
  return out;
}

/** @param {string} message @param {string} code */
function failure(message, code) {
  return Object.assign(new Error(message), { code });
}

/**
 * Starts the worker and answers the API the host calls: the page's instance for what it keeps,
 * the worker for the runs. Rejects when the worker cannot start (the caller then uses `main`
 * alone).
 * @param {GoogleContactsSync} main The page's instance, made over `host`.
 * @param {CrmHost} host
 * @param {GoogleContactsSyncOptions} options
 * @param {WorkerSource} source
 * @returns {Promise<GoogleContactsSync & { worker: Bridge }>}
 */
export async function withWorker(main, host, options, source) {
  if (typeof Worker !== "function") throw new Error("this browser has no Web Workers");
  const worker = new Worker(source.workerUrl, { type: "module" });
  /** @type {Error | null} */
  let dead = null;
  let schedulerOn = false;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let takeover;
  /** Runs under way in the worker by account id ("*": every account). */
  /** @type {Map<string, number>} */
  const running = new Map();

  const hostAny = /** @type {Record<string, any>} */ (/** @type {unknown} */ (host));
  const local = {
    host,
    /** @param {string[]} scopes @param {{ interactive?: boolean, loginHint?: string } | undefined} o */
    getToken(scopes, o) {
      // A host that gives tokens gives them to the worker as it would to the page.
      if (hostAny.google && typeof hostAny.google.getToken === "function") return hostAny.google.getToken(scopes, o);
      if (!o || !o.loginHint) throw failure("no account was named for the token", "AUTH_FAILED");
      return main.tokenFor(o.loginHint);
    },
    /** @param {string} accountId */
    forget(accountId) {
      main.forgetToken(accountId);
      if (hostAny.google && typeof hostAny.google.forget === "function") hostAny.google.forget(accountId);
    },
    /** @param {RequestData} r @returns {Promise<ResponseData>} */
    async fetch(r) {
      const req = new Request(r.url, { method: r.method, headers: r.headers, body: r.body });
      const res = await hostAny.fetch(req);
      return { status: res.status, statusText: res.statusText, headers: [...res.headers], body: await res.text() };
    },
    /** @param {string} message */
    fatal(message) {
      die(`an internal error: ${message}`);
    },
  };
  const rpc = connect(worker, local);
  worker.onmessage = (e) => void rpc.receive(e.data);

  /** @param {string} why */
  function die(why) {
    if (dead) return;
    const busy = rpc.waiting() > 0;
    dead = failure(`the sync worker stopped (${why}) before the run finished; what the run did is kept`, "WORKER_STOPPED");
    rpc.fail(dead);
    // Its locks go with it.
    worker.terminate();
    if (busy) {
      try {
        host.ui.progress(null);
      } catch {
        // The host's own bar; nothing more to do here.
      }
    }
    // The page's schedule takes over at the next tick, not at once: the run that died would
    // count as overdue and start again on the page by itself.
    if (schedulerOn) takeover = setTimeout(() => schedulerOn && main.startScheduler(), SCHEDULER_TICK_MS);
  }
  worker.onerror = (e) => {
    e.preventDefault();
    die(e.message || "its script failed");
  };
  worker.onmessageerror = () => die("a message from it could not be read");

  /** @type {HostShape} */
  const shape = {
    apiVersion: host.apiVersion,
    instanceId: host.instanceId,
    functions: functionsOf(host),
    fetch: typeof hostAny.fetch === "function",
  };
  if (host.capabilities !== undefined) shape.capabilities = host.capabilities;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error("the sync worker did not start in time")), START_TIMEOUT_MS);
  });
  try {
    await Promise.race([
      rpc.call("init", [{ glueUrl: source.glueUrl.href, module: source.module, options, host: shape }]),
      timeout,
    ]);
  } catch (e) {
    die("it did not start");
    throw e;
  } finally {
    clearTimeout(timer);
  }

  /**
   * A run in the worker, listed for `cancel` while it lasts; once the worker is gone, on the page.
   * @param {string} method
   * @param {string} account
   * @param {unknown[]} args
   */
  async function run(method, account, args) {
    if (dead) return /** @type {any} */ (main)[method](...args);
    running.set(account, (running.get(account) || 0) + 1);
    try {
      return await rpc.call(`api.${method}`, args);
    } finally {
      const n = (running.get(account) || 1) - 1;
      if (n) running.set(account, n);
      else running.delete(account);
    }
  }

  /** @param {unknown} id */
  const accountKey = (id) => (typeof id === "string" ? id.trim().toLowerCase() : "");

  /** @type {Record<string, unknown>} */
  const facade = {};
  // What the page keeps: every method of its instance, bound.
  const proto = Object.getPrototypeOf(main);
  for (const name of Object.getOwnPropertyNames(proto)) {
    const f = proto[name];
    if (name !== "constructor" && typeof f === "function") facade[name] = f.bind(main);
  }
  for (const name of IN_WORKER) {
    facade[name] = (/** @type {unknown[]} */ ...args) => {
      const account = name === "syncSelected" || name === "syncContact" ? "*" : accountKey(args[0]);
      return run(name, account, args);
    };
  }
  /** @param {string | undefined} accountId */
  facade.cancel = (accountId) => {
    const asked = main.cancel(accountId);
    if (dead) return asked;
    rpc.send("api.cancel", [accountId]);
    const key = accountKey(accountId);
    return asked || (accountId === undefined ? running.size > 0 : running.has(key) || running.has("*"));
  };
  facade.startScheduler = () => {
    schedulerOn = true;
    if (dead) main.startScheduler();
    else rpc.send("api.startScheduler", []);
  };
  facade.stopScheduler = () => {
    schedulerOn = false;
    clearTimeout(takeover);
    main.stopScheduler();
    if (!dead) rpc.send("api.stopScheduler", []);
  };
  // A token the user renewed on the page replaces the one the worker holds.
  for (const name of ["connect", "reconnect", "disconnect"]) {
    const f = /** @type {(...a: unknown[]) => Promise<{ id?: string }>} */ (facade[name]);
    facade[name] = async (/** @type {unknown[]} */ ...args) => {
      const out = await f(...args);
      const id = name === "disconnect" ? accountKey(args[0]) : accountKey(out && out.id);
      if (!dead && id) rpc.send("api.forgetToken", [id]);
      return out;
    };
  }
  /** @type {Bridge} */
  const bridge = {
    memoryBytes: async () => (dead ? 0 : /** @type {number} */ (await rpc.call("memoryBytes", []))),
    alive: () => !dead,
  };
  facade.worker = bridge;
  return /** @type {GoogleContactsSync & { worker: Bridge }} */ (/** @type {unknown} */ (facade));
}
