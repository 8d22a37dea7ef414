// Messages that stay true: a warning that no longer holds goes away by itself, an action started
// while a sync runs waits for its turn (and says so) instead of failing, "Open history" lands on
// the history with the focus, and the messages name the host's settings page as the host does.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, freshEmail, go, openDemo, panel, toast } from "./helpers.mjs";

test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/** Ticks the first `n` rows of the contacts list and runs More Actions → Sync Contact(s). */
async function syncFirstRows(page, n) {
  await go(page, "#/contacts");
  const boxes = page.getByRole("table", { name: "Contacts" }).getByRole("checkbox", { name: /^Select (?!all$)/ });
  for (let i = 0; i < n; i++) await boxes.nth(i).check();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();
}

test("the warning that no account is connected goes away once one is connected in the settings", async ({ page }) => {
  const seen = await openDemo(page);
  await syncFirstRows(page, 1);
  const warning = page.locator(".toast", { hasText: "No Google account is connected" });
  await expect(warning).toHaveCount(1);
  // The user goes to the settings their own way, not through the message's button.
  await connectAccount(page, freshEmail("stale"));
  await expect(warning).toHaveCount(0);
  expect(seen.errors).toEqual([]);
});

test("an action started while a sync runs waits for it, says so, then runs; Open history lands on the history", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("queued");
  await connectAccount(page, email);
  // The panel's Sync now writes slowly, so the action is started while it runs.
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 2500, count: 100000 }] });
  await panel(page).getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(panel(page).locator(".gcs-progress")).toContainText(/writing/);
  await syncFirstRows(page, 3);

  const waiting = page.locator(".toast", { hasText: `Waiting for the sync of ${email}` });
  await expect(waiting).toBeVisible();
  await expect(waiting).toContainText("the 3 contacts sync right after it");
  await expect(waiting).not.toHaveClass(/toast-error/);
  await admin("faults", { clear: true });
  // Its turn came: the waiting message is gone and the action ran.
  const report = page.locator(".toast", { hasText: `with ${email}` }).filter({ hasText: /3 contacts/ });
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(waiting).toHaveCount(0);
  expect(await page.evaluate(() => window.__toasts.filter((t) => /already running|Try again/.test(t)))).toEqual([]);

  await report.getByRole("button", { name: "Open history" }).click();
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  const heading = panel(page).getByRole("heading", { name: "Run history" });
  await expect(heading).toBeFocused();
  const box = await heading.boundingBox();
  const viewport = page.viewportSize();
  expect(box && box.y >= 0 && box.y + box.height <= viewport.height, "the history's heading is on screen").toBe(true);
  await expect(panel(page).getByRole("table", { name: "Run history" })).toContainText("Sync Contact(s)");
  expect(seen.errors).toEqual([]);
});

test("the messages name the settings page as the host does (capabilities.settingsLabel)", async ({ page }) => {
  const seen = await openDemo(page);
  const texts = await page.evaluate(async () => {
    const m = await import("/plugin/messages.js");
    const before = m.noAccountMessage([]);
    m.useSettingsLabel({ capabilities: { settingsLabel: "My settings → Google Contacts Sync" } });
    const named = [m.noAccountMessage([]), m.errorMessage({ code: "INVALID_STATE", message: "stored gcs:x:state is torn" })];
    m.useSettingsLabel({ capabilities: {} });
    return { before, named, after: m.noAccountMessage([]) };
  });
  expect(texts.before).toContain("in Settings → Google Contacts Sync");
  for (const t of texts.named) expect(t).toContain("in My settings → Google Contacts Sync");
  expect(texts.after).toBe(texts.before);
  expect(seen.errors).toEqual([]);
});
