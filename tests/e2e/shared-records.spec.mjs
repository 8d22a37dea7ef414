// Shared records: a contact the signed-in user may not change in the CRM (the demo's
// `demoCrmReadOnly`, as a CRM with other owners' records says it), whose Google copy holds another
// company. The first sync keeps Google's value, writes nothing onto the contact, and the preview,
// the run's message and the history say so.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, crmContacts, demoSeed, freshEmail, googleContacts, openDemo, panel, panelAction, syncNow } from "./helpers.mjs";

const REASON = "Owned by Bea Ortiz.";

test("a first sync keeps Google's values of a contact the user may not change and says so", async ({ page }) => {
  const email = freshEmail("shared");
  const zoe = /** @type {any} */ (demoSeed().crm.find((c) => c.id === "c000002"));
  expect(zoe.company).not.toBe("Fairbanks Consulting");
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [
    { names: [{ givenName: zoe.firstName, familyName: zoe.lastName }], emailAddresses: [{ value: zoe.emails[0].value }], organizations: [{ name: "Fairbanks Consulting" }] },
  ] });
  await page.addInitScript(({ id, why }) => {
    window.demoCrmReadOnly = { [id]: why };
  }, { id: zoe.id, why: REASON });

  await openDemo(page);
  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator('[data-count="notWritten"] .gcs-count-n')).toHaveText("1");
  const item = plan.locator(`.gcs-not-written li[data-crm-id="${zoe.id}"]`);
  await expect(item).toContainText(`${zoe.firstName} ${zoe.lastName}`);
  await expect(item).toContainText(`you may not change this contact in the CRM: ${REASON}`);
  await expect(item).toContainText(`Company: ${zoe.company} → Fairbanks Consulting`);
  // No conflict overwriting Google with the CRM's value.
  await expect(plan.locator('[data-count="conflicts"] .gcs-count-n')).toHaveText("0");

  await panelAction(page, "Apply", { timeout: 120_000 });
  const msg = panel(page).locator(".gcs-messages");
  await expect(msg).toContainText(`${zoe.firstName} ${zoe.lastName} was not updated in the CRM (you may not change this contact in the CRM: ${REASON.replace(/\.$/, "")}); Google keeps its values`);

  const google = (await googleContacts(email)).filter((g) => (g.emailAddresses || []).some((e) => e.value === zoe.emails[0].value));
  expect(google.map((g) => g.organizations?.[0]?.name)).toEqual(["Fairbanks Consulting"]);
  const crm = /** @type {any} */ ((await crmContacts(page)).find((c) => c.id === zoe.id));
  expect(crm.company).toBe(zoe.company);

  // The history's row says it too; a second sync leaves Google's value alone.
  const history = panel(page).locator(".gcs-history");
  await expect(history.locator(`.gcs-not-written li[data-crm-id="${zoe.id}"]`).first()).toContainText(REASON);
  await syncNow(page);
  const again = (await googleContacts(email)).filter((g) => (g.emailAddresses || []).some((e) => e.value === zoe.emails[0].value));
  expect(again.map((g) => g.organizations?.[0]?.name)).toEqual(["Fairbanks Consulting"]);
});
