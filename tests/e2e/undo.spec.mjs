// Undo a run from the history: a first sync, then "Undo this run", its preview and its Apply.
// Both sides are as before the sync: the emulator's contacts (admin dump) and the CRM's.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, crmContacts, displayName, freshEmail, googleContacts, openDemo, panel, panelAction, shot, syncNow } from "./helpers.mjs";

/** What a user sees of each Google contact (its name, emails, phones), sorted. */
function shown(people) {
  return people.map((p) => [
    displayName(p),
    (p.emailAddresses || []).map((e) => e.value).sort().join(","),
    (p.phoneNumbers || []).map((n) => n.value).sort().join(","),
  ].join(" | ")).sort();
}

test("Undo a first sync from the history: both sides are as before it", async ({ page }) => {
  const email = freshEmail("undo");
  await admin("accounts", { email });
  await admin("seed", {
    email,
    contacts: [
      { names: [{ givenName: "Una", familyName: "Undone" }], emailAddresses: [{ value: "una.undone@example.org" }] },
      { names: [{ givenName: "Ugo", familyName: "Undone" }], phoneNumbers: [{ value: "+1 415 555 0142" }] },
    ],
  });
  await openDemo(page);
  const googleBefore = shown(await googleContacts(email));
  const crmBefore = await crmContacts(page);

  await connectAccount(page, email);
  await syncNow(page, { timeout: 120_000 });
  const crmSynced = await crmContacts(page);
  expect(crmSynced.length).toBe(crmBefore.length + 2);
  expect((await googleContacts(email)).length).toBe(googleBefore.length + crmBefore.length);

  const p = panel(page);
  const history = p.getByRole("table", { name: "Run history" });
  await history.getByRole("button", { name: /^Undo this run: / }).first().click();
  const plan = p.getByRole("region", { name: /^Preview: undo the run of / });
  await expect(plan).toBeVisible({ timeout: 60_000 });
  await expect(plan).toContainText("created by the run undone, unchanged since");
  await page.screenshot({ path: shot("undo-preview"), fullPage: true });
  // The preview writes nothing.
  expect((await crmContacts(page)).length).toBe(crmSynced.length);

  await panelAction(page, "Undo the run", { timeout: 120_000 });
  await expect(p.locator(".gcs-messages")).toContainText("Synced with");
  expect(shown(await googleContacts(email))).toEqual(googleBefore);
  expect(await crmContacts(page)).toEqual(crmBefore);
  // The undo is a run of the history, named as such.
  await expect(history.getByRole("row").nth(1)).toContainText("Undo of the run of");
});
