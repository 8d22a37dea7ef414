// One Creme user on two devices: two browser profiles (Playwright contexts, each its own Creme
// session and its own Web Locks) over the plugin's storage, which Creme keeps on its server. Both
// start a first sync of the seeded contacts at once ("Sync now"), then both schedulers find a run
// overdue as their pages load, then one starts while the other runs: every Creme contact has
// exactly one Google contact after each.
import { test, expect } from "../e2e/playwright.mjs";
import {
  api, connect, cremeContacts, freshEmail, googleContacts, linkTag, login, openSettings, panel,
} from "./creme.mjs";

const key = (email, part) => `gcs:${email.toLowerCase()}:${part}`;

/** A stored value of the plugin, as it stores them (`{version, value}`), or null. */
async function stored(page, k) {
  const { json } = await api(page, "storage", { op: "get", key: k });
  return json.value === null ? null : JSON.parse(json.value).value;
}

async function store(page, k, value) {
  const { status } = await api(page, "storage", { op: "set", key: k, value: JSON.stringify({ version: 1, value }) });
  expect(status).toBe(200);
}

/** When the account last ran, as its scheduler reads it: `at` ms since the epoch (0: overdue). */
const lastRunAt = (page, email, at) => store(page, key(email, "meta"), { lastRunAt: at, links: 0 });

/** The account's run log, newest first. */
const runs = async (page, email) => (await stored(page, key(email, "runs"))) || [];

/** Waits until the log holds `n` runs and no run holds the account's lease. */
async function runsEnded(page, email, n) {
  await expect.poll(async () => (await runs(page, email)).length, { timeout: 240_000 }).toBeGreaterThanOrEqual(n);
  await expect.poll(() => stored(page, key(email, "lease")), { timeout: 240_000 }).toBeNull();
}

/** Every Creme contact has exactly one Google contact, and Google holds no other. */
async function expectOneEach(page, email, when) {
  const crm = await cremeContacts(page);
  const google = await googleContacts(email);
  const twins = new Map();
  for (const g of google) for (const id of linkTag(g)) twins.set(id, (twins.get(id) || 0) + 1);
  const wrong = crm.filter((c) => twins.get(c.id) !== 1).map((c) => `${c.id}: ${twins.get(c.id) || 0}`);
  expect(wrong, `${when}: Creme contacts without exactly one Google contact`).toEqual([]);
  expect(google.length, `${when}: Google contacts`).toBe(crm.length);
  return crm.length;
}

/** Reloads both pages at once: each page's scheduler looks for overdue runs as it loads. */
async function reloadBoth(a, b) {
  await Promise.all([a.reload(), b.reload()]);
  await Promise.all([a, b].map((p) => expect(p.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible({ timeout: 60_000 })));
}

/** Presses "Sync now" in the panel of `page`. */
const pressSyncNow = (page) => panel(page).getByRole("button", { name: "Sync now", exact: true }).click();

/** Waits until both panels are idle and no run holds the account's lease. */
async function bothIdle(a, b, email) {
  await Promise.all([a, b].map((p) => expect(panel(p)).toHaveAttribute("aria-busy", "false", { timeout: 240_000 })));
  await expect.poll(() => stored(a, key(email, "lease")), { timeout: 240_000 }).toBeNull();
}

/** Adds a contact to Creme; answers its id. */
async function addContact(page, name) {
  const { status, json } = await api(page, "contacts/create", {
    items: [{ firstName: name, lastName: "Twice", emails: [{ value: `${name.toLowerCase()}-${Date.now()}@twice.example` }] }],
  });
  expect(status).toBe(200);
  return json[0].id;
}

test("two browser profiles of one Creme user sync at once: one run at a time, one Google contact per Creme contact", async ({ browser }) => {
  test.setTimeout(900_000);
  const email = freshEmail("devices");
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [a, b] = await Promise.all(contexts.map((c) => c.newPage()));
  const created = [];
  try {
    await login(a);
    await login(b);
    // No scheduled run while the two connect: the account counts as just synced until then.
    await lastRunAt(a, email, Date.now());
    await connect(a, email);
    await connect(b, email);

    // The first sync, started on both devices at once.
    await Promise.all([pressSyncNow(a), pressSyncNow(b)]);
    await bothIdle(a, b, email);
    const n = await expectOneEach(a, email, "after a first sync started on both");
    expect(n).toBeGreaterThanOrEqual(200);
    const messages = await Promise.all([a, b].map((p) => panel(p).locator(".gcs-messages").textContent()));
    expect(messages.some((m) => /Synced with/.test(m || "")), messages.join(" | ")).toBe(true);

    // New contacts in Creme; both devices' schedulers find a run overdue as their pages load.
    for (let i = 0; i < 5; i++) created.push(await addContact(a, `Sched${i}`));
    const before = (await runs(a, email)).length;
    await lastRunAt(a, email, 0);
    await reloadBoth(a, b);
    await runsEnded(a, email, before + 1);
    await bothIdle(a, b, email);
    await expectOneEach(a, email, "after an incremental run started on both as they loaded");

    // Staggered: the second device presses "Sync now" just after the first.
    created.push(await addContact(a, "Staggered"));
    await pressSyncNow(a);
    await pressSyncNow(b);
    await bothIdle(a, b, email);
    await expectOneEach(a, email, "after runs started one just after the other");
  } finally {
    if (created.length) await api(a, "contacts/remove", { ids: created });
    // Root's later tests must not sync with this account.
    await openSettings(a);
    const account = panel(a).locator(`[data-account="${email}"]`);
    if (await account.count()) {
      await account.getByRole("button", { name: "Disconnect" }).click();
      await panel(a).getByRole("button", { name: "Revoke access" }).click();
      await expect(panel(a).locator(".gcs-messages")).toContainText(`${email} is disconnected`);
    }
    await Promise.all(contexts.map((c) => c.close()));
  }
});
