// The panel follows runs it did not start: reopened while its own Sync now goes on, it shows the
// run's progress with its actions disabled, and at the end the result and the account's row; a
// run started in another tab of the CRM shows the same way, can be cancelled from here, and a
// tab closed mid-run does not leave this one showing "running".
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, freshEmail, go, openDemo, panel, signOutOfGoogle } from "./helpers.mjs";

// The emulator is shared: every fault a test sets is cleared when it ends, pass or fail.
test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/** Each batch of creates answers slowly, so a first sync of the demo's contacts is caught mid-run. */
async function slowWrites(ms = 2500) {
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms, count: 100000 }] });
}

/** Settings, without waiting for the panel to be idle (a run may be going). */
async function openPanel(page) {
  await go(page, "#/settings");
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
}

test("the panel reopened mid-run shows the run's progress with its actions disabled, then the result and the account refreshed", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("follow-reopen");
  await connectAccount(page, email);
  const account = panel(page).locator(`[data-account="${email}"]`);
  await expect(account).toContainText("Never synced");
  await slowWrites();
  await panel(page).getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(panel(page).locator(".gcs-progress")).toContainText(/writing: \d+ of \d+/);

  // Away and back while it writes: a new panel, which did not start the run.
  await go(page, "#/contacts");
  await openPanel(page);
  const p = panel(page);
  await expect(p).toHaveAttribute("aria-busy", "true");
  await expect(p.locator(".gcs-progress")).toContainText(`Sync of ${email}`);
  await expect(p.locator(".gcs-progress")).toContainText(/writing: \d+ of \d+/);
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeDisabled();
  await expect(p.getByRole("button", { name: "Preview changes" })).toBeDisabled();
  await expect(p.getByRole("button", { name: "Cancel", exact: true })).toBeEnabled();

  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  await expect(p.locator(".gcs-result")).toContainText(`Synced with ${email}`);
  await expect(p.locator(`[data-account="${email}"]`)).not.toContainText("Never synced");
  await expect(p.locator(`[data-account="${email}"]`)).toContainText(/[1-9]\d* linked contacts/);
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeEnabled();
  await expect(p.locator(".gcs-progress")).toBeHidden();
  expect(seen.errors).toEqual([]);
});

test("a run started in a second tab shows in the first tab's panel, which can cancel it, and ends refreshed", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("follow-tabs");
  await connectAccount(page, email);
  // The second tab of the same CRM (same browser, same origin) signs the account in for itself:
  // tokens live in memory, per tab, and signed out of Google the tab cannot renew one at load
  // (so no scheduled run starts there before the test's own).
  await signOutOfGoogle(email);
  const other = await page.context().newPage();
  const seenOther = await openDemo(other);
  await connectAccount(other, email, { listed: true });

  await slowWrites();
  await panel(other).getByRole("button", { name: "Sync now", exact: true }).click();
  const p = panel(page);
  await expect(p.locator(".gcs-progress")).toContainText(`Sync of ${email} in another tab`);
  await expect(p.locator(".gcs-progress")).toContainText(/of \d+/);
  await expect(p).toHaveAttribute("aria-busy", "true");
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeDisabled();
  await expect(p.getByRole("button", { name: "Send all filtered contacts to Google" })).toBeDisabled();

  // Cancelled from this tab: the other tab's run stops, and both panels report it.
  await expect(p.locator(".gcs-progress")).toContainText(/writing: \d+ of \d+/);
  await p.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  await expect(p.locator(".gcs-result")).toContainText("was cancelled");
  await expect(panel(other).locator(".gcs-result")).toContainText("was cancelled");
  await expect(p.locator(`[data-account="${email}"]`)).not.toContainText("Never synced");

  // The next run, to its end: this panel shows the result the other tab wrote.
  await admin("faults", { clear: true });
  await panel(other).getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(p.locator(".gcs-result")).toContainText(`Synced with ${email}`, { timeout: 60_000 });
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeEnabled();
  await expect(p.getByRole("table", { name: "Run history" }).locator(":scope > tbody > tr")).toHaveCount(2);
  expect(seen.errors).toEqual([]);
  expect(seenOther.errors).toEqual([]);
});

test("a tab closed mid-run does not leave the other tab's panel showing a run", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("follow-closed");
  await connectAccount(page, email);
  await signOutOfGoogle(email);
  const other = await page.context().newPage();
  await openDemo(other);
  await connectAccount(other, email, { listed: true });

  await slowWrites(5000);
  await panel(other).getByRole("button", { name: "Sync now", exact: true }).click();
  const p = panel(page);
  await expect(p.locator(".gcs-progress")).toContainText(/writing: \d+ of \d+/);
  await expect(p).toHaveAttribute("aria-busy", "true");
  await other.close();

  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.locator(".gcs-result")).toContainText("stopped before it finished");
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeEnabled();
  expect(seen.errors).toEqual([]);
});

test("a preview in another tab shows as a preview, with this panel's actions disabled until it ends", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("follow-preview");
  await connectAccount(page, email);
  await signOutOfGoogle(email);
  const other = await page.context().newPage();
  await openDemo(other);
  await connectAccount(other, email, { listed: true });

  // The listing of Google answers slowly, so the preview is caught while it reads.
  await admin("faults", { rules: [{ method: "people.connections.list", kind: "latency", ms: 4000, count: 2 }] });
  await panel(other).getByRole("button", { name: "Preview changes" }).click();
  const p = panel(page);
  await expect(p.locator(".gcs-progress")).toContainText(`Preview of ${email} in another tab`);
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeDisabled();
  await expect(panel(other).locator(".gcs-plan")).toBeVisible({ timeout: 60_000 });
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.getByRole("button", { name: "Sync now", exact: true })).toBeEnabled();
  expect(seen.errors).toEqual([]);
});
