// Keyboard only, no mouse: connect an account, preview, apply, cancel a running sync, the bulk
// action on the list's selection and the record action on a contact's page, each reached with Tab
// and worked with Enter, Space and the arrow keys; and, on a narrow screen, the navigation's menu
// button. (The consent popup is the emulator's page, standing in for Google's: it is filled in, not
// tested.)
import { test, expect } from "./playwright.mjs";
import {
  admin, closing, connectAccount, crmContacts, demoSeed, freshEmail, fullName, go, googleContacts, linkedTo,
  openDemo, panel, tabTo, toast,
} from "./helpers.mjs";

test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/** Goes to Settings through the sidebar's link, back from the page (which has the focus). */
async function settingsByKeyboard(page) {
  await tabTo(page, page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }));
  await page.keyboard.press("Enter");
  await expect(page.locator('[data-gcs-panel][data-ready="true"]')).toBeVisible();
  await expect(panel(page)).toHaveAttribute("aria-busy", "false");
}

test.describe("at 1366 px", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("connect, preview and apply with the keyboard alone", async ({ page }) => {
    const email = freshEmail("keys");
    await admin("accounts", { email });
    await admin("seed", { email, contacts: demoSeed().google });
    const seen = await openDemo(page);
    await settingsByKeyboard(page);
    const p = panel(page);

    // Connect: Enter on the button opens the consent popup.
    await tabTo(page, p.getByRole("button", { name: "Connect Google account" }));
    const popupPromise = page.waitForEvent("popup");
    await page.keyboard.press("Enter");
    const popup = await popupPromise;
    const closed = closing(popup);
    await popup.getByRole("button", { name: email, exact: true }).press("Enter");
    await closed;
    await expect(p.locator(`[data-account="${email}"]`).getByText("Connected", { exact: true })).toBeVisible();
    await expect(p).toHaveAttribute("aria-busy", "false");

    // Preview: the preview's heading takes the focus.
    await tabTo(page, p.getByRole("button", { name: "Preview changes" }));
    await page.keyboard.press("Enter");
    const plan = p.getByRole("region", { name: "Preview", exact: true });
    await expect(plan.getByRole("heading", { name: "Preview", exact: true })).toBeFocused();
    await expect(p).toHaveAttribute("aria-busy", "false");
    expect(await googleContacts(email)).toHaveLength(150);

    // Apply, reached forwards from the heading through the counts, the filter and the pages.
    await tabTo(page, plan.getByRole("button", { name: "Apply", exact: true }));
    await page.keyboard.press("Enter");
    await expect(p.locator(".gcs-messages"))
      .toContainText(`Synced with ${email}: 158 created in Google, 10 created in the CRM`, { timeout: 60_000 });
    await expect(p).toHaveAttribute("aria-busy", "false");
    // The plan the first-sync spec checks in full: Google's 150 and the CRM's 158 it lacked.
    expect(await googleContacts(email)).toHaveLength(308);
    expect(seen.errors).toEqual([]);
  });

  test("cancel a running Sync now with the keyboard alone", async ({ page }) => {
    const email = freshEmail("keys-cancel");
    const seen = await openDemo(page);
    await connectAccount(page, email);
    // Each batch of creates answers slowly, so the run is still writing when Cancel is pressed.
    await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 3000, count: 100000 }] });
    const p = panel(page);
    await tabTo(page, p.getByRole("button", { name: "Sync now", exact: true }));
    await page.keyboard.press("Enter");
    await expect(p.locator(".gcs-progress")).toContainText(/writing: 0 of \d+/);
    const cancel = p.getByRole("button", { name: "Cancel", exact: true });
    await tabTo(page, cancel);
    await page.keyboard.press("Enter");
    await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
    await expect(p.locator(".gcs-messages")).toContainText("was cancelled");
    expect((await googleContacts(email)).length).toBeLessThan((await crmContacts(page)).length);
    expect(seen.errors).toEqual([]);
  });

  test("the bulk action and the record action with the keyboard alone", async ({ page }) => {
    const email = freshEmail("keys-actions");
    const seen = await openDemo(page);
    await connectAccount(page, email);
    await go(page, "#/contacts");

    // Space ticks three rows' boxes, reached with Tab (each row also has its name's link).
    const boxes = page.getByRole("table", { name: "Contacts" }).getByRole("checkbox", { name: /^Select (?!all$)/ });
    const picked = [];
    for (const i of [0, 1, 2]) {
      await tabTo(page, boxes.nth(i));
      await page.keyboard.press("Space");
      await expect(boxes.nth(i)).toBeChecked();
      picked.push((await boxes.nth(i).getAttribute("aria-label")).replace(/^Select /, ""));
    }
    // More Actions, back above the table: Enter opens the menu on its first item; the arrows
    // find the action.
    await tabTo(page, page.getByRole("button", { name: "More Actions" }));
    await page.keyboard.press("Enter");
    const bulk = page.getByRole("menuitem", { name: "Sync Contact(s)" });
    for (let i = 0; i < 5 && !(await bulk.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("ArrowDown");
    await expect(bulk).toBeFocused();
    await page.keyboard.press("Enter");
    await toast(page, `Synced 3 contacts with ${email}`, { timeout: 60_000 });
    const crm = await crmContacts(page);
    let google = await googleContacts(email);
    expect(google).toHaveLength(3);
    for (const name of picked) {
      const c = crm.find((x) => fullName(x) === name);
      expect(linkedTo(google, c.id), `${name} is in Google`).toHaveLength(1);
    }

    // A contact's page: the record action from its More Actions menu, opened with ArrowDown.
    const c = crm.find((x) => !picked.includes(fullName(x)));
    await go(page, `#/contact/${c.id}`);
    await tabTo(page, page.getByRole("button", { name: "More Actions" }));
    await page.keyboard.press("ArrowDown");
    const record = page.getByRole("menuitem", { name: "Sync with Google Contacts" });
    for (let i = 0; i < 5 && !(await record.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("ArrowDown");
    await expect(record).toBeFocused();
    await page.keyboard.press("Enter");
    await toast(page, `Synced 1 contact with ${email}`, { timeout: 60_000 });
    google = await googleContacts(email);
    expect(google).toHaveLength(4);
    expect(linkedTo(google, c.id)).toHaveLength(1);
    expect(seen.errors).toEqual([]);
  });
});

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the menu button opens the navigation, Escape closes it, and Settings is reached from it", async ({ page }) => {
    const seen = await openDemo(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    await expect(nav).toBeHidden();
    const button = page.getByRole("button", { name: "Menu" });
    // In the top bar, above the page (which has the focus).
    await tabTo(page, button);
    await expect(button).toHaveAttribute("aria-expanded", "false");
    await page.keyboard.press("Enter");
    await expect(button).toHaveAttribute("aria-expanded", "true");
    await expect(nav.getByRole("link", { name: "Contacts" })).toBeFocused();
    await expect(nav).toBeInViewport();
    await page.keyboard.press("Escape");
    await expect(button).toHaveAttribute("aria-expanded", "false");
    await expect(button).toBeFocused();
    await expect(nav).toBeHidden();

    await page.keyboard.press("Space");
    await tabTo(page, nav.getByRole("link", { name: "Settings" }));
    await page.keyboard.press("Enter");
    await expect(page.getByRole("heading", { name: "Google Contacts Sync" })).toBeVisible();
    await expect(button).toHaveAttribute("aria-expanded", "false");
    await expect(nav).toBeHidden();
    expect(seen.errors).toEqual([]);
  });
});
