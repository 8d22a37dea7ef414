// Deletions held before they are made: with "Delete it in Google" for CRM deletions, a contact
// deleted in the CRM waits under "Pending deletions" (its Google contact in the group "Pending
// deletion (CRM)") for the configured days, measured on the plugin's clock, the browser's (the
// page's and the sync worker's `Date.now`, which the test moves forward); the first sync after
// them deletes it in Google. Restore brings a pair back, linked; Delete now deletes at once.
import { test, expect } from "./playwright.mjs";
import {
  admin, connectAccount, crmContacts, freshEmail, fullName, go, googleContacts, linkTag, linkedTo, openDemo,
  openSettings, panel, shot, syncNow, toast, clockAhead,
} from "./helpers.mjs";

const DAY = 86_400_000;

/** Deletes CRM contact `c` from its page in the demo. */
async function deleteInCrm(page, c) {
  await go(page, `#/contact/${c.id}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${fullName(c)}?` });
  await dialog.getByRole("button", { name: "Delete contact" }).click();
  await toast(page, `Deleted ${fullName(c)}.`);
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
}

/** The resource name of `email`'s group "Pending deletion (CRM)", if it exists. */
async function pendingGroup(email) {
  const dump = await admin(`dump?email=${encodeURIComponent(email)}`);
  return (dump.contactGroups || []).find((g) => g.name === "Pending deletion (CRM)")?.resourceName;
}

function inGroup(person, group) {
  return (person.memberships || []).some((m) => m.contactGroupMembership?.contactGroupResourceName === group);
}

test("a CRM deletion waits in Pending deletions for its days; Restore relinks, Delete now deletes", async ({ page }) => {
  test.setTimeout(240_000);
  const email = freshEmail("pending");
  await openDemo(page);
  await connectAccount(page, email);
  expect(await syncNow(page)).toContain("300 created in Google");
  const p = panel(page);

  // CRM deletions propagate, after the default 3 days.
  await p.getByLabel("When a contact is deleted in the CRM").selectOption("delete");
  await expect(p.getByLabel("Days a CRM deletion waits before the Google contact is deleted")).toHaveValue("3");
  await p.getByRole("button", { name: "Save" }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();
  await expect(p).toHaveAttribute("aria-busy", "false");

  const crm = await crmContacts(page);
  const google = await googleContacts(email);
  const [waits, restored, deletedNow] = crm.filter((x) => x.emails.length > 0).slice(20, 23);
  const twin = (c) => linkedTo(google, c.id)[0];
  for (const c of [waits, restored, deletedNow]) await deleteInCrm(page, c);
  await openSettings(page);
  let message = await syncNow(page);
  expect(message).not.toContain("deleted in Google");
  // The run's summary says what it held, and for how long.
  expect(message).toContain("3 deletions wait 3 days in Pending deletions");

  const pending = p.getByRole("region", { name: "Pending deletions" });
  await expect(pending.getByRole("listitem")).toHaveCount(3);
  for (const c of [waits, restored, deletedNow]) await expect(pending).toContainText(fullName(c));
  await page.screenshot({ path: shot("pending-deletions"), fullPage: true });
  const group = await pendingGroup(email);
  expect(group, "the group marking pending deletions exists").toBeTruthy();
  for (const c of [waits, restored, deletedNow]) {
    const g = (await googleContacts(email)).find((x) => x.resourceName === twin(c).resourceName);
    expect(g, `${fullName(c)} is still in Google`).toBeTruthy();
    expect(inGroup(g, group), `${fullName(c)} is marked pending`).toBe(true);
  }

  // Restore: the contact is made again in the CRM from Google's, linked to it, unmarked.
  const row = (c) => pending.getByRole("listitem").filter({ hasText: fullName(c) });
  await row(restored).getByRole("button", { name: "Restore" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(pending.getByRole("listitem")).toHaveCount(2);
  const back = (await crmContacts(page)).find((x) => fullName(x) === fullName(restored));
  expect(back, "restored in the CRM").toBeTruthy();
  const restoredTwin = (await googleContacts(email)).find((x) => x.resourceName === twin(restored).resourceName);
  expect(linkTag(restoredTwin)).toEqual([back.id]);
  expect(inGroup(restoredTwin, group)).toBe(false);

  // Delete now, confirmed: gone from Google at once.
  await row(deletedNow).getByRole("button", { name: "Delete now" }).click();
  const dialog = p.getByRole("dialog", { name: `Delete ${fullName(deletedNow)} now?` });
  await dialog.getByRole("button", { name: "Delete now" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(pending.getByRole("listitem")).toHaveCount(1);
  expect((await googleContacts(email)).some((x) => x.resourceName === twin(deletedNow).resourceName)).toBe(false);

  // Two days on, a sync leaves the last one waiting; past three days, a sync deletes it.
  await clockAhead(page, 2 * DAY);
  message = await syncNow(page);
  expect(message).not.toContain("deleted in Google");
  await expect(pending.getByRole("listitem")).toHaveCount(1);
  expect((await googleContacts(email)).some((x) => x.resourceName === twin(waits).resourceName)).toBe(true);
  await clockAhead(page, 3 * DAY);
  message = await syncNow(page);
  expect(message).toContain("1 deleted in Google");
  await expect(pending).toHaveCount(0);
  const after = await googleContacts(email);
  expect(after.some((x) => x.resourceName === twin(waits).resourceName)).toBe(false);
  expect(after.length, "the two deleted, the restored one kept").toBe(298);
  expect((await crmContacts(page)).length).toBe(298);
});
