// The panel's smaller promises: progress that counts without a made-up total and is announced
// once per phase; a run started by the preview's Apply named so in the history; Reset clearing
// the history as its dialog says; dialogs described by their message; failures as a plain
// sentence with the technical side behind a disclosure, readable in the history at 1366 and
// 390 px; form errors tied to their field; a focus ring on every control.
import { test, expect } from "./playwright.mjs";
import { admin, connectAccount, freshEmail, go, openDemo, panel, panelAction, shot, syncNow } from "./helpers.mjs";

test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/**
 * Runs in the page before its scripts: records every text the panel's progress label, its
 * announcer (the polite status) and the top bar's label show (`window.__progress`).
 */
function recordProgress() {
  window.__progress = { label: [], announced: [], topBar: [] };
  const push = (list, text) => {
    if (list[list.length - 1] !== text) list.push(text);
  };
  new MutationObserver(() => {
    const label = document.querySelector("[data-gcs-panel] .gcs-progress > span");
    if (label && label.textContent) push(window.__progress.label, label.textContent);
    const status = document.querySelector("[data-gcs-progress-status]");
    if (status) push(window.__progress.announced, status.textContent);
    const top = document.querySelector("#progress .progress-label");
    if (top && top.textContent) push(window.__progress.topBar, top.textContent);
  }).observe(document, { childList: true, subtree: true, characterData: true });
}

test("reading a Google account of more than a page counts what it read, never \"of 0\", and announces each phase once", async ({ page }) => {
  const email = freshEmail("progress");
  await admin("accounts", { email });
  // More than one page of the People API's listing (1000), so the total is unknown while it reads.
  await admin("seed", { email, count: 1050, seed: 7 });
  await page.addInitScript(recordProgress);
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await syncNow(page, { timeout: 120_000 });

  const rec = await page.evaluate(() => window.__progress);
  expect(rec.label.some((t) => /^Syncing \S+ — reading Google: \d{4} so far$/.test(t)), rec.label.join(" | ")).toBe(true);
  expect(rec.label.filter((t) => /\bof 0\b|\/ 0\b/.test(t))).toEqual([]);
  expect(rec.topBar.some((t) => /^Syncing \S+ — reading Google — \d{4} so far$/.test(t)), rec.topBar.join(" | ")).toBe(true);
  expect(rec.topBar.filter((t) => !/sync/i.test(t)), "every top-bar label names the sync").toEqual([]);
  expect(rec.topBar.filter((t) => /\/ 0\b|of 0\b/.test(t))).toEqual([]);
  // The polite status speaks at each phase, not at each count, and falls silent at the end
  // (the result message says how it ended).
  const phases = rec.label.map((t) => t.split(":")[0]);
  const changes = phases.filter((ph, i) => i === 0 || ph !== phases[i - 1]).length;
  const spoken = rec.announced.filter(Boolean);
  expect(spoken.length).toBeGreaterThan(1);
  expect(spoken.length).toBeLessThanOrEqual(changes);
  expect(rec.label.length, rec.label.join(" | ")).toBeGreaterThan(spoken.length);
  expect(rec.announced[rec.announced.length - 1]).toBe("");
  await expect(panel(page).locator("[data-gcs-progress-status]")).toHaveAttribute("role", "status");
  expect(seen.errors).toEqual([]);
});

test("the preview's Apply is named so in the history, and Reset, described by its dialog, clears the history", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("apply");
  await connectAccount(page, email);
  const p = panel(page);
  await panelAction(page, "Preview changes");
  await panelAction(page, "Apply", { timeout: 60_000 });
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  const history = p.getByRole("table", { name: "Run history" });
  const row = history.getByRole("row").nth(1);
  await expect(row.getByRole("cell").nth(1)).toHaveText("Apply (preview)");
  await syncNow(page);
  await expect(history.getByRole("row").nth(1).getByRole("cell").nth(1)).toHaveText("Sync now");

  await p.getByRole("button", { name: "Reset sync data" }).click();
  const dialog = page.getByRole("dialog", { name: `Reset sync data for ${email}?` });
  await expect(dialog).toHaveAccessibleDescription(/clears its sync history/);
  await dialog.getByRole("button", { name: "Unlink contacts" }).click();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await expect(p.locator(".gcs-messages")).toContainText(`Sync data for ${email} was reset`);
  await expect(p.getByText("No sync has run for this account yet.")).toBeVisible();
  await expect(history).toHaveCount(0);

  await p.getByRole("button", { name: "Disconnect" }).click();
  const disconnect = page.getByRole("dialog", { name: `Disconnect ${email}?` });
  await expect(disconnect).toHaveAccessibleDescription(/revokes its access/);
  await disconnect.getByRole("button", { name: "Cancel" }).click();
  expect(seen.errors).toEqual([]);
});

for (const width of [1366, 390]) {
  test(`a failed run reads as a sentence with its technical details behind a disclosure, readable in the history at ${width} px`, async ({ page }) => {
    await page.setViewportSize({ width, height: 900 });
    const seen = await openDemo(page);
    const email = freshEmail(`errors-${width}`);
    await connectAccount(page, email);
    // Google refuses every create: nothing is written, so the run fails with Google's error.
    await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "status", status: 400, count: 100000 }] });
    const p = panel(page);
    await panelAction(page, "Sync now");
    const msg = p.locator(".gcs-messages");
    await expect(msg).toContainText("failed: Google answered with an error. Try again in a few minutes.");
    const tech = msg.locator("details");
    await expect(tech.locator("summary")).toHaveText("Technical details");
    // The sentence alone shows; the code and Google's own words wait behind the disclosure.
    expect(await msg.innerText()).not.toMatch(/GOOGLE_ERROR|invalid argument/);
    await tech.locator("summary").click();
    await expect(tech).toContainText("GOOGLE_ERROR \u00b7 invalid: Request contains an invalid argument.");

    const history = p.getByRole("table", { name: "Run history" });
    const errors = history.getByRole("list", { name: /^Errors of the run at / }).first();
    const first = errors.getByRole("listitem").first();
    await expect(first).toContainText("Google answered with an error. Try again in a few minutes.");
    expect(await first.innerText()).not.toMatch(/GOOGLE_ERROR|invalid argument/);
    await history.scrollIntoViewIfNeeded();
    await page.screenshot({ path: shot(`history-errors-${width}`) });
    await first.locator("summary").click();
    await expect(first).toContainText("GOOGLE_ERROR \u00b7 invalid: Request contains an invalid argument.");
    // Room to read: at least most of the panel's width, and on screen without scrolling sideways.
    const box = await first.boundingBox();
    const panelBox = await p.boundingBox();
    expect(box.width).toBeGreaterThan(Math.min(300, panelBox.width * 0.8));
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(width);
    const wrap = p.locator(".gcs-table-wrap").last();
    if (width < 640) {
      expect(await wrap.evaluate((w) => w.scrollWidth <= w.clientWidth + 1)).toBe(true);
      // Nor does any button reach past the panel's edge ("Send all filtered contacts to Google").
      const past = await p.evaluate((el) => {
        const right = el.getBoundingClientRect().right;
        return [...el.querySelectorAll("button")].filter((b) => b.offsetParent && b.getBoundingClientRect().right > right + 0.5).map((b) => b.textContent);
      });
      expect(past).toEqual([]);
    }
    expect(seen.errors).toEqual([]);
  });
}

test("a setting that is not accepted marks its field, is described by its error and takes focus on Save", async ({ page }) => {
  const seen = await openDemo(page);
  await connectAccount(page, freshEmail("form"));
  const p = panel(page);
  const interval = p.getByLabel("Sync every (minutes)");
  const region = p.getByLabel("Default phone region (2-letter country code)");
  await interval.fill("2");
  await region.fill("X");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(interval).toBeFocused();
  await expect(interval).toHaveAttribute("aria-invalid", "true");
  await expect(interval).toHaveAccessibleDescription(/Enter a whole number of minutes from 5 to 1440\./);
  await expect(region).toHaveAttribute("aria-invalid", "true");
  await expect(region).toHaveAccessibleDescription(/Enter a 2-letter country code/);
  // The hint still describes the field, after its error.
  await expect(region).toHaveAccessibleDescription(/Used to read phone numbers/);

  await interval.fill("30");
  await region.fill("de");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.locator(".gcs-saved")).toHaveText("Saved");
  await expect(interval).not.toHaveAttribute("aria-invalid", "true");
  await expect(interval).toHaveAccessibleDescription("Automatic syncs run while the CRM is open in a browser tab.");
  await expect(p.locator(".gcs-field-error")).toHaveCount(0);
  expect(seen.errors).toEqual([]);
});

test("every control of the panel and the More Actions menu shows keyboard focus with a ring of at least 3:1 against its surroundings", async ({ page }) => {
  const seen = await openDemo(page);
  await connectAccount(page, freshEmail("focus"));
  await go(page, "#/settings");
  const p = panel(page);
  // The connect message's Dismiss button, a summary, the account's buttons, the form's controls.
  await expect(p.getByRole("button", { name: "Dismiss message" })).toBeVisible();
  const controls = p.locator("button:visible, summary:visible, select:visible, input:visible");
  const n = await controls.count();
  expect(n).toBeGreaterThan(10);
  await page.keyboard.press("Shift"); // keyboard modality: focus from script shows as :focus-visible
  const weak = [];
  for (let i = 0; i < n; i++) {
    const c = controls.nth(i);
    if (await c.isDisabled()) continue;
    await c.focus();
    weak.push(...await ringOf(c));
  }
  // The More Actions menu, opened and walked with the keyboard: its items too.
  await go(page, "#/contacts");
  await page.getByRole("button", { name: "More Actions" }).focus();
  await page.keyboard.press("Enter");
  const items = page.getByRole("menuitem");
  await expect(items.first()).toBeFocused();
  for (let i = 0; i < await items.count(); i++) {
    if (i > 0) await page.keyboard.press("ArrowDown");
    await expect(items.nth(i)).toBeFocused();
    weak.push(...await ringOf(items.nth(i)));
  }
  expect(weak).toEqual([]);
  expect(seen.errors).toEqual([]);
});

/** The focused control's ring, as a one-item list when it is missing or too faint. */
async function ringOf(control) {
  const ring = await control.evaluate((el) => {
    /** Relative luminance of a CSS rgb()/rgba() colour. */
    const lum = (css) => {
      const [r, g, b] = (css.match(/[\d.]+/g) || []).slice(0, 3).map(Number).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const alpha = (css) => {
      const m = css.match(/[\d.]+/g) || [];
      return m.length > 3 ? Number(m[3]) : 1;
    };
    // What lies around the ring (outside the control, by its offset): the first opaque
    // background among its ancestors.
    let bg = "rgb(255, 255, 255)";
    for (let a = el.parentElement; a; a = a.parentElement) {
      const c = getComputedStyle(a).backgroundColor;
      if (alpha(c) > 0.5) { bg = c; break; }
    }
    const s = getComputedStyle(el);
    // A ring drawn inside (a negative offset) lies on the control's own fill: it counts too.
    const inside = parseFloat(s.outlineOffset) < 0 && alpha(s.backgroundColor) > 0.5;
    const around = inside ? [bg, s.backgroundColor] : [bg];
    const ratio = (c) => {
      const [l1, l2] = [lum(s.outlineColor), lum(c)].sort((x, y) => y - x);
      return (l1 + 0.05) / (l2 + 0.05);
    };
    return {
      name: el.getAttribute("aria-label") || el.textContent.trim().slice(0, 30) || el.tagName,
      visible: el.matches(":focus-visible"),
      style: s.outlineStyle,
      width: parseFloat(s.outlineWidth),
      contrast: Math.min(...around.map(ratio)),
    };
  });
  return !ring.visible || ring.style !== "solid" || ring.width < 2 || ring.contrast < 3 ? [ring] : [];
}
