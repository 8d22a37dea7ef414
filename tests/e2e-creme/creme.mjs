// Shared steps of the Creme CRM specs: logging in, Creme's own data through the app's endpoints,
// the plugin's section of My settings, and connecting a Google account through the consent popup.
//
// `cargo xtask test` starts Creme on a fresh copy of its seeded database (the demo's 300
// contacts, owned by root) and the emulator, and passes their URLs. Each test works on a Google
// account of its own (a fresh email), so tests do not see each other's Google contacts; Creme's
// database is shared by the run.
import { expect } from "../e2e/playwright.mjs";
import { closing, panel, panelAction as demoPanelAction, syncNow as demoSyncNow } from "../e2e/helpers.mjs";

export const CREME = (process.env.GCS_CREME_URL || "").replace(/\/$/, "");
export { EMULATOR, admin, freshEmail, googleContacts, linkTag, linkedTo, digits, panel } from "../e2e/helpers.mjs";

export const shot = (name) => new URL(`./screenshots/${name}.png`, import.meta.url).pathname;

/** Logs in through Creme's login form; page errors are collected in the returned list. */
export async function login(page, [user, password] = ["root", "root"]) {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${CREME}/creme_login/`);
  await page.locator("input[name=username]").fill(user);
  await page.locator("input[name=password]").fill(password);
  await page.locator("input[name=password]").press("Enter");
  await page.waitForURL((u) => !u.pathname.startsWith("/creme_login"));
  return errors;
}

/** Calls one of the app's endpoints with the page's session (and CSRF token on POST). */
export async function api(page, path, body) {
  const url = `${CREME}/gcontacts_sync_creme/api/${path}`;
  let res;
  if (body === undefined) {
    res = await page.request.get(url);
  } else {
    const csrf = (await page.context().cookies()).find((c) => c.name === "csrftoken");
    res = await page.request.post(url, { data: body, headers: { "X-CSRFToken": csrf ? csrf.value : "" } });
  }
  return { status: res.status(), json: await res.json() };
}

/** Every Creme contact the logged-in user may view, as the plugin reads them. */
export async function cremeContacts(page) {
  const all = [];
  let token;
  do {
    const { json } = await api(page, `contacts/list?pageSize=1000${token ? `&pageToken=${token}` : ""}`);
    all.push(...json.items);
    token = json.nextPageToken;
  } while (token);
  return all;
}

/** My settings, scrolled to the plugin's section, once its panel has rendered. */
export async function openSettings(page) {
  await page.goto(`${CREME}/creme_config/my_settings/portal/`);
  const section = page.locator("[data-gcsync-settings]");
  await section.scrollIntoViewIfNeeded();
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible({ timeout: 60_000 });
  await expect(panel(page)).toHaveAttribute("aria-busy", "false");
}

/** My settings → "Connect Google account" → the emulator's consent popup, for `email`. */
export async function connect(page, email) {
  await openSettings(page);
  const popupPromise = page.waitForEvent("popup");
  await panel(page).getByRole("button", { name: "Connect Google account" }).click();
  const popup = await popupPromise;
  const closed = closing(popup);
  await popup.waitForLoadState("domcontentloaded");
  await expect(popup.getByRole("heading", { name: "Choose an account" })).toBeVisible();
  const existing = popup.getByRole("button", { name: email, exact: true });
  if (await existing.count()) {
    await existing.click();
  } else {
    await popup.getByPlaceholder("Email").fill(email);
    await popup.getByRole("button", { name: "Create account and continue" }).click();
  }
  await closed;
  const account = panel(page).locator(`[data-account="${email.toLowerCase()}"]`);
  await expect(account.getByText("Connected", { exact: true })).toBeVisible();
  await expect(panel(page)).toHaveAttribute("aria-busy", "false");
}

/** My settings → the account's "Disconnect" → "Revoke access": a test leaves root's session
 *  with no account of its own, as later tests of the same session expect. */
export async function disconnect(page, email) {
  await openSettings(page);
  const account = panel(page).locator(`[data-account="${email.toLowerCase()}"]`);
  await account.getByRole("button", { name: "Disconnect" }).click();
  await panel(page).getByRole("button", { name: "Revoke access" }).click();
  await expect(panel(page).locator(".gcs-messages")).toContainText(`${email} is disconnected`);
}

// The demo's panel steps, with the longer waits a run through Creme's development server needs.
const CREME_RUN = { timeout: 120_000 };

/** Clicks a panel button and waits for the panel to be idle again. */
export const panelAction = (page, name) => demoPanelAction(page, name, CREME_RUN);

/** "Sync now" in the panel; resolves to the panel's message after the run. */
export const syncNow = (page) => demoSyncNow(page, CREME_RUN);

/** The plugin's notifications in Creme's page. */
export function notices(page) {
  return page.locator("#gcsync-notices");
}
