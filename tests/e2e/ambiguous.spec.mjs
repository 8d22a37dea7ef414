// Two different people on one shared address are left alone, and the preview says why in words
// that fit: not "matches 1 contact", but another family name on the same email.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, crmContacts, demoSeed, displayName, freshEmail, googleContacts, linkedTo, openDemo, panel, panelAction, shot } from "./helpers.mjs";

test("a shared email under another family name is listed as such in the preview", async ({ page }) => {
  const email = freshEmail("ambiguous");
  const shared = `info.${Date.now().toString(36)}@family.example`;
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [{ names: [{ givenName: "Bob", familyName: "Jones" }], emailAddresses: [{ value: shared }] }] });

  await openDemo(page);
  await page.getByRole("link", { name: "New contact" }).first().click();
  await page.getByLabel("First name").fill("Alice");
  await page.getByLabel("Last name").fill("Smith");
  await page.getByLabel("Email 1", { exact: true }).fill(shared);
  await page.getByRole("button", { name: "Create contact" }).click();
  await expect(page.getByRole("heading", { name: "Alice Smith", level: 1 })).toBeVisible();

  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview" });
  const alice = plan.locator(".gcs-ambiguous li").filter({ hasText: "Alice Smith" });
  await expect(alice).toHaveCount(1);
  await expect(alice).toHaveAttribute("data-reason", "namesDiffer");
  await expect(alice).toContainText("has the same email as a contact with another family name");
  await expect(alice).not.toContainText("matches 1 contact");
});

// Decisions in the preview: an ambiguous match linked to the candidate that is the same person,
// another kept apart, and a conflict settled for Google's value; Apply does each, and the next
// preview neither warns again nor shows the conflict.
test("the preview links a match to a chosen candidate, keeps another apart and settles a conflict", async ({ page }) => {
  const email = freshEmail("decide");
  const crm = new Map(demoSeed().crm.map((c) => [c.id, c]));
  const byId = (id) => /** @type {any} */ (crm.get(id));
  // Zoë's company differs in Google: a conflict on first link, the CRM's value kept by default.
  const zoe = byId("c000002");
  // Søren and Harper are both candidates of one Google contact holding both their emails.
  const soren = byId("c000003");
  const harper = byId("c000225");
  // Bob shares José's email under another family name.
  const jose = byId("c000001");
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [
    { names: [{ givenName: zoe.firstName, familyName: zoe.lastName }], emailAddresses: [{ value: zoe.emails[0].value }], organizations: [{ name: "Fairbanks Consulting" }] },
    { names: [{ givenName: soren.firstName, familyName: soren.lastName }], emailAddresses: [{ value: soren.emails[0].value }, { value: harper.emails[0].value }] },
    { names: [{ givenName: "Bob", familyName: "Jones" }], emailAddresses: [{ value: jose.emails[0].value }] },
  ] });

  await openDemo(page);
  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  let plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator('[data-count="ambiguous"] .gcs-count-n')).toHaveText("2");

  // Søren (Google): both CRM candidates by name, each linked to its page in the CRM, the Google
  // contact to Google Contacts, in a new tab without access to this page.
  const sorenMatch = plan.locator(".gcs-ambiguous li").filter({ hasText: `${soren.firstName} ${soren.lastName} (Google)` });
  await expect(sorenMatch).toContainText(soren.emails[0].value);
  const google = sorenMatch.getByRole("link", { name: `${soren.firstName} ${soren.lastName}` }).first();
  await expect(google).toHaveAttribute("href", /^https:\/\/contacts\.google\.com\/person\/c\d+$/);
  await expect(google).toHaveAttribute("rel", "noopener noreferrer");
  await expect(google).toHaveAttribute("target", "_blank");
  const harperLink = sorenMatch.getByRole("link", { name: `${harper.firstName} ${harper.lastName}` });
  await expect(harperLink).toHaveAttribute("href", new RegExp(`#/contact/${harper.id}$`));
  await sorenMatch.getByRole("radio", { name: `Same person as ${soren.firstName} ${soren.lastName}` }).check();

  const bobMatch = plan.locator(".gcs-ambiguous li").filter({ hasText: `${jose.firstName} ${jose.lastName} (CRM)` });
  await expect(bobMatch).toHaveAttribute("data-reason", "namesDiffer");
  await bobMatch.getByRole("radio", { name: /Different people: keep apart/ }).check();

  const conflict = plan.locator(`tr[data-conflict="${zoe.id} company"]`);
  await expect(conflict).toContainText("Fairbanks Consulting");
  await conflict.getByRole("radio", { name: /Keep the Google value/ }).check();
  await plan.getByRole("heading", { name: /^Ambiguous matches/ }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: shot("preview-decisions") });

  await panelAction(page, "Apply");
  await expect(panel(page).locator(".gcs-messages")).toContainText(`Synced with ${email}`);

  const people = await googleContacts(email);
  const contacts = await crmContacts(page);
  // The chosen link, made once, to the Google contact seeded (the one with both emails);
  // Harper is a contact of her own in Google.
  const sorenGoogle = linkedTo(people, soren.id);
  expect(sorenGoogle.map((p) => p.emailAddresses.map((e) => e.value))).toEqual([expect.arrayContaining([soren.emails[0].value, harper.emails[0].value])]);
  expect(linkedTo(people, harper.id)).toHaveLength(1);
  // Kept apart: Bob came to the CRM as himself, José went to Google as himself.
  expect(contacts.filter((c) => c.firstName === "Bob" && c.lastName === "Jones")).toHaveLength(1);
  expect(linkedTo(people, jose.id).map(displayName)).toEqual([`${jose.firstName} ${jose.lastName}`]);
  // Google's value won the conflict, in the CRM too.
  expect(contacts.find((c) => c.id === zoe.id)?.company).toBe("Fairbanks Consulting");

  await panelAction(page, "Preview changes");
  plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator('[data-count="ambiguous"] .gcs-count-n')).toHaveText("0");
  await expect(plan.locator('[data-count="conflicts"] .gcs-count-n')).toHaveText("0");
  await expect(plan.locator('[data-count="create:google"] .gcs-count-n')).toHaveText("0");
  await expect(plan.locator('[data-count="create:crm"] .gcs-count-n')).toHaveText("0");
});
