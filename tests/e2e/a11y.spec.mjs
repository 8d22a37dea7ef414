// axe-core at every state of the demo CRM and the plugin, at 1366 px, at 390 px and at 200 % zoom:
// the contacts list, the navigation menu of narrow screens, both More Actions menus, the contact
// page and its Delete dialog, the contact form with an error, Settings before and after
// connecting, the preview, the result and the run history, the Reset and Disconnect dialogs, and a
// failed sync, and a bulk run's progress in the top bar. Any violation fails, with its rule and
// elements in the message. Each state is checked once per size; at each, the page must not scroll
// sideways (content reflows at 390 px and at 200 % zoom), and the menus must stay whole on screen.
import { test, expect } from "./playwright.mjs";
import {
  admin, connectAccount, crmContacts, demoSeed, expectNoAxeViolations, freshEmail, fullName, go, openDemo,
  openSettings, panel, panelAction, shot, toast,
} from "./helpers.mjs";

// The emulator is shared: the fault the failed-sync state sets is cleared when a test ends.
test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/**
 * axe-core at the state the page is in, and the page fits its width: only a region of its own
 * (the contacts table, a preview's table) may scroll sideways, never the page. Both soft, so a
 * test reports every state's findings.
 */
async function check(page, state) {
  await expectNoAxeViolations(page, state);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect.soft(overflow, `${state}: the page scrolls sideways by ${overflow} px`).toBeLessThanOrEqual(0);
}

/**
 * Opens a More Actions menu; checks it is whole on screen and has no violation; saves the
 * screenshot `name`; closes it.
 */
async function checkMenu(page, state, name) {
  await page.getByRole("button", { name: "More Actions" }).click();
  const menu = page.getByRole("menu", { name: "More Actions" });
  await expect(menu.getByRole("menuitem").first()).toBeFocused();
  await expect.soft(menu, `${state} is whole on screen`).toBeInViewport({ ratio: 1 });
  await check(page, state);
  await page.screenshot({ path: shot(name) });
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
}

/** Opens a panel's confirmation dialog with `button`, checks it, and cancels it. */
async function checkDialog(page, button, state) {
  await panel(page).getByRole("button", { name: button, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await check(page, state);
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
}

/**
 * Walks every state once and runs axe-core at each; `size` names the size in the reports, `tag`
 * in the screenshots of the demo's narrow-screen states.
 */
async function everyState(page, size, tag) {
  const at = (state) => `${state}, ${size}`;
  const email = freshEmail("axe");
  await admin("accounts", { email });
  await admin("seed", { email, contacts: demoSeed().google });
  const seen = await openDemo(page);
  await check(page, at("the contacts list"));
  // axe ran in the page with the page's own CSP in force: an inline script is still refused.
  expect(await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__inlineRan = true;";
    document.head.append(script);
    script.remove();
    return "__inlineRan" in window;
  }), "the demo's CSP refuses inline scripts").toBe(false);

  // Under 900 px the sidebar gives way to a menu button in the top bar.
  const navButton = page.getByRole("button", { name: "Menu" });
  if ((page.viewportSize()?.width ?? 0) < 900) {
    await navButton.click();
    await expect(navButton).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeInViewport();
    await check(page, at("the navigation menu"));
    await page.screenshot({ path: shot(`nav-menu-${tag}`) });
    await page.keyboard.press("Escape");
    await expect(navButton).toHaveAttribute("aria-expanded", "false");
  } else {
    await expect(navButton).toBeHidden();
  }

  const boxes = page.getByRole("table", { name: "Contacts" }).getByRole("checkbox", { name: /^Select (?!all$)/ });
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await checkMenu(page, at("the list's More Actions menu"), `list-menu-${tag}`);

  const [c] = (await crmContacts(page)).filter((x) => x.emails.some((e) => e.type) && x.phones.length && x.addresses.length);
  await go(page, `#/contact/${c.id}`);
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toBeVisible();
  // The way back is a link that looks like one, not only by its colour.
  await expect.soft(page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Contacts" }))
    .toHaveCSS("text-decoration-line", "underline");
  await check(page, at("a contact's page"));
  await checkMenu(page, at("the contact's More Actions menu"), `record-menu-${tag}`);
  await page.getByRole("button", { name: "Delete", exact: true }).click();
  const del = page.getByRole("dialog", { name: `Delete ${fullName(c)}?` });
  await expect(del).toBeVisible();
  await check(page, at("the Delete dialog"));
  await del.getByRole("button", { name: "Cancel" }).click();
  await expect(del).toHaveCount(0);

  await go(page, "#/contact/new");
  await page.getByRole("button", { name: "Create contact" }).click();
  await expect(page.locator(".form-error")).toBeVisible();
  await check(page, at("the contact form with an error"));

  await openSettings(page);
  await check(page, at("Settings before connecting"));
  await connectAccount(page, email, { listed: true });
  await check(page, at("Settings after connecting"));

  // The bulk action on the two rows still selected, slowed by the emulator so its progress and
  // Cancel show in the top bar while axe looks; then it is let through.
  await go(page, "#/contacts");
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 4000, count: 100000 }] });
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();
  await expect(page.locator("#progress").getByRole("button", { name: "Cancel" })).toBeVisible();
  await check(page, at("a bulk run's progress in the top bar"));
  await page.screenshot({ path: shot(`topbar-progress-${tag}`) });
  await admin("faults", { clear: true });
  await toast(page, `Synced 2 contacts with ${email}`, { timeout: 60_000 });
  await openSettings(page);

  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.getByRole("heading", { name: "Preview", exact: true })).toBeFocused();
  await check(page, at("the preview"));

  await panelAction(page, "Apply");
  await expect(panel(page).locator(".gcs-messages")).toContainText("Synced with");
  // Two runs: the bulk action's and Apply's.
  await expect(panel(page).getByRole("table", { name: "Run history" }).locator("tbody tr")).toHaveCount(2);
  await check(page, at("the result and the run history"));

  await checkDialog(page, "Reset sync data", at("the Reset dialog"));
  await checkDialog(page, "Disconnect", at("the Disconnect dialog"));

  // Google refuses everything, for good (no retry): the run fails and says so.
  await admin("faults", { rules: [{ method: "*", kind: "status", status: 403, count: 100000 }] });
  await panelAction(page, "Sync now");
  await expect(panel(page).locator(".gcs-messages .gcs-alert-error")).toBeVisible();
  await check(page, at("a failed sync"));
  expect(seen.errors).toEqual([]);
}

test.describe("at 1366 px", () => {
  test.use({ viewport: { width: 1366, height: 768 } });
  test("every state of the demo and the plugin passes axe-core", async ({ page }) => {
    await everyState(page, "1366 px", "1366");
  });
});

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });
  test("every state of the demo and the plugin passes axe-core", async ({ page }) => {
    await everyState(page, "390 px", "390");
  });
});

test.describe("at 200 % zoom", () => {
  // 200 % of a 1366 × 768 window: half the CSS pixels, each drawn twice as large.
  test.use({ viewport: { width: 683, height: 384 }, deviceScaleFactor: 2 });
  test("every state of the demo and the plugin passes axe-core", async ({ page }) => {
    await everyState(page, "200 % zoom (683 px at device scale 2)", "zoom-200");
  });
});
