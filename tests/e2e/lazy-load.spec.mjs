// The plugin's entry points register from its manifest alone; its WebAssembly module (and the
// glue that starts it) downloads only when the user first runs an action or opens the settings
// panel, or, for a user who has used the plugin before, when the browser is idle on a later page.
import { test, expect } from "./playwright.mjs";
import { go, openDemo, toast } from "./helpers.mjs";

/** Records the plugin module's requests: the wasm file and everything under www/pkg/. */
function recordModuleRequests(page) {
  const seen = { wasm: [], pkg: [] };
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith(".wasm")) seen.wasm.push(path);
    if (path.includes("/pkg/")) seen.pkg.push(path);
  });
  return seen;
}

test("the contacts list and a contact page download no wasm, yet show the plugin's menu entries", async ({ page }) => {
  const requests = recordModuleRequests(page);
  const seen = await openDemo(page, "#/contacts");
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "Sync Contact(s)" })).toBeVisible();
  expect(requests.pkg, "nothing of the module is fetched to list the entries").toEqual([]);
  await page.keyboard.press("Escape");

  await page.getByRole("table", { name: "Contacts" }).getByRole("link").first().click();
  await expect(page.locator('#main[data-ready="true"]')).toHaveCount(1);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "Sync with Google Contacts" })).toBeVisible();
  expect(requests.pkg).toEqual([]);

  // First use: the module downloads, starts and the action runs (no account is connected yet).
  await page.getByRole("menuitem", { name: "Sync with Google Contacts" }).click();
  await toast(page, "No Google account is connected");
  expect(requests.wasm.length, "the wasm file is fetched once").toBe(1);
  expect(seen.errors).toEqual([]);
});

test("the bulk action downloads the module on first use and then works", async ({ page }) => {
  const requests = recordModuleRequests(page);
  const seen = await openDemo(page, "#/contacts");
  await page.getByRole("checkbox", { name: /^Select (?!all$)/ }).first().check();
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "Sync Contact(s)" })).toBeVisible();
  expect(requests.pkg).toEqual([]);
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();
  await toast(page, "No Google account is connected");
  expect(requests.wasm.length).toBe(1);
  expect(seen.errors).toEqual([]);
});

test("opening the settings panel downloads the module and the panel works", async ({ page }) => {
  const requests = recordModuleRequests(page);
  const seen = await openDemo(page, "#/contacts");
  expect(requests.pkg).toEqual([]);
  await go(page, "#/settings");
  await expect(page.getByRole("heading", { name: "Google Contacts Sync" })).toBeVisible();
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  await expect(page.getByRole("button", { name: "Connect Google account" })).toBeEnabled();
  expect(requests.wasm.length).toBe(1);
  expect(seen.errors).toEqual([]);
});

test("once the user has used the plugin, later pages load it when idle (for scheduled syncs)", async ({ page }) => {
  const seen = await openDemo(page, "#/settings");
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  const requests = recordModuleRequests(page);
  await openDemo(page, "#/contacts");
  // Nobody touches the plugin on this page: the idle load fetches it all the same.
  await expect.poll(() => requests.wasm.length, { message: "the wasm file is fetched when idle" }).toBe(1);
  expect(seen.errors).toEqual([]);
});
