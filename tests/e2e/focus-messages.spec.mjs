// Focus and messages: after Connect, the confirm dialogs, Apply and the record action the focus
// lands on the result (Apply's in view); warnings and errors stay until dismissed, passing
// messages wait while hovered or focused, and a message carries the button that does what it
// says ("Reconnect", "Open settings").
import { test, expect } from "./playwright.mjs";
import { closing, connectAccount, crmContacts, freshEmail, fullName, go, openDemo, panel, signOutOfGoogle, syncNow, toast } from "./helpers.mjs";

/** The text of the focused element's message (or of the element itself). */
function focusedText(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return "<body>";
    const box = e.closest(".gcs-alert, .toast");
    return (box || e).textContent || "";
  });
}

test("focus lands on the result after Connect, the confirm dialogs and Apply, and Apply's result is on screen", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("focus");
  await connectAccount(page, email);
  const p = panel(page);
  await expect.poll(() => focusedText(page)).toContain(`Connected ${email}`);

  // A dialog cancelled gives the focus back to its button; confirmed, to the result.
  await p.getByRole("button", { name: "Reset sync data" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
  await expect.poll(() => focusedText(page)).toBe("Reset sync data");
  await p.getByRole("button", { name: "Reset sync data" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Unlink contacts" }).click();
  await expect.poll(() => focusedText(page)).toContain(`Sync data for ${email} was reset`);

  // Apply at the foot of a long preview: the result takes the focus, inside the screen.
  await p.getByRole("button", { name: "Preview changes" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await p.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  await expect.poll(() => focusedText(page)).toContain(`Synced with ${email}`);
  const inView = await page.evaluate(() => {
    const r = document.activeElement.getBoundingClientRect();
    return r.top >= 0 && r.bottom <= window.innerHeight;
  });
  expect(inView, "the result is on screen").toBe(true);

  await p.getByRole("button", { name: "Disconnect" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke access" }).click();
  await expect.poll(() => focusedText(page)).toContain(`${email} is disconnected`);
  expect(seen.errors).toEqual([]);
});

test("after a reload the record action's error takes the focus, stays until dismissed, and its Reconnect signs in and syncs the contact", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("reconnect");
  await connectAccount(page, email);
  const [c] = await crmContacts(page);
  // A reload drops the in-memory token, and signed out of Google the demo cannot renew it.
  await signOutOfGoogle(email);
  await openDemo(page, `#/contact/${c.id}`);
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync with Google Contacts" }).click();
  const error = page.locator(".toast", { hasText: "Google needs you to sign in again" });
  await expect(error).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => focusedText(page)).toContain("Google needs you to sign in again");

  // A passing message as the clock: once it has come and gone, the error is still there.
  await page.evaluate(() => window.demoCrm.notify("First passing message", "info"));
  const first = page.locator(".toast", { hasText: "First passing message" });
  await expect(first).toBeVisible();
  await expect(first).toHaveCount(0);
  await expect(error).toBeVisible();

  // A passing message waits while hovered: another one, shown after, comes and goes meanwhile.
  await page.evaluate(() => window.demoCrm.notify("Hovered message", "info"));
  const hovered = page.locator(".toast", { hasText: "Hovered message" });
  await hovered.hover();
  await page.evaluate(() => window.demoCrm.notify("Second passing message", "info"));
  await hovered.hover(); // the new message below moved it up
  const second = page.locator(".toast", { hasText: "Second passing message" });
  await expect(second).toBeVisible();
  await expect(second).toHaveCount(0);
  await expect(hovered).toBeVisible();
  await page.mouse.move(5, 5);
  await expect(hovered).toHaveCount(0);

  // Likewise while focused.
  await page.evaluate(() => window.demoCrm.notify("Focused message", "info").focus());
  const focused = page.locator(".toast", { hasText: "Focused message" });
  await page.evaluate(() => window.demoCrm.notify("Third passing message", "info"));
  const third = page.locator(".toast", { hasText: "Third passing message" });
  await expect(third).toBeVisible();
  await expect(third).toHaveCount(0);
  await expect(focused).toBeVisible();
  await page.evaluate(() => document.activeElement.blur());
  await expect(focused).toHaveCount(0);
  await expect(error).toBeVisible();

  // Reconnect, in place: the sign-in window, then the contact syncs.
  const popupPromise = page.waitForEvent("popup");
  await error.getByRole("button", { name: "Reconnect" }).click();
  const popup = await popupPromise;
  const closed = closing(popup);
  await popup.waitForLoadState("domcontentloaded");
  await popup.getByRole("button", { name: email, exact: true }).click();
  await closed;
  await expect(error).toHaveCount(0);
  await toast(page, `${email} is connected again`);
  const report = page.locator(".toast", { hasText: `Synced 1 contact with ${email}` });
  await expect(report).toBeVisible({ timeout: 60_000 });
  // The report outlives a passing message, and leads to the history.
  await page.evaluate(() => window.demoCrm.notify("Fourth passing message", "info"));
  const fourth = page.locator(".toast", { hasText: "Fourth passing message" });
  await expect(fourth).toBeVisible();
  await expect(fourth).toHaveCount(0);
  await expect(report).toBeVisible();
  await report.getByRole("button", { name: "Open history" }).click();
  await expect(report).toHaveCount(0);
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  await expect(panel(page).getByRole("table", { name: "Run history" })).toContainText("Sync with Google Contacts");
  expect(seen.errors).toEqual([]);
});

test("with no account connected, the bulk action's warning stays until dismissed and offers Open settings, which opens the panel", async ({ page }) => {
  const seen = await openDemo(page);
  await go(page, "#/contacts");
  await page.getByRole("table", { name: "Contacts" }).getByRole("checkbox", { name: /^Select (?!all$)/ }).first().check();
  const warning = page.locator(".toast", { hasText: "No Google account is connected" });
  for (const n of [1, 2]) {
    await page.getByRole("button", { name: "More Actions" }).click();
    await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();
    await expect(warning).toHaveCount(n);
  }
  await expect.poll(() => focusedText(page)).toContain("No Google account is connected");
  await warning.first().getByRole("button", { name: "Dismiss" }).click();
  await expect(warning).toHaveCount(1);
  await warning.getByRole("button", { name: "Open settings" }).click();
  await expect(page.getByRole("button", { name: "Connect Google account" })).toBeVisible();
  await expect(warning).toHaveCount(0);
  expect(seen.errors).toEqual([]);
});

test("after a reload, with a host that keeps the token (google.getToken), the record action works without reconnecting", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("host-token");
  const token = await connectAccount(page, email);
  expect(token, "the consent step handed out a token").toBeTruthy();
  // Synced once, so no scheduled run is due when the page loads again.
  await syncNow(page);
  // From now on the page's host keeps that token, as a CRM keeping it server-side would.
  await page.addInitScript(({ accessToken, email }) => {
    window.demoCrmGoogle = {
      getToken: async () => ({ accessToken, expiresAt: Date.now() + 3_000_000, email }),
    };
  }, { accessToken: token, email });
  const [c] = await crmContacts(page);
  await openDemo(page, `#/contact/${c.id}`);
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync with Google Contacts" }).click();
  await toast(page, `Synced 1 contact with ${email}`, { timeout: 60_000 });
  expect(await page.evaluate(() => window.__toasts.filter((t) => t.includes("sign in again")))).toEqual([]);
  await go(page, "#/settings");
  const account = panel(page).locator(`[data-account="${email}"]`);
  await expect(account.getByText("Connected", { exact: true })).toBeVisible();
  expect(seen.errors).toEqual([]);
});

test("after a reload the panel's Sync now says Google needs a sign-in, and its Reconnect signs in in place", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("panel-reconnect");
  await connectAccount(page, email);
  await signOutOfGoogle(email);
  await openDemo(page, "#/settings");
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  const message = p.locator(".gcs-messages .gcs-alert", { hasText: "Google needs you to sign in again" });
  await expect(message).toBeVisible();
  await expect.poll(() => focusedText(page)).toContain("Google needs you to sign in again");

  const popupPromise = page.waitForEvent("popup");
  await message.getByRole("button", { name: "Reconnect" }).click();
  const popup = await popupPromise;
  const closed = closing(popup);
  await popup.waitForLoadState("domcontentloaded");
  await popup.getByRole("button", { name: email, exact: true }).click();
  await closed;
  await expect.poll(() => focusedText(page)).toContain(`${email} is connected again`);
  await expect(p.locator(`[data-account="${email}"]`).getByText("Connected", { exact: true })).toBeVisible();
  expect(seen.errors).toEqual([]);
});
