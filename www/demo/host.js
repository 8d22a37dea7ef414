// @ts-check
// The demo CRM's implementation of the plugin host contract (docs/hosts.md, `CrmHost`) on
// IndexedDB.
//
// One database ("demo-crm") holds four object stores:
//   contacts  keyPath "id"; ids are "c" + a zero-padded counter, so string order is creation
//             order and `list` pages are stable.
//   changes   the change feed: { seq (auto-increment), contactId, deleted }. Each contact keeps
//             only its latest entry (older ones are dropped when a new one is written), so the
//             log stays as long as the contact table plus its tombstones, and one page of the
//             feed never names a contact twice.
//   storage   per-user, per-plugin key/value strings, keyed [userId, pluginId, key].
//   meta      instanceId, the id counter, the signed-in demo user.
//
// Choices the contract leaves to the host, made here:
// - Writes are atomic per call: `create`, `update` and `remove` validate everything first and
//   write in one transaction, so a rejected call changes nothing.
// - `update` with an `ifModifiedAt` that does not match rejects the whole call with an Error
//   (`code` "CONFLICT", naming the contact and both timestamps); the caller re-reads and retries.
// - `update` fields are a patch: a key that is absent or `undefined` is left alone; `null` or ""
//   clears a text field; an array replaces the whole list. `id` and `modifiedAt` inside fields
//   are ignored; any other unknown key is an error (it is almost always a typo).
// - `modifiedAt` strictly increases per contact (bumped by 1 ms when the clock has not moved),
//   so `ifModifiedAt` always detects a write in between.
// - `changedSince(null)` starts from the beginning of the log (tombstones included); cursors
//   are decimal sequence numbers as strings. A malformed cursor, or one ahead of the log (from a
//   database since deleted), rejects with `code` "INVALID_CURSOR": start again from null.
// - After every write the host dispatches a `democrm:contacts-changed` event on `globalThis`
//   (detail: { ids, deleted }), so open pages can re-render whoever made the change.

import { generateSeedContacts } from "./seed.js";
import { CUSTOM_FIELDS, applyCustom, checkCustom } from "./custom-fields.js";

/**
 * @typedef {import("../types").CrmHost} CrmHost
 * @typedef {import("../types").CrmContact} CrmContact
 * @typedef {import("../types").CrmContactInput} CrmContactInput
 * @typedef {Omit<CrmHost, "contacts"> & { contacts: Required<Omit<CrmHost["contacts"], "restore">>, pluginId: string, forPlugin(id: string): DemoHost, close(): void }} DemoHost
 *   The contract with its change feed, plus the demo's extras: whose storage it reads, the same
 *   host for another plugin, and closing the database. No `restore`: the demo's deletions are
 *   final (it has no trash), so an undo creates the contacts a run deleted.
 * @typedef {{ id: string, name: string, email?: string, locale?: string }} User
 * @typedef {object} DemoHostOptions
 * @property {string} [dbName]
 * @property {IDBFactory} [indexedDB]
 * @property {boolean} [seed]
 * @property {string} [pluginId]
 * @property {Partial<User>} [user]
 * @property {string} [instanceId]
 * @property {() => Date} [now]
 * @property {CrmHost["ui"]} [ui]
 * @property {CrmHost["google"]} [google]
 * @property {CrmHost["fetch"]} [fetch]
 * @property {Record<string, string>} [readOnly] Contacts the signed-in user may not change, by
 *   id, with the reason: read with `editable: false` and `readOnlyReason`, and every update or
 *   removal of them refused (`PERMISSION_DENIED`, naming the contact). None by default.
 * @typedef {Record<string, unknown>} Fields Checked contact fields (see validateInput).
 */

export const DB_NAME = "demo-crm";
const DB_VERSION = 1;
const LIST_PAGE_DEFAULT = 200;
const LIST_PAGE_MAX = 1000;
const FEED_PAGE = 500;

const STATUSES = [
  { value: "New", label: "New" },
  { value: "Lead", label: "Lead" },
  { value: "Prospect", label: "Prospect" },
  { value: "Client", label: "Client" },
  { value: "Past client", label: "Past client" },
  { value: "Sphere", label: "Sphere" },
];

/** @type {{ id: string, name: string, test(c: CrmContact): boolean }[]} */
const VIEWS = [
  { id: "all", name: "All", test: () => true },
  { id: "leads", name: "Leads", test: (c) => c.status === "Lead" },
  { id: "clients", name: "Clients", test: (c) => c.status === "Client" },
  { id: "sphere", name: "Sphere", test: (c) => c.status === "Sphere" },
  { id: "has-birthday", name: "Has birthday", test: (c) => typeof c.birthday === "string" && c.birthday !== "" },
];

const TEXT_FIELDS = ["status", "firstName", "middleName", "lastName", "prefix", "suffix", "birthday", "company", "title", "notes"];
/** @type {Record<string, Record<string, "string" | "boolean">>} */
const LIST_FIELDS = {
  emails: { value: "string", type: "string", primary: "boolean" },
  phones: { value: "string", type: "string", primary: "boolean" },
  addresses: {
    street: "string", extended: "string", city: "string", region: "string",
    postalCode: "string", country: "string", countryCode: "string", type: "string",
  },
};
const IGNORED_FIELDS = new Set(["id", "modifiedAt"]);

const DEFAULT_USER = { id: "u1", name: "Dana Whitfield", email: "dana.whitfield@demo-crm.example" };

/** An Error with a stable `code` (and extra data), like the plugin's own errors. */
export class HostError extends Error {
  /**
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [data] Extra fields, e.g. the contact or field concerned.
   */
  constructor(code, message, data = {}) {
    super(message);
    this.name = "HostError";
    this.code = code;
    Object.assign(this, data);
  }
}

// ---------------------------------------------------------------------------------------------
// IndexedDB plumbing

/**
 * @template T
 * @param {IDBRequest<T>} r
 * @returns {Promise<T>}
 */
function req(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Resolves when the transaction commits.
 * @param {IDBTransaction} tx
 * @returns {Promise<void>}
 */
function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new HostError("ABORTED", "IndexedDB transaction aborted"));
  });
}

/**
 * @param {IDBFactory} idb
 * @param {string} name
 * @returns {Promise<IDBDatabase>}
 */
function openDb(idb, name) {
  return new Promise((resolve, reject) => {
    const r = idb.open(name, DB_VERSION);
    r.onupgradeneeded = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains("contacts")) db.createObjectStore("contacts", { keyPath: "id" });
      if (!db.objectStoreNames.contains("changes")) {
        const changes = db.createObjectStore("changes", { keyPath: "seq", autoIncrement: true });
        changes.createIndex("contactId", "contactId", { unique: false });
      }
      if (!db.objectStoreNames.contains("storage")) {
        db.createObjectStore("storage", { keyPath: ["userId", "pluginId", "key"] });
      }
      if (!db.objectStoreNames.contains("meta")) db.createObjectStore("meta", { keyPath: "key" });
    };
    r.onsuccess = () => {
      const db = r.result;
      // Another tab upgrading the schema must not be blocked by this one.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new HostError("BLOCKED", `IndexedDB "${name}" is blocked by another tab`));
  });
}

/**
 * Drops the entry the feed holds for `contactId` and appends a new one.
 * @param {IDBObjectStore} changes
 * @param {string} contactId
 * @param {boolean} deleted
 */
async function logChange(changes, contactId, deleted) {
  const old = await req(changes.index("contactId").getAllKeys(IDBKeyRange.only(contactId)));
  for (const seq of old) changes.delete(seq);
  changes.add({ contactId, deleted });
}

// ---------------------------------------------------------------------------------------------
// Validation and normalisation of contact input

const BIRTHDAY_RE = /^(?:(\d{4})-|--)(\d{2})-(\d{2})$/;

/** @param {string} value @param {string} where */
function checkBirthday(value, where) {
  const m = BIRTHDAY_RE.exec(value);
  if (!m) {
    throw new HostError("INVALID_INPUT", `${where}: field "birthday" must be "YYYY-MM-DD" or "--MM-DD", got ${JSON.stringify(value)}`, { field: "birthday" });
  }
  const year = m[1] ? Number(m[1]) : 2000; // a leap year, so "--02-29" is accepted
  const month = Number(m[2]);
  const day = Number(m[3]);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > last) {
    throw new HostError("INVALID_INPUT", `${where}: field "birthday" is not a real date: ${JSON.stringify(value)}`, { field: "birthday" });
  }
}

/**
 * A value as an error message names it.
 * @param {unknown} v
 */
function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? JSON.stringify(v) : `${typeof v} ${String(v)}`;
}

/**
 * Checks one `CrmContactInput` (or, with `patch`, one `update` fields object) and returns the
 * cleaned fields: text trimmed of nothing (values are kept verbatim), `null`/"" mapped to
 * `undefined` (= clear), list items copied with only the known keys.
 * @param {unknown} input
 * @param {string} [where] Names the input in error messages.
 * @param {{ patch?: boolean }} [o]
 * @returns {Fields}
 */
export function validateInput(input, where = "contact", { patch = false } = {}) {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new HostError("INVALID_INPUT", `${where}: expected an object, got ${describe(input)}`);
  }
  /** @type {Fields} */
  const out = {};
  for (const [key, value] of Object.entries(input)) {
    if (IGNORED_FIELDS.has(key)) continue;
    if (value === undefined) continue;
    if (key === "custom") {
      out.custom = checkCustom(value, where);
    } else if (TEXT_FIELDS.includes(key)) {
      if (value === null || value === "") {
        out[key] = undefined;
        continue;
      }
      if (typeof value !== "string") {
        throw new HostError("INVALID_INPUT", `${where}: field "${key}" must be a string, got ${describe(value)}`, { field: key });
      }
      if (key === "birthday") checkBirthday(value, where);
      if (key === "status" && !STATUSES.some((s) => s.value === value)) {
        throw new HostError("INVALID_INPUT", `${where}: field "status" must be one of ${STATUSES.map((s) => JSON.stringify(s.value)).join(", ")}, got ${JSON.stringify(value)}`, { field: key });
      }
      out[key] = value;
    } else if (key in LIST_FIELDS) {
      if (value === null) {
        out[key] = [];
        continue;
      }
      if (!Array.isArray(value)) {
        throw new HostError("INVALID_INPUT", `${where}: field "${key}" must be an array, got ${describe(value)}`, { field: key });
      }
      const shape = LIST_FIELDS[key];
      out[key] = value.map((item, i) => {
        const path = `${key}[${i}]`;
        if (item === null || typeof item !== "object" || Array.isArray(item)) {
          throw new HostError("INVALID_INPUT", `${where}: field "${path}" must be an object, got ${describe(item)}`, { field: path });
        }
        /** @type {Record<string, unknown>} */
        const clean = {};
        for (const [k, v] of Object.entries(item)) {
          if (v === undefined || v === null) continue;
          if (!(k in shape)) {
            throw new HostError("INVALID_INPUT", `${where}: field "${path}.${k}" is not a known field`, { field: `${path}.${k}` });
          }
          if (typeof v !== shape[k]) {
            throw new HostError("INVALID_INPUT", `${where}: field "${path}.${k}" must be a ${shape[k]}, got ${describe(v)}`, { field: `${path}.${k}` });
          }
          if (shape[k] === "string" && v === "") continue;
          clean[k] = v;
        }
        if ((key === "emails" || key === "phones") && typeof clean.value !== "string") {
          throw new HostError("INVALID_INPUT", `${where}: field "${path}.value" is required`, { field: `${path}.value` });
        }
        return clean;
      });
    } else if (key === "tags") {
      if (value !== null && (!Array.isArray(value) || value.some((t) => typeof t !== "string"))) {
        throw new HostError("INVALID_INPUT", `${where}: field "tags" must be an array of strings, got ${describe(value)}`, { field: key });
      }
      const tags = /** @type {string[]} */ (value || []).map((t) => t.trim()).filter((t) => t !== "");
      out[key] = [...new Set(tags)].sort();
    } else {
      throw new HostError("INVALID_INPUT", `${where}: field "${key}" is not a contact field`, { field: key });
    }
  }
  if (!patch) {
    for (const key of Object.keys(LIST_FIELDS)) if (!(key in out)) out[key] = [];
  }
  return out;
}

/**
 * Applies cleaned fields to a stored contact (a copy), dropping cleared keys.
 * @param {Partial<CrmContact>} contact
 * @param {Fields} fields Checked by validateInput, so the result is a contact.
 * @returns {CrmContact}
 */
function applyFields(contact, fields) {
  const next = /** @type {CrmContact} */ ({ ...contact });
  for (const [k, v] of Object.entries(fields)) {
    // Custom values change one by one: a write names only those it sets or clears.
    if (k === "custom") {
      const custom = applyCustom(contact.custom, /** @type {Record<string, string | undefined>} */ (v));
      if (custom) next.custom = custom;
      else delete next.custom;
      continue;
    }
    if (v === undefined) Reflect.deleteProperty(next, k);
    else Object.assign(next, { [k]: v });
  }
  return next;
}

/** Full display name of a contact, as the app shows it (and its row checkbox names it). */
/** @param {CrmContactInput} c */
export function fullName(c) {
  const name = [c.firstName, c.middleName, c.lastName].filter((s) => s && s.trim()).join(" ");
  return name || c.company || (c.emails && c.emails[0] && c.emails[0].value) || "(no name)";
}

/**
 * @template T
 * @param {T} c
 * @returns {T}
 */
function copy(c) {
  return structuredClone(c);
}

// ---------------------------------------------------------------------------------------------

/**
 * Opens (creating and seeding if needed) the demo CRM database and returns a `CrmHost`.
 *
 * options:
 *   dbName     database name (default "demo-crm"; tests use their own)
 *   indexedDB  an IDBFactory (default globalThis.indexedDB)
 *   seed       seed ~300 contacts when the contact store is empty (default true)
 *   pluginId   whose storage `storage` reads and writes (default "default"); `forPlugin(id)`
 *              returns the same host scoped to another plugin
 *   user       the signed-in user (default: the one stored in meta, else a demo user)
 *   instanceId override the stored installation id
 *   now        () => Date, the clock (default: the real one)
 *   ui         { notify(message, level, options), progress(p), openSettings() } (default:
 *              dispatch "democrm:notify" / "democrm:progress" / "democrm:open-settings"
 *              CustomEvents on globalThis)
 * @param {DemoHostOptions} [options]
 * @returns {Promise<DemoHost>}
 */
export async function openDemoHost(options = {}) {
  const idb = options.indexedDB || globalThis.indexedDB;
  if (!idb) throw new HostError("UNSUPPORTED", "IndexedDB is not available in this browser");
  const dbName = options.dbName || DB_NAME;
  const now = options.now || (() => new Date());
  const db = await openDb(idb, dbName);

  // Meta: instance id, user, id counter.
  const meta = await (async () => {
    const tx = db.transaction("meta", "readwrite");
    const store = tx.objectStore("meta");
    const instance = await req(store.get("instanceId"));
    const user = await req(store.get("user"));
    let instanceId = instance && instance.value;
    if (!instanceId) {
      instanceId = options.instanceId || `demo-crm-${globalThis.crypto.randomUUID()}`;
      store.put({ key: "instanceId", value: instanceId });
    }
    /** @type {User} */
    let currentUser = user && user.value;
    if (options.user || !currentUser) {
      currentUser = { ...DEFAULT_USER, locale: globalThis.navigator ? navigator.language : "en-US", ...(options.user || {}) };
      store.put({ key: "user", value: currentUser });
    }
    await done(tx);
    return { instanceId: options.instanceId || instanceId, user: currentUser };
  })();

  if (options.seed !== false) {
    const tx = db.transaction(["contacts", "changes", "meta"], "readwrite");
    const contacts = tx.objectStore("contacts");
    const count = await req(contacts.count());
    const seeded = await req(tx.objectStore("meta").get("seeded"));
    if (count === 0 && !seeded) {
      const seed = generateSeedContacts({ now: now() });
      // Oldest first, so the change feed's order matches modification order.
      const byAge = [...seed].sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt));
      for (const c of byAge) {
        contacts.put(c);
        tx.objectStore("changes").add({ contactId: c.id, deleted: false });
      }
      tx.objectStore("meta").put({ key: "nextId", value: seed.length + 1 });
      tx.objectStore("meta").put({ key: "seeded", value: true });
    }
    await done(tx);
  }

  /** @param {string} name @param {unknown} detail */
  const emit = (name, detail) => {
    if (typeof globalThis.dispatchEvent === "function" && typeof CustomEvent === "function") {
      globalThis.dispatchEvent(new CustomEvent(name, { detail }));
    }
  };
  /** @type {CrmHost["ui"]} */
  const ui = options.ui || {
    notify(message, level = "info", o = {}) {
      const action = o && o.action && typeof o.action.run === "function" ? { label: String(o.action.label), run: o.action.run } : undefined;
      const signal = o && o.signal instanceof AbortSignal ? o.signal : undefined;
      emit("democrm:notify", { message: String(message), level, options: { persistent: !!(o && o.persistent), action, signal } });
    },
    progress(p) {
      emit("democrm:progress", p ? { done: Number(p.done), total: Number(p.total), label: String(p.label), cancel: typeof p.cancel === "function" ? p.cancel : undefined } : null);
    },
    openSettings() {
      emit("democrm:open-settings", null);
    },
  };

  const readOnly = new Map(Object.entries(options.readOnly || {}));
  /**
   * A stored contact as the signed-in user reads it: a copy, marked when they may not change it.
   * @param {CrmContact} c
   */
  const out = (c) => {
    const r = copy(c);
    const why = readOnly.get(c.id);
    if (why !== undefined) Object.assign(r, { editable: false, readOnlyReason: why });
    return r;
  };
  /** Refuses a write to a contact the signed-in user may not change. @param {string} id @param {string} op @param {CrmContact} c */
  const mayChange = (id, op, c) => {
    const why = readOnly.get(id);
    if (why !== undefined) {
      throw new HostError("PERMISSION_DENIED", `${op}: you may not change contact ${id} ("${fullName(c)}"): ${why}`, { contactId: id });
    }
  };

  /** @param {string | null} previous */
  function nextModifiedAt(previous) {
    let t = now().getTime();
    if (previous) {
      const prev = Date.parse(previous);
      if (!(t > prev)) t = prev + 1;
    }
    return new Date(t).toISOString();
  }

  /** @param {unknown} ids @param {string} op */
  function checkIds(ids, op) {
    if (!Array.isArray(ids)) throw new HostError("INVALID_INPUT", `${op}: expected an array of ids, got ${describe(ids)}`);
    ids.forEach((id, i) => {
      if (typeof id !== "string") throw new HostError("INVALID_INPUT", `${op}: id [${i}] must be a string, got ${describe(id)}`);
    });
  }

  /** @type {DemoHost["contacts"]} */
  const contacts = {
    async get(ids) {
      checkIds(ids, "contacts.get");
      const tx = db.transaction("contacts", "readonly");
      const store = tx.objectStore("contacts");
      const unique = [...new Set(ids)];
      const found = await Promise.all(unique.map((id) => req(store.get(id))));
      return found.filter(Boolean).map(out);
    },

    async list(q = {}) {
      const viewId = (q && q.viewId) ?? "all";
      const pageToken = (q && q.pageToken) ?? undefined;
      const pageSize = (q && q.pageSize) ?? LIST_PAGE_DEFAULT;
      const view = VIEWS.find((v) => v.id === viewId);
      if (!view) throw new HostError("INVALID_INPUT", `contacts.list: unknown viewId ${JSON.stringify(viewId)}`);
      if (!Number.isInteger(pageSize) || pageSize < 1) {
        throw new HostError("INVALID_INPUT", `contacts.list: pageSize must be a positive integer, got ${describe(pageSize)}`);
      }
      if (pageToken !== undefined && pageToken !== null && typeof pageToken !== "string") {
        throw new HostError("INVALID_INPUT", `contacts.list: pageToken must be a string, got ${describe(pageToken)}`);
      }
      const size = Math.min(pageSize, LIST_PAGE_MAX);
      const tx = db.transaction("contacts", "readonly");
      const range = pageToken ? IDBKeyRange.lowerBound(pageToken, true) : undefined;
      /** @type {CrmContact[]} */
      const items = [];
      let more = false;
      await new Promise((resolve, reject) => {
        const r = tx.objectStore("contacts").openCursor(range);
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const cur = r.result;
          if (!cur) return resolve(undefined);
          if (view.test(cur.value)) {
            if (items.length === size) {
              more = true;
              return resolve(undefined);
            }
            items.push(cur.value);
          }
          cur.continue();
        };
      });
      /** @type {{ items: CrmContact[], nextPageToken?: string }} */
      const page = { items: items.map(out) };
      if (more) page.nextPageToken = items[items.length - 1].id;
      return page;
    },

    async changedSince(cursor) {
      let after = 0;
      if (cursor !== null && cursor !== undefined) {
        if (typeof cursor !== "string" || !/^\d+$/.test(cursor)) {
          throw new HostError("INVALID_CURSOR", `contacts.changedSince: not a cursor from this host: ${describe(cursor)}`);
        }
        after = Number(cursor);
      }
      const tx = db.transaction(["changes", "contacts"], "readonly");
      /** @type {{ seq: number, contactId: string, deleted: boolean }[]} */
      const entries = [];
      let more = false;
      await new Promise((resolve, reject) => {
        const r = tx.objectStore("changes").openCursor(IDBKeyRange.lowerBound(after, true));
        r.onerror = () => reject(r.error);
        r.onsuccess = () => {
          const cur = r.result;
          if (!cur) return resolve(undefined);
          if (entries.length === FEED_PAGE) {
            more = true;
            return resolve(undefined);
          }
          entries.push(cur.value);
          cur.continue();
        };
      });
      let last = after;
      if (entries.length === 0) {
        // Nothing new: hand back the log's end so a caller starting from null moves forward.
        /** @type {number} */
        const end = await new Promise((resolve, reject) => {
          const r = tx.objectStore("changes").openCursor(null, "prev");
          r.onerror = () => reject(r.error);
          r.onsuccess = () => resolve(r.result ? Number(r.result.key) : 0);
        });
        if (after > end) {
          // Only a cursor from an earlier, since-deleted database can be ahead of the log.
          throw new HostError("INVALID_CURSOR", `contacts.changedSince: cursor ${cursor} is ahead of this CRM's change log (was the demo data reset?); start again from null`);
        }
        last = end;
      } else {
        last = entries[entries.length - 1].seq;
      }
      const store = tx.objectStore("contacts");
      /** @type {CrmContact[]} */
      const items = [];
      /** @type {string[]} */
      const deletedIds = [];
      for (const e of entries) {
        if (e.deleted) {
          deletedIds.push(e.contactId);
        } else {
          const c = await req(store.get(e.contactId));
          if (c) items.push(out(c));
          else deletedIds.push(e.contactId);
        }
      }
      return { items, deletedIds, cursor: String(last), more };
    },

    async create(inputs) {
      if (!Array.isArray(inputs)) throw new HostError("INVALID_INPUT", `contacts.create: expected an array, got ${describe(inputs)}`);
      const cleaned = inputs.map((input, i) => validateInput(input, `contacts.create: item ${i}`));
      const tx = db.transaction(["contacts", "changes", "meta"], "readwrite");
      const metaStore = tx.objectStore("meta");
      const store = tx.objectStore("contacts");
      const changes = tx.objectStore("changes");
      const counter = await req(metaStore.get("nextId"));
      let next = counter ? counter.value : 1;
      /** @type {CrmContact[]} */
      const created = [];
      for (const fields of cleaned) {
        const id = `c${String(next++).padStart(6, "0")}`;
        const contact = applyFields({ id, modifiedAt: nextModifiedAt(null) }, fields);
        store.add(contact);
        await logChange(changes, id, false);
        created.push(contact);
      }
      metaStore.put({ key: "nextId", value: next });
      await done(tx);
      if (created.length) emit("democrm:contacts-changed", { ids: created.map((c) => c.id), deleted: false });
      return created.map(copy);
    },

    async update(items) {
      if (!Array.isArray(items)) throw new HostError("INVALID_INPUT", `contacts.update: expected an array, got ${describe(items)}`);
      const patches = items.map((item, i) => {
        const where = `contacts.update: item ${i}`;
        if (item === null || typeof item !== "object") throw new HostError("INVALID_INPUT", `${where}: expected { id, fields, ifModifiedAt? }, got ${describe(item)}`);
        if (typeof item.id !== "string") throw new HostError("INVALID_INPUT", `${where}: field "id" must be a string, got ${describe(item.id)}`, { field: "id" });
        if (item.ifModifiedAt !== undefined && typeof item.ifModifiedAt !== "string") {
          throw new HostError("INVALID_INPUT", `${where}: field "ifModifiedAt" must be a string, got ${describe(item.ifModifiedAt)}`, { field: "ifModifiedAt" });
        }
        return { id: item.id, ifModifiedAt: item.ifModifiedAt, fields: validateInput(item.fields, `${where} (contact ${item.id})`, { patch: true }) };
      });
      const tx = db.transaction(["contacts", "changes"], "readwrite");
      const store = tx.objectStore("contacts");
      const changes = tx.objectStore("changes");
      /** @type {Map<string, CrmContact>} */
      const updated = new Map();
      try {
        for (const p of patches) {
          const current = updated.get(p.id) || (await req(store.get(p.id)));
          if (!current) throw new HostError("NOT_FOUND", `contacts.update: no contact with id ${JSON.stringify(p.id)}`, { contactId: p.id });
          mayChange(p.id, "contacts.update", current);
          if (p.ifModifiedAt !== undefined && p.ifModifiedAt !== current.modifiedAt) {
            throw new HostError(
              "CONFLICT",
              `contacts.update: contact ${p.id} ("${fullName(current)}") was modified at ${current.modifiedAt}, not ${p.ifModifiedAt}; nothing was written`,
              { contactId: p.id, modifiedAt: current.modifiedAt, ifModifiedAt: p.ifModifiedAt },
            );
          }
          const next = applyFields(current, p.fields);
          next.id = current.id;
          next.modifiedAt = nextModifiedAt(current.modifiedAt);
          updated.set(p.id, next);
        }
      } catch (e) {
        tx.abort();
        await done(tx).catch(() => {});
        throw e;
      }
      for (const c of updated.values()) {
        store.put(c);
        await logChange(changes, c.id, false);
      }
      await done(tx);
      if (updated.size) emit("democrm:contacts-changed", { ids: [...updated.keys()], deleted: false });
      // One result per item, in order (an id named twice gets its final state twice).
      return patches.map((p) => copy(/** @type {CrmContact} */ (updated.get(p.id))));
    },

    /** Sets or removes contacts' photos: each a `data:` URL of a JPEG or PNG, or `null`. */
    async setPhotos(items) {
      if (!Array.isArray(items)) throw new HostError("INVALID_INPUT", `contacts.setPhotos: expected an array, got ${describe(items)}`);
      for (const [i, item] of items.entries()) {
        const photo = item && item.photo;
        if (!item || typeof item.id !== "string" || !(photo === null || (typeof photo === "string" && /^data:image\/(jpeg|png);base64,/.test(photo)))) {
          throw new HostError("INVALID_INPUT", `contacts.setPhotos: item ${i}: expected { id, photo: a JPEG or PNG data: URL or null }`);
        }
      }
      const tx = db.transaction(["contacts", "changes"], "readwrite");
      const store = tx.objectStore("contacts");
      const changes = tx.objectStore("changes");
      /** @type {string[]} */
      const ids = [];
      try {
        for (const { id, photo } of items) {
          const current = await req(store.get(id));
          if (!current) throw new HostError("NOT_FOUND", `contacts.setPhotos: no contact with id ${JSON.stringify(id)}`, { contactId: id });
          mayChange(id, "contacts.setPhotos", current);
          const next = { ...current, modifiedAt: nextModifiedAt(current.modifiedAt) };
          if (photo) next.photo = photo;
          else delete next.photo;
          store.put(next);
          await logChange(changes, id, false);
          ids.push(id);
        }
      } catch (e) {
        tx.abort();
        await done(tx).catch(() => {});
        throw e;
      }
      await done(tx);
      if (ids.length) emit("democrm:contacts-changed", { ids, deleted: false });
    },

    /** The contact's page in this CRM: the preview links to it. @param {string} id */
    url(id) {
      return `#/contact/${encodeURIComponent(id)}`;
    },

    async remove(ids) {
      checkIds(ids, "contacts.remove");
      const tx = db.transaction(["contacts", "changes"], "readwrite");
      const store = tx.objectStore("contacts");
      const changes = tx.objectStore("changes");
      /** @type {string[]} */
      const removed = [];
      for (const id of new Set(ids)) {
        const current = await req(store.get(id));
        if (current === undefined) continue; // unknown ids are ignored, as `get` omits them
        try {
          mayChange(id, "contacts.remove", current);
        } catch (e) {
          tx.abort();
          await done(tx).catch(() => {});
          throw e;
        }
        store.delete(id);
        await logChange(changes, id, true);
        removed.push(id);
      }
      await done(tx);
      if (removed.length) emit("democrm:contacts-changed", { ids: removed, deleted: true });
    },
  };

  /**
   * The host as one plugin sees it (its own storage).
   * @param {string} pluginId
   * @returns {DemoHost}
   */
  function makeHost(pluginId) {
    if (typeof pluginId !== "string" || !pluginId) throw new HostError("INVALID_INPUT", "pluginId must be a non-empty string");
    /** @param {unknown} k @returns {[string, string, string]} */
    const key = (k) => {
      if (typeof k !== "string") throw new HostError("INVALID_INPUT", `storage: key must be a string, got ${describe(k)}`);
      return [meta.user.id, pluginId, k];
    };
    /** @type {CrmHost["storage"]} */
    const storage = {
      async get(k) {
        const tx = db.transaction("storage", "readonly");
        const row = await req(tx.objectStore("storage").get(key(k)));
        return row ? row.value : null;
      },
      async set(k, v) {
        if (typeof v !== "string") throw new HostError("INVALID_INPUT", `storage.set: value for ${JSON.stringify(k)} must be a string, got ${describe(v)}`);
        const [userId, pid, kk] = key(k);
        const tx = db.transaction("storage", "readwrite");
        tx.objectStore("storage").put({ userId, pluginId: pid, key: kk, value: v });
        await done(tx);
      },
      async remove(k) {
        const tx = db.transaction("storage", "readwrite");
        tx.objectStore("storage").delete(key(k));
        await done(tx);
      },
      // One readwrite transaction reads and writes: IndexedDB runs the transactions over one
      // store one after another, so no other write lands between the comparison and the put.
      async compareAndSet(k, expected, v) {
        if (typeof v !== "string") throw new HostError("INVALID_INPUT", `storage.compareAndSet: value for ${JSON.stringify(k)} must be a string, got ${describe(v)}`);
        if (expected !== null && typeof expected !== "string") {
          throw new HostError("INVALID_INPUT", `storage.compareAndSet: expected value for ${JSON.stringify(k)} must be a string or null, got ${describe(expected)}`);
        }
        const [userId, pid, kk] = key(k);
        const tx = db.transaction("storage", "readwrite");
        const store = tx.objectStore("storage");
        const row = await req(store.get([userId, pid, kk]));
        const same = (row ? row.value : null) === expected;
        if (same) store.put({ userId, pluginId: pid, key: kk, value: v });
        await done(tx);
        return same;
      },
    };
    /** @type {DemoHost} */
    const host = {
      apiVersion: 1,
      instanceId: meta.instanceId,
      // The demo stores every field, a photo, tags and any number of emails, phones and addresses, and
      // IndexedDB takes large values (the plugin writes none longer than this).
      capabilities: {
        storageMaxValueBytes: 16 * 1024 * 1024,
        photo: true,
        tags: true,
        customFields: CUSTOM_FIELDS.map((f) => structuredClone(f)),
        fields: ["status", "prefix", "firstName", "middleName", "lastName", "suffix", "emails", "phones", "addresses", "birthday", "company", "title", "notes", "tags"],
      },
      async currentUser() {
        return { ...meta.user };
      },
      contacts,
      async views() {
        return VIEWS.map(({ id, name }) => ({ id, name }));
      },
      async statuses() {
        return STATUSES.map((s) => ({ ...s }));
      },
      storage,
      ui,
      // Demo-only extras, outside the contract.
      pluginId,
      forPlugin: (id) => makeHost(id),
      close: () => db.close(),
    };
    if (options.google) host.google = options.google;
    if (options.fetch) host.fetch = options.fetch;
    return host;
  }

  return makeHost(options.pluginId || "default");
}
