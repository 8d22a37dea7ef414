// A contact's sync status in Creme: the "Google Contacts Sync" brick of a contact's page, closed
// until opened (only then does the plugin load), says whether the contact is linked, to which
// Google contact, and what the last sync changed on it; a value from Google that looks like
// markup stays text.
import { test, expect } from "../e2e/playwright.mjs";
import { afterPropagation } from "../e2e/helpers.mjs";
import {
  CREME, EMULATOR, admin, connect, cremeContacts, freshEmail, googleContacts, linkedTo, login, notices, openSettings, panel, shot,
} from "./creme.mjs";

const HOSTILE = "<img src=x onerror=alert(1)> Globex";

/** Sets the company of Google contact `rn` of account `email`, as the user would in Google. */
async function setGoogleCompany(email, rn, company) {
  const { access_token: token } = await admin("tokens", { email });
  const auth = { Authorization: `Bearer ${token}` };
  const person = await (await fetch(`${EMULATOR}/v1/${rn}?personFields=organizations`, { headers: auth })).json();
  const res = await fetch(`${EMULATOR}/v1/${rn}:updateContact?updatePersonFields=organizations`, {
    method: "PATCH",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({ etag: person.etag, organizations: [{ name: company }] }),
  });
  expect(res.status).toBe(200);
}

/** The contact's page, its status brick opened; resolves to the account's block in it. */
async function openStatus(page, contactId, email) {
  await page.goto(`${CREME}/persons/contact/${contactId}`);
  const details = page.locator(`[data-gcsync-status="${contactId}"]`);
  await expect(details).toBeVisible();
  await expect(details).not.toHaveAttribute("open", "");
  await details.locator("summary").click();
  return details.locator(`[data-account="${email}"]`);
}

test("a contact's status brick loads the plugin when opened and shows its link and the last change", async ({ page }) => {
  const email = freshEmail("creme-status");
  const errors = await login(page);
  const dialogs = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await connect(page, email);
  const c = (await cremeContacts(page)).find((x) => x.emails.length && !x.company);

  // Closed, nothing of the plugin is downloaded; opened, it loads and says the contact is not linked.
  const wasm = [];
  page.on("request", (r) => { if (r.url().endsWith(".wasm")) wasm.push(r.url()); });
  await page.goto(`${CREME}/persons/contact/${c.id}`);
  const details = page.locator(`[data-gcsync-status="${c.id}"]`);
  await expect(details).toBeVisible();
  await expect(details.locator(".gcsync-status-body")).toBeEmpty();
  expect(wasm).toEqual([]);
  await details.locator("summary").click();
  await expect(details.locator(`[data-account="${email}"]`)).toContainText("Not linked to a Google contact.");
  expect(wasm.length).toBe(1);

  // The record button: its report ends with the status.
  await page.locator("[data-gcsync-record]").click();
  const summary = notices(page).filter({ hasText: `Synced 1 contact with ${email}` });
  await expect(summary).toBeVisible({ timeout: 120_000 });
  await expect(summary).toContainText("Linked to Google contact people/");
  const [g] = linkedTo(await googleContacts(email), c.id);

  let account = await openStatus(page, c.id, email);
  await expect(account).toContainText(`Linked to Google contact ${g.resourceName}`);
  await expect(account.locator(".gcs-status-change li")).toHaveText(["Created in Google from the CRM contact, and linked"]);
  await expect(account.getByRole("link", { name: "Open in Google Contacts" }))
    .toHaveAttribute("href", `https://contacts.google.com/person/${g.resourceName.replace(/^people\//, "")}`);

  // Edited in Google and synced: the brick names the field, the side and both values, as text.
  await setGoogleCompany(email, g.resourceName, HOSTILE);
  await afterPropagation();
  await page.locator("[data-gcsync-record]").click();
  await expect(notices(page).filter({ hasText: "Company: (empty) →" })).toBeVisible({ timeout: 120_000 });
  account = await openStatus(page, c.id, email);
  await expect(account.locator(".gcs-status-change li")).toHaveText([`Company: (empty) → ${HOSTILE} (in the CRM)`]);
  // No element was made of it (the brick's own header icon aside).
  expect(await page.locator(".gcsync-status img").count()).toBe(0);
  expect(await page.locator('img[src="x"]').count()).toBe(0);
  await page.screenshot({ path: shot("creme-contact-status"), fullPage: true });

  // Leaves root without this account for the other tests.
  await openSettings(page);
  await panel(page).locator(`[data-account="${email}"]`).getByRole("button", { name: "Disconnect" }).click();
  await panel(page).getByRole("button", { name: "Revoke access" }).click();
  await expect(panel(page).locator(".gcs-messages")).toContainText(`${email} is disconnected`);
  expect(dialogs).toEqual([]);
  expect(errors).toEqual([]);
});
