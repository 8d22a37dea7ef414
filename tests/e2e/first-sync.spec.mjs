// The first sync of a CRM with an overlapping Google account: preview, apply, then every
// overlapping contact is linked (not duplicated) and blanks are filled in on both sides.
import { test, expect } from "./playwright.mjs";
import {
  admin, connectAccount, crmContacts, demoSeed, digits, freshEmail, googleContacts, linkedTo, linkTag, openDemo,
  panel, panelAction, shot,
} from "./helpers.mjs";

test("Preview changes, then Apply: matched contacts are linked, not duplicated, and blanks are filled on both sides", async ({ page }) => {
  const email = freshEmail("first-sync");
  // The Google side: the demo's overlap (150 people; the first 140 are copies of every other CRM
  // seed contact, c000001, c000003…, with differences; 10 exist only in Google), with one
  // contact arranged to have a birthday the CRM lacks and no phone while the CRM has one.
  const { crm: crmSeed, google: people } = demoSeed();
  const overlapping = people.length - 10;
  const k = [...Array(overlapping).keys()].find((i) => {
    const c = crmSeed[2 * i];
    return !c.birthday && c.phones.length === 1 && c.emails.length > 0
      && (people[i].emailAddresses || []).some((e) => e.value.toLowerCase() === c.emails[0].value.toLowerCase());
  });
  expect(k, "the seed holds a CRM contact without a birthday that Google knows by email").toBeDefined();
  const filled = crmSeed[2 * k];
  people[k].birthdays = [{ date: { year: 1984, month: 7, day: 14 } }];
  delete people[k].phoneNumbers;
  await admin("accounts", { email });
  await admin("seed", { email, contacts: people });
  expect((await googleContacts(email)).length).toBe(150);

  const seen = await openDemo(page);
  const crmBefore = await crmContacts(page);
  expect(crmBefore.length).toBe(300);
  expect(crmBefore.find((c) => c.id === filled.id).birthday).toBeFalsy();

  await connectAccount(page, email);
  const p = panel(page);
  await panelAction(page, "Preview changes");
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  await expect(plan).toBeVisible();
  const table = plan.getByRole("table", { name: "Planned changes" });
  await expect(table).toBeVisible();
  await expect(plan).toContainText("Nothing has been changed yet.");
  // The preview names the arranged contact with its fill-ins, in words: the birthday into the
  // CRM and the phone into Google. The changes come a page at a time: the search finds them.
  await plan.getByRole("searchbox", { name: "Search changes by name" }).fill(filled.lastName);
  const rows = table.getByRole("row").filter({ hasText: `${filled.firstName}` }).filter({ hasText: filled.lastName });
  await expect(rows.filter({ hasText: "CRM" }).filter({ hasText: /Birthday: \(empty\) → .*1984/ })).toHaveCount(1);
  await expect(rows.filter({ hasText: "Google" }).filter({ hasText: /Phones: \(empty\) → / })).toHaveCount(1);
  await plan.getByRole("searchbox", { name: "Search changes by name" }).fill("");
  await expect(plan.getByRole("heading", { name: /^Ambiguous matches/ })).toBeVisible();
  await expect(plan.locator(".gcs-ambiguous")).toContainText("Mia Hernandez");
  await page.screenshot({ path: shot("first-sync-preview"), fullPage: true });
  // Nothing was written by the preview.
  expect((await googleContacts(email)).length).toBe(150);
  expect((await crmContacts(page)).length).toBe(300);

  await panelAction(page, "Apply");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}: 158 created in Google, 10 created in the CRM`);
  await expect(p.getByRole("table", { name: "Run history" })).toBeVisible();
  await page.screenshot({ path: shot("first-sync-applied"), fullPage: true });

  // The seed holds three CRM contacts that share phone numbers: James Davis (c000032) and Mia
  // Hernandez (c000035) share +1 310 555 0166, Mia and Henry Wilson (c000038) share
  // +1 617 555 0164. Mia's Google copy has no email, so it matches all three by phone: an
  // ambiguous match, which the design leaves alone (nothing created or linked) and lists.
  const ambiguousCrm = ["c000032", "c000035", "c000038"];
  // Google: its 150 people plus the 160 CRM contacts it lacked, less the two ambiguous ones
  // (James and Henry) = 308. The CRM: its 300 plus the 10 Google-only people = 310.
  const google = await googleContacts(email);
  const crm = await crmContacts(page);
  expect(crm.length).toBe(310);
  expect(google.length).toBe(308);
  // Every other CRM contact is linked to exactly one Google contact; the 139 unambiguous copies
  // were linked (the seeded contact carries the tag), not duplicated.
  for (const c of crm) {
    expect(linkedTo(google, c.id).length, `Google contacts linked to ${c.id}`).toBe(ambiguousCrm.includes(c.id) ? 0 : 1);
  }
  let linkedCopies = 0;
  for (let i = 0; i < overlapping; i++) {
    const c = crmSeed[2 * i];
    if (ambiguousCrm.includes(c.id)) continue;
    const [copy] = linkedTo(google, c.id);
    expect(copy.names?.[0]?.familyName).toBe(c.lastName);
    linkedCopies++;
  }
  expect(linkedCopies).toBe(139);
  // No email address is on two Google contacts.
  const emails = google.flatMap((g) => (g.emailAddresses || []).map((e) => e.value.toLowerCase()));
  expect(emails.length).toBe(new Set(emails).size);
  // The Google-only people arrived in the CRM once each.
  for (const g of people.slice(overlapping)) {
    const given = g.names[0].givenName;
    const phone = digits(g.phoneNumbers[0].value);
    expect(crm.filter((c) => c.firstName === given && c.phones.some((x) => digits(x.value).endsWith(phone.slice(-7)))).length, given).toBe(1);
  }

  // Blanks filled: the CRM contact gained Google's birthday, the Google contact the CRM's phone.
  const after = crm.find((c) => c.id === filled.id);
  expect(after.birthday).toBe("1984-07-14");
  const [gFilled] = linkedTo(google, filled.id);
  expect((gFilled.phoneNumbers || []).map((x) => digits(x.value))).toContain(digits(filled.phones[0].value));

  // The contact page shows the birthday that came from Google.
  await page.goto(`/demo/#/contact/${filled.id}`);
  await expect(page.locator('#main[data-ready="true"]')).toHaveCount(1);
  await expect(page.locator("#main")).toContainText("July 14, 1984");
  await page.screenshot({ path: shot("first-sync-contact"), fullPage: true });
  expect(seen.errors).toEqual([]);
});

// docs/sync-rules.md, "Echoes": a second sync with no edits anywhere makes zero writes, national
// phone numbers of other countries included ("020 7946 0822" beside "+44 20 7946 0822").
test("a second sync right after the first has nothing to change", async ({ page }) => {
  const email = freshEmail("second-sync");
  const { google: people } = demoSeed();
  await admin("accounts", { email });
  await admin("seed", { email, contacts: people });
  await openDemo(page);
  await connectAccount(page, email);
  const p = panel(page);
  await panelAction(page, "Sync now");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  await panelAction(page, "Preview changes");
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  await expect(plan).toBeVisible();
  await page.screenshot({ path: shot("second-sync-preview"), fullPage: true });
  // Only the ambiguous match the first sync set aside waits, for the user's decision.
  await expect(plan.locator(".gcs-plan-summary")).toHaveText("Nothing to change until you decide on the contacts below.");
  await expect(plan.getByRole("button", { name: "Apply", exact: true })).toBeDisabled();
});
