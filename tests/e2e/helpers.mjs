// Shared steps of the end-to-end specs: the emulator's admin API, fresh Google accounts, opening
// the demo, connecting through the consent popup, and reading both sides.
//
// The emulator is shared by every test of a run, so each test works on a Google account of its
// own (a fresh email), and each test gets a fresh browser context, hence a freshly seeded CRM.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect } from "./playwright.mjs";

export const EMULATOR = (process.env.GCS_EMULATOR_URL || "").replace(/\/$/, "");

/** Where a spec saves its screenshots for review. */
export const shot = (name) => new URL(`./screenshots/${name}.png`, import.meta.url).pathname;

/** A Google account email no other test (or run) uses. */
export function freshEmail(tag) {
  return `${tag}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

/** Calls the emulator's admin API; resolves to the JSON answer, throws on a non-2xx status. */
export async function admin(path, body) {
  const res = await fetch(`${EMULATOR}/__admin/${path}`, body === undefined
    ? {}
    : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : {};
}

/**
 * The account signs out of Google's consent page (the emulator's): tokens already handed out
 * keep working, but the demo can no longer renew one without the user, so after a reload the
 * account needs reconnecting, and a second tab signs in for itself.
 */
export async function signOutOfGoogle(email) {
  await admin("sign-out", { email });
}

/** How long the suite's emulator keeps a write out of incremental (sync token) listings. */
export const PROPAGATION_MS = Number(process.env.GCS_PROPAGATION_MS || 0);

/**
 * Lets Google's side catch up after a test edited it: moves the emulator's clock past the delay
 * with which writes reach incremental listings, as minutes passing would.
 */
export async function afterPropagation() {
  if (PROPAGATION_MS > 0) await admin("clock", { advanceMs: PROPAGATION_MS + 1 });
}

/** The account's Google contacts (all fields), from the admin dump. */
export async function googleContacts(email) {
  return (await admin(`dump?email=${encodeURIComponent(email)}`)).contacts;
}

/** The CRM contact ids a Google contact is linked to: the plugin's `gcsync:<instance>` tags. */
export function linkTag(person) {
  return (person.clientData || []).filter((d) => String(d.key || "").startsWith("gcsync:")).map((d) => d.value);
}

/** The Google contacts linked to CRM contact `id`. */
export function linkedTo(google, id) {
  return google.filter((g) => linkTag(g).includes(id));
}

export function displayName(person) {
  return person.names?.[0]?.displayName
    ?? [person.names?.[0]?.givenName, person.names?.[0]?.familyName].filter(Boolean).join(" ");
}

export function digits(s) {
  return String(s || "").replace(/\D/g, "");
}

/**
 * Opens (or reloads) the demo at `hash` and waits until the route is rendered and the plugin
 * has loaded.
 * Page errors and dialogs are collected in the returned object (tests assert they stay empty),
 * and every toast the page shows is recorded for `toast()`.
 */
export async function openDemo(page, hash = "#/contacts") {
  const seen = { errors: [], dialogs: [] };
  if (!page.__gcsWatched) {
    page.__gcsWatched = seen;
    await page.addInitScript(recordToasts);
    page.on("pageerror", (e) => seen.errors.push(e.message));
    page.on("dialog", (d) => {
      seen.dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
  }
  const reload = page.url().includes("/demo/");
  await page.goto(`/demo/${hash}`);
  // Going to another hash of the same page is a same-document navigation: load it afresh.
  if (reload) await page.reload();
  await expect(page.locator("html[data-plugins-loaded]")).toHaveCount(1);
  await expect(page.locator('#main[data-ready="true"]')).toHaveCount(1);
  return page.__gcsWatched;
}

/**
 * Runs in the page before its scripts: records the text of every toast as it enters the page
 * (`window.__toasts`). A toast removes itself after a few seconds, which on a busy machine can
 * come before a test looks; the record stays.
 */
function recordToasts() {
  window.__toasts = [];
  new MutationObserver((records) => {
    for (const r of records) {
      for (const n of r.addedNodes) {
        if (n.nodeType === 1 && n.classList.contains("toast")) {
          window.__toasts.push((n.querySelector(".toast-text") || n).textContent);
        }
      }
    }
  }).observe(document, { childList: true, subtree: true });
}

/**
 * Waits until the page has shown a toast containing `text` (since the page last loaded) and
 * resolves to its whole text.
 */
export async function toast(page, text, { timeout } = {}) {
  const find = () => page.evaluate((t) => (window.__toasts || []).find((x) => x.includes(t)) ?? null, text);
  // On failure the poll reports the toasts that were shown instead.
  const seen = () => page.evaluate((t) => {
    const all = window.__toasts || [];
    return all.find((x) => x.includes(t)) ?? `(not shown; the toasts shown: ${JSON.stringify(all.slice(-5))})`;
  }, text);
  const options = { message: `a toast saying ${JSON.stringify(text)}`, ...(timeout ? { timeout } : {}) };
  await expect.poll(seen, options).toContain(text);
  return find();
}

/** Goes to a route of the already open demo (no reload: the plugin keeps its in-memory token). */
export async function go(page, hash) {
  await page.evaluate((h) => {
    if (location.hash === h) return; // already there: no hashchange, nothing re-renders
    document.getElementById("main").dataset.ready = "false";
    location.hash = h;
  }, hash);
  await expect(page.locator('#main[data-ready="true"]')).toHaveCount(1);
}

/** The Google Contacts Sync settings panel (on the Settings page). */
export function panel(page) {
  return page.locator("[data-gcs-panel]");
}

/** Opens Settings and waits for the plugin's panel to finish its first render. */
export async function openSettings(page) {
  await go(page, "#/settings");
  await expect(page.getByRole("heading", { name: "Google Contacts Sync" })).toBeVisible();
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  await expect(panel(page)).toHaveAttribute("aria-busy", "false");
}

/**
 * Settings → "Connect Google account" → the emulator's consent popup: picks `email` when the
 * chooser lists it (with `listed`, it must), else types it under "Use another account" (which
 * creates the account).
 * Resolves to the access token the consent step handed out (read from its redirect).
 */
export async function connectAccount(page, email, { screenshot, listed = false } = {}) {
  await openSettings(page);
  let token = null;
  const onResponse = (r) => {
    if (r.url().includes("/o/oauth2/v2/auth/approve")) {
      const loc = r.headers().location || "";
      const m = /[#&]access_token=([^&]+)/.exec(loc);
      if (m) token = decodeURIComponent(m[1]);
    }
  };
  page.context().on("response", onResponse);
  const popupPromise = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Connect Google account" }).click();
  const popup = await popupPromise;
  const closed = closing(popup);
  await popup.waitForLoadState("domcontentloaded");
  await expect(popup.getByRole("heading", { name: "Choose an account" })).toBeVisible();
  if (screenshot) await popup.screenshot({ path: shot(screenshot) });
  const existing = popup.getByRole("button", { name: email, exact: true });
  if (listed) await expect(existing, "the chooser lists the account").toBeVisible();
  if (await existing.count()) {
    await existing.click();
  } else {
    await popup.getByPlaceholder("Email").fill(email);
    await popup.getByRole("button", { name: "Create account and continue" }).click();
  }
  await closed;
  const account = panel(page).locator(`[data-account="${email.toLowerCase()}"]`);
  await expect(account).toBeVisible();
  await expect(account.getByText("Connected", { exact: true })).toBeVisible();
  await expect(panel(page)).toHaveAttribute("aria-busy", "false");
  page.context().off("response", onResponse);
  return token;
}

/**
 * Resolves when `popup` has closed. Listen before acting: the consent popup closes itself as soon
 * as it has handed the token over, possibly before a later `waitForEvent("close")` would listen.
 */
export function closing(popup) {
  return popup.isClosed() ? Promise.resolve() : new Promise((resolve) => popup.once("close", resolve));
}

/**
 * Clicks a panel button and waits for the panel to be idle again (up to `timeout` ms). The panel
 * is the plugin's in every host, so the Creme specs use this too.
 */
export async function panelAction(page, name, { timeout = 60_000 } = {}) {
  const p = panel(page);
  await p.getByRole("button", { name, exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout });
}

/**
 * Sets how many days a deletion from either side waits before it is made (the panel's settings
 * form, saved): 0 makes deletions at once, for tests of the deletion rules themselves.
 */
export async function holdDeletions(page, days) {
  const p = panel(page);
  await p.getByLabel("Days a Google deletion waits before the CRM contact is deleted").fill(String(days));
  await p.getByLabel("Days a CRM deletion waits before the Google contact is deleted").fill(String(days));
  await p.getByRole("button", { name: "Save" }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();
  // The panel draws its accounts and sync buttons again after saving: then it is idle.
  await expect(p).toHaveAttribute("aria-busy", "false");
}

/**
 * "Sync now" in the panel; resolves to the panel's message after the run. `timeout` bounds the
 * run and the wait for its summary (default: the run 60 s, the summary the expect default).
 */
export async function syncNow(page, { timeout } = {}) {
  await panelAction(page, "Sync now", timeout ? { timeout } : {});
  const msg = panel(page).locator(".gcs-messages");
  await expect(msg).toContainText("Synced with", timeout ? { timeout } : {});
  const text = (await msg.textContent()) || "";
  const email = /Synced with (\S+?@\S+?):/.exec(text)?.[1];
  if (email) await expectOneLinkEach(email);
  return text;
}

/**
 * The links a run leaves, as Google holds them: each Google contact carries at most one CRM
 * contact's link tag, and no CRM contact's tag is on two Google contacts.
 */
export async function expectOneLinkEach(email) {
  const owners = new Map();
  for (const g of await googleContacts(email)) {
    const tags = linkTag(g);
    expect(tags.length, `${g.resourceName} is linked to ${tags.join(", ")}`).toBeLessThanOrEqual(1);
    for (const id of tags) {
      expect(owners.get(id), `CRM contact ${id} is linked to two Google contacts`).toBeUndefined();
      owners.set(id, g.resourceName);
    }
  }
}

/** Every CRM contact, read through the demo's host (the same IndexedDB the app renders). */
export async function crmContacts(page) {
  return page.evaluate(async () => {
    const host = window.demoCrm.host;
    const all = [];
    let pageToken;
    do {
      const p = await host.contacts.list({ pageSize: 1000, pageToken });
      all.push(...p.items);
      pageToken = p.nextPageToken;
    } while (pageToken);
    return all;
  });
}

export function fullName(c) {
  return [c.firstName, c.middleName, c.lastName].filter(Boolean).join(" ");
}

/**
 * The demo's deterministic seed data, from www/demo/seed.js: `crm` (the CRM's 300 contacts) and
 * `google` (the 150 overlapping People API persons `cargo xtask demo` seeds). Read in a plain Node
 * process, as xtask does: Playwright's loader would treat the module as CommonJS.
 */
export function demoSeed() {
  const script = "import { generateSeedContacts, overlapForGoogle } from './www/demo/seed.js'; "
    + "process.stdout.write(JSON.stringify({ crm: generateSeedContacts(), google: overlapForGoogle(150) }));";
  const root = new URL("../../", import.meta.url).pathname;
  return JSON.parse(execFileSync("node", ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" }));
}

/**
 * axe-core's source (tools/package.json pins it), read once per run. It is evaluated in the page
 * by the DevTools protocol, which the demo's CSP (no inline scripts, no eval) does not govern, so
 * the page is checked under its real policy: no `bypassCSP`, no script tag.
 */
let axeSource = null;

/**
 * Runs axe-core's rules (WCAG 2.x A and AA and axe's best practices, all it runs by default) on
 * the whole page as it is now and fails on any violation. `state` names the state in the report,
 * which lists each violation's rule, impact and help with every element it found and why. The
 * test fails at its end, with every state's violations.
 */
export async function expectNoAxeViolations(page, state) {
  axeSource ??= readFileSync(new URL("../../tools/node_modules/axe-core/axe.min.js", import.meta.url), "utf8");
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"], iframes: false });
    return results.violations.map((v) => ({
      rule: `${v.id} (${v.impact}): ${v.help}`,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${String(n.failureSummary || "").replace(/\s+/g, " ").trim()}`),
    }));
  });
  const report = violations.flatMap((v) => [v.rule, ...v.nodes.map((n) => `  - ${n}`)]).join("\n");
  // Soft: the test goes on to its other states, and reports every state's violations at its end.
  expect.soft(violations.map((v) => v.rule), `axe-core at ${state}:\n${report}`).toEqual([]);
}

/**
 * Moves the focus with Tab until `target` has it, as a keyboard user would: forwards when the
 * target comes after the focused element in the page, else backwards with Shift+Tab (`back`
 * forces a direction). Fails after `max` presses.
 */
export async function tabTo(page, target, { back, max = 80 } = {}) {
  await expect(target).toHaveCount(1);
  const before = back ?? await target.evaluate((el) => {
    const at = document.activeElement;
    return !!at && at !== document.body && (at.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING) !== 0;
  });
  const key = before ? "Shift+Tab" : "Tab";
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(key);
  }
  await expect(target, `reached with ${key} within ${max} presses`).toBeFocused({ timeout: 1 });
}

/**
 * Moves the browser's clock `ms` ahead of real time: `Date.now` in the page and in every worker
 * it runs (the plugin's syncs run in one), which is the clock the plugin stamps and dates with.
 */
export async function clockAhead(page, ms) {
  const shift = (by) => {
    const g = /** @type {any} */ (globalThis);
    if (!g.__realNow) {
      g.__realNow = Date.now.bind(Date);
      Date.now = () => g.__realNow() + g.__shift;
    }
    g.__shift = by;
  };
  await page.evaluate(shift, ms);
  for (const w of page.workers()) await w.evaluate(shift, ms);
}
