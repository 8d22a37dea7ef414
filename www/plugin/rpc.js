// @ts-check
// The messages between the page and the plugin's worker (worker/sync-worker.js): each side calls
// the other's functions by path ("host.contacts.list", "api.sync") and awaits their answers.
//
// Functions cannot cross `postMessage`. A function among the arguments (the `cancel` of
// `ui.progress`, the `onProgress` of `sync`), directly or as a property of a plain object, crosses
// as a handle; calling the handle on the other side sends a message that calls the function
// where it lives.
//
// The side that passed a function holds it only while the other side may call it. A handle in a
// `call` is released when that call settles (the worker's run is over, so is its `onProgress`); a
// handle in a `send` is released when the other side lets go of it: a `FinalizationRegistry`
// there sends a `release` once its stand-in function is collected (the host's progress bar
// dropping a finished run's `cancel`). The same function passed twice is held until both let go.
// A handle called after its release does nothing.

/** The property a function's handle carries. */
const FN = "__gcsFunction";

/**
 * @typedef {{ postMessage(message: unknown): void }} Port
 *
 * @typedef {{ kind: "call", id: number, path: string, args: unknown[] }
 *   | { kind: "send", path: string, args: unknown[] }
 *   | { kind: "ok", id: number, value: unknown }
 *   | { kind: "err", id: number, error: ErrorData }
 *   | { kind: "release", id: number }} Message
 *
 * @typedef {{ name?: string, message: string, code?: string, status?: number, contact?: string, contactId?: string }} ErrorData
 *
 * @typedef {object} Endpoint
 * @property {(path: string, args: unknown[]) => Promise<unknown>} call Calls and awaits the answer.
 * @property {(path: string, args: unknown[]) => void} send Calls; no answer comes back.
 * @property {(message: unknown) => void} receive Hands over a message from the other side.
 * @property {(error: Error) => void} fail The other side is gone: every call waiting and every
 *   later call rejects with `error`.
 * @property {() => number} waiting How many calls wait for their answer.
 * @property {() => number} held How many functions this side holds for the other to call.
 */

/**
 * An error as data that crosses `postMessage`, keeping the API's `code`, `status` and `contact`,
 * and a host refusal's `contactId`.
 * @param {unknown} e
 * @returns {ErrorData}
 */
export function errorData(e) {
  if (e && typeof e === "object") {
    const o = /** @type {Record<string, unknown>} */ (e);
    /** @type {ErrorData} */
    const d = { name: typeof o.name === "string" ? o.name : "Error", message: String(o.message ?? e) };
    if (typeof o.code === "string") d.code = o.code;
    if (typeof o.status === "number") d.status = o.status;
    if (typeof o.contact === "string") d.contact = o.contact;
    if (typeof o.contactId === "string") d.contactId = o.contactId;
    return d;
  }
  return { message: String(e) };
}

/**
 * The `Error` an {@link ErrorData} describes.
 * @param {ErrorData} d
 */
export function errorOf(d) {
  const e = new Error(d.message);
  if (d.name && d.name !== "Error") e.name = d.name;
  const o = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (e));
  if (d.code !== undefined) o.code = d.code;
  if (d.status !== undefined) o.status = d.status;
  if (d.contact !== undefined) o.contact = d.contact;
  if (d.contactId !== undefined) o.contactId = d.contactId;
  return e;
}

/**
 * One side of the conversation. `local` holds what the other side may call: nested objects of
 * functions, called with their object as `this`.
 * @param {Port} port
 * @param {object} local
 * @returns {Endpoint}
 */
export function connect(port, local) {
  let next = 1;
  /** @type {Map<number, { resolve: (v: unknown) => void, reject: (e: unknown) => void, taken: number[] }>} */
  const pending = new Map();
  /** @type {Map<number, Function>} */
  const functions = new Map();
  /** @type {Map<Function, number>} */
  const handles = new Map();
  /** How many calls in flight, or stand-ins on the other side, hold each handle. @type {Map<number, number>} */
  const holds = new Map();
  /** @type {Error | null} */
  let gone = null;

  /**
   * A handle for `f`, held once more; its id goes to `taken`.
   * @param {Function} f
   * @param {number[]} taken
   */
  function handle(f, taken) {
    let id = handles.get(f);
    if (id === undefined) {
      id = next++;
      handles.set(f, id);
      functions.set(id, f);
    }
    holds.set(id, (holds.get(id) || 0) + 1);
    taken.push(id);
    return { [FN]: id };
  }

  /** @param {number} id */
  function release(id) {
    const n = (holds.get(id) || 0) - 1;
    if (n > 0) {
      holds.set(id, n);
      return;
    }
    holds.delete(id);
    const f = functions.get(id);
    functions.delete(id);
    if (f) handles.delete(f);
  }

  /**
   * Stand-ins received in a `send` tell the side that holds the function once they are collected.
   * Without `FinalizationRegistry` that side keeps them, as before it existed.
   */
  const collected =
    typeof FinalizationRegistry === "function"
      ? new FinalizationRegistry((/** @type {number} */ id) => {
          if (gone) return;
          try {
            post({ kind: "release", id });
          } catch {
            // The port is closing; the other side's `fail` clears everything.
          }
        })
      : null;

  /** @param {unknown} v @param {number[]} taken */
  function encode(v, taken) {
    if (typeof v === "function") return handle(v, taken);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      /** @type {Record<string, unknown> | null} */
      let out = null;
      for (const [k, x] of Object.entries(v)) {
        if (typeof x === "function") {
          out = out || { ...v };
          out[k] = handle(x, taken);
        }
      }
      return out || v;
    }
    return v;
  }

  /**
   * @param {unknown} v
   * @param {boolean} sent Whether it came in a `send`: then its stand-ins report their collection.
   */
  function decode(v, sent) {
    if (!v || typeof v !== "object") return v;
    const o = /** @type {Record<string, unknown>} */ (v);
    if (typeof o[FN] === "number") {
      const id = o[FN];
      const standIn = (/** @type {unknown[]} */ ...args) => send("#function", [id, ...args]);
      if (sent) collected?.register(standIn, id);
      return standIn;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return v;
    /** @type {Record<string, unknown> | null} */
    let out = null;
    for (const [k, x] of Object.entries(o)) {
      if (x && typeof x === "object" && typeof (/** @type {Record<string, unknown>} */ (x))[FN] === "number") {
        out = out || { ...o };
        out[k] = decode(x, sent);
      }
    }
    return out || v;
  }

  /** @param {Message} m */
  function post(m) {
    port.postMessage(m);
  }

  /** @param {string} path @param {unknown[]} args */
  function send(path, args) {
    if (gone) return;
    /** @type {number[]} */
    const taken = [];
    try {
      post({ kind: "send", path, args: args.map((a) => encode(a, taken)) });
    } catch {
      // An argument that cannot be copied: a notification only, nobody waits for it.
      taken.forEach(release);
    }
  }

  /** @param {string} path @param {unknown[]} args @returns {Promise<unknown>} */
  function call(path, args) {
    if (gone) return Promise.reject(gone);
    const id = next++;
    return new Promise((resolve, reject) => {
      /** @type {number[]} */
      const taken = [];
      pending.set(id, { resolve, reject, taken });
      try {
        post({ kind: "call", id, path, args: args.map((a) => encode(a, taken)) });
      } catch (e) {
        pending.delete(id);
        taken.forEach(release);
        reject(e);
      }
    });
  }

  /**
   * What a path names in `local`, and the object it is called on.
   * @param {string} path
   * @param {unknown[]} args
   * @returns {[Function, unknown, unknown[]]}
   */
  function target(path, args) {
    if (path === "#function") {
      const f = functions.get(/** @type {number} */ (args[0]));
      // Released: the call it came with is over, or the other side let go of it.
      if (!f) return [() => undefined, undefined, []];
      return [f, undefined, args.slice(1)];
    }
    /** @type {any} */
    let self = undefined;
    /** @type {any} */
    let value = local;
    for (const part of path.split(".")) {
      const held = value && (typeof value === "object" || typeof value === "function") && part in value;
      if (!held || part === "__proto__" || part === "constructor" || part === "prototype") {
        throw new Error(`${path} is not offered`);
      }
      self = value;
      value = value[part];
    }
    if (typeof value !== "function") throw new Error(`${path} is not a function`);
    return [value, self, args];
  }

  /** @param {unknown} data */
  async function receive(data) {
    const m = /** @type {Message} */ (data);
    if (!m || typeof m !== "object") return;
    if (m.kind === "release") {
      release(m.id);
      return;
    }
    if (m.kind === "ok" || m.kind === "err") {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      p.taken.forEach(release);
      if (m.kind === "ok") p.resolve(m.value);
      else p.reject(errorOf(m.error));
      return;
    }
    if (m.kind !== "call" && m.kind !== "send") return;
    try {
      const sent = m.kind === "send";
      const [f, self, args] = target(m.path, m.args.map((a) => decode(a, sent)));
      const value = await f.apply(self, args);
      if (m.kind === "call") {
        try {
          post({ kind: "ok", id: m.id, value });
        } catch (e) {
          post({ kind: "err", id: m.id, error: errorData(e) });
        }
      }
    } catch (e) {
      if (m.kind === "call") post({ kind: "err", id: m.id, error: errorData(e) });
    }
  }

  /** @param {Error} error */
  function fail(error) {
    gone = error;
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    functions.clear();
    handles.clear();
    holds.clear();
  }

  return { call, send, receive, fail, waiting: () => pending.size, held: () => functions.size };
}
