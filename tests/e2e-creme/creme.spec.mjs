// The plugin inside Creme CRM: its three entry points (the contacts list's Actions menu, a
// contact's button bar, My settings) against Creme's own data and permissions.
import { test, expect } from "../e2e/playwright.mjs";
import { demoSeed } from "../e2e/helpers.mjs";
import {
  CREME, EMULATOR, admin, api, connect, cremeContacts, digits, freshEmail, googleContacts, linkTag, linkedTo,
  login, notices, openSettings, panel, panelAction, shot, syncNow,
} from "./creme.mjs";

/** Revokes `email` in the panel, so root's later tests do not sync with it. */
async function disconnect(page, email) {
  await openSettings(page);
  const account = panel(page).locator(`[data-account="${email}"]`);
  await account.getByRole("button", { name: "Disconnect" }).click();
  await panel(page).getByRole("button", { name: "Revoke access" }).click();
  await expect(panel(page).locator(".gcs-messages")).toContainText(
    `${email} is disconnected and Google revoked the plugin's access.`,
  );
}

/** On Creme's contacts list: ticks the contacts whose ids are `ids`, then Actions → Sync Contact(s). */
async function syncFromList(page, ids) {
  for (const id of ids) await page.locator(`tr.lv-row input[name=select_one][value="${id}"]`).check();
  await page.locator(".header-actions-trigger").first().click();
  await page.locator(".listview-action a", { hasText: "Sync Contact(s)" }).click();
}

/** A People API call as the account's owner would make it (a token from the emulator's admin). */
async function people(email, method, path, body) {
  const { access_token: token } = await admin("tokens", { email });
  const res = await fetch(`${EMULATOR}/v1/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
  return text ? JSON.parse(text) : {};
}

test("select three contacts in Creme's list → Actions → Sync Contact(s): exactly those three are in Google", async ({ page }) => {
  const email = freshEmail("creme-bulk");
  const errors = await login(page);
  await connect(page, email);

  await page.goto(`${CREME}/persons/contacts`);
  const boxes = page.locator("tr.lv-row input[name=select_one]");
  await expect(boxes.first()).toBeVisible();
  const picked = [];
  for (const i of [0, 4, 9]) picked.push(await boxes.nth(i).getAttribute("value"));
  await syncFromList(page, picked);

  const summary = notices(page).filter({ hasText: `Synced 3 contacts with ${email}` });
  await expect(summary).toBeVisible({ timeout: 120_000 });
  await expect(summary).toContainText("3 created in Google");
  await page.screenshot({ path: shot("creme-bulk-sync"), fullPage: true });

  const google = await googleContacts(email);
  expect(google.length).toBe(3);
  const creme = await cremeContacts(page);
  for (const id of picked) {
    const c = creme.find((x) => x.id === id);
    const [g] = linkedTo(google, id);
    expect(g, `contact ${id} is in Google`).toBeTruthy();
    expect(g.names[0].familyName).toBe(c.lastName);
    expect((g.emailAddresses || []).map((e) => e.value.toLowerCase())).toEqual(c.emails.map((e) => e.value.toLowerCase()));
  }
  await disconnect(page, email);
  expect(errors).toEqual([]);
});

test("a contact's page → Sync with Google Contacts: that contact is in Google with its Creme fields", async ({ page }) => {
  const email = freshEmail("creme-record");
  const errors = await login(page);
  await connect(page, email);
  const c = (await cremeContacts(page)).find((x) => x.emails.length && x.phones.length && x.addresses.length && x.company);
  await page.goto(`${CREME}/persons/contact/${c.id}`);
  // Nothing of the plugin is downloaded until it is used.
  const wasm = [];
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.url()); });
  await page.reload();
  await expect(page.locator("[data-gcsync-record]")).toBeVisible();
  expect(wasm).toEqual([]);

  await page.locator("[data-gcsync-record]").click();
  const summary = notices(page).filter({ hasText: `Synced 1 contact with ${email}` });
  await expect(summary).toBeVisible({ timeout: 120_000 });
  await expect(summary).toContainText("1 created in Google");
  // The focus goes to the action's result.
  await expect.poll(() => page.evaluate(() => document.activeElement?.closest(".gcsync-notice")?.textContent || ""))
    .toContain(`Synced 1 contact with ${email}`);
  expect(wasm.length).toBe(1);
  await page.screenshot({ path: shot("creme-record-sync"), fullPage: true });

  const google = await googleContacts(email);
  expect(google.length).toBe(1);
  const g = google[0];
  expect(linkTag(g)).toEqual([c.id]);
  expect(g.names[0].givenName).toBe(c.firstName);
  expect(g.organizations[0].name).toBe(c.company);
  expect(g.emailAddresses.map((e) => e.value)).toEqual(c.emails.map((e) => e.value));
  expect(g.phoneNumbers.map((p) => digits(p.value))).toEqual(c.phones.map((p) => digits(p.value)));
  expect(g.addresses.length).toBe(c.addresses.length);
  await disconnect(page, email);
  expect(errors).toEqual([]);
});

test("Sync Contact(s) cancelled from the progress bar, by keyboard, while it writes: it says cancelled, and a second run finishes with no duplicate", async ({ page }) => {
  const email = freshEmail("creme-cancel");
  const errors = await login(page);
  await connect(page, email);

  await page.goto(`${CREME}/persons/contacts`);
  const boxes = page.locator("tr.lv-row input[name=select_one]");
  await expect(boxes.first()).toBeVisible();
  const picked = [];
  for (const i of [2, 6, 11]) picked.push(await boxes.nth(i).getAttribute("value"));

  // Google's batch creates answer slowly, so the run is caught while it writes.
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 3000, count: 100000 }] });
  try {
    await syncFromList(page, picked);
    const bar = page.locator("#gcsync-progress");
    await expect(bar).toContainText(/writing \(0 of [1-9]\d*\)/, { timeout: 120_000 });
    const cancel = bar.getByRole("button", { name: "Cancel", exact: true });
    await expect(cancel).toBeVisible();
    await page.screenshot({ path: shot("creme-bulk-progress-cancel") });
    await cancel.focus();
    await page.keyboard.press("Enter");
    await expect(bar.getByRole("button", { name: "Cancelling…", exact: true })).toBeDisabled();
    const cancelled = notices(page).filter({ hasText: `Syncing 3 contacts with ${email} was cancelled` });
    await expect(cancelled).toBeVisible({ timeout: 120_000 });
    await expect(cancelled).toContainText("The next sync does the rest");
    await expect(bar).toBeHidden();
    await page.screenshot({ path: shot("creme-bulk-cancelled"), fullPage: true });
  } finally {
    await admin("faults", { clear: true });
  }
  expect((await googleContacts(email)).length).toBeLessThanOrEqual(3);

  await page.goto(`${CREME}/persons/contacts`);
  await expect(boxes.first()).toBeVisible();
  await syncFromList(page, picked);
  await expect(notices(page).filter({ hasText: `Synced 3 contacts with ${email}` })).toBeVisible({ timeout: 120_000 });
  const google = await googleContacts(email);
  expect(google.length).toBe(3);
  for (const id of picked) expect(linkedTo(google, id), `contact ${id} is in Google once`).toHaveLength(1);
  await disconnect(page, email);
  expect(errors).toEqual([]);
});

test("My settings → connect, preview, apply: matched contacts are linked, not duplicated; then edits, deletions and extra emails from Google", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-first-sync");
  const errors = await login(page);
  const before = await cremeContacts(page);
  // The Google side: the demo's overlap with the demo CRM's seed, which Creme was seeded from,
  // with one Google copy given a birthday its Creme contact lacks.
  const { crm: crmSeed, google: persons } = demoSeed();
  const lower = (e) => e.value.toLowerCase();
  const byEmail = (list, e) => list.filter((g) => (g.emailAddresses || []).some((x) => lower(x) === e.toLowerCase()));
  let blank;
  for (let i = 0; i < persons.length - 10 && !blank; i++) {
    const seedContact = crmSeed[2 * i];
    const shared = (persons[i].emailAddresses || []).map(lower);
    blank = !seedContact.birthday && before.find((c) => c.emails.length && !c.birthday
      && seedContact.emails.map(lower).includes(lower(c.emails[0])) && shared.includes(lower(c.emails[0])));
    if (blank) persons[i].birthdays = [{ date: { year: 1984, month: 7, day: 14 } }];
  }
  expect(blank, "the seeds hold a contact whose birthday only Google knows").toBeTruthy();
  await admin("accounts", { email });
  await admin("seed", { email, contacts: persons });
  const seeded = await googleContacts(email);
  expect(seeded.length).toBe(persons.length);
  expect(byEmail(seeded, blank.emails[0].value).length).toBe(1);

  await connect(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview" });
  await expect(plan.getByRole("table", { name: "Planned changes" })).toBeVisible();
  await expect(plan).toContainText("Nothing has been changed yet.");
  await page.screenshot({ path: shot("creme-first-sync-preview"), fullPage: true });
  expect((await googleContacts(email)).length).toBe(persons.length);

  const started = Date.now();
  await panelAction(page, "Apply");
  await expect(panel(page).locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  // A benchmark figure for the report, not an assertion.
  console.log(`first sync of ${before.length} Creme contacts with ${persons.length} Google contacts: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await page.screenshot({ path: shot("creme-first-sync-applied"), fullPage: true });

  const google = await googleContacts(email);
  const creme = await cremeContacts(page);
  // Linked, not duplicated: no Creme contact has two Google contacts, every seeded Google contact
  // is still there, and a Creme contact Google knew by email is linked to that very contact.
  const tags = google.flatMap(linkTag);
  expect(new Set(tags).size).toBe(tags.length);
  for (const g of seeded) expect(google.some((x) => x.resourceName === g.resourceName)).toBe(true);
  const [twin] = byEmail(seeded, blank.emails[0].value);
  expect(linkedTo(google, blank.id).map((g) => g.resourceName)).toEqual([twin.resourceName]);
  // Blanks filled: the birthday came to Creme.
  expect(creme.find((c) => c.id === blank.id).birthday).toBeTruthy();
  // Everything in Creme is in Google once, and Google-only people came to Creme.
  expect(creme.some((c) => c.firstName === "Kofi" && c.lastName === "Boateng"), "a Google-only person is in Creme").toBe(true);
  for (const c of creme) expect(linkedTo(google, c.id).length, `${c.firstName} ${c.lastName}`).toBeLessThanOrEqual(1);

  await test.step("an edit in Google arrives in Creme", async () => {
    const c = creme.find((x) => x.emails.length && linkedTo(google, x.id).length === 1 && !x.notes);
    const [g] = linkedTo(google, c.id);
    const fresh = await people(email, "GET", `${g.resourceName}?personFields=biographies,metadata`);
    await people(email, "PATCH", `${g.resourceName}:updateContact?updatePersonFields=biographies`, {
      etag: fresh.etag, biographies: [{ value: "Edited in Google: prefers email.", contentType: "TEXT_PLAIN" }],
    });
    await openSettings(page);
    await syncNow(page);
    // The run's writes land before the panel reports it idle, but wait for the state anyway.
    await expect.poll(async () => (await api(page, "contacts/get", { ids: [c.id] })).json[0].notes, { timeout: 60_000 })
      .toBe("Edited in Google: prefers email.");
    await page.goto(`${CREME}/persons/contact/${c.id}`);
    await expect(page.locator("body")).toContainText("Edited in Google: prefers email.");
  });

  await test.step("a Google deletion deletes in Creme (to its trash)", async () => {
    // A seeded contact: Creme refuses to delete the contact of one of its users.
    const seededEmails = new Set(crmSeed.flatMap((x) => x.emails.map(lower)));
    const c = creme.find((x) => linkedTo(google, x.id).length === 1 && x.emails.length
      && seededEmails.has(lower(x.emails[0])) && x.id !== blank.id);
    const [g] = linkedTo(google, c.id);
    await people(email, "DELETE", `${g.resourceName}:deleteContact`);
    await openSettings(page);
    // Made at once rather than after the days a Google deletion waits by default.
    const hold = page.getByLabel("Days a Google deletion waits before the CRM contact is deleted");
    await hold.fill("0");
    await hold.evaluate((el) => el.closest("form").requestSubmit());
    await expect(page.getByText("Saved", { exact: true })).toBeVisible();
    await expect(panel(page)).toHaveAttribute("aria-busy", "false");
    const message = await syncNow(page);
    expect(message).toMatch(/1 deleted in the CRM/);
    expect((await api(page, "contacts/get", { ids: [c.id] })).json).toEqual([]);
    await page.goto(`${CREME}/persons/contact/${c.id}`);
    await expect(page.locator("body")).toContainText(/deleted|trash/i);
  });

  await test.step("a contact with three emails in Google keeps all three after syncs", async () => {
    const c = creme.find((x) => x.emails.length === 1 && linkedTo(google, x.id).length === 1 && x.id !== blank.id
      && (linkedTo(google, x.id)[0].emailAddresses || []).length === 1);
    const [g] = linkedTo(google, c.id);
    const fresh = await people(email, "GET", `${g.resourceName}?personFields=emailAddresses,metadata`);
    const three = [c.emails[0].value, "second@three.example", "third@three.example"];
    await people(email, "PATCH", `${g.resourceName}:updateContact?updatePersonFields=emailAddresses`, {
      etag: fresh.etag, emailAddresses: three.map((value) => ({ value })),
    });
    await openSettings(page);
    await syncNow(page);
    await syncNow(page);
    const after = (await googleContacts(email)).find((x) => x.resourceName === g.resourceName);
    expect(after.emailAddresses.map((e) => e.value)).toEqual(three);
    const [inCreme] = (await api(page, "contacts/get", { ids: [c.id] })).json;
    expect(inCreme.emails.map((e) => e.value)).toEqual([c.emails[0].value]);
    // Nothing reported as a conflict over the emails Creme cannot hold.
    await expect(panel(page).getByRole("table", { name: "Run history" })).not.toContainText("second@three.example");
  });
  await disconnect(page, email);
  expect(errors).toEqual([]);
});

test("a user without permission to change a contact cannot have it written: the endpoint refuses and the run reports it", async ({ page }) => {
  const email = freshEmail("creme-denied");
  const errors = await login(page, ["sales", "sales"]);
  const visible = await cremeContacts(page);
  // Root owns the seeded contacts: sales may view them, not change them.
  const c = visible.find((x) => x.emails.length === 1 && !x.birthday);
  expect(c).toBeTruthy();
  const denied = await api(page, "contacts/update", { items: [{ id: c.id, fields: { notes: "sales was here" } }] });
  expect(denied.status).toBe(403);
  expect(denied.json.error).toMatchObject({ code: "PERMISSION_DENIED", contact: c.id });

  // Google knows the contact by its email, with a birthday Creme lacks: the first sync would
  // fill it into Creme, and Creme refuses.
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [{
    names: [{ givenName: c.firstName || "", familyName: c.lastName }],
    emailAddresses: [{ value: c.emails[0].value }],
    birthdays: [{ date: { year: 1990, month: 5, day: 17 } }],
  }] });
  await connect(page, email);
  await panelAction(page, "Sync now");
  const messages = panel(page).locator(".gcs-messages");
  await expect(messages).toContainText(/PERMISSION_DENIED|may not change|refused/i, { timeout: 120_000 });
  await page.screenshot({ path: shot("creme-permission-denied"), fullPage: true });
  const [after] = (await api(page, "contacts/get", { ids: [c.id] })).json;
  expect(after.birthday).toBeUndefined();
  expect(after.modifiedAt).toBe(c.modifiedAt);
  expect(errors).toEqual([]);
});
