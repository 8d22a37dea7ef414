// Deletions held before they are made, in Creme: with "Delete it in Google" for CRM deletions, a
// contact deleted in Creme (to its trash) waits under "Pending deletions", its Google contact in
// the group "Pending deletion (CRM)". Restore makes it again in Creme, linked; Delete now deletes
// it in Google.
import { test, expect } from "../e2e/playwright.mjs";
import { demoSeed } from "../e2e/helpers.mjs";
import {
  admin, api, connect, cremeContacts, freshEmail, googleContacts, linkTag, linkedTo, login, openSettings, panel,
  shot, syncNow,
} from "./creme.mjs";

/** Opens My settings on `email`'s account. */
async function settingsOf(page, email) {
  await openSettings(page);
  // Another test's account may be listed first: this test's is chosen.
  const picker = panel(page).locator('select[id^="gcs-acct-pick"]');
  if (await picker.count()) {
    await picker.selectOption(email.toLowerCase());
    await expect(panel(page)).toHaveAttribute("aria-busy", "false");
  }
}

test("a contact deleted in Creme waits in Pending deletions; Restore relinks, Delete now deletes", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-pending");
  await login(page);
  await connect(page, email);
  await syncNow(page);
  const p = panel(page);
  await p.getByLabel("When a contact is deleted in the CRM").selectOption("delete");
  await expect(p.getByLabel("Days a CRM deletion waits before the Google contact is deleted")).toHaveValue("3");
  await p.getByRole("button", { name: "Save" }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();
  await expect(p).toHaveAttribute("aria-busy", "false");

  const google = await googleContacts(email);
  // Seeded contacts, linked once: Creme refuses to delete the contact of one of its users.
  const lower = (e) => e.value.toLowerCase();
  const seeded = new Set(demoSeed().crm.flatMap((x) => x.emails.map(lower)));
  const creme = (await cremeContacts(page)).filter((x) => linkedTo(google, x.id).length === 1
    && x.emails.length && seeded.has(lower(x.emails[0])) && x.lastName);
  const [waits, restored, deletedNow] = creme.slice(-3);
  const twin = (c) => linkedTo(google, c.id)[0].resourceName;
  const removed = await api(page, "contacts/remove", { ids: [waits.id, restored.id, deletedNow.id] });
  expect(removed.status).toBe(200);

  await settingsOf(page, email);
  await syncNow(page);
  const pending = p.getByRole("region", { name: "Pending deletions" });
  await expect(pending.getByRole("listitem")).toHaveCount(3);
  await page.screenshot({ path: shot("creme-pending-deletions"), fullPage: true });
  const dump = await admin(`dump?email=${encodeURIComponent(email)}`);
  const group = dump.contactGroups.find((g) => g.name === "Pending deletion (CRM)").resourceName;
  const marked = (g) => (g.memberships || []).some((m) => m.contactGroupMembership?.contactGroupResourceName === group);
  for (const c of [waits, restored, deletedNow]) {
    expect(marked(dump.contacts.find((g) => g.resourceName === twin(c))), `${c.lastName} is marked`).toBe(true);
  }

  const row = (c) => pending.locator(`[data-pending="${c.id}"]`);
  await row(restored).getByRole("button", { name: "Restore" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 120_000 });
  await expect(pending.getByRole("listitem")).toHaveCount(2);
  const again = (await googleContacts(email)).find((g) => g.resourceName === twin(restored));
  const [newId] = linkTag(again);
  const back = (await api(page, "contacts/get", { ids: [newId] })).json;
  expect(back.map((x) => x.lastName)).toEqual([restored.lastName]);

  await row(deletedNow).getByRole("button", { name: "Delete now" }).click();
  await p.getByRole("dialog").getByRole("button", { name: "Delete now" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 120_000 });
  await expect(pending.getByRole("listitem")).toHaveCount(1);
  expect((await googleContacts(email)).some((g) => g.resourceName === twin(deletedNow))).toBe(false);

  // The one left waits; the days passing are checked in the demo (Creme keeps the Google token
  // in its session, which days later needs the user to reconnect).
  await expect(pending.locator(`[data-pending="${waits.id}"]`)).toBeVisible();
  expect((await googleContacts(email)).some((g) => g.resourceName === twin(waits))).toBe(true);

  // Later tests of root's session sync other accounts.
  await p.locator(`[data-account="${email.toLowerCase()}"]`).getByRole("button", { name: "Disconnect" }).click();
  await p.getByRole("button", { name: "Revoke access" }).click();
  await expect(p.locator(".gcs-messages")).toContainText(`${email} is disconnected`);
});
