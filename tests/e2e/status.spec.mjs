// A contact's sync status on its page: the "Google Contacts Sync" section, closed until opened,
// says whether the contact is linked, to which Google contact, and what the last sync changed
// on it; the record action's report says it too. A value written from Google that looks like
// markup stays text.
import { test, expect } from "./playwright.mjs";
import {
  EMULATOR, admin, afterPropagation, connectAccount, crmContacts, freshEmail, fullName, go, googleContacts, linkedTo, openDemo, shot, toast,
} from "./helpers.mjs";

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

test("a contact's page shows its sync status once opened, and what the last sync changed on it", async ({ page }) => {
  const email = freshEmail("status");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  const [c] = (await crmContacts(page)).filter((x) => x.emails.length && !x.company);
  await go(page, `#/contact/${c.id}`);
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toBeVisible();

  // Closed, the section holds nothing: its content loads when opened.
  const section = page.locator("details.plugin-section", { has: page.getByRole("heading", { name: "Google Contacts Sync" }) });
  await expect(section).toHaveCount(1);
  await expect(section).not.toHaveAttribute("open", "");
  await expect(section.locator(".plugin-section-body")).toBeEmpty();
  await section.locator("summary").click();
  const account = section.locator(`[data-account="${email}"]`);
  await expect(account).toContainText("Not linked to a Google contact.");

  // The record action: its report says the status, and the open section shows it.
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync with Google Contacts" }).click();
  const report = await toast(page, `Synced 1 contact with ${email}`, { timeout: 60_000 });
  expect(report).toContain("Linked to Google contact people/");
  expect(report).toContain("Created in Google from the CRM contact");
  const [g] = linkedTo(await googleContacts(email), c.id);
  const id = g.resourceName.replace(/^people\//, "");
  await expect(account).toContainText(`Linked to Google contact ${g.resourceName}`);
  await expect(account.locator(".gcs-status-change")).toContainText("Created in Google from the CRM contact, and linked");
  await expect(account.getByRole("link", { name: "Open in Google Contacts" })).toHaveAttribute("href", `https://contacts.google.com/person/${id}`);

  // Edited in Google, synced again: the last change names the field, the side and both values.
  await setGoogleCompany(email, g.resourceName, HOSTILE);
  await afterPropagation();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync with Google Contacts" }).click();
  await expect.poll(() => page.evaluate(() => window.__toasts.filter((t) => t.includes("Synced 1 contact")).length), { timeout: 60_000 }).toBe(2);
  const change = account.locator(".gcs-status-change li");
  await expect(change).toHaveText([`Company: (empty) → ${HOSTILE} (in the CRM)`]);
  await page.screenshot({ path: shot("contact-status"), fullPage: true });

  // After a reload (no token in memory: the status reads stored data only) it is still there.
  await openDemo(page, `#/contact/${c.id}`);
  const again = page.locator("details.plugin-section");
  await expect(again).not.toHaveAttribute("open", "");
  await again.locator("summary").click();
  await expect(again.locator(`[data-account="${email}"] .gcs-status-change li`)).toHaveText([`Company: (empty) → ${HOSTILE} (in the CRM)`]);
  // The Google value that looks like markup is text: no element was made of it.
  expect(await page.locator(".plugin-section img").count()).toBe(0);
  expect(seen.dialogs).toEqual([]);
  expect(seen.errors).toEqual([]);
});
