// An in-memory CRM host for the browser tests, implementing the host contract, with a
// `google.getToken` that returns a token minted by the emulator's admin API.

export async function admin(base, method, path, body) {
  const r = await fetch(base + "/__admin/" + path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return r.json();
}

export async function revoke(base, token) {
  await fetch(base + "/revoke", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "token=" + encodeURIComponent(token),
  });
}

// Faults a test sets on a host (`host.faults`): each storage call consults them.
//   failSet(key, n): true makes the n-th `set` (counting from 0 since the faults were set) throw.
//   dieAfterSets: after this many more `set`s the tab "dies": every later `set` never settles and
//     never lands, and `host.died` resolves.
//   getValue(key): a value other than undefined is what `get` answers for that key.
//   hangList: `contacts.list` never answers.
//   stealAfter, leaseKey: after that `set`, another tab's lease replaces this tab's.
//   holdGet(key): a promise (or null) that a `get` of that key waits for before answering.
export function setFaults(host, faults) {
  host.faults = faults || {};
  host.sets = 0;
  host.died = new Promise((resolve) => (host.onDeath = resolve));
}

export const clearFaults = (host) => setFaults(host, {});
export const failSetAt = (host, n) => setFaults(host, { failSet: (_k, i) => i === n });
export const dieAfterSets = (host, n) => setFaults(host, { dieAfterSets: n });
export const answerGet = (host, suffix, value) => setFaults(host, { getValue: (k) => (k.endsWith(suffix) ? value : undefined) });
export const hangList = (host) => setFaults(host, { hangList: true });
export const stealLeaseAfterSets = (host, n, key) => setFaults(host, { stealAfter: n, leaseKey: key });
export const setsMade = (host) => host.sets;

/** Holds every `get` of a key ending in `suffix` until `releaseGets(host)`; `host.held` resolves
 *  once one waits (a storage, or a CRM server behind it, that answers slowly). */
export function holdGets(host, suffix) {
  let release;
  const gate = new Promise((resolve) => (release = resolve));
  setFaults(host, { holdGet: (k) => (k.endsWith(suffix) ? gate : null) });
  host.releaseGets = release;
  host.held = new Promise((resolve) => (host.onHeld = resolve));
}

export const heldGet = (host) => host.held;
export const releaseGets = (host) => host.releaseGets();

/** The names of the Web Locks held in this page (none where `navigator.locks` is taken away). */
export async function heldLocks() {
  if (!navigator.locks) return [];
  return ((await navigator.locks.query()).held || []).map((l) => l.name);
}
export const died = (host) => host.died;

/** Edits a CRM contact as a user would (its modifiedAt moves on). */
export function editCrm(host, id, fields) {
  host.crm.set(id, { ...host.crm.get(id), ...fields, modifiedAt: new Date(Date.now() + 1000).toISOString() });
}

export function addCrm(host, contact) {
  host.crm.set(contact.id, contact);
}

export function crmContacts(host) {
  return [...host.crm.values()];
}

/** Replaces a stored value, as a torn write or another program would leave it. */
export function corrupt(host, key, text) {
  host.store.set(key, text);
}

/** Removes a stored value. */
export function forget(host, key) {
  host.store.delete(key);
}

/** The stored keys, sorted. */
export function storedKeys(host) {
  return [...host.store.keys()].sort();
}

/** Takes `navigator.locks` away (a page over plain HTTP, a sandboxed frame) until restored. */
export function hideWebLocks() {
  Object.defineProperty(navigator, "locks", { value: undefined, configurable: true });
}

/** A `navigator.locks` whose every request rejects, as some sandboxes answer. */
export function rejectWebLocks() {
  const locks = { request: () => Promise.reject(new DOMException("The request is not allowed", "SecurityError")) };
  Object.defineProperty(navigator, "locks", { value: locks, configurable: true });
}

/** A `navigator.locks` that grants every request at once, as each device's browser grants its
 *  own tabs' locks: two plugins of this page then stand for two devices, which no Web Lock
 *  excludes. */
export function separateWebLocks() {
  const locks = { request: (name, options, callback) => Promise.resolve(callback({ name, mode: "exclusive" })) };
  Object.defineProperty(navigator, "locks", { value: locks, configurable: true });
}

/** Takes `BroadcastChannel` away (devices share no channel) until restored. */
export function hideChannels() {
  globalThis.BroadcastChannel = undefined;
}

export function restoreChannels() {
  globalThis.BroadcastChannel = RealChannel;
}

// The BroadcastChannels a plugin opens under one name, so a test can close them as a closed tab
// would: a tab that "dies" in a test is still alive in the page and would otherwise go on
// answering other tabs' claims.
const RealChannel = globalThis.BroadcastChannel;
let tracked = null;

export function trackChannels(name) {
  tracked = [];
  globalThis.BroadcastChannel = class extends RealChannel {
    constructor(n) {
      super(n);
      if (n === name && tracked) tracked.push(this);
    }
  };
}

export function closeTrackedChannels() {
  for (const c of tracked || []) c.close();
  tracked = null;
  globalThis.BroadcastChannel = RealChannel;
}

export function restoreWebLocks() {
  delete navigator.locks;
}

/** A People API request made with the host's token (to edit the Google side in tests). */
export async function google(base, token, method, path, body) {
  const r = await fetch(base + "/v1/" + path, {
    method,
    headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  return r.json();
}

/** Sleeps; only for making a proxy answer late, never to wait for a state. */
const later = (ms) => new Promise((r) => setTimeout(r, ms));

export function makeHost(base, email, contacts, options = {}) {
  const shared = options.shareWith;
  const crm = shared ? shared.crm : options.copyOf ? options.copyOf.crm : new Map(contacts.map((c) => [c.id, c]));
  // Another tab of the same CRM (`shareWith`) sees the same storage; a new tab after one died
  // (`copyOf`) sees what had landed, without the dead tab's lease (it lapsed).
  const store = shared
    ? shared.store
    : options.copyOf
      ? new Map([...options.copyOf.store].filter(([k]) => !k.endsWith(":lease")))
      : new Map();
  let next = shared || options.copyOf ? 1000 + Math.floor(Math.random() * 1e6) : 1;
  const host = {
    apiVersion: 1,
    instanceId: "web-test-crm",
    token: null,
    progress: 0,
    notes: [],
    async currentUser() {
      return { id: "u1", name: "Tester", locale: "en-GB" };
    },
    contacts: {
      async get(ids) {
        return ids.filter((id) => crm.has(id)).map((id) => crm.get(id));
      },
      async list(q) {
        if (host.faults.hangList) return new Promise(() => {});
        const all = [...crm.values()];
        const start = q.pageToken ? Number(q.pageToken) : 0;
        const size = q.pageSize || 100;
        const items = all.slice(start, start + size);
        return { items, nextPageToken: start + size < all.length ? String(start + size) : undefined };
      },
      async create(items) {
        return items.map((f) => {
          const c = { emails: [], phones: [], addresses: [], ...f, id: "new" + next++, modifiedAt: new Date().toISOString() };
          crm.set(c.id, c);
          return c;
        });
      },
      async update(items) {
        return items.map(({ id, fields }) => {
          const c = { ...crm.get(id), ...fields, modifiedAt: new Date().toISOString() };
          crm.set(id, c);
          return c;
        });
      },
      async remove(ids) {
        for (const id of ids) crm.delete(id);
      },
    },
    async views() {
      return [];
    },
    async statuses() {
      return [];
    },
    storage: {
      async get(k) {
        const hold = host.faults.holdGet ? host.faults.holdGet(k) : null;
        if (hold) {
          host.onHeld();
          await hold;
        }
        const forced = host.faults.getValue ? host.faults.getValue(k) : undefined;
        if (forced !== undefined) return forced;
        return store.has(k) ? store.get(k) : null;
      },
      async set(k, v) {
        const n = host.sets++;
        if (host.faults.dieAfterSets !== undefined && n >= host.faults.dieAfterSets) {
          host.onDeath();
          return new Promise(() => {});
        }
        if (host.faults.failSet && host.faults.failSet(k, n)) throw new Error(`quota exceeded writing ${k}`);
        store.set(k, String(v));
        if (n === host.faults.stealAfter) {
          // Another tab takes the lease over, as after this one was frozen past its expiry.
          store.set(host.faults.leaseKey, JSON.stringify({ version: 1, value: { owner: "another-tab", expiresAt: Date.now() + 120000 } }));
        }
      },
      async remove(k) {
        store.delete(k);
      },
    },
    google: {
      async getToken(scopes, o) {
        host.tokenAsks.push((o && o.loginHint) || null);
        if (!host.token) host.token = (await admin(base, "POST", "tokens", { email })).access_token;
        // The account the token is for, as the contract asks; `tokenEmail` makes the host name
        // another (a string) or none (null), as a broken host would.
        const named = host.tokenEmail === undefined ? email : host.tokenEmail;
        return { accessToken: host.token, expiresAt: Date.now() + 3599000, ...(named === null ? {} : { email: named }) };
      },
      forget(accountId) {
        host.forgotten.push(accountId);
      },
    },
    // The accounts `getToken` was asked for (null: none named), and those `forget` was told of.
    tokenAsks: [],
    forgotten: [],
    ui: {
      notify(message, level) {
        host.notes.push(level + ": " + message);
      },
      progress(p) {
        if (p) host.progress++;
        // What a host follows a run by: its account, phase and label.
        if (p) host.lastProgress = { accountId: p.accountId, phase: p.phase, label: p.label };
      },
    },
    crm,
    store,
  };
  setFaults(host, {});
  if (options.noApiVersion) delete host.apiVersion;
  // Storage kept on the CRM's server, shared by the user's devices (`shareWith` another host
  // for the second device), with or without its compare-and-set.
  if (options.sharedStorage) host.capabilities = { sharedStorage: true };
  if (options.compareAndSet) {
    host.casCalls = 0;
    host.storage.compareAndSet = async (k, expected, v) => {
      host.casCalls++;
      const current = store.has(k) ? store.get(k) : null;
      if (current !== expected) return false;
      store.set(k, String(v));
      return true;
    };
  }
  if (options.bigAnswers !== undefined) {
    // A proxy fetch that answers the next `bigAnswers` listings with a valid body over 32 MB
    // holding no contacts: read, it would look like an empty Google account.
    host.bigLeft = options.bigAnswers;
    host.fetch = async (req) => {
      if (host.bigLeft > 0 && req.url.includes("/people/me/connections")) {
        host.bigLeft--;
        const pad = "x".repeat(33 * 1024 * 1024);
        return new Response(`{"connections":[],"totalItems":0,"pad":"${pad}"}`, { status: 200 });
      }
      return fetch(req);
    };
  }
  if (options.slowFetches) {
    // A proxy fetch that answers the next `slowFetches` listings `slowFetchMs` late,
    // ignoring the abort signal as some proxies do.
    host.slowLeft = options.slowFetches;
    host.fetch = async (req) => {
      if (host.slowLeft > 0 && req.url.includes("/people/me/connections")) {
        host.slowLeft--;
        await later(options.slowFetchMs);
      }
      return fetch(req);
    };
  }
  return host;
}

/** Posts a sign-in answer to this window from this window (not the plugin's popup), with a state
 *  no request of the plugin's has; resolves once it has been delivered. */
export function postForeignAnswer() {
  return new Promise((resolve) => {
    addEventListener("message", () => resolve(), { once: true });
    postMessage("#access_token=forged&expires_in=3599&state=0000000000000000", location.origin);
  });
}

/** Closes the window of this name, as a user closing the sign-in popup. */
export function closeWindow(name) {
  const w = open("", name);
  if (w) w.close();
}
