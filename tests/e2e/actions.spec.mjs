// The two contact actions: "Sync Contact(s)" on the list's selection and "Sync with Google
// Contacts" on a contact's page. Each test connects a fresh, empty Google account, so what ends
// up in Google is exactly what the action sent.
import { test, expect } from "./playwright.mjs";
import {
  connectAccount, crmContacts, digits, freshEmail, fullName, go, googleContacts, linkedTo, openDemo, shot, toast,
} from "./helpers.mjs";

test("select three contacts, More Actions → Sync Contact(s): exactly those three are in Google, and a summary appears", async ({ page }) => {
  const email = freshEmail("bulk");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await go(page, "#/contacts");

  const table = page.getByRole("table", { name: "Contacts" });
  const boxes = table.getByRole("checkbox", { name: /^Select (?!all$)/ });
  await expect(boxes.first()).toBeVisible();
  // Three rows from different places on the first page.
  const picked = [];
  for (const i of [0, 7, 23]) {
    const label = await boxes.nth(i).getAttribute("aria-label");
    picked.push(label.replace(/^Select /, ""));
  }
  for (const name of picked) await page.getByRole("checkbox", { name: `Select ${name}`, exact: true }).check();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();

  const summary = await toast(page, `Synced 3 contacts with ${email}`, { timeout: 60_000 });
  expect(summary).toContain("3 created in Google");
  await page.screenshot({ path: shot("bulk-sync"), fullPage: true });

  const crm = await crmContacts(page);
  const chosen = picked.map((name) => crm.find((c) => fullName(c) === name));
  const google = await googleContacts(email);
  expect(google.length).toBe(3);
  for (const c of chosen) {
    const [g] = linkedTo(google, c.id);
    expect(g, `${fullName(c)} is in Google`).toBeTruthy();
    expect(g.names[0].givenName).toBe(c.firstName);
    expect(g.names[0].familyName).toBe(c.lastName);
    expect((g.emailAddresses || []).map((e) => e.value.toLowerCase()).sort())
      .toEqual(c.emails.map((e) => e.value.toLowerCase()).sort());
  }
  expect(seen.errors).toEqual([]);
});

test("a contact's page, More Actions → Sync with Google Contacts: that contact is in Google", async ({ page }) => {
  const email = freshEmail("record");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  const [c] = (await crmContacts(page)).filter((x) => x.emails.length && x.phones.length && x.birthday && /^\d{4}/.test(x.birthday));
  await go(page, `#/contact/${c.id}`);
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync with Google Contacts" }).click();
  const summary = await toast(page, `Synced 1 contact with ${email}`, { timeout: 60_000 });
  expect(summary).toContain("1 created in Google");
  await page.screenshot({ path: shot("record-sync"), fullPage: true });

  const google = await googleContacts(email);
  expect(google.length).toBe(1);
  const [g] = linkedTo(google, c.id);
  expect(g).toBeTruthy();
  expect(g.names[0].givenName).toBe(c.firstName);
  expect(g.names[0].familyName).toBe(c.lastName);
  expect(g.emailAddresses.map((e) => e.value.toLowerCase())).toContain(c.emails[0].value.toLowerCase());
  expect(g.phoneNumbers.map((x) => digits(x.value))).toContain(digits(c.phones[0].value));
  const [y, m, d] = c.birthday.split("-").map(Number);
  expect(g.birthdays[0].date).toEqual({ year: y, month: m, day: d });
  expect(seen.errors).toEqual([]);
});
