// @ts-check
// Following runs, in this tab and in the CRM's other tabs, so the settings panel can show a run
// it did not start: its progress (counts, phase, retry notice) while it goes, and its end.
//
// - Every run reports its progress through the host's `ui.progress`, with its `accountId`. The
//   loader hands the plugin a host whose `ui.progress` also feeds this tab's follower
//   (`followHost`); the follower passes each report on to its subscribers and, over a
//   `BroadcastChannel` per plugin installation, to the followers of the CRM's other tabs.
// - The end of a run is the release of its account's lock (lock.rs), not a message: a run that
//   ends well, fails or whose tab dies frees its Web Lock, which a waiting shared request here
//   then gets. So no tab keeps showing "running" for a tab that closed mid-run. Without Web
//   Locks (an insecure context) the lock is a lease in the host's storage: its release is
//   announced on the lease's channel, and a lease left by a dead tab lapses, which is looked for
//   every few seconds.
// - A follower that starts while another tab runs asks the other tabs for their runs, and takes
//   any account lock held at that moment as a run whose progress is not known yet.
//
// The panel subscribes to the follower of its host; a Cancel of another tab's run is posted on
// the channel and carried out by the tab that runs it.

/**
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").Progress} Progress
 * @typedef {import("../types").GoogleContactsSync} GoogleContactsSync
 *
 * @typedef {object} FollowedRun
 * @property {string} accountId
 * @property {Progress | null} progress The latest progress; null until the run reports one.
 * @property {boolean} here The run is this tab's.
 * @property {number} since When this tab first heard of it (ms since the epoch).
 *
 * @typedef {{ kind: "progress", run: FollowedRun } | { kind: "end", run: FollowedRun }} FollowEvent
 *
 * @typedef {object} Follower
 * @property {(id: string) => FollowedRun | null} running The account's run, if one goes.
 * @property {() => FollowedRun[]} all Every run under way.
 * @property {(fn: (e: FollowEvent) => void) => () => void} subscribe Returns the unsubscribe.
 * @property {(p: unknown) => void} report A progress of this tab's run (`ui.progress`'s argument).
 * @property {(id: string) => void} cancel Asks the account's run to stop, wherever it runs.
 * @property {(api: GoogleContactsSync) => void} setApi The API that carries out cancels asked
 *   by other tabs.
 */

/** The account lock's name (lock.rs). */
const LOCK_PREFIX = "gcontacts-sync:";
/** How often a lease is looked at, without Web Locks, for a tab that died holding it. */
const LEASE_POLL_MS = 5000;

/** @type {WeakMap<object, Follower>} */
const followers = new WeakMap();

/**
 * The follower of `host`'s runs (one per host object, made on first use).
 * @param {CrmHost} host
 * @returns {Follower}
 */
export function followerFor(host) {
  let f = followers.get(host);
  if (!f) {
    f = createFollower(host);
    followers.set(host, f);
  }
  return f;
}

/**
 * `host` as the plugin should see it: the same host, whose `ui.progress` also tells this tab's
 * follower. Every other member is `host`'s own, its methods called on `host` itself (so a host
 * built as a class with private fields works the same).
 * @param {CrmHost} host
 * @returns {CrmHost}
 */
export function followHost(host) {
  const follower = followerFor(host);
  const ui = withOverrides(host.ui, {
    /** @param {Parameters<CrmHost["ui"]["progress"]>[0]} p */
    progress: (p) => {
      follower.report(p);
      return host.ui.progress(p);
    },
  });
  const wrapped = withOverrides(host, { ui });
  followers.set(wrapped, follower);
  return wrapped;
}

/**
 * `target` with some members replaced; its own methods stay bound to it.
 * @template {object} T
 * @param {T} target
 * @param {Record<string, unknown>} overrides
 * @returns {T}
 */
function withOverrides(target, overrides) {
  return new Proxy(target, {
    get(t, key) {
      if (typeof key === "string" && Object.prototype.hasOwnProperty.call(overrides, key)) return overrides[key];
      const v = Reflect.get(t, key, t);
      return typeof v === "function" ? v.bind(t) : v;
    },
    has(t, key) {
      return (typeof key === "string" && Object.prototype.hasOwnProperty.call(overrides, key)) || Reflect.has(t, key);
    },
  });
}

/**
 * A progress value as it can travel between tabs (no functions).
 * @param {unknown} p
 * @returns {Progress | null}
 */
function plainProgress(p) {
  if (!p || typeof p !== "object") return null;
  const o = /** @type {Record<string, unknown>} */ (p);
  /** @type {Progress} */
  const out = { done: Number(o.done) || 0, total: Number(o.total) || 0, phase: typeof o.phase === "string" ? o.phase : String(o.label || "") };
  if (o.retrying && typeof o.retrying === "object") out.retrying = /** @type {Progress["retrying"]} */ (JSON.parse(JSON.stringify(o.retrying)));
  if (o.preview === true) out.preview = true;
  return out;
}

/**
 * @param {CrmHost} host
 * @returns {Follower}
 */
function createFollower(host) {
  /** @type {Map<string, FollowedRun>} */
  const runs = new Map();
  /** @type {Set<(e: FollowEvent) => void>} */
  const listeners = new Set();
  /** @type {GoogleContactsSync | null} */
  let api = null;
  const locks = typeof navigator !== "undefined" && navigator.locks && typeof navigator.locks.request === "function" ? navigator.locks : null;

  /** @param {FollowEvent} e */
  const emit = (e) => {
    for (const fn of [...listeners]) {
      try {
        fn(e);
      } catch {
        // One subscriber's failure does not keep the others from hearing.
      }
    }
  };

  /** @type {BroadcastChannel | null} */
  let channel = null;
  if (typeof BroadcastChannel === "function") {
    try {
      channel = new BroadcastChannel(`gcontacts-sync-follow:${host.instanceId}`);
    } catch {
      channel = null;
    }
  }
  /** @param {Record<string, unknown>} m */
  const post = (m) => {
    try {
      channel?.postMessage(m);
    } catch {
      // A closed channel: other tabs find the run by its lock when they look.
    }
  };

  /**
   * Resolves once the account's lock is free: the run ended, or its tab died.
   * @param {string} id
   * @returns {Promise<void>}
   */
  async function lockFreed(id) {
    if (locks) {
      try {
        // Shared and released at once: it waits behind the run's exclusive hold only.
        await locks.request(LOCK_PREFIX + id, { mode: "shared" }, () => undefined);
        return;
      } catch {
        // Web Locks refused here (a sandbox): the run holds a lease instead.
      }
    }
    await leaseFreed(id);
  }

  /**
   * Without Web Locks: resolves when the lease's holder announces its release, or when the lease
   * is gone or lapsed in storage.
   * @param {string} id
   */
  async function leaseFreed(id) {
    /** @type {BroadcastChannel | null} */
    let ch = null;
    let released = false;
    /** @type {() => void} */
    let wake = () => {};
    try {
      ch = new BroadcastChannel(`gcontacts-sync-lease:${id}`);
      ch.onmessage = (ev) => {
        if (ev.data && ev.data.kind === "release") {
          released = true;
          wake();
        }
      };
    } catch {
      ch = null;
    }
    try {
      while (!released && (await leaseHeld(id))) {
        await new Promise((r) => {
          wake = () => r(undefined);
          setTimeout(r, LEASE_POLL_MS);
        });
      }
    } finally {
      ch?.close();
    }
  }

  /** @param {string} id */
  async function leaseHeld(id) {
    try {
      const text = await host.storage.get(`gcs:${id}:lease`);
      if (!text) return false;
      const v = JSON.parse(text);
      const lease = v && typeof v === "object" && "value" in v ? v.value : v;
      return !!lease && Number(lease.expiresAt) > Date.now();
    } catch {
      return false;
    }
  }

  /**
   * Records a run's progress; the first report of a run starts waiting for its end.
   * @param {string} id
   * @param {Progress | null} progress
   * @param {boolean} here
   */
  function update(id, progress, here) {
    const known = runs.get(id);
    if (known && !here && known.here) return; // this tab's own run, echoed by no one
    const run = { accountId: id, progress: progress || (known ? known.progress : null), here, since: known ? known.since : Date.now() };
    runs.set(id, run);
    emit({ kind: "progress", run });
    if (known) return;
    lockFreed(id).then(() => {
      const last = runs.get(id);
      if (!last || last.since !== run.since) return;
      runs.delete(id);
      emit({ kind: "end", run: last });
    });
  }

  if (channel) {
    channel.onmessage = (ev) => {
      const m = ev.data;
      if (!m || typeof m !== "object" || typeof m.kind !== "string") return;
      const id = typeof m.accountId === "string" ? m.accountId : "";
      if (m.kind === "progress" && id) update(id, plainProgress(m.progress), false);
      else if (m.kind === "ask") {
        for (const r of runs.values()) if (r.here) post({ kind: "progress", accountId: r.accountId, progress: r.progress });
      } else if (m.kind === "cancel" && id && runs.get(id)?.here && api) api.cancel(id);
    };
    post({ kind: "ask" });
  }
  // Runs already under way when this tab started: their locks are held now.
  if (locks && typeof locks.query === "function") {
    locks.query().then((snapshot) => {
      for (const l of snapshot.held || []) {
        const name = l.name || "";
        if (name.startsWith(LOCK_PREFIX) && !runs.has(name.slice(LOCK_PREFIX.length))) update(name.slice(LOCK_PREFIX.length), null, false);
      }
    }, () => {});
  }

  return {
    running: (id) => runs.get(id) || null,
    all: () => [...runs.values()],
    subscribe(fn) {
      listeners.add(fn);
      return () => {
        listeners.delete(fn);
      };
    },
    report(p) {
      if (!p || typeof p !== "object") return;
      const id = /** @type {{ accountId?: unknown }} */ (p).accountId;
      if (typeof id !== "string" || !id) return;
      const progress = plainProgress(p);
      update(id, progress, true);
      post({ kind: "progress", accountId: id, progress });
    },
    cancel(id) {
      const r = runs.get(id);
      if (r && r.here && api) api.cancel(id);
      else post({ kind: "cancel", accountId: id });
    },
    setApi(a) {
      api = a;
    },
  };
}
