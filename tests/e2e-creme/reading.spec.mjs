// While a first sync reads Creme's contacts page by page, the user sees how far it has got: Creme's
// progress bar and the plugin's panel count the contacts read so far ("reading the CRM (500 so
// far)"), not "starting" for minutes. The second page of the read is held until both have shown
// it, so the test waits on what the page shows, never on time.
import { test, expect } from "../e2e/playwright.mjs";
import { admin, api, connect, disconnect, freshEmail, login, panel, shot } from "./creme.mjs";

/** Adds contacts to Creme until its change feed needs more than one page for them all; answers
 *  the ids added, for removing them after the test (Creme's database is shared by the run). */
async function moreThanOnePage(page) {
  const added = [];
  for (let round = 0; round < 20; round += 1) {
    const { json } = await api(page, "contacts/changes");
    if (json.more) return added;
    const items = Array.from({ length: 100 }, (_, i) => ({
      firstName: `Reader${round * 100 + i}`,
      lastName: "Paged",
      emails: [{ value: `reader-${Date.now()}-${round * 100 + i}@paged.example` }],
    }));
    const created = await api(page, "contacts/create", { items });
    expect(created.status).toBe(200);
    added.push(...created.json.map((c) => c.id));
  }
  throw new Error("Creme's change feed still answers one page after 2,000 more contacts");
}

test("a first sync shows in Creme's bar and the panel how many contacts it has read while Creme is read", async ({ page }) => {
  const errors = await login(page);
  const email = freshEmail("creme-reading");
  await admin("accounts", { email });
  const added = await moreThanOnePage(page);
  try {
    await connect(page, email);

    // The read's second page (the first request that carries where to go on from) waits until
    // the test lets it go.
    let release = () => {};
    const released = new Promise((resolve) => { release = resolve; });
    let heldOne = false;
    await page.route(/\/gcontacts_sync_creme\/api\/contacts\/(changes|list)\?/, async (route) => {
      const url = new URL(route.request().url());
      if (!heldOne && (url.searchParams.get("cursor") || url.searchParams.get("pageToken"))) {
        heldOne = true;
        await released;
      }
      await route.continue();
    });

    await panel(page).getByRole("button", { name: "Sync now", exact: true }).click();
    const bar = page.locator("#gcsync-progress");
    const label = page.locator("#gcsync-progress-label");
    await expect(bar).toBeVisible();
    await expect(label).toHaveText(new RegExp(`^Syncing ${email.replace(/[.]/g, "\\.")} — reading the CRM \\(\\d+ so far\\)$`));
    const read = Number(/\((\d+) so far\)/.exec((await label.textContent()) || "")?.[1]);
    expect(read, "it counts the contacts of the first page").toBeGreaterThan(0);
    // The total is not known yet: the bar moves without a value.
    await expect(bar.locator("progress")).not.toHaveAttribute("value");
    await expect(panel(page).locator(".gcs-progress")).toContainText(`reading the CRM: ${read} so far`);
    await page.screenshot({ path: shot("creme-reading-progress") });
    expect(heldOne).toBe(true);
    release();

    await expect(panel(page)).toHaveAttribute("aria-busy", "false", { timeout: 240_000 });
    await expect(panel(page).locator(".gcs-messages")).toContainText(`Synced with ${email}`);
    await expect(bar).toBeHidden();
    await page.unroute(/\/gcontacts_sync_creme\/api\/contacts\/(changes|list)\?/);
    // Later tests of root's session expect no account of this one.
    await disconnect(page, email);
  } finally {
    for (let i = 0; i < added.length; i += 100) {
      const removed = await api(page, "contacts/remove", { ids: added.slice(i, i + 100) });
      expect(removed.status).toBe(200);
    }
  }
  expect(errors).toEqual([]);
});
