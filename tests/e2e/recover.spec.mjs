// Ways out of a bad state, and the small safety fixes a user or a host notices: saved sync data
// that cannot be read, the sign-in token kept out of the callback page's address, the loader's
// redirectUri, and a contact's mailto: link.
import { test, expect } from "./playwright.mjs";
import { closing, connectAccount, freshEmail, go, googleContacts, openDemo, openSettings, panel, shot, syncNow } from "./helpers.mjs";

test("an account whose saved sync data cannot be read says what broke, and Reset sync data brings it back", async ({ page }) => {
  const email = freshEmail("unreadable");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  const id = email.toLowerCase();
  const key = `gcs:${id}:state`;
  // What a torn write or another program could leave behind.
  await page.evaluate((k) => window.demoCrm.host.storage.set(k, "{torn"), key);
  await go(page, "#/contacts");
  await openSettings(page);

  const p = panel(page);
  const account = p.locator(`[data-account="${id}"]`);
  const broken = account.locator("[data-gcs-unreadable]");
  await expect(broken).toContainText(key);
  await expect(broken).toContainText("cannot be read");
  await expect(account.getByRole("button", { name: "Reset sync data" })).toBeEnabled();
  await expect(account.getByRole("button", { name: "Disconnect" })).toBeEnabled();
  await page.screenshot({ path: shot("unreadable-account"), fullPage: true });

  // A run says which key is unreadable instead of syncing.
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.locator(".gcs-messages")).toContainText(key);

  await account.getByRole("button", { name: "Reset sync data" }).click();
  await p.getByRole("dialog", { name: `Reset sync data for ${email}?` }).getByRole("button", { name: "Unlink contacts" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.locator(".gcs-messages")).toContainText(`Sync data for ${email} was reset`);
  await expect(broken).toHaveCount(0);
  await syncNow(page);
  expect(seen.errors).toEqual([]);
});

test("an account list that cannot be read: the panel offers only Connect, which lists the account again with its links", async ({ page }) => {
  const email = freshEmail("torn-list");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await syncNow(page);
  await page.evaluate(() => window.demoCrm.host.storage.set("gcs:accounts", '["torn'));
  await go(page, "#/contacts");
  await openSettings(page);

  const p = panel(page);
  const message = p.locator(".gcs-messages .gcs-alert");
  await expect(message).toContainText("The list of connected Google accounts cannot be read");
  // Trying again would read the same list: the way out offered is the one that works.
  await expect(p.getByRole("button", { name: "Try again" })).toHaveCount(0);
  await expect(p.locator(".gcs-empty")).toContainText("cannot be read");
  await expect(p.locator(".gcs-empty")).not.toContainText("No Google account is connected");
  await page.screenshot({ path: shot("unreadable-account-list"), fullPage: true });

  const popupPromise = page.waitForEvent("popup");
  await message.getByRole("button", { name: "Connect Google account" }).click();
  const popup = await popupPromise;
  const closed = closing(popup);
  await popup.getByRole("button", { name: email, exact: true }).click();
  await closed;
  const account = p.locator(`[data-account="${email}"]`);
  await expect(account.getByText("Connected", { exact: true })).toBeVisible();
  await expect(p.locator(".gcs-messages")).not.toContainText("cannot be read");
  // Its links were kept: the next sync writes nothing.
  await expect(account).toContainText("300 linked contacts");
  await syncNow(page);
  expect((await googleContacts(email)).length, "no contact created twice").toBe(300);
  expect(seen.errors).toEqual([]);
});

test("the sign-in callback page takes the token out of its address before handing it over", async ({ page }) => {
  await openDemo(page);
  await page.evaluate(() => {
    window.__answer = new Promise((resolve) => addEventListener("message", (e) => resolve(e.data), { once: true }));
  });
  const popupPromise = page.waitForEvent("popup");
  await page.evaluate(() => window.open("/oauth-callback.html#access_token=secret-token&state=s1", "gcs-callback-test"));
  const popup = await popupPromise;
  // The opener gets the answer; the window's own address and history no longer hold it.
  expect(await page.evaluate(() => window.__answer)).toBe("#access_token=secret-token&state=s1");
  expect(popup.url()).toMatch(/\/oauth-callback\.html$/);
  expect(await popup.evaluate(() => location.href + " " + history.length)).not.toContain("secret-token");
  await popup.close();
});

test("the loader passes redirectUri through, and a contact's mailto: link cannot add recipients", async ({ page }) => {
  await openDemo(page);
  const result = await page.evaluate(async () => {
    const loader = await import("/plugin-loader.js");
    const app = await import("/demo/app.js");
    return {
      options: loader.apiOptions({ oauthClientId: "client", redirectUri: "https://crm.example/cb" }),
      mailto: app.mailto("ann@example.com?bcc=eve@example.com&subject=hi"),
    };
  });
  expect(result.options.oauth.redirectUri).toBe("https://crm.example/cb");
  expect(result.mailto).toBe("mailto:ann@example.com%3Fbcc%3Deve@example.com%26subject%3Dhi");
});
