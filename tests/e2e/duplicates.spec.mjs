// Possible duplicates, and a preview that is the plan that runs.
//
// The same name on both sides with nothing telling the two apart (Zoë Fairbanks, in the CRM with
// her work details and in Google with her personal ones) is one person entered twice, or two
// people: no run creates either on the other side until the user says which. Each decision in the
// preview plans again, so its counts, rows and hints show what Apply will do, and Apply does
// exactly that.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, crmContacts, demoSeed, displayName, freshEmail, fullName, googleContacts, linkedTo, openDemo, panel, panelAction, shot, syncNow } from "./helpers.mjs";

/** @param {import("@playwright/test").Locator} plan @param {string} key */
const count = (plan, key) => plan.locator(`[data-count="${key}"] .gcs-count-n`);

/** @param {import("@playwright/test").Locator} plan @param {string} key */
async function countOf(plan, key) {
  return Number((await count(plan, key).textContent()) || "0");
}

const named = (/** @type {any[]} */ people, /** @type {string} */ name) => people.filter((p) => displayName(p) === name);

test("same-name contacts wait as possible duplicates until the user links them or creates both, and the choice is remembered", async ({ page }) => {
  const email = freshEmail("dupes");
  const crm = new Map(demoSeed().crm.map((c) => [c.id, c]));
  const zoe = /** @type {any} */ (crm.get("c000002"));
  const soren = /** @type {any} */ (crm.get("c000003"));
  const zoeName = fullName(zoe);
  const sorenName = fullName(soren);
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [
    // Her personal email and phone: nothing shared with the CRM's Zoë, nothing contradicting.
    { names: [{ givenName: zoe.firstName, familyName: zoe.lastName }], emailAddresses: [{ value: "zoe.f.personal@example.co.uk" }], phoneNumbers: [{ value: "07700 900123" }] },
    // The CRM's Søren was born on 13 July, year unknown: this one on 13 July 1990 may be him.
    // (The same birthday on both sides would link them by name and birthday.)
    { names: [{ givenName: soren.firstName, familyName: soren.lastName }], emailAddresses: [{ value: "another.soren@example.dk" }], birthdays: [{ date: { year: 1990, month: 7, day: 13 } }] },
  ] });

  await openDemo(page);
  await connectAccount(page, email);
  // A run that is not a preview creates neither of them on the other side.
  const summary = await syncNow(page, { timeout: 120_000 });
  let people = await googleContacts(email);
  let contacts = await crmContacts(page);
  expect(named(people, zoeName)).toHaveLength(1);
  expect(named(people, sorenName)).toHaveLength(1);
  expect(contacts.filter((c) => fullName(c) === zoeName)).toHaveLength(1);
  expect(contacts.filter((c) => fullName(c) === sorenName)).toHaveLength(1);
  expect(summary).toBeTruthy();

  await panelAction(page, "Preview changes");
  let plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(count(plan, "duplicates")).toHaveText("2");
  await expect(plan.locator('[data-count="duplicates"]')).toHaveText("2 possible duplicates");
  await expect(plan.getByRole("heading", { name: "Possible duplicates (2)" })).toBeVisible();
  await expect(plan.locator('[data-count="create:google"]')).toHaveText("0 to create in Google");
  // Nothing to apply until a decision is made.
  const apply = panel(page).getByRole("button", { name: "Apply", exact: true });
  await expect(apply).toBeDisabled();
  await expect(plan.locator(".gcs-plan-bar-note")).toHaveText("Nothing to apply");

  const zoeItem = plan.locator(".gcs-duplicates li").filter({ hasText: `${zoeName} (CRM)` });
  await expect(zoeItem).toHaveAttribute("data-reason", "possibleDuplicate");
  await expect(zoeItem).toContainText(`has the same name as ${zoeName} (Google)`);
  await zoeItem.getByRole("radio", { name: "Same person: link them" }).check();
  // Planned again: the link and the values each side gets from the other show before Apply.
  await expect(plan.locator('[data-count="link"]')).toHaveText("1 to link");
  await expect(apply).toBeEnabled();
  const zoeToCrm = plan.locator('tr[data-group="update:crm"]').filter({ hasText: zoeName });
  // The phone change says what it adds, not the whole list before and after.
  const phones = zoeToCrm.locator("li").filter({ hasText: "Phones:" });
  await expect(phones).toContainText("added");
  await expect(phones).toContainText("07700 900123");
  await expect(phones).not.toContainText("→");

  const sorenItem = plan.locator(".gcs-duplicates li").filter({ hasText: `${sorenName} (CRM)` });
  await sorenItem.getByRole("radio", { name: "Different people: create both" }).check();
  await expect(plan.locator('[data-count="create:google"]')).toHaveText("1 to create in Google");
  await expect(plan.locator('[data-count="create:crm"]')).toHaveText("1 to create in the CRM");
  await expect(count(plan, "duplicates")).toHaveText("0");
  // Birthdays read as dates, with or without a year.
  await expect(plan.locator('tr[data-group="create:crm"]').filter({ hasText: sorenName })).toContainText("Birthday: (empty) → 13 July 1990");
  const sorenToGoogle = plan.locator('tr[data-group="create:google"]').filter({ hasText: sorenName });
  await expect(sorenToGoogle).toContainText("Birthday: (empty) → 13 July");
  await expect(sorenToGoogle).not.toContainText("--07-13");
  await page.screenshot({ path: shot("preview-possible-duplicates") });

  await panelAction(page, "Apply");
  await expect(panel(page).locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  people = await googleContacts(email);
  contacts = await crmContacts(page);
  // Linked: one Zoë on each side, with both her emails.
  expect(named(people, zoeName)).toHaveLength(1);
  expect(linkedTo(people, zoe.id)).toHaveLength(1);
  expect(contacts.filter((c) => fullName(c) === zoeName)).toHaveLength(1);
  expect(contacts.find((c) => c.id === zoe.id)?.emails.map((e) => e.value)).toContain("zoe.f.personal@example.co.uk");
  // Two people: two Sørens on each side, each linked to its own.
  expect(named(people, sorenName)).toHaveLength(2);
  expect(contacts.filter((c) => fullName(c) === sorenName)).toHaveLength(2);
  expect(linkedTo(people, soren.id).map((p) => p.emailAddresses[0].value)).toEqual([soren.emails[0].value]);

  // Remembered: the next preview has nothing to ask and nothing to do.
  await panelAction(page, "Preview changes");
  plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator('[data-count="duplicates"]')).toHaveCount(0);
  await expect(count(plan, "create:google")).toHaveText("0");
  await expect(count(plan, "create:crm")).toHaveText("0");
  await expect(apply).toBeDisabled();
});

test("deciding a conflict and an ambiguous match changes the preview before Apply, and Apply makes exactly those writes", async ({ page }) => {
  const email = freshEmail("replan");
  const crm = new Map(demoSeed().crm.map((c) => [c.id, c]));
  const zoe = /** @type {any} */ (crm.get("c000002"));
  const soren = /** @type {any} */ (crm.get("c000003"));
  const harper = /** @type {any} */ (crm.get("c000225"));
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [
    // Zoë's company differs in Google: a conflict on first link, the CRM's value kept by default.
    { names: [{ givenName: zoe.firstName, familyName: zoe.lastName }], emailAddresses: [{ value: zoe.emails[0].value }], organizations: [{ name: "Fairbanks Consulting" }] },
    // One Google contact holding Søren's and Harper's emails: ambiguous.
    { names: [{ givenName: soren.firstName, familyName: soren.lastName }], emailAddresses: [{ value: soren.emails[0].value }, { value: harper.emails[0].value }] },
  ] });

  await openDemo(page);
  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(count(plan, "ambiguous")).toHaveText("1");
  await expect(plan.locator('[data-count="ambiguous"]')).toHaveText("1 ambiguous match");
  await expect(plan.locator('[data-count="conflicts"]')).toHaveText("1 conflict");
  const conflict = plan.locator(`tr[data-conflict="${zoe.id} company"]`);
  await expect(conflict).toContainText(`By default CRM`);
  // Zoë's rows only, of the hundreds of changes.
  await plan.getByRole("searchbox", { name: "Search changes by name" }).fill(fullName(zoe));
  // By default the CRM's company goes to Google.
  await expect(plan.locator('tr[data-group="update:google"]').filter({ hasText: fullName(zoe) })).toContainText("Fairbanks Consulting → Nordisk Bolig ApS");
  const updatesCrm = await countOf(plan, "update:crm");
  const links = await countOf(plan, "link");

  await conflict.getByRole("radio", { name: /Keep the Google value/ }).check();
  await expect(conflict).toContainText("Your choice: Google");
  await expect(conflict).not.toContainText("By default");
  const zoeToCrm = plan.locator('tr[data-group="update:crm"]').filter({ hasText: fullName(zoe) });
  await expect(zoeToCrm).toContainText("Nordisk Bolig ApS → Fairbanks Consulting");
  await expect(count(plan, "update:crm")).toHaveText(String(updatesCrm + 1));

  const sorenMatch = plan.locator(".gcs-ambiguous li").filter({ hasText: `${fullName(soren)} (Google)` });
  await sorenMatch.getByRole("radio", { name: `Same person as ${fullName(soren)}` }).check();
  await expect(count(plan, "link")).toHaveText(String(links + 1));
  await expect(count(plan, "ambiguous")).toHaveText("0");

  const creates = { google: await countOf(plan, "create:google"), crm: await countOf(plan, "create:crm") };
  const before = { google: (await googleContacts(email)).length, crm: (await crmContacts(page)).length };
  // Every text the bar's note takes from here on.
  await page.evaluate(() => {
    const note = /** @type {Element} */ (document.querySelector(".gcs-plan-bar-note"));
    const seen = /** @type {string[]} */ ([]);
    Object.assign(window, { seenNotes: seen });
    new MutationObserver(() => seen.push(note.textContent || "")).observe(note, { childList: true, characterData: true, subtree: true });
  });
  await panelAction(page, "Apply", { timeout: 120_000 });
  await expect(panel(page).locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  // While applying, the bar said so, not that nothing has changed yet.
  const notes = await page.evaluate(() => /** @type {any} */ (window).seenNotes);
  expect(notes[0]).toMatch(/^Applying \d+ changes…$/);
  expect(notes.filter((/** @type {string} */ n) => /nothing has been changed/.test(n))).toEqual([]);
  const people = await googleContacts(email);
  const contacts = await crmContacts(page);
  // The writes the preview listed: its creates on each side, Google's company in the CRM, the
  // link chosen.
  expect(people.length - before.google).toBe(creates.google);
  expect(contacts.length - before.crm).toBe(creates.crm);
  expect(contacts.find((c) => c.id === zoe.id)?.company).toBe("Fairbanks Consulting");
  expect(linkedTo(people, soren.id).flatMap((p) => p.emailAddresses.map((/** @type {any} */ e) => e.value))).toEqual(expect.arrayContaining([soren.emails[0].value, harper.emails[0].value]));
});
