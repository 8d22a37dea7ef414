// Undo a run in Creme: a first sync from the panel in My settings, then "Undo this run" in the
// history, its preview and "Undo the run". Both sides are as before the sync: the emulator's
// contacts (admin dump) and Creme's, read through the app's endpoints (a contact in Creme's trash
// is deleted for them).
import { test, expect } from "../e2e/playwright.mjs";
import { displayName, holdDeletions } from "../e2e/helpers.mjs";
import {
  EMULATOR, admin, api, connect, cremeContacts, freshEmail, googleContacts, linkTag, linkedTo, login, openSettings,
  panel, panelAction, shot, syncNow,
} from "./creme.mjs";

/** A People API call as the account's owner would make it (a token from the emulator's admin). */
async function people(email, method, path) {
  const { access_token: token } = await admin("tokens", { email });
  const res = await fetch(`${EMULATOR}/v1/${path}`, { method, headers: { Authorization: `Bearer ${token}` } });
  expect(res.ok, `${method} ${path}: ${res.status}`).toBe(true);
}

/** What a user sees of each Google contact (its name, emails, phones), sorted. */
function shown(people) {
  return people.map((p) => [
    displayName(p),
    (p.emailAddresses || []).map((e) => e.value).sort().join(","),
    (p.phoneNumbers || []).map((n) => n.value).sort().join(","),
  ].join(" | ")).sort();
}

test("Creme: undo a first sync from the history; both sides are as before it", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-undo");
  // Names of this test's own, so that the first sync matches them with no Creme contact.
  const tag = email.split("@")[0].split("-").slice(-2).join("");
  await admin("accounts", { email });
  await admin("seed", {
    email,
    contacts: [
      { names: [{ givenName: "Una", familyName: `Undone${tag}` }], emailAddresses: [{ value: `una.${tag}@undo.example` }] },
      { names: [{ givenName: "Ugo", familyName: `Undone${tag}` }], phoneNumbers: [{ value: "+1 415 555 0142" }] },
    ],
  });
  const errors = await login(page);
  const googleBefore = shown(await googleContacts(email));
  const cremeBefore = await cremeContacts(page);

  await connect(page, email);
  await syncNow(page);
  const cremeSynced = await cremeContacts(page);
  expect(cremeSynced.length).toBe(cremeBefore.length + 2);
  expect((await googleContacts(email)).length).toBe(googleBefore.length + cremeBefore.length);
  const before = new Set(cremeBefore.map((c) => c.id));
  const created = cremeSynced.filter((c) => !before.has(c.id));
  expect(created.map((c) => c.lastName)).toEqual([`Undone${tag}`, `Undone${tag}`]);

  // The run to undo is this account's first sync, the newest row of its history.
  await openSettings(page);
  const p = panel(page);
  const picker = p.locator('select[id^="gcs-acct-pick"]');
  if (await picker.count()) {
    await picker.selectOption(email.toLowerCase());
    await expect(p).toHaveAttribute("aria-busy", "false");
  }
  const history = p.getByRole("table", { name: "Run history" });
  await history.getByRole("button", { name: /^Undo this run: / }).first().click();
  const plan = p.getByRole("region", { name: /^Preview: undo the run of / });
  await expect(plan).toBeVisible({ timeout: 120_000 });
  await expect(plan).toContainText("created by the run undone, unchanged since");
  await page.screenshot({ path: shot("creme-undo-preview"), fullPage: true });
  // The preview writes nothing, on either side.
  expect((await cremeContacts(page)).length).toBe(cremeSynced.length);
  expect((await googleContacts(email)).length).toBe(googleBefore.length + cremeBefore.length);

  await panelAction(page, "Undo the run");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  const googleAfter = await googleContacts(email);
  expect(shown(googleAfter)).toEqual(googleBefore);
  // The imported Google contacts keep the link tag of the Creme contact the undo deleted.
  expect(googleAfter.flatMap(linkTag).sort()).toEqual(created.map((c) => c.id).sort());
  // Every Creme contact as it was (same fields, not even touched), and the two the sync made are
  // in Creme's trash.
  expect(await cremeContacts(page)).toEqual(cremeBefore);
  expect((await api(page, "contacts/get", { ids: created.map((c) => c.id) })).json).toEqual([]);
  // The undo is a run of the history, named as such.
  await expect(history.getByRole("row").nth(1)).toContainText("Undo of the run of");
  // The Creme contacts the undo unlinked are offered again, unedited though they are (the
  // change feed alone would not bring them): the preview creates them in Google.
  await panelAction(page, "Preview changes");
  const again = p.getByRole("region", { name: "Preview", exact: true });
  await expect(again.getByRole("table", { name: "Planned changes" })).toBeVisible({ timeout: 120_000 });
  await again.getByText("Preview text", { exact: true }).click();
  await expect(again.locator("pre")).toContainText("Create in Google: ");
  const offered = ((await again.locator("pre").textContent()) || "").split("\n").filter((l) => l.startsWith("Create in Google: "));
  expect(offered).toHaveLength(cremeBefore.length);
  await again.getByRole("button", { name: "Close preview" }).click();
  // The next sync sends them to Google again, as the sync undone did (not "already up to date").
  // It neither imports those tagged Google contacts again nor deletes them, though the Creme
  // contacts their tags name are in the trash.
  await panelAction(page, "Sync now");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}: ${cremeBefore.length} created in Google`);
  const ours = (people) => shown(people.filter((g) => displayName(g).endsWith(`Undone${tag}`)));
  expect(ours(await googleContacts(email))).toEqual(ours(googleAfter));
  expect(ours(googleAfter)).toHaveLength(2);
  expect((await googleContacts(email)).length).toBe(googleBefore.length + cremeBefore.length);
  expect(await cremeContacts(page)).toEqual(cremeBefore);
  expect(errors).toEqual([]);

  // Later tests of root's session sync other accounts.
  await p.locator(`[data-account="${email.toLowerCase()}"]`).getByRole("button", { name: "Disconnect" }).click();
  await p.getByRole("button", { name: "Revoke access" }).click();
  await expect(p.locator(".gcs-messages")).toContainText(`${email} is disconnected`);
});

test("Creme: undoing a run that deleted Creme contacts restores the same contacts from the trash", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-undo-trash");
  const tag = email.split("@")[0].split("-").slice(-2).join("");
  await admin("accounts", { email });
  // Tom's phone is one no Creme contact holds (the demo's seed has 415 555 01xx numbers): one a
  // contact held under another name would make Tom an ambiguous match, left alone, not imported.
  await admin("seed", {
    email,
    contacts: [
      { names: [{ givenName: "Tia", familyName: `Trashed${tag}` }], emailAddresses: [{ value: `tia.${tag}@trash.example` }] },
      { names: [{ givenName: "Tom", familyName: `Trashed${tag}` }], phoneNumbers: [{ value: "+1 202 555 0143" }] },
    ],
  });
  const errors = await login(page);
  await connect(page, email);
  // Deletions made at once (not held for their days), so the run to undo is the one deleting.
  await holdDeletions(page, 0);
  await syncNow(page);
  const synced = await cremeContacts(page);
  const ours = synced.filter((c) => c.lastName === `Trashed${tag}`);
  expect(ours).toHaveLength(2);
  const ids = ours.map((c) => c.id).sort();

  // Both deleted in Google: the next sync deletes them in Creme, to its trash.
  for (const g of await googleContacts(email)) {
    if (ids.some((id) => linkTag(g).includes(id))) await people(email, "DELETE", `${g.resourceName}:deleteContact`);
  }
  expect(await syncNow(page)).toMatch(/2 deleted in the CRM/);
  expect((await api(page, "contacts/get", { ids })).json).toEqual([]);

  await openSettings(page);
  const p = panel(page);
  const picker = p.locator('select[id^="gcs-acct-pick"]');
  if (await picker.count()) {
    await picker.selectOption(email.toLowerCase());
    await expect(p).toHaveAttribute("aria-busy", "false");
  }
  const history = p.getByRole("table", { name: "Run history" });
  await history.getByRole("button", { name: /^Undo this run: / }).first().click();
  const plan = p.getByRole("region", { name: /^Preview: undo the run of / });
  await expect(plan).toBeVisible({ timeout: 120_000 });
  await plan.getByText("Preview text", { exact: true }).click();
  await expect(plan.locator("pre")).toContainText(`Restore in the CRM: Tia Trashed${tag}`);
  await expect(plan.locator("pre")).toContainText(`Restore in the CRM: Tom Trashed${tag}`);
  await expect(plan.locator("pre")).not.toContainText("Create in the CRM");
  await page.screenshot({ path: shot("creme-undo-restore-preview"), fullPage: true });

  await panelAction(page, "Undo the run");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}: 2 restored in the CRM`);
  // The same contacts, ids and values, out of the trash; no other contact made.
  const back = (await api(page, "contacts/get", { ids })).json;
  expect(back.map((c) => c.id).sort()).toEqual(ids);
  expect(back.map((c) => `${c.firstName} ${c.lastName}`).sort()).toEqual([`Tia Trashed${tag}`, `Tom Trashed${tag}`]);
  expect(back.find((c) => c.firstName === "Tia").emails.map((e) => e.value)).toEqual([`tia.${tag}@trash.example`]);
  expect((await cremeContacts(page)).map((c) => c.id).sort()).toEqual(synced.map((c) => c.id).sort());

  // The next sync sends them to Google, each linked under its own Creme id; nothing duplicated.
  expect(await syncNow(page)).toMatch(/2 created in Google/);
  const google = await googleContacts(email);
  for (const id of ids) expect(linkedTo(google, id), id).toHaveLength(1);
  expect((await cremeContacts(page)).map((c) => c.id).sort()).toEqual(synced.map((c) => c.id).sort());
  expect(errors).toEqual([]);

  await p.locator(`[data-account="${email.toLowerCase()}"]`).getByRole("button", { name: "Disconnect" }).click();
  await p.getByRole("button", { name: "Revoke access" }).click();
  await expect(p.locator(".gcs-messages")).toContainText(`${email} is disconnected`);
});
