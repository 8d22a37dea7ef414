// @ts-check
// In-browser checks of the demo host (host.js) and the seed data (seed.js). Writes
// "PASS <n>" (or "FAIL <k> of <n>" and the failures) into #summary; the end-to-end suite opens
// this page and reads it. Uses its own scratch databases, never the demo's "demo-crm".

import { openDemoHost, validateInput, fullName } from "./host.js";
import { generateSeedContacts, overlapForGoogle, SEED_COUNT } from "./seed.js";
import { createRegistry } from "./registry.js";

/**
 * @typedef {import("./host.js").DemoHost} DemoHost
 * @typedef {import("../types").CrmContact} CrmContact
 */

const DB = "demo-crm-selftest";
const SEED_DB = "demo-crm-selftest-seed";
/** @type {string[]} */
const results = [];

/** @param {unknown} cond @param {string} message */
function assert(cond, message) {
  if (!cond) throw new Error(message);
}
/** @param {unknown} a @param {unknown} b @param {string} message */
function eq(a, b, message) {
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  if (ja !== jb) throw new Error(`${message}: expected ${jb}, got ${ja}`);
}
/**
 * Resolves to the error `promise` rejects with, after checking it is an Error matching `pattern`.
 * @param {Promise<unknown>} promise
 * @param {RegExp | null} pattern
 * @param {string} message
 * @returns {Promise<Error & { code?: string, [k: string]: unknown }>} (HostErrors carry `code` and data)
 */
async function rejects(promise, pattern, message) {
  try {
    await promise;
  } catch (e) {
    if (!(e instanceof Error)) throw new Error(`${message}: rejected with a non-Error ${String(e)}`);
    if (pattern && !pattern.test(e.message)) throw new Error(`${message}: error "${e.message}" does not match ${pattern}`);
    return /** @type {Error & { code?: string, [k: string]: unknown }} */ (e);
  }
  throw new Error(`${message}: did not reject`);
}
/** @param {string} name @returns {Promise<void>} */
function deleteDb(name) {
  return new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
    r.onblocked = () => resolve();
  });
}
/**
 * @param {DemoHost} host
 * @param {string | undefined} viewId
 * @param {number} [pageSize]
 */
async function allPages(host, viewId, pageSize) {
  /** @type {CrmContact[]} */
  const items = [];
  /** @type {string | undefined} */
  let pageToken;
  let pages = 0;
  do {
    const page = await host.contacts.list({ viewId, pageToken, pageSize });
    items.push(...page.items);
    pageToken = page.nextPageToken;
    pages++;
    assert(pages < 100, "list paging does not terminate");
  } while (pageToken);
  return { items, pages };
}
/**
 * @param {DemoHost} host
 * @param {string | null} cursor
 */
async function drainFeed(host, cursor) {
  /** @type {CrmContact[]} */
  const items = [];
  /** @type {string[]} */
  const deletedIds = [];
  let pages = 0;
  for (;;) {
    const r = await host.contacts.changedSince(cursor);
    items.push(...r.items);
    deletedIds.push(...r.deletedIds);
    assert(typeof r.cursor === "string", "changedSince cursor is a string");
    assert(r.items.length + r.deletedIds.length <= 500, "a feed page holds at most 500 changes");
    cursor = r.cursor;
    pages++;
    if (!r.more) break;
    assert(pages < 100, "change feed does not terminate");
  }
  return { items, deletedIds, cursor, pages };
}

/**
 * What a caller that ignores the contract's types can hand the host: these checks send it inputs
 * the types forbid (nulls, numbers, strings for lists) to test that it refuses them, or accepts
 * the ones it documents (null clears a field, null options mean the defaults).
 * @param {unknown} target
 * @returns {any} deliberately untyped
 */
const untyped = (target) => target;

/** @type {{ name: string, fn: () => Promise<void> | void }[]} */
const tests = [];
/** @param {string} name @param {() => Promise<void> | void} fn */
const test = (name, fn) => tests.push({ name, fn });
/** @type {DemoHost} */
let host;

test("opens with apiVersion 1 and a stable, stored instanceId", async () => {
  await deleteDb(DB);
  host = await openDemoHost({ dbName: DB, seed: false, pluginId: "selftest" });
  eq(host.apiVersion, 1, "apiVersion");
  assert(typeof host.instanceId === "string" && host.instanceId.length > 8, "instanceId is a string");
  const id = host.instanceId;
  host.close();
  host = await openDemoHost({ dbName: DB, seed: false, pluginId: "selftest" });
  eq(host.instanceId, id, "instanceId after reopening");
});

test("currentUser, views and statuses", async () => {
  const u = await host.currentUser();
  assert(typeof u.id === "string" && typeof u.name === "string", "user has id and name");
  const views = await host.views();
  eq(views.map((v) => v.id), ["all", "leads", "clients", "sphere", "has-birthday"], "view ids");
  eq(views.map((v) => v.name), ["All", "Leads", "Clients", "Sphere", "Has birthday"], "view names");
  const statuses = await host.statuses();
  eq(statuses.map((s) => s.value), ["New", "Lead", "Prospect", "Client", "Past client", "Sphere"], "status values");
  assert(statuses.every((s) => typeof s.label === "string"), "statuses have labels");
});

/** @type {CrmContact} */
let ana;
/** @type {CrmContact} */
let ben;
/** @type {CrmContact} */
let cleo;
test("create returns contacts with ids, ISO modifiedAt and empty lists", async () => {
  const before = Date.now();
  [ana, ben, cleo] = await host.contacts.create([
    { firstName: "Ana", lastName: "Gonçalves", status: "Lead", emails: [{ value: "ana@example.com", type: "home", primary: true }], birthday: "1990-02-28" },
    { firstName: "Ben", lastName: "O'Brien", phones: [{ value: "(415) 555-0132", type: "mobile" }], status: "Client" },
    { firstName: "<img src=x onerror=alert(1)>", company: "Zoë & Søren", birthday: "--07-14", addresses: [{ city: "Reykjavík", countryCode: "IS" }] },
  ]);
  for (const c of [ana, ben, cleo]) {
    assert(typeof c.id === "string" && c.id, "id");
    assert(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(c.modifiedAt), `modifiedAt ISO 8601: ${c.modifiedAt}`);
    assert(Date.parse(c.modifiedAt) >= before - 1000, "modifiedAt is now");
    assert(Array.isArray(c.emails) && Array.isArray(c.phones) && Array.isArray(c.addresses), "lists present");
  }
  eq(new Set([ana.id, ben.id, cleo.id]).size, 3, "distinct ids");
  eq(cleo.birthday, "--07-14", "birthday without a year kept");
  eq(fullName(cleo), "<img src=x onerror=alert(1)>", "markup-like names are kept verbatim");
});

test("get returns known ids and omits unknown ones", async () => {
  const got = await host.contacts.get([ben.id, "nope", ana.id]);
  eq(got.map((c) => c.id).sort(), [ana.id, ben.id].sort(), "ids");
  eq(got.find((c) => c.id === ana.id)?.emails, ana.emails, "emails round-trip");
  eq(await host.contacts.get([]), [], "empty get");
});

test("update patches fields, clears with null, and moves modifiedAt forward", async () => {
  const [a2] = await host.contacts.update([{ id: ana.id, fields: untyped({ title: "Broker", birthday: null }), ifModifiedAt: ana.modifiedAt }]);
  eq(a2.title, "Broker", "title set");
  assert(!("birthday" in a2), "birthday cleared");
  eq(a2.firstName, "Ana", "untouched field kept");
  assert(a2.modifiedAt > ana.modifiedAt, "modifiedAt increased");
  const [again] = await host.contacts.get([ana.id]);
  eq(again, a2, "stored as returned");
  ana = a2;
});

test("update with a stale ifModifiedAt rejects naming the contact, and writes nothing", async () => {
  const stale = "2001-01-01T00:00:00.000Z";
  const e = await rejects(
    host.contacts.update([{ id: ben.id, fields: { company: "Should not stick" } }, { id: ana.id, fields: { company: "X" }, ifModifiedAt: stale }]),
    new RegExp(`${ana.id}.*Ana Gonçalves`),
    "stale update",
  );
  eq(e.code, "CONFLICT", "error code");
  eq(e.contactId, ana.id, "error names the contact id");
  const [b] = await host.contacts.get([ben.id]);
  assert(b.company === undefined, "the other item of the rejected call was not written");
  await rejects(host.contacts.update([{ id: "missing", fields: { company: "X" } }]), /missing/, "unknown id");
});

test("a contact the user may not change reads as not editable and refuses every write", async () => {
  const ro = await openDemoHost({ dbName: DB, seed: false, pluginId: "selftest", readOnly: { [ben.id]: "Owned by Bea." } });
  try {
    const [b, a] = await ro.contacts.get([ben.id, ana.id]);
    eq([b.editable, b.readOnlyReason], [false, "Owned by Bea."], "marked, with the reason");
    assert(!("editable" in a) && !("readOnlyReason" in a), "other contacts are not marked");
    const listed = (await ro.contacts.list({})).items.find((c) => c.id === ben.id);
    eq(listed?.editable, false, "marked in lists");
    const e = await rejects(ro.contacts.update([{ id: ana.id, fields: { title: "X" } }, { id: ben.id, fields: { title: "X" } }]), /Owned by Bea/, "update");
    eq([e.code, e.contactId], ["PERMISSION_DENIED", ben.id], "the refusal's code and contact");
    const r = await rejects(ro.contacts.remove([ana.id, ben.id]), /Owned by Bea/, "remove");
    eq(r.code, "PERMISSION_DENIED", "remove's code");
    const [a2, b2] = await host.contacts.get([ana.id, ben.id]);
    eq([a2.title, b2.title, a2.id], [ana.title, ben.title, ana.id], "nothing of either call was written or removed");
    assert(!("editable" in b2), "a host without the option marks nothing");
  } finally {
    ro.close();
  }
});

test("custom fields: declared in the capabilities, checked by type, changed one by one, cleared with \"\"", async () => {
  // A database of its own: the other tests count the contacts and changes of theirs.
  await deleteDb(`${DB}-custom`);
  const host = await openDemoHost({ dbName: `${DB}-custom`, seed: false, pluginId: "selftest" });
  try {
    eq((host.capabilities?.customFields || []).map((f) => `${f.key}:${f.type}`), ["customerNumber:number", "leadSource:choice", "language:text", "renewal:date", "profile:url"], "declared");
    const [made] = await host.contacts.create([{ firstName: "Cy", custom: { customerNumber: "12.5", leadSource: "Referral" } }]);
    eq(made.custom, { customerNumber: "12.5", leadSource: "Referral" }, "created with its values");
    const [next] = await host.contacts.update([{ id: made.id, fields: { custom: { language: "Greek", customerNumber: "" } } }]);
    eq(next.custom, { leadSource: "Referral", language: "Greek" }, "an update changes only the values it names");
    /** @type {[Record<string, any>, RegExp][]} */ // malformed on purpose
    const bad = [
      [{ customerNumber: "12a" }, /custom\.customerNumber.*must be a number/],
      [{ leadSource: "Billboard" }, /custom\.leadSource.*must be one of "Website", "Referral"/],
      [{ renewal: "2026-02-30" }, /custom\.renewal.*real date/],
      [{ profile: "javascript:alert(1)" }, /custom\.profile.*http/],
      [{ shoeSize: "44" }, /custom\.shoeSize.*not a custom field/],
      [{ language: 7 }, /custom\.language.*must be a string/],
    ];
    for (const [custom, pattern] of bad) {
      const e = await rejects(host.contacts.update([{ id: made.id, fields: { custom } }]), pattern, JSON.stringify(custom));
      eq(e.code, "INVALID_INPUT", `${JSON.stringify(custom)}: code`);
    }
    const [after] = await host.contacts.get([made.id]);
    eq(after.custom, next.custom, "a refused write changes nothing");
  } finally {
    host.close();
    await deleteDb(`${DB}-custom`);
  }
});

test("malformed input rejects with an Error naming the field", async () => {
  /** @type {[unknown, RegExp][]} */
  const cases = [
    [{ firstName: 5 }, /"firstName"/],
    [{ lastName: ["x"] }, /"lastName"/],
    [{ birthday: "1985-13-01" }, /"birthday"/],
    [{ birthday: "07-14" }, /"birthday"/],
    [{ birthday: "1985-02-30" }, /"birthday"/],
    [{ birthday: 19850101 }, /"birthday"/],
    [{ emails: "a@b.c" }, /"emails"/],
    [{ emails: [{ value: 42 }] }, /"emails\[0\]\.value"/],
    [{ phones: [{ type: "mobile" }] }, /"phones\[0\]\.value"/],
    [{ addresses: [{ city: 7 }] }, /"addresses\[0\]\.city"/],
    [{ emails: [{ value: "a@b.c", primary: "yes" }] }, /"emails\[0\]\.primary"/],
    [{ nickname: "Al" }, /"nickname"/],
    [{ status: "Customer" }, /"status"/],
  ];
  for (const [input, pattern] of cases) {
    const e = await rejects(host.contacts.create([{ firstName: "Ok" }, untyped(input)]), pattern, `create ${JSON.stringify(input)}`);
    assert(/item 1/.test(e.message), `error names the item: ${e.message}`);
  }
  await rejects(host.contacts.update([{ id: ana.id, fields: { birthday: "14/07/1985" } }]), /"birthday"/, "update with a bad birthday");
  await rejects(host.contacts.create(untyped("nope")), /array/, "create needs an array");
  await rejects(host.contacts.create(untyped([null])), /object/, "null contact");
  // Leap-day birthdays without a year are fine.
  validateInput({ birthday: "--02-29" });
  const all = await allPages(host, "all", 1000);
  eq(all.items.length, 3, "no partial writes from rejected creates");
});

test("list pages in stable id order with default 200 and max 1000", async () => {
  const inputs = [];
  for (let i = 0; i < 1197; i++) {
    inputs.push({ firstName: `Bulk ${i}`, status: ["Lead", "Client", "Sphere", "New"][i % 4], ...(i % 3 === 0 ? { birthday: "--01-15" } : {}) });
  }
  await host.contacts.create(inputs); // 1200 contacts now
  const first = await host.contacts.list({});
  eq(first.items.length, 200, "default page size");
  assert(typeof first.nextPageToken === "string", "a next page token");
  const big = await host.contacts.list({ pageSize: 5000 });
  eq(big.items.length, 1000, "page size capped at 1000");
  const { items, pages } = await allPages(host, "all", 250);
  eq(items.length, 1200, "every contact once");
  eq(pages, 5, "pages of 250");
  const ids = items.map((c) => c.id);
  eq(new Set(ids).size, ids.length, "no duplicates across pages");
  eq(ids, [...ids].sort(), "stable id order");
  const last = await host.contacts.list({ pageSize: 1000, pageToken: ids[999] });
  eq(last.items.length, 200, "last page");
  assert(!("nextPageToken" in last), "no token after the last page");
  await rejects(host.contacts.list({ viewId: "nope" }), /viewId/, "unknown view");
  await rejects(host.contacts.list({ pageSize: 0 }), /pageSize/, "bad page size");
  eq((await host.contacts.list(untyped({ viewId: null, pageToken: null, pageSize: null }))).items.length, 200, "nulls mean defaults");
});

test("views filter: Leads, Clients, Sphere, Has birthday", async () => {
  const leads = (await allPages(host, "leads", 100)).items;
  assert(leads.length === 301 && leads.every((c) => c.status === "Lead"), `leads: ${leads.length}`);
  const clients = (await allPages(host, "clients", 100)).items;
  assert(clients.length === 300 && clients.every((c) => c.status === "Client"), `clients: ${clients.length}`);
  const sphere = (await allPages(host, "sphere", 100)).items;
  eq(sphere.length, 299, "sphere count");
  const bday = (await allPages(host, "has-birthday", 100)).items;
  assert(bday.length === 399 + 1 && bday.every((c) => c.birthday), `has-birthday: ${bday.length}`);
});

/** @type {string} */
let cursor;
test("changedSince(null) pages through everything, ≤ 500 a page, with more", async () => {
  const first = await host.contacts.changedSince(null);
  eq(first.more, true, "more after the first page");
  eq(first.items.length, 500, "first page full");
  const all = await drainFeed(host, null);
  eq(new Set(all.items.map((c) => c.id)).size, 1200, "every contact once");
  eq(all.deletedIds, [], "no tombstones yet");
  eq(all.pages, 3, "three pages");
  cursor = all.cursor;
  const none = await host.contacts.changedSince(cursor);
  eq([none.items.length, none.deletedIds.length, none.more, none.cursor], [0, 0, false, cursor], "nothing new");
});

test("changedSince(cursor) returns updates, creations and deletions as tombstones", async () => {
  const [b2] = await host.contacts.update([{ id: ben.id, fields: { notes: "Called back" } }]);
  const [dan] = await host.contacts.create([{ firstName: "Dan" }]);
  await host.contacts.remove([cleo.id, "unknown-id"]);
  const r = await host.contacts.changedSince(cursor);
  eq(r.items.map((c) => c.id).sort(), [ben.id, dan.id].sort(), "changed items");
  eq(r.items.find((c) => c.id === ben.id)?.modifiedAt, b2.modifiedAt, "current state");
  eq(r.deletedIds, [cleo.id], "tombstone");
  eq(r.more, false, "no more");
  assert(Number(r.cursor) > Number(cursor), "cursor moved");
  eq(await host.contacts.get([cleo.id]), [], "removed contact is gone");
  // A contact changed twice since the cursor appears once, in its latest state.
  await host.contacts.update([{ id: dan.id, fields: { lastName: "One" } }]);
  await host.contacts.update([{ id: dan.id, fields: { lastName: "Two" } }]);
  const r2 = await host.contacts.changedSince(r.cursor);
  eq(r2.items.map((c) => c.lastName), ["Two"], "latest state once");
  const bad = await rejects(host.contacts.changedSince("not-a-cursor"), /cursor/, "malformed cursor");
  eq(bad.code, "INVALID_CURSOR", "malformed cursor code");
  const ahead = await rejects(host.contacts.changedSince("99999999"), /ahead/, "cursor from a reset database");
  eq(ahead.code, "INVALID_CURSOR", "cursor ahead code");
});

test("storage is per plugin and persists", async () => {
  eq(await host.storage.get("k"), null, "missing key");
  await host.storage.set("k", JSON.stringify({ a: 1 }));
  eq(await host.storage.get("k"), '{"a":1}', "stored value");
  const other = host.forPlugin("other-plugin");
  eq(await other.storage.get("k"), null, "another plugin does not see it");
  await other.storage.set("k", "theirs");
  eq(await host.storage.get("k"), '{"a":1}', "and cannot overwrite it");
  await rejects(host.storage.set("n", untyped(5)), /string/, "values are strings");
  host.close();
  host = await openDemoHost({ dbName: DB, seed: false, pluginId: "selftest" });
  eq(await host.storage.get("k"), '{"a":1}', "persists across reopening");
  await host.storage.remove("k");
  eq(await host.storage.get("k"), null, "removed");
});

test("ui.notify and writes dispatch events for the app", async () => {
  /** @type {unknown[][]} */
  const seen = [];
  /** @param {Event} e */
  const onNotify = (e) => {
    const { message, level } = /** @type {CustomEvent<{ message: string, level: string }>} */ (e).detail;
    seen.push(["notify", message, level]);
  };
  /** @param {Event} e */
  const onChange = (e) => {
    const { ids, deleted } = /** @type {CustomEvent<{ ids: string[], deleted: boolean }>} */ (e).detail;
    seen.push(["changed", ids.length, deleted]);
  };
  addEventListener("democrm:notify", onNotify);
  addEventListener("democrm:contacts-changed", onChange);
  host.ui.notify("Synced 3 contacts", "success");
  host.ui.progress({ done: 1, total: 2, label: "Syncing" });
  host.ui.progress(null);
  const [x] = await host.contacts.create([{ firstName: "Eve" }]);
  await host.contacts.remove([x.id]);
  removeEventListener("democrm:notify", onNotify);
  removeEventListener("democrm:contacts-changed", onChange);
  eq(seen, [["notify", "Synced 3 contacts", "success"], ["changed", 1, false], ["changed", 1, true]], "events");
});

test("seeds ~300 varied contacts once, only into an empty store", async () => {
  await deleteDb(SEED_DB);
  let s = await openDemoHost({ dbName: SEED_DB });
  const { items } = await allPages(s, "all", 1000);
  eq(items.length, SEED_COUNT, "seed count");
  const statuses = new Set(items.map((c) => c.status));
  eq(statuses.size, 6, "every status used");
  assert(items.some((c) => c.lastName === "山田") && items.some((c) => c.firstName === "Zoë") && items.some((c) => c.lastName === "O'Brien"), "Unicode and apostrophe names");
  assert(items.some((c) => /^--\d\d-\d\d$/.test(c.birthday || "")) && items.some((c) => /^\d{4}-/.test(c.birthday || "")), "birthdays with and without a year");
  assert(items.some((c) => c.phones.some((p) => p.value.startsWith("("))) && items.some((c) => c.phones.some((p) => p.value.startsWith("+49"))), "US and international phones");
  const ages = items.map((c) => Date.now() - Date.parse(c.modifiedAt));
  assert(Math.min(...ages) >= -1000 && Math.max(...ages) <= 366 * 864e5 && Math.max(...ages) > 200 * 864e5, "modifiedAt spread over the past year");
  const feed = await drainFeed(s, null);
  eq(feed.items.length, SEED_COUNT, "seed is in the change feed");
  await s.contacts.remove([items[0].id]);
  s.close();
  s = await openDemoHost({ dbName: SEED_DB });
  eq((await allPages(s, "all", 1000)).items.length, SEED_COUNT - 1, "not seeded again");
  s.close();
  await deleteDb(SEED_DB);
});

test("seed data is deterministic and valid host input", async () => {
  const now = new Date("2025-06-01T12:00:00Z");
  const a = generateSeedContacts({ now });
  eq(JSON.stringify(a) === JSON.stringify(generateSeedContacts({ now })), true, "same output twice");
  a.forEach((c, i) => validateInput(c, `seed ${i}`));
  eq(new Set(a.map(fullName)).size, a.length, "full names are unique (row checkboxes stay unambiguous)");
});

test("overlapForGoogle gives ~150 People API persons overlapping the seed", async () => {
  const people = overlapForGoogle();
  assert(people.length >= 140 && people.length <= 160, `count ${people.length}`);
  const allowed = new Set(["names", "emailAddresses", "phoneNumbers", "addresses", "birthdays", "organizations", "biographies", "profile"]);
  for (const p of people) for (const k of Object.keys(p)) assert(allowed.has(k), `unexpected Person field ${k}`);
  const seedEmails = new Set(generateSeedContacts().flatMap((c) => c.emails.map((e) => e.value.toLowerCase())));
  const shared = people.filter((p) => (p.emailAddresses || []).some((e) => seedEmails.has(e.value.toLowerCase())));
  assert(shared.length > 100, `many share an email: ${shared.length}`);
  assert(people.some((p) => !(p.emailAddresses || []).some((e) => seedEmails.has(e.value.toLowerCase()))), "some Google-only people");
  assert(people.some((p) => p.birthdays && p.birthdays[0].date.year === undefined), "birthdays without a year");
  const linked = people.filter((p) => p.profile);
  assert(linked.length >= 3, `a few contacts linked to a Google profile: ${linked.length}`);
  assert(linked.some((p) => p.profile?.photos), "a profile photo");
  assert(linked.some((p) => p.profile?.names), "a profile name");
  const own = (/** @type {typeof people[0]} */ p) => (p.emailAddresses || []).map((e) => e.value);
  assert(linked.every((p) => (p.profile?.emailAddresses || []).every((e) => !own(p).includes(e.value))), "profile emails differ from the contact's");
  eq(JSON.stringify(overlapForGoogle()), JSON.stringify(people), "deterministic");
});

test("registry validates and lists entries in order", async () => {
  const r = createRegistry();
  let changes = 0;
  r.onChange(() => changes++);
  r.registerBulkAction({ id: "sync", label: "Sync Contact(s)", run() {} });
  r.registerRecordAction({ id: "sync-one", label: "Sync with Google Contacts", run() {} });
  r.registerSettingsPanel({ id: "gcs", title: "Google Contacts Sync", mount() {} });
  eq([r.bulkActions().map((a) => a.label), r.recordActions().map((a) => a.label), r.settingsPanels().map((p) => p.title), changes], [["Sync Contact(s)"], ["Sync with Google Contacts"], ["Google Contacts Sync"], 3], "entries");
  let threw = false;
  try {
    r.registerBulkAction(untyped({ id: "x", label: "X" }));
  } catch (e) {
    threw = e instanceof TypeError && /run/.test(e.message);
  }
  assert(threw, "missing run() is a TypeError naming it");
});

async function main() {
  const list = /** @type {HTMLElement} */ (document.getElementById("results"));
  let failed = 0;
  for (const t of tests) {
    const li = document.createElement("li");
    try {
      await t.fn();
      li.textContent = `ok — ${t.name}`;
      li.dataset.result = "pass";
    } catch (e) {
      failed++;
      li.textContent = `FAIL — ${t.name}: ${e instanceof Error ? e.message : String(e)}`;
      li.dataset.result = "fail";
    }
    list.append(li);
    results.push(li.textContent);
  }
  try {
    host?.close();
    await deleteDb(DB);
  } catch {
    // best effort
  }
  const summary = /** @type {HTMLElement} */ (document.getElementById("summary"));
  summary.textContent = failed ? `FAIL ${failed} of ${tests.length}` : `PASS ${tests.length}`;
  summary.dataset.status = failed ? "fail" : "pass";
  document.title = summary.textContent;
}

// The page sets #summary[data-status] to "pass" or "fail" when done; wait for that (IndexedDB
// does not hold the load event or headless Chromium's virtual time, so `--dump-dom` alone
// snapshots the page while it still says RUNNING).
await main();
