// Connecting a Google account through the consent popup.
import { test, expect } from "./playwright.mjs";
import { admin, closing, connectAccount, freshEmail, openDemo, panel, shot, signOutOfGoogle, EMULATOR } from "./helpers.mjs";

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

test("after a reload the demo renews the token without the user: the account stays connected and the scheduled sync runs", async ({ page }) => {
  const email = freshEmail("reload");
  const seen = await openDemo(page);
  const first = await connectAccount(page, email);
  /** Tokens the consent page handed out without the user (prompt=none, in the demo's frame). */
  const silent = [];
  page.context().on("response", (r) => {
    const m = /[#&]access_token=([^&]+)/.exec(r.headers().location || "");
    if (r.url().includes("prompt=none") && m) silent.push(decodeURIComponent(m[1]));
  });
  await openDemo(page, "#/settings"); // a real reload: the plugin's in-memory token is lost
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  const account = panel(page).locator(`[data-account="${email}"]`);
  await expect(account.getByText("Connected", { exact: true })).toBeVisible();
  await expect(account).not.toContainText("Needs reconnect");
  // Never synced, so a run is due at page load: it runs with nobody clicking anything.
  await expect.poll(async () => (await admin(`dump?email=${encodeURIComponent(email)}`)).contacts.length, { timeout: 60_000 }).toBe(300);
  await expect(account).not.toContainText("Never synced", { timeout: 60_000 });
  await expect(panel(page).getByRole("table", { name: "Run history" })).toContainText(/schedul/i);
  expect(silent.length, "the token was renewed through the consent page without the user").toBeGreaterThan(0);
  expect(silent).not.toContain(first);
  for (const t of silent.slice(-1)) {
    const info = await (await fetch(`${EMULATOR}/tokeninfo?access_token=${encodeURIComponent(t)}`)).json();
    expect(info.email, "the renewed token is the account's").toBe(email);
  }
  await page.screenshot({ path: shot("reload-connected"), fullPage: true });
  expect(seen.errors).toEqual([]);
});

test("signed out of Google, a reload asks for the account to be reconnected, and Reconnect renews it", async ({ page }) => {
  const email = freshEmail("update");
  const seen = await openDemo(page);
  const first = await connectAccount(page, email);
  await signOutOfGoogle(email);
  await openDemo(page, "#/settings"); // a real reload: the in-memory token is lost
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  const p = panel(page);
  const account = p.locator(`[data-account="${email}"]`);
  // No token in memory, and Google will not renew one without the user.
  await expect(account).toContainText("Needs reconnect");
  await expect(account).toContainText("Click Reconnect to sign in again");
  await page.screenshot({ path: shot("update-needed"), fullPage: true });

  let renewed = null;
  const onResponse = (r) => {
    const m = /[#&]access_token=([^&]+)/.exec(r.headers().location || "");
    if (r.url().includes("/o/oauth2/v2/auth/approve") && m) renewed = decodeURIComponent(m[1]);
  };
  page.context().on("response", onResponse);
  const popupPromise = page.waitForEvent("popup");
  await account.getByRole("button", { name: "Reconnect" }).click();
  const popup = await popupPromise;
  const closed = closing(popup);
  // The chooser suggests the account being renewed first.
  await expect(popup.getByRole("button").first()).toHaveText(email);
  await popup.getByRole("button", { name: email, exact: true }).click();
  await closed;
  await expect(p.locator(".gcs-messages")).toContainText(`${email} is connected again.`);
  await expect(account).toContainText("Connected");
  await expect(account).not.toContainText("Needs reconnect");
  expect(renewed).toBeTruthy();
  expect(renewed).not.toBe(first);

  // And a sync now goes through with the renewed token.
  await p.getByRole("button", { name: "Sync now" }).click();
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}: 300 created in Google`, { timeout: 60_000 });
  expect((await admin(`dump?email=${encodeURIComponent(email)}`)).contacts.length).toBe(300);
  expect(seen.errors).toEqual([]);
});

test("access revoked at Google: Sync now fails and the account shows it needs reconnecting, not Connected", async ({ page }) => {
  const email = freshEmail("revoked");
  const seen = await openDemo(page);
  const token = await connectAccount(page, email);
  // The user removes the app's access in their Google Account: the token and the grant go.
  const res = await fetch(`${EMULATOR}/revoke`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: `token=${encodeURIComponent(token)}` });
  expect(res.status).toBe(200);
  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  await expect(p.locator(".gcs-messages")).toContainText("Google needs you to sign in again");
  const account = p.locator(`[data-account="${email}"]`);
  await expect(account).toContainText("Needs reconnect");
  await expect(account.getByText("Connected", { exact: true })).toHaveCount(0);
  await expect(account.getByRole("button", { name: "Reconnect" })).toBeVisible();
  expect(seen.errors).toEqual([]);
});
