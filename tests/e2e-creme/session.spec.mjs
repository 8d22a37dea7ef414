// The Creme session and the plugin: two Google accounts in one session, each with its own token;
// a session that ends during a run; what the user may not change; errors shown as text.
import { test, expect } from "../e2e/playwright.mjs";
import {
  CREME, admin, api, connect, cremeContacts, freshEmail, googleContacts, linkedTo, login, notices, openSettings,
  panel, shot,
} from "./creme.mjs";

/** Revokes `email` in the panel. */
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
  await page.goto(`${CREME}/persons/contacts`);
  for (const id of ids) await page.locator(`tr.lv-row input[name=select_one][value="${id}"]`).check();
  await page.locator(".header-actions-trigger").first().click();
  await page.locator(".listview-action a", { hasText: "Sync Contact(s)" }).click();
}

/** The ids of the first contacts of Creme's list, at these places. */
async function listed(page, places) {
  await page.goto(`${CREME}/persons/contacts`);
  const boxes = page.locator("tr.lv-row input[name=select_one]");
  await expect(boxes.first()).toBeVisible();
  const ids = [];
  for (const i of places) ids.push(await boxes.nth(i).getAttribute("value"));
  return ids;
}

/** The token the Creme session holds for `email`, as the app's endpoint answers it. */
async function sessionToken(page, email) {
  return (await api(page, "google-token", { op: "get", account: email })).json.token;
}

test("two Google accounts in one Creme session: after a reload each syncs into its own Google account, and disconnecting one leaves the other working", async ({ page }) => {
  const alice = freshEmail("creme-alice");
  const bob = freshEmail("creme-bob");
  const errors = await login(page);
  await connect(page, alice);
  await connect(page, bob);
  // The session keeps one token per account, each with its account's email.
  expect((await sessionToken(page, alice)).email).toBe(alice);
  expect((await sessionToken(page, bob)).email).toBe(bob);
  expect((await sessionToken(page, alice)).accessToken).not.toBe((await sessionToken(page, bob)).accessToken);

  // A new page (Creme's pages are full loads): the plugin starts with no token in memory and
  // asks the session for each account's.
  const picked = await listed(page, [1, 5]);
  await syncFromList(page, picked);
  for (const email of [alice, bob]) {
    await expect(notices(page).filter({ hasText: `Synced 2 contacts with ${email}` })).toBeVisible({ timeout: 120_000 });
  }
  for (const email of [alice, bob]) {
    const google = await googleContacts(email);
    expect(google.length, `${email} holds the two contacts, once each`).toBe(2);
    for (const id of picked) expect(linkedTo(google, id), `${id} in ${email}`).toHaveLength(1);
  }

  await disconnect(page, alice);
  expect(await sessionToken(page, alice), "the disconnected account's token left the session").toBeNull();
  expect((await sessionToken(page, bob)).email).toBe(bob);

  const [third] = await listed(page, [8]);
  await syncFromList(page, [third]);
  await expect(notices(page).filter({ hasText: `Synced 1 contact with ${bob}` })).toBeVisible({ timeout: 120_000 });
  await expect(notices(page)).not.toContainText(alice);
  const google = await googleContacts(bob);
  expect(google.length).toBe(3);
  expect(linkedTo(google, third)).toHaveLength(1);
  expect((await googleContacts(alice)).length, "nothing more went into the disconnected account").toBe(2);
  await page.screenshot({ path: shot("creme-two-accounts"), fullPage: true });
  await disconnect(page, bob);
  expect(errors).toEqual([]);
});

test("the Creme session ends (logged out in another tab) while a run writes: the run fails saying to log in again, and reports nothing done that was not", async ({ page }) => {
  const email = freshEmail("creme-logout");
  const errors = await login(page);
  await connect(page, email);
  const picked = await listed(page, [3, 7, 12]);
  let said = "";
  // Another tab of the same browser, open on Creme, from which the user logs out.
  const tab = await page.context().newPage();
  await tab.goto(`${CREME}/persons/contacts`);
  // Google's batch creates answer slowly, so the session ends while the run waits for one.
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 10000, count: 100000 }] });
  try {
    await syncFromList(page, picked);
    await expect(page.locator("#gcsync-progress")).toContainText(/writing/, { timeout: 120_000 });
    const status = await tab.evaluate(async () => {
      const csrf = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
      const res = await fetch("/creme_logout/", { method: "POST", headers: { "X-CSRFToken": csrf ? decodeURIComponent(csrf[1]) : "" }, redirect: "manual" });
      return res.type === "opaqueredirect" ? 302 : res.status;
    });
    expect(status).toBe(302);
    expect((await api(page, "statuses")).status, "the session has ended").toBe(401);

    const failed = notices(page).locator(".gcsync-notice").filter({ hasText: email }).last();
    await expect(failed).toBeVisible({ timeout: 120_000 });
    await expect(page.locator("#gcsync-progress")).toBeHidden({ timeout: 120_000 });
    // The run fails: the host's calls after the logout were refused, not read as answers.
    await expect(failed).toHaveAttribute("data-level", "error");
    said = (await failed.textContent()) || "";
    await page.screenshot({ path: shot("creme-session-ended"), fullPage: true });
  } finally {
    await admin("faults", { clear: true });
    await tab.close();
  }
  // What it says it did, it did: Google holds as many contacts as it says it created.
  const google = await googleContacts(email);
  const created = /(\d+) created in Google/.exec(said);
  expect(google.length).toBe(created ? Number(created[1]) : 0);
  expect(said).not.toMatch(/deleted in the CRM|updated in the CRM|created in the CRM/);

  // Logging out took the session's Google tokens with it: logged in again, the user signs in
  // to Google again, and the next sync finishes the job, with no duplicate.
  await login(page);
  expect(await sessionToken(page, email)).toBeNull();
  // The run that lost its session could not let go of the account's lease in Creme's storage:
  // it is still there, and any device's next run would answer BUSY until it lapses (two
  // minutes, plus one for the devices' clocks). The test lets it lapse at once, as time would.
  const lease = `gcs:${email}:lease`;
  expect((await api(page, "storage", { op: "get", key: lease })).json.value, "the dead run's lease").not.toBeNull();
  expect((await api(page, "storage", { op: "remove", key: lease })).status).toBe(200);
  await connect(page, email);
  await syncFromList(page, picked);
  await expect(notices(page).filter({ hasText: `Synced 3 contacts with ${email}` })).toBeVisible({ timeout: 120_000 });
  const after = await googleContacts(email);
  for (const id of picked) expect(linkedTo(after, id), `contact ${id} is in Google once`).toHaveLength(1);
  await disconnect(page, email);
  expect(errors).toEqual([]);
  // The host rejected with UNAUTHENTICATED and its sentence; the plugin's message for the run
  // says to log in again (its wording is the plugin's: only its gist is checked).
  expect(said).toMatch(/log in/i);
});

test("as a user who may not change a contact: its Sync with Google Contacts button is disabled, with Creme's reason", async ({ page }) => {
  const errors = await login(page, ["sales", "sales"]);
  const c = (await cremeContacts(page))[0];
  expect(c.editable, "root owns the seeded contacts: sales may view them, not change them").toBe(false);
  expect(c.readOnlyReason).toMatch(/not change it/);
  await page.goto(`${CREME}/persons/contact/${c.id}`);
  const button = page.getByRole("button", { name: "Sync with Google Contacts" });
  await expect(button).toBeVisible();
  await expect(button).toHaveAttribute("aria-disabled", "true");
  await expect(button).toHaveAccessibleDescription(c.readOnlyReason);
  await expect(button).toHaveAttribute("title", c.readOnlyReason);
  await expect(page.locator("[data-gcsync-record]")).toHaveCount(0);
  await page.screenshot({ path: shot("creme-record-disabled") });
  expect(errors).toEqual([]);
});

test("an error of Creme's with markup in it is shown as text in the warning dialog", async ({ page }) => {
  const errors = await login(page);
  const [id] = await listed(page, [0]);
  const hostile = '<img src="x" id="gcs-injected" onerror="window.__gcsInjected = 1">Bold <b>claim</b>';
  await page.route("**/gcontacts_sync_creme/api/bootstrap", (route) => route.fulfill({
    status: 500, contentType: "application/json", body: JSON.stringify({ error: { code: "HOST_ERROR", message: hostile } }),
  }));
  await page.goto(`${CREME}/persons/contact/${id}`);
  await page.locator("[data-gcsync-record]").click();
  const dialog = page.locator(".ui-dialog").filter({ hasText: "Bold" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(hostile);
  await expect(page.locator("#gcs-injected")).toHaveCount(0);
  await expect(dialog.locator("b")).toHaveCount(0);
  expect(await page.evaluate(() => window.__gcsInjected)).toBeUndefined();
  expect(errors).toEqual([]);
});

test("creme-host.js takes only a 2xx JSON answer as an answer: a login redirect, a page of HTML or an error status rejects with the code and the contact", async ({ page }) => {
  const errors = await login(page);
  await page.goto(`${CREME}/persons/contacts`);
  const answers = {
    "storage": { status: 200, contentType: "text/html", body: "<!doctype html><title>Log in</title><form>…</form>" },
    "contacts/update": { status: 403, contentType: "application/json", body: JSON.stringify({ error: { code: "PERMISSION_DENIED", message: "you may not change contact 7", contact: "7" } }) },
    "contacts/remove": { status: 302, headers: { Location: "/creme_login/?next=/x" }, body: "" },
    "contacts/get": { status: 502, contentType: "text/html", body: "<h1>Bad gateway</h1>" },
  };
  for (const [path, answer] of Object.entries(answers)) {
    await page.route(`**/gcontacts_sync_creme/api/${path}`, (route) => route.fulfill(answer));
  }
  const outcomes = await page.evaluate(async () => {
    const m = await import("/gcontacts_sync_creme/plugin/creme-host.js");
    const boot = { instanceId: "creme-test", user: { id: "1", name: "Root" }, config: {} };
    const ui = { notify() {}, progress() {} };
    const host = m.createCremeHost(new URL("/gcontacts_sync_creme/api/", location.origin), boot, new URL("/gcontacts_sync_creme/plugin/", location.origin), ui);
    const outcome = (p) => p.then(() => ({ resolved: true }), (e) => ({ code: e.code, message: e.message, contactId: e.contactId }));
    return {
      html: await outcome(host.storage.get("k")),
      denied: await outcome(host.contacts.update([{ id: "7", fields: { notes: "x" } }])),
      redirect: await outcome(host.contacts.remove(["7"])),
      gateway: await outcome(host.contacts.get(["7"])),
      // The real endpoint, answering a 2xx JSON: an answer.
      statuses: await outcome(host.statuses()),
    };
  });
  expect(outcomes.html).toMatchObject({ code: "HOST_ERROR", message: expect.stringContaining("not JSON") });
  expect(outcomes.denied).toEqual({ code: "PERMISSION_DENIED", message: "you may not change contact 7", contactId: "7" });
  expect(outcomes.redirect).toMatchObject({ code: "UNAUTHENTICATED", message: expect.stringMatching(/log in to Creme again/) });
  expect(outcomes.gateway).toMatchObject({ code: "HOST_ERROR", message: expect.stringContaining("502") });
  expect(outcomes.statuses).toEqual({ resolved: true });
  expect(errors).toEqual([]);
});
