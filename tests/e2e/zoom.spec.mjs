// At 200 % zoom of a 1366 × 768 window (683 × 384 CSS pixels), keyboard only: every control of
// the settings panel and the first-sync preview, reached with Tab and Shift+Tab, is on screen
// and under nothing (the host's top bar, the preview's sticky Apply bar, a message); and the
// bars leave most of the screen to the content.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, demoSeed, freshEmail, openDemo, panel, panelAction, shot } from "./helpers.mjs";

test.use({ viewport: { width: 683, height: 384 }, deviceScaleFactor: 2 });

/**
 * The focused element: a name for the report, whether it is in the panel, on screen (a region
 * taller than most of the screen, like the scrollable table of changes, needs only to show),
 * and whether anything is drawn over it.
 */
const focused = (page) => page.evaluate(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const name = `${el.tagName.toLowerCase()} "${(el.getAttribute("aria-label") || el.textContent || el.getAttribute("name") || "").trim().slice(0, 50)}"`;
  const tall = r.height > innerHeight * 0.6;
  const onScreen = tall ? r.bottom > 0 && r.top < innerHeight : r.top >= 0 && r.bottom <= innerHeight;
  // Each line of a link wrapped over two lines is a box of its own.
  const boxes = tall ? [] : [...el.getClientRects()].filter((b) => b.width > 0 && b.height > 0);
  const covered = boxes.some((b) => {
    const x = Math.min(Math.max(b.left + Math.min(b.width / 2, 12), 0), innerWidth - 1);
    return [b.top + Math.min(3, b.height / 2), b.top + b.height / 2, b.bottom - Math.min(3, b.height / 2)].some((y) => {
      const hit = document.elementFromPoint(x, y);
      return !hit || !(el.contains(hit) || hit.contains(el));
    });
  });
  const where = `at ${Math.round(r.top)}–${Math.round(r.bottom)} of ${innerHeight}${covered ? ", covered" : ""}`;
  return { name, inPanel: !!el.closest("[data-gcs-panel]"), clear: onScreen && !covered, where };
});

/** Presses `key` until the focus leaves the panel; each control reached must come clear. */
async function tabThroughPanel(page, key, max) {
  const reached = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const at = await focused(page);
    if (!at || !at.inPanel) return reached;
    reached.push(at.name);
    // The panel moves a control out from under a bar once the browser has scrolled to it.
    await expect.poll(async () => {
      const now = await focused(page);
      return now && now.clear ? "clear" : now && now.where;
    }, { message: `${key} #${i + 1}: ${at.name} is on screen and uncovered`, timeout: 3000 }).toBe("clear");
  }
  throw new Error(`the focus did not leave the panel within ${max} presses of ${key}`);
}

test("every control of the panel and the preview, reached by keyboard at 200 %, is on screen and uncovered", async ({ page }) => {
  const email = freshEmail("zoom-keys");
  await admin("accounts", { email });
  await admin("seed", { email, contacts: demoSeed().google });
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.getByRole("heading", { name: "Preview", exact: true })).toBeFocused();

  // The bars leave most of the screen: the top bar scrolls away with the page, and the Apply
  // bar takes at most a fifth of the screen's height.
  const bar = plan.getByRole("group", { name: "Preview actions" });
  const barBox = await bar.boundingBox();
  expect(barBox.height, "the Apply bar's height").toBeLessThanOrEqual(384 / 5);
  await expect(page.locator(".topbar")).toHaveCSS("position", "static");

  const forward = await tabThroughPanel(page, "Tab", 400);
  expect(forward.length, "controls reached after the preview's heading").toBeGreaterThan(10);
  expect(forward.some((n) => /Apply/.test(n)), `Apply among ${forward.join(", ")}`).toBe(true);
  await page.screenshot({ path: shot("zoom-keys-end") });

  await plan.getByRole("heading", { name: "Preview", exact: true }).focus();
  const backward = await tabThroughPanel(page, "Shift+Tab", 200);
  expect(backward.some((n) => /Preview changes|Sync now|Connect Google account/.test(n)), `the panel's buttons among ${backward.join(", ")}`).toBe(true);
  expect(seen.errors).toEqual([]);
});

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });

  test("each change of the preview takes a line plus its fields, a new contact's behind a disclosure: a page of 50 creates is four screens at most", async ({ page }) => {
    const email = freshEmail("narrow-rows");
    await admin("accounts", { email });
    await admin("seed", { email, contacts: demoSeed().google });
    const seen = await openDemo(page);
    await connectAccount(page, email);
    await panelAction(page, "Preview changes");
    const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
    const table = plan.locator(".gcs-plan-table");
    await expect(table.locator("tbody tr[data-group]")).toHaveCount(50);
    // The first page: 50 contacts to create in Google, each with about nine fields (the longest
    // rows a preview has). Stacked as four labelled cells, a line a field, it took 14,700 px;
    // its fields run on as a paragraph, 6,550 px. Each now shows its name and one summary line,
    // its fields behind a disclosure: four screens at most.
    const creates = (await table.boundingBox()).height;
    expect(creates, "a page of 50 contacts to create, in CSS pixels: four screens at most").toBeLessThanOrEqual(4 * 844);
    // The summary counts the fields and gives the first email or phone; it opens on the fields.
    const fields = table.locator("tbody tr[data-group]").first().locator("details");
    const summary = fields.locator("summary");
    await expect(summary).toHaveText(/^.+: \d+ fields · \S+/);
    await expect(fields.getByText("First name:")).toBeHidden();
    await summary.focus();
    await page.keyboard.press("Enter");
    await expect(fields.getByText("First name:")).toBeVisible();
    await expect(fields).toHaveJSProperty("open", true);
    await page.keyboard.press("Enter");
    await expect(fields).toHaveJSProperty("open", false);
    // A page of updates: each names the fields it changes.
    await plan.getByRole("combobox", { name: "Show" }).selectOption({ value: "update:google" });
    await expect(table.locator("tbody tr[data-group]")).toHaveCount(50);
    const updates = (await table.boundingBox()).height;
    expect(updates, "a page of 50 updates, in CSS pixels: four screens at most").toBeLessThanOrEqual(4 * 844);
    // Compact, and still whole: each change shows what, where and whose on its first line.
    const row = table.locator("tbody tr[data-group]").first();
    const first = await row.evaluate((tr) => [...tr.children].slice(0, 3).map((td) => Math.round(td.getBoundingClientRect().top)));
    expect(new Set(first).size, "operation, side and contact on one line").toBe(1);
    await page.screenshot({ path: shot("preview-390-compact") });
    expect(seen.errors).toEqual([]);
  });
});
