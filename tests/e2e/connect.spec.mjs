// Connecting a Google account through the consent popup.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, freshEmail, openDemo, panel, shot, EMULATOR } from "./helpers.mjs";

test("Connect Google account opens the consent popup and the panel lists the account as connected", async ({ page }) => {
  const email = freshEmail("connect");
  const seen = await openDemo(page);
  const token = await connectAccount(page, email, { screenshot: "connect-consent" });

  const account = panel(page).locator(`[data-account="${email}"]`);
  await expect(account).toContainText(email);
  await expect(account).toContainText("Connected");
  await expect(account).toContainText("Never synced");
  await expect(panel(page).getByRole("heading", { name: `Settings for ${email}` })).toBeVisible();
  await page.screenshot({ path: shot("connect-panel"), fullPage: true });

  // Google's side: the consent step created the account and handed out a live token for it.
  const accounts = await admin("accounts");
  expect(JSON.stringify(accounts)).toContain(email);
  expect(token, "the consent step redirected with an access token").toBeTruthy();
  const info = await fetch(`${EMULATOR}/tokeninfo?access_token=${encodeURIComponent(token)}`);
  expect(info.status).toBe(200);
  expect(await info.text()).toContain("contacts");
  expect(seen.errors).toEqual([]);
});
