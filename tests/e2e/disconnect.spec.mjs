// "Disconnect" revokes the Google token and forgets the account.
import { test, expect } from "./playwright.mjs";
import { EMULATOR, connectAccount, freshEmail, go, openDemo, panel, shot, toast } from "./helpers.mjs";

async function peopleApi(token) {
  return fetch(`${EMULATOR}/v1/people/me/connections?personFields=names`, { headers: { Authorization: `Bearer ${token}` } });
}

test("Disconnect revokes the token: Google refuses it afterwards and syncing needs a new connection", async ({ page }) => {
  const email = freshEmail("disconnect");
  const seen = await openDemo(page);
  const token = await connectAccount(page, email);
  expect(token, "the consent step redirected with an access token").toBeTruthy();
  expect((await peopleApi(token)).status).toBe(200);
  expect((await fetch(`${EMULATOR}/tokeninfo?access_token=${encodeURIComponent(token)}`)).status).toBe(200);

  const p = panel(page);
  const account = p.locator(`[data-account="${email}"]`);
  await account.getByRole("button", { name: "Disconnect" }).click();
  const dialog = p.getByRole("dialog", { name: `Disconnect ${email}?` });
  await expect(dialog).toBeVisible();
  await page.screenshot({ path: shot("disconnect-confirm") });
  await dialog.getByRole("button", { name: "Revoke access" }).click();
  await expect(p.locator(".gcs-messages")).toContainText(`${email} is disconnected and Google revoked the plugin's access.`);
  await expect(account).toHaveCount(0);
  await expect(p).toContainText("No Google account is connected yet.");
  await page.screenshot({ path: shot("disconnected"), fullPage: true });

  // Google's side: the token is revoked.
  const api = await peopleApi(token);
  expect(api.status).toBe(401);
  expect((await api.json()).error.status).toBe("UNAUTHENTICATED");
  expect((await fetch(`${EMULATOR}/tokeninfo?access_token=${encodeURIComponent(token)}`)).status).not.toBe(200);

  // And the CRM's side: the bulk action now asks for a connection instead of syncing.
  await go(page, "#/contacts");
  await page.getByRole("checkbox", { name: /^Select (?!all$)/ }).first().check();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();
  await toast(page, "No Google account is connected.");
  // The page reloaded: still no account (it was forgotten, not just its in-memory token).
  await openDemo(page, "#/settings");
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  await expect(panel(page)).toContainText("No Google account is connected yet.");

  // Connecting again (picking the account the chooser now lists) hands out a new, live token.
  const again = await connectAccount(page, email, { screenshot: "disconnect-reconnect-consent", listed: true });
  expect(again).toBeTruthy();
  expect(again).not.toBe(token);
  expect((await peopleApi(again)).status).toBe(200);
  expect((await peopleApi(token)).status).toBe(401);
  expect(seen.errors).toEqual([]);
});
