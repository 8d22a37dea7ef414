// The demo loads with the plugin wired into the CRM's three places.
import { test, expect } from "./playwright.mjs";

const shot = (name) => new URL(`./screenshots/${name}.png`, import.meta.url).pathname;

test("the demo CRM lists its contacts and offers the plugin's bulk action", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/demo/");
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
  // The menu lists what is registered when it opens: wait for the plugin to finish loading.
  await expect(page.locator("html[data-plugins-loaded]")).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: /^Select / }).first()).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "Sync Contact(s)" })).toBeVisible();
  await page.screenshot({ path: shot("contacts"), fullPage: true });
  expect(errors).toEqual([]);
});

test("More Actions opened while the plugin is still loading shows its action once it registers", async ({ page }) => {
  // Hold the wasm back until the menu is open.
  let release;
  const held = new Promise((r) => (release = r));
  await page.route("**/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  await page.goto("/demo/");
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "No actions available" })).toBeVisible();
  release();
  await expect(page.getByRole("menuitem", { name: "Sync Contact(s)" })).toBeVisible();
});
