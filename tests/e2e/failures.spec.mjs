// Runs that fail or are stopped, from the panel: under a total Google outage "Sync now" says it
// is retrying, then that it failed and what to do, never that it synced; a Sync now cancelled
// part-way keeps what it sent and the next one finishes the job with no duplicate.
import { test, expect } from "./playwright.mjs";
import {
  admin, connectAccount, crmContacts, go, googleContacts, linkedTo, openDemo, panel, shot, syncNow, toast,
} from "./helpers.mjs";

// The emulator is shared: every fault a test sets is cleared when it ends, pass or fail.
test.afterEach(async () => {
  await admin("faults", { clear: true });
});

test("Sync now under a total Google outage shows it retrying, then a failure, never a success", async ({ page }) => {
  const seen = await openDemo(page);
  await connectAccount(page, "outage-" + Date.now().toString(36) + "@example.test");
  await admin("faults", { rules: [{ method: "*", kind: "status", status: 503, count: 100000 }] });
  const p = panel(page);
  const started = Date.now();
  await p.getByRole("button", { name: "Sync now", exact: true }).click();

  const progress = p.locator(".gcs-progress");
  await expect(progress).toContainText("Google is unavailable \u2014 retrying in");
  await expect(progress).toContainText(/attempt [2-4] of 4/);
  await expect(p.getByRole("button", { name: "Cancel", exact: true })).toBeVisible();
  await page.screenshot({ path: shot("sync-retrying"), fullPage: true });

  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  // A figure for the report, not a timed assertion: the engine's bound is tested natively.
  console.log(`time to failure under a total outage: ${Date.now() - started} ms`);
  const msg = p.locator(".gcs-messages");
  await expect(msg).toContainText("The sync with");
  await expect(msg).toContainText("failed: Google answered with an error");
  await expect(msg).toContainText("Try again in a few minutes");
  await expect(msg).not.toContainText("Synced");
  await expect(p.getByRole("button", { name: "Cancel", exact: true })).toBeHidden();
  await page.screenshot({ path: shot("sync-failed-outage"), fullPage: true });
  expect(seen.errors).toEqual([]);
});

test("a Sync now cancelled while it writes keeps what it sent, and the next one finishes with no duplicate", async ({ page }) => {
  const seen = await openDemo(page);
  const email = "cancel-" + Date.now().toString(36) + "@example.test";
  await connectAccount(page, email);
  // Each batch of creates answers slowly, so the run is caught between two of them.
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 3000, count: 100000 }] });
  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  const progress = p.locator(".gcs-progress");
  await expect(progress).toContainText(/writing: 0 of \d+/);
  await p.getByRole("button", { name: "Cancel", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  const msg = p.locator(".gcs-messages");
  await expect(msg).toContainText("was cancelled");
  await expect(msg).toContainText("The next sync does the rest");
  const crm = await crmContacts(page);
  const sent = (await googleContacts(email)).length;
  expect(sent).toBeLessThan(crm.length);

  await admin("faults", { clear: true });
  await syncNow(page);
  const google = await googleContacts(email);
  expect(google.length).toBe(crm.length);
  for (const c of crm) expect(linkedTo(google, c.id), `${c.id} linked once`).toHaveLength(1);
  expect(seen.errors).toEqual([]);
});

test("the bulk action under a total Google outage shows it retrying in the top bar, then a toast that it failed", async ({ page }) => {
  const seen = await openDemo(page);
  const email = "bulk-outage-" + Date.now().toString(36) + "@example.test";
  await connectAccount(page, email);
  await go(page, "#/contacts");
  const boxes = page.getByRole("table", { name: "Contacts" }).getByRole("checkbox", { name: /^Select (?!all$)/ });
  for (const i of [0, 1, 2]) await boxes.nth(i).check();
  await admin("faults", { rules: [{ method: "*", kind: "status", status: 503, count: 100000 }] });
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();

  const bar = page.locator("#progress");
  await expect(bar).toContainText("Google is unavailable \u2014 retrying in");
  await expect(bar.getByRole("button", { name: "Cancel" })).toBeVisible();
  const text = await toast(page, `Syncing 3 contacts with ${email} failed`, { timeout: 60_000 });
  expect(text).toContain("Try again in a few minutes");
  expect(await page.evaluate(() => window.__toasts.filter((t) => t.includes("Synced")))).toEqual([]);
  await expect(bar).toBeHidden();
  expect(await googleContacts(email)).toEqual([]);
  expect(seen.errors).toEqual([]);
});
