// The release as an administrator installs it: `cargo xtask test release` puts dist/'s wheel
// into a fresh Creme venv (no checkout, no Rust), sets it up as the README says and passes its
// URL; three contacts named Wheelwright are its only ones. The plugin loads from the files the
// wheel carries, checked against the release manifest's hashes, and the bulk action syncs.
import { test, expect } from "../e2e/playwright.mjs";
import { CREME, connect, cremeContacts, freshEmail, googleContacts, linkedTo, login, notices } from "./creme.mjs";

const VERSION = process.env.GCS_RELEASE_VERSION;

test("the wheel's plugin is the release's: its manifest names the version and hashes every file", async ({ page }) => {
  await login(page);
  const res = await page.request.get(`${CREME}/gcontacts_sync_creme/plugin/plugin-manifest.json`);
  expect(res.status()).toBe(200);
  const manifest = await res.json();
  expect(manifest.version).toBe(VERSION);
  expect(manifest.integrity["www/pkg/gcontacts_sync_bg.wasm"]).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
  expect(Object.keys(manifest.integrity)).toContain("www/plugin/settings-panel.js");
});

test("installed from the wheel: Actions → Sync Contact(s) puts the selected contacts in Google", async ({ page }) => {
  const email = freshEmail("wheel");
  const errors = await login(page);
  const wasm = [];
  page.on("response", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(new URL(r.url()).pathname);
  });
  await connect(page, email);
  expect(wasm).toEqual(["/gcontacts_sync_creme/plugin/pkg/gcontacts_sync_bg.wasm"]);

  // Creme's own contact for root (populate's) is there too.
  const contacts = (await cremeContacts(page)).filter((c) => c.lastName === "Wheelwright");
  expect(contacts.map((c) => c.firstName)).toEqual(["Ada", "Bram", "Cleo"]);
  await page.goto(`${CREME}/persons/contacts`);
  for (const c of contacts) await page.locator(`tr.lv-row input[name=select_one][value="${c.id}"]`).check();
  await page.locator(".header-actions-trigger").first().click();
  await page.locator(".listview-action a", { hasText: "Sync Contact(s)" }).click();

  const summary = notices(page).filter({ hasText: `Synced 3 contacts with ${email}` });
  await expect(summary).toBeVisible({ timeout: 120_000 });
  await expect(summary).toContainText("3 created in Google");
  const google = await googleContacts(email);
  expect(google.length).toBe(3);
  for (const c of contacts) {
    const [g] = linkedTo(google, c.id);
    expect(g, `${c.firstName} is in Google`).toBeTruthy();
    expect(g.names[0].givenName).toBe(c.firstName);
  }
  expect(errors).toEqual([]);
});
