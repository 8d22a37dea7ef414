// Two different people on one shared address are left alone, and the preview says why in words
// that fit: not "matches 1 contact", but another family name on the same email.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, freshEmail, openDemo, panel, panelAction } from "./helpers.mjs";

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
