// Shared records in Creme: a contact root owns, synced by root into a Google account, edited in
// Google, then synced into that same Google account by a user who may view the contact but not
// change it. Google keeps its edit, Creme keeps its record, and the run says which contact was
// not written to the CRM and Creme's reason.
import { test, expect } from "../e2e/playwright.mjs";
import { afterPropagation } from "../e2e/helpers.mjs";
import {
  CREME, EMULATOR, admin, connect, cremeContacts, freshEmail, googleContacts, linkedTo, login, notices, openSettings,
  panel, panelAction, shot,
} from "./creme.mjs";

/** Revokes `email` in the panel, so the user's later tests do not sync with it. */
async function disconnect(page, email) {
  await openSettings(page);
  const account = panel(page).locator(`[data-account="${email}"]`);
  await account.getByRole("button", { name: "Disconnect" }).click();
  await panel(page).getByRole("button", { name: "Revoke access" }).click();
  await expect(panel(page).locator(".gcs-messages")).toContainText(
    `${email} is disconnected and Google revoked the plugin's access.`,
  );
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

test("a user who may not change a contact syncs the Google account its owner synced it into: Google keeps its edit, Creme its record, and the run names the contact with Creme's reason", async ({ page, browser }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-shared");
  const rootErrors = await login(page);
  // A contact of root's with a company and no note, from the end of the list (other specs take
  // theirs from its start).
  const c = (await cremeContacts(page)).findLast((x) => x.company && !x.notes && x.emails.length && x.lastName);
  expect(c, "root owns a contact with a company and no note").toBeTruthy();

  await test.step("root, the owner, syncs the contact into the Google account", async () => {
    await connect(page, email);
    await page.goto(`${CREME}/persons/contact/${c.id}`);
    await page.locator("[data-gcsync-record]").click();
    const summary = notices(page).filter({ hasText: `Synced 1 contact with ${email}` });
    await expect(summary).toBeVisible({ timeout: 120_000 });
    await expect(summary).toContainText("1 created in Google");
  });
  const [synced] = linkedTo(await googleContacts(email), c.id);
  expect(synced, "the contact is in Google").toBeTruthy();
  expect(synced.organizations[0].name).toBe(c.company);

  const note = "Edited in Google: call after the board meeting.";
  const company = "Edited In Google Ltd";
  await test.step("the contact's note and company are edited in Google", async () => {
    const fresh = await people(email, "GET", `${synced.resourceName}?personFields=biographies,organizations,metadata`);
    await people(email, "PATCH", `${synced.resourceName}:updateContact?updatePersonFields=biographies,organizations`, {
      etag: fresh.etag,
      biographies: [{ value: note, contentType: "TEXT_PLAIN" }],
      organizations: [{ name: company }],
    });
    await afterPropagation();
  });

  // The restricted user, in a browser session of their own, connects the same Google account.
  const context = await browser.newContext();
  const sales = await context.newPage();
  try {
    const salesErrors = await login(sales, ["sales", "sales"]);
    const seen = (await cremeContacts(sales)).find((x) => x.id === c.id);
    expect(seen, "sales may view the contact").toBeTruthy();
    expect(seen.editable, "sales may not change it").toBe(false);
    expect(seen.readOnlyReason).toMatch(/not change it/);

    await connect(sales, email);
    await panelAction(sales, "Sync now");
    const messages = panel(sales).locator(".gcs-messages");
    await expect(messages).toContainText(`Synced with ${email}`, { timeout: 120_000 });
    const said = (await messages.textContent()) || "";
    await sales.screenshot({ path: shot("creme-shared-record-not-written"), fullPage: true });

    // Google keeps the edit: nothing of Creme's older note or company was written over it.
    const after = linkedTo(await googleContacts(email), c.id);
    expect(after.map((g) => g.resourceName), "still one Google contact, the same").toEqual([synced.resourceName]);
    expect((after[0].biographies || []).map((b) => b.value)).toEqual([note]);
    expect((after[0].organizations || []).map((o) => o.name)).toEqual([company]);

    // Creme keeps its record: nothing of Google's edit was written onto it.
    const [inCreme] = (await cremeContacts(page)).filter((x) => x.id === c.id);
    expect(inCreme.notes || "").toBe(c.notes || "");
    expect(inCreme.company).toBe(c.company);
    expect(inCreme.modifiedAt).toBe(c.modifiedAt);

    // The run says so: the contact, not written to the CRM, with Creme's reason.
    // Creme's sentence, in parentheses without its full stop.
    const reason = `(you may not change this contact in the CRM: ${seen.readOnlyReason.replace(/\.$/, "")}); Google keeps its values`;
    expect(said).toContain(c.lastName);
    expect(said).toContain("not updated in the CRM");
    expect(said).toContain(reason);
    const history = panel(sales).getByRole("table", { name: "Run history" });
    await expect(history).toContainText(c.lastName);
    await expect(history).toContainText(seen.readOnlyReason);

    await disconnect(sales, email);
    expect(salesErrors).toEqual([]);
  } finally {
    await context.close();
  }
  await disconnect(page, email);
  expect(rootErrors).toEqual([]);
});
