// The preview of a first sync of the demo's seeded data (about 500 changes) at desktop width, at
// 390 px and at 200 % zoom: counts at the top that match the plan and jump to their rows, a kind
// filter, a name search, pages of 50 rows, human field labels, words that do not break, and the
// bar with Apply and Close in view without scrolling past the changes; at each size the ambiguous
// match is decided from its count at the top and the plan applied from the bar.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, demoSeed, freshEmail, openDemo, panel, panelAction, shot, tabTo } from "./helpers.mjs";

/** Seeds a fresh Google account with the demo's overlap, connects it and opens the preview. */
async function openPreview(page, tag) {
  const email = freshEmail(tag);
  await admin("accounts", { email });
  await admin("seed", { email, contacts: demoSeed().google });
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  const heading = plan.getByRole("heading", { name: "Preview", exact: true });
  await expect(heading).toBeFocused();
  // The preview starts at the top of the screen, its heading not under the host's top bar.
  await expect.poll(() => uncovered(heading), { message: "the preview's heading is on screen, uncovered" }).toBe(true);
  return { plan, seen };
}

/** Whether the element is what the page shows at its centre (on screen, nothing over it). */
const uncovered = (locator) => locator.evaluate((el) => {
  const r = el.getBoundingClientRect();
  const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return at !== null && (at === el || el.contains(at));
});

/** The number a count at the top shows for `key` (a kind and side, or a section). */
async function countOf(plan, key) {
  return Number(await plan.locator(`[data-count="${key}"] .gcs-count-n`).textContent());
}

/** The change rows (not the group headings) of the page shown. */
const changeRows = (plan) => plan.locator(".gcs-plan-table tbody tr[data-group]");

/** How many lines a cell's text takes: 1 when no word is broken across lines. */
const lines = (cell) => cell.evaluate((td) => {
  const r = document.createRange();
  r.selectNodeContents(td);
  return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size;
});

/** The bar's Apply and Close are on screen, whole. */
async function barInView(plan) {
  await expect(plan.getByRole("button", { name: "Apply", exact: true })).toBeInViewport({ ratio: 1 });
  await expect(plan.getByRole("button", { name: "Close preview" })).toBeInViewport({ ratio: 1 });
}

/**
 * Reviewed, decided and applied from the top: the ambiguous count jumps to its match, which is
 * linked to its namesake among the candidates with Apply still in view; Apply from the bar
 * syncs, and the result is on screen. `name`: the screenshot of the decision.
 */
async function decideAndApply(page, plan, name) {
  await plan.locator('[data-count="ambiguous"]').getByRole("button").click();
  const mia = plan.locator(".gcs-ambiguous li").filter({ hasText: "Mia Hernandez" });
  const same = mia.getByRole("radio", { name: "Same person as Mia Hernandez" });
  await expect(same).toBeInViewport();
  await same.check();
  await barInView(plan);
  await page.screenshot({ path: shot(name) });
  await plan.getByRole("button", { name: "Apply", exact: true }).click();
  const result = panel(page).locator(".gcs-messages");
  await expect(result).toContainText("Synced with");
  await expect(result).toBeInViewport();
}

test.describe("at 1366 px", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("the counts match the plan and jump to their rows; filter, search and pages narrow the rows; Apply stays in view", async ({ page }) => {
    const { plan, seen } = await openPreview(page, "preview-desk");
    const summary = await plan.locator(".gcs-plan-summary").textContent();
    const total = Number(/would make (\d+) changes/.exec(summary)?.[1]);
    expect(total, summary).toBeGreaterThan(400);

    // The counts: the seed's 300 CRM contacts against 150 Google ones, 140 of them copies of
    // every other CRM contact. 160 CRM contacts are new to Google, less the two set aside with
    // Mia Hernandez's ambiguous match (James Davis and Henry Wilson): 158; the 10 Google-only
    // people are new to the CRM; the 139 unambiguous copies are linked.
    expect(await countOf(plan, "create:google")).toBe(158);
    expect(await countOf(plan, "create:crm")).toBe(10);
    expect(await countOf(plan, "link")).toBe(139);
    expect(await countOf(plan, "ambiguous")).toBe(1);
    expect(await countOf(plan, "held")).toBe(0);
    for (const key of ["update:google", "update:crm", "delete:google", "delete:crm"]) {
      await expect(plan.locator(`[data-count="${key}"]`)).toBeVisible();
    }
    // The kinds add up to the whole plan.
    const kinds = await plan.locator("[data-count] .gcs-count-n").evaluateAll((els) => els
      .filter((e) => !["conflicts", "ambiguous", "duplicates", "held"].includes(e.closest("[data-count]").dataset.count))
      .reduce((n, e) => n + Number(e.textContent), 0));
    expect(kinds).toBe(total);
    await expect(plan.getByRole("button", { name: "Apply", exact: true })).toBeInViewport({ ratio: 1 });
    await page.screenshot({ path: shot("preview-1366") });

    // Pages of 50 rows, grouped by kind and side.
    const status = plan.getByRole("status");
    const pages = Math.ceil(total / 50);
    await expect(status).toHaveText(`Showing 1–50 of ${total} changes, page 1 of ${pages}.`);
    await expect(changeRows(plan)).toHaveCount(50);
    await expect(plan.getByRole("rowheader", { name: "Create in Google (158)" })).toBeVisible();
    await expect(plan.getByRole("button", { name: "Previous page" })).toBeDisabled();
    // In the middle of the first page the bar is still on screen.
    await changeRows(plan).nth(25).scrollIntoViewIfNeeded();
    await barInView(plan);
    await plan.getByRole("button", { name: "Next page" }).click();
    await expect(status).toHaveText(`Showing 51–100 of ${total} changes, page 2 of ${pages}.`);
    await expect(changeRows(plan)).toHaveCount(50);
    await plan.getByRole("button", { name: "Previous page" }).click();
    await expect(status).toHaveText(`Showing 1–50 of ${total} changes, page 1 of ${pages}.`);

    // A count jumps to its rows: the filter shows them alone and the table takes focus.
    await plan.locator('[data-count="create:crm"]').getByRole("button").click();
    await expect(status).toHaveText("Showing 1–10 of 10 changes, page 1 of 1.");
    await expect(changeRows(plan)).toHaveCount(10);
    expect(new Set(await changeRows(plan).evaluateAll((rs) => rs.map((r) => r.dataset.group)))).toEqual(new Set(["create:crm"]));
    await expect(plan.getByRole("region", { name: "Planned changes, scrollable" })).toBeFocused();
    await expect(plan.getByRole("combobox", { name: "Show" })).toHaveValue("create:crm");
    // Human labels, not API keys.
    await expect(changeRows(plan).first()).toContainText("First name: ");
    await expect(plan.locator(".gcs-plan-table")).not.toContainText("firstName");
    await expect(plan.locator(".gcs-plan-table")).not.toContainText("phones:");
    await barInView(plan);

    // The filter by kind.
    await plan.getByRole("combobox", { name: "Show" }).selectOption({ label: "Link (139)" });
    await expect(status).toHaveText("Showing 1–50 of 139 changes, page 1 of 3.");
    expect(new Set(await changeRows(plan).evaluateAll((rs) => rs.map((r) => r.dataset.group)))).toEqual(new Set(["link"]));

    // The search over names, across every kind.
    await plan.getByRole("combobox", { name: "Show" }).selectOption("");
    await plan.getByRole("searchbox", { name: "Search changes by name" }).fill("hernandez");
    await expect(status).not.toContainText(`of ${total} changes`);
    const found = await changeRows(plan).count();
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThan(50);
    // Case and accents aside: "hernandez" finds "Hernández" too.
    const names = await changeRows(plan).locator(".gcs-contact").allTextContents();
    for (const name of names) expect(name.normalize("NFD").replace(/[\u0300-\u036f]/g, "")).toMatch(/hernandez/i);
    expect(names.some((n) => n.includes("Hernández"))).toBe(true);
    await plan.getByRole("searchbox", { name: "Search changes by name" }).fill("no such name at all");
    await expect(status).toHaveText("No change matches.");
    await expect(changeRows(plan)).toHaveCount(0);

    // The section counts jump to their sections.
    await plan.locator('[data-count="ambiguous"]').getByRole("button").click();
    await expect(plan.getByRole("heading", { name: "Ambiguous matches (1)" })).toBeFocused();
    await expect(plan.getByRole("heading", { name: "Ambiguous matches (1)" })).toBeInViewport();
    await barInView(plan);

    // The ambiguous match names its candidates (the CRM's James Davis, Mia Hernandez and Henry
    // Wilson share Mia's phone numbers), not their ids.
    const mia = plan.locator(".gcs-ambiguous li").filter({ hasText: "Mia Hernandez" });
    await expect(mia).toContainText("matches 3 contacts by phone: James Davis, Mia Hernandez, Henry Wilson");
    // The preview text names contacts and groups, not internal ids ("crm c000002",
    // "contactGroups/myContacts").
    await plan.getByText("Preview text", { exact: true }).click();
    await expect(plan.locator("pre")).toContainText("Create in Google: ");
    const text = await plan.locator("pre").textContent();
    expect(text.split("\n").filter((line) => /\bc\d{6}\b|contactGroups\/|people\/c/.test(line))).toEqual([]);
    // The scrolling regions can be reached from the keyboard.
    for (const region of await plan.locator(".gcs-table-wrap").all()) await expect(region).toHaveAttribute("tabindex", "0");
    await decideAndApply(page, plan, "preview-decide-1366");
    expect(seen.errors).toEqual([]);
  });
});

test.describe("keyboard only, at 1366 px", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("from the preview's heading the counts, the pages and Apply are reached with Tab and Enter", async ({ page }) => {
    const { plan, seen } = await openPreview(page, "preview-keys");
    const status = plan.getByRole("status");
    // The first stop after the heading is the first count; Enter shows its rows and moves there.
    await page.keyboard.press("Tab");
    const first = plan.locator('[data-count="create:google"]').getByRole("button");
    await expect(first).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(status).toHaveText("Showing 1–50 of 158 changes, page 1 of 4.");
    const table = plan.getByRole("region", { name: "Planned changes, scrollable" });
    await expect(table).toBeFocused();
    // Then, past each new contact's disclosure of its fields, the next page (the previous one
    // is disabled on the first page, so skipped).
    await page.keyboard.press("Tab");
    await expect(plan.locator("tbody tr[data-group] summary").first()).toBeFocused();
    await tabTo(page, plan.getByRole("button", { name: "Next page" }), { max: 60 });
    await page.keyboard.press("Enter");
    await expect(status).toHaveText("Showing 51–100 of 158 changes, page 2 of 4.");
    // Apply follows within a few stops, and is on screen when it has focus.
    const apply = plan.getByRole("button", { name: "Apply", exact: true });
    await tabTo(page, apply, { max: 10 });
    await expect(apply).toBeInViewport({ ratio: 1 });
    expect(seen.errors).toEqual([]);
  });
});

test.describe("at 390 px", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the preview stacks each change, breaks no word and keeps Apply in view", async ({ page }) => {
    const { plan, seen } = await openPreview(page, "preview-narrow");
    await barInView(plan);
    await page.screenshot({ path: shot("preview-390") });
    const row = changeRows(plan).first();
    const side = row.locator('td[data-label="Side"]');
    await expect(side).toHaveText("Google");
    // Stacked: each cell takes the row's width, labelled; nothing scrolls sideways.
    await expect(row.locator('td[data-label="Contact"]')).toHaveCSS("display", "block");
    const wrap = plan.getByRole("region", { name: "Planned changes, scrollable" });
    expect(await wrap.evaluate((w) => w.scrollWidth - w.clientWidth)).toBeLessThanOrEqual(1);
    expect(await lines(side)).toBe(1);
    expect(await lines(row.locator('td[data-label="Operation"]'))).toBe(1);
    await changeRows(plan).nth(10).scrollIntoViewIfNeeded();
    await barInView(plan);
    await page.screenshot({ path: shot("preview-390-scrolled") });
    await decideAndApply(page, plan, "preview-decide-390");
    expect(seen.errors).toEqual([]);
  });
});

test.describe("at 200 % zoom", () => {
  // 200 % of a 1366 × 768 window: half the CSS pixels, each drawn twice as large.
  test.use({ viewport: { width: 683, height: 384 }, deviceScaleFactor: 2 });

  test("the preview keeps Apply in view and breaks no word", async ({ page }) => {
    const { plan, seen } = await openPreview(page, "preview-zoom");
    await barInView(plan);
    await page.screenshot({ path: shot("preview-zoom-200") });
    const side = changeRows(plan).first().locator('td[data-label="Side"]');
    await expect(side).toHaveText("Google");
    expect(await lines(side)).toBe(1);
    await changeRows(plan).nth(5).scrollIntoViewIfNeeded();
    await barInView(plan);
    await decideAndApply(page, plan, "preview-decide-zoom-200");
    expect(seen.errors).toEqual([]);
  });
});
