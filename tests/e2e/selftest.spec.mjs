// The demo CRM's host checked against the host contract in a real browser: www/demo/selftest.html
// runs its checks in scratch databases and ends with #summary[data-status] "pass" or "fail".
import { test, expect } from "./playwright.mjs";

test("the demo host passes its in-browser self-test", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/demo/selftest.html");
  const summary = page.locator("#summary");
  await expect(summary).not.toHaveAttribute("data-status", "running", { timeout: 60_000 });
  const failures = await page.locator('#results li[data-result="fail"]').allTextContents();
  expect(failures).toEqual([]);
  await expect(summary).toHaveAttribute("data-status", "pass");
  expect(errors).toEqual([]);
});
