// After a first sync: an edit made on Google's side (the emulator's viewer form) reaches the CRM,
// deletions follow kvCORE's rule (Google → CRM only), and "Reset sync data" causes no duplicates.
// Each test connects a fresh, empty Google account and fills it with "Sync now" (the CRM's 300).
import { test, expect } from "./playwright.mjs";
import {
  EMULATOR, admin, afterPropagation, connectAccount, crmContacts, expectOneLinkEach, digits, freshEmail, fullName, go, googleContacts, holdDeletions,
  linkTag, linkedTo, openDemo, openSettings, panel, panelAction, shot, syncNow, toast,
} from "./helpers.mjs";

/** Connects a fresh account and syncs the CRM into it; resolves to { email, crm, google }. */
async function syncedAccount(page, tag) {
  const email = freshEmail(tag);
  await openDemo(page);
  await connectAccount(page, email);
  const message = await syncNow(page);
  expect(message).toContain("300 created in Google");
  const crm = await crmContacts(page);
  const google = await googleContacts(email);
  expect(crm.length).toBe(300);
  expect(google.length).toBe(300);
  return { email, crm, google };
}

/** Opens the emulator's viewer on `email`'s account, in its own tab. */
async function openViewer(page, email) {
  const viewer = await page.context().newPage();
  await viewer.goto(`${EMULATOR}/?account=${encodeURIComponent(email)}`);
  await expect(viewer.getByRole("heading", { name: email })).toBeVisible();
  return viewer;
}

/** The viewer's table row of a Google contact, found by its resource name. */
function viewerRow(viewer, resourceName) {
  return viewer.getByRole("row").filter({ hasText: resourceName });
}

test("an edit in the emulator's viewer arrives in the CRM after Sync now", async ({ page }) => {
  const { email, crm, google } = await syncedAccount(page, "viewer-edit");
  const c = crm.find((x) => x.emails.length === 1 && x.phones.length === 1 && !x.notes);
  const [g] = linkedTo(google, c.id);
  const newPhone = "+1 415 555 0142";
  const newNote = "Edited in Google: prefers email.";

  const viewer = await openViewer(page, email);
  const row = viewerRow(viewer, g.resourceName);
  await row.getByText("Edit", { exact: true }).click();
  await row.getByPlaceholder("Phone").fill(newPhone);
  await row.getByPlaceholder("Notes").fill(newNote);
  await viewer.screenshot({ path: shot("viewer-edit"), fullPage: false });
  await row.getByRole("button", { name: "Save" }).click();
  await expect(viewer.getByRole("row").filter({ hasText: g.resourceName })).toContainText(newPhone);
  const edited = (await googleContacts(email)).find((x) => x.resourceName === g.resourceName);
  expect(edited.phoneNumbers.map((x) => x.value)).toEqual([newPhone]);
  await viewer.close();
  await afterPropagation();

  await openSettings(page);
  const message = await syncNow(page);
  expect(message).toMatch(/[1-9]\d* updated/);
  const [after] = (await crmContacts(page)).filter((x) => x.id === c.id);
  expect(after.phones.map((x) => digits(x.value))).toEqual([digits(newPhone)]);
  expect(after.notes).toBe(newNote);
  expect(after.emails).toEqual(c.emails);
  await go(page, `#/contact/${c.id}`);
  await expect(page.locator("#main")).toContainText(newNote);
  await expect(page.locator("#main").getByRole("link", { name: new RegExp(newPhone.replace(/\+/g, "\\+").replace(/ /g, ".?")) })).toBeVisible();
  await page.screenshot({ path: shot("viewer-edit-in-crm"), fullPage: true });
});

test("a Google deletion deletes in the CRM; a CRM deletion leaves Google alone", async ({ page }) => {
  const { email, crm, google } = await syncedAccount(page, "deletions");
  // The rules themselves: deletions made at once (pending-deletions.spec.mjs has them wait).
  await holdDeletions(page, 0);
  const [goneInGoogle, goneInCrm] = crm.filter((x) => x.emails.length > 0).slice(10, 12);
  const gGone = linkedTo(google, goneInGoogle.id)[0];
  const gKept = linkedTo(google, goneInCrm.id)[0];

  // Delete one contact in Google, through the viewer's Delete form.
  const viewer = await openViewer(page, email);
  await viewerRow(viewer, gGone.resourceName).getByRole("button", { name: "Delete" }).click();
  await expect(viewerRow(viewer, gGone.resourceName)).toHaveCount(0);
  await viewer.close();
  expect((await googleContacts(email)).some((x) => x.resourceName === gGone.resourceName)).toBe(false);
  await afterPropagation();

  // Delete another in the CRM, from its page.
  await go(page, `#/contact/${goneInCrm.id}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const dialog = page.getByRole("dialog", { name: `Delete ${fullName(goneInCrm)}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Delete contact" }).click();
  await toast(page, `Deleted ${fullName(goneInCrm)}.`);
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();

  await openSettings(page);
  const message = await syncNow(page);
  expect(message).toContain("1 deleted in the CRM");
  expect(message).not.toContain("deleted in Google");
  await page.screenshot({ path: shot("deletions"), fullPage: true });

  const crmAfter = await crmContacts(page);
  expect(crmAfter.length).toBe(298);
  expect(crmAfter.some((x) => x.id === goneInGoogle.id)).toBe(false);
  const googleAfter = await googleContacts(email);
  expect(googleAfter.length).toBe(299);
  const kept = googleAfter.find((x) => x.resourceName === gKept.resourceName);
  expect(kept, "the contact deleted in the CRM is still in Google").toBeTruthy();
  expect(kept.names[0].familyName).toBe(goneInCrm.lastName);
  // And it was not re-created in the CRM either (its link was dropped, not reversed).
  expect(crmAfter.filter((x) => x.lastName === goneInCrm.lastName && x.firstName === goneInCrm.firstName).length).toBe(0);
});

test("Reset sync data, then Sync now: no duplicate in Google", async ({ page }) => {
  const { email, google } = await syncedAccount(page, "reset");
  const before = new Set(google.map((g) => g.resourceName));
  const p = panel(page);
  await expect(p.getByText("300 linked contacts")).toBeVisible();

  await p.getByRole("button", { name: "Reset sync data" }).click();
  const dialog = p.getByRole("dialog", { name: `Reset sync data for ${email}?` });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("will not cause duplicates");
  await page.screenshot({ path: shot("reset-confirm") });
  await dialog.getByRole("button", { name: "Unlink contacts" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.locator(".gcs-messages")).toContainText(`Sync data for ${email} was reset`);
  await expect(p.getByText("0 linked contacts")).toBeVisible();

  const message = await syncNow(page);
  // Relinked, nothing created: the summary names only what happened.
  expect(message).toContain("300 linked");
  expect(message).not.toContain("created in");
  await expect(p.getByText("300 linked contacts")).toBeVisible();
  await page.screenshot({ path: shot("reset-resynced"), fullPage: true });

  const after = await googleContacts(email);
  expect(after.length).toBe(300);
  expect(new Set(after.map((g) => g.resourceName))).toEqual(before);
  for (const g of after) expect(linkTag(g).length, g.resourceName).toBe(1);
  expect((await crmContacts(page)).length).toBe(300);
});

test("mass deletions in Google are held for confirmation, then carried out by Confirm", async ({ page }) => {
  const { email, crm, google } = await syncedAccount(page, "held");
  // The guard on deletions made at once (held ones meet it when their days are over).
  await holdDeletions(page, 0);
  // 35 Google deletions: over the guard's limit of max(10, 10% of 300 links) = 30.
  const victims = crm.slice(0, 35);
  const names = victims.map((c) => linkedTo(google, c.id)[0].resourceName);
  const { access_token: token } = await admin("tokens", { email });
  const res = await fetch(`${EMULATOR}/v1/people:batchDeleteContacts`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ resourceNames: names }),
  });
  expect(res.status).toBe(200);
  expect((await googleContacts(email)).length).toBe(265);
  await afterPropagation();

  const p = panel(page);
  const message = await syncNow(page);
  expect(message).toContain("35 deletions wait for your confirmation below");
  expect((await crmContacts(page)).length).toBe(300);
  const held = p.getByRole("region", { name: "Deletions awaiting your confirmation" });
  await expect(held).toBeVisible();
  await expect(held.getByRole("listitem")).toHaveCount(35);
  await expect(held).toContainText(fullName(victims[0]));
  await page.screenshot({ path: shot("held-deletions"), fullPage: true });

  await panelAction(page, "Confirm 35 deletions");
  await expect(p.locator(".gcs-messages")).toContainText("35 deleted in the CRM");
  await expect(held).toHaveCount(0);
  const after = await crmContacts(page);
  expect(after.length).toBe(265);
  for (const c of victims) expect(after.some((x) => x.id === c.id)).toBe(false);
  expect((await googleContacts(email)).length).toBe(265);
});

test("two linked contacts merged in Google: the preview says so, Apply keeps both in the CRM with one link, then nothing is left to change", async ({ page }) => {
  const { email, crm, google } = await syncedAccount(page, "merged");
  const [kept, merged] = crm.filter((x) => x.emails.length > 0).slice(20, 22);
  const gKept = linkedTo(google, kept.id)[0];
  const gMerged = linkedTo(google, merged.id)[0];

  // The user's "Merge & fix" in Google: the survivor takes a new name and both contacts' data.
  const { resourceName: survivor } = await admin("merge", { email, survivor: gKept.resourceName, merged: gMerged.resourceName });
  await afterPropagation();

  const p = panel(page);
  await panelAction(page, "Preview changes");
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator('[data-count="merged"] .gcs-count-n')).toHaveText("1");
  await expect(plan.getByRole("heading", { name: "Merged in Google (1)" })).toBeVisible();
  const row = plan.locator(`.gcs-merged-list li[data-crm-id="${merged.id}"]`);
  await expect(row).toContainText(`${fullName(merged)} was merged in Google into the contact linked to ${fullName(kept)}`);
  await page.screenshot({ path: shot("merged-in-google-preview"), fullPage: true });
  await plan.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  await expectOneLinkEach(email);

  // Nothing deleted: the CRM keeps both, Google holds one contact with both emails and one tag.
  const crmAfter = await crmContacts(page);
  expect(crmAfter.length).toBe(300);
  const googleAfter = await googleContacts(email);
  expect(googleAfter.length).toBe(299);
  const g = googleAfter.find((x) => x.resourceName === survivor);
  expect(linkTag(g)).toEqual([kept.id]);
  const emails = g.emailAddresses.map((e) => e.value.toLowerCase());
  for (const e of [...kept.emails, ...merged.emails]) expect(emails).toContain(e.value.toLowerCase());

  await panelAction(page, "Preview changes");
  await expect(p.getByRole("region", { name: "Preview", exact: true })).toContainText("Nothing to change: both sides agree.");
});
