// What a run's report tells the user: the contacts it could not sync counted in its message,
// listed by "Show them" with names and reasons, the history's states ("Partly synced",
// "Cancelled"), a run with nothing to do "already up to date", and a Cancel during a request
// that hangs ending the run at once.
import { test, expect } from "./playwright.mjs";
import {
  admin, afterPropagation, connectAccount, demoSeed, freshEmail, openDemo, panel, shot, syncNow,
} from "./helpers.mjs";

// The emulator is shared: every fault a test sets is cleared when it ends, pass or fail.
test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/** The history row of the newest run. */
function newestRun(page) {
  return panel(page).locator(".gcs-runs > tr:not(.gcs-run-errors)").first();
}

test("12 contacts the CRM refuses: the message counts them, \"Show them\" lists names and reasons, the history says Partly synced", async ({ page }) => {
  const email = freshEmail("refused");
  await admin("accounts", { email });
  // Twenty CRM contacts already in Google with a note the CRM lacks: the first sync links them
  // and writes the note into the CRM, where twelve of them may not be changed.
  const crm = demoSeed().crm.filter((c) => c.emails && c.emails.length && !c.notes).slice(0, 20);
  await admin("seed", {
    email,
    contacts: crm.map((c) => ({
      names: [{ givenName: c.firstName, familyName: c.lastName }],
      emailAddresses: [{ value: c.emails[0].value }],
      biographies: [{ value: `Met ${c.firstName} at the fair` }],
    })),
  });
  await afterPropagation();
  const seen = await openDemo(page);
  await connectAccount(page, email);
  const refused = crm.slice(0, 12);
  // The host refuses as a CRM with permissions does: the whole call, naming the contact.
  await page.evaluate((ids) => {
    const contacts = window.demoCrm.host.contacts;
    const update = contacts.update.bind(contacts);
    contacts.update = async (items) => {
      const bad = items.find((i) => ids.includes(i.id));
      if (bad) throw Object.assign(new Error(`user may not edit contact ${bad.id}`), { code: "PERMISSION_DENIED", contactId: bad.id });
      return update(items);
    };
  }, refused.map((c) => c.id));

  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  const msg = p.locator(".gcs-messages");
  await expect(msg).toContainText(`Synced with ${email}`);
  await expect(msg).toContainText("12 of 300 contacts could not be synced");
  // The sentence reads as a partial sync, not as the CRM's error: codes wait behind Technical
  // details (closed, so not in the text shown).
  expect(await msg.innerText()).not.toMatch(/HOST_ERROR|PERMISSION_DENIED|Try again/);
  // The eight others were written.
  const notes = await page.evaluate(async (ids) => (await window.demoCrm.host.contacts.get(ids)).map((c) => c.notes || ""), crm.map((c) => c.id));
  expect(notes.slice(0, 12).every((n) => n === "")).toBe(true);
  expect(notes.slice(12).every((n) => n.startsWith("Met "))).toBe(true);

  await expect(newestRun(page).locator('td[data-label="Result"]')).toHaveText("Partly synced");
  await msg.getByRole("button", { name: "Show them" }).click();
  const list = p.locator("details[data-gcs-failures]").first();
  await expect(list).toHaveAttribute("open", "");
  const summary = list.locator(":scope > summary");
  await expect(summary).toBeFocused();
  await expect(summary).toHaveText("12 of 300 contacts could not be synced");
  const items = list.locator("li");
  await expect(items).toHaveCount(12);
  for (const c of refused) {
    // Its full name as the CRM gives it (a prefix or suffix included), twice: whom and why.
    const item = items.filter({ has: page.locator(`a[href="#/contact/${c.id}"]`) });
    await expect(item).toHaveCount(1);
    await expect(item.getByRole("link")).toHaveText("Open in the CRM");
    const text = await item.innerText();
    const m = /^(.+) \(CRM\): you may not change (.+) in the CRM\. The next sync tries again\./.exec(text);
    expect(m, text).not.toBeNull();
    expect(m[1]).toContain(c.firstName);
    expect(m[1]).toContain(c.lastName);
    expect(m[2]).toBe(m[1]);
    // The technical side stays available, behind its own disclosure.
    await item.getByText("Technical details").click();
    await expect(item.locator(".gcs-tech-text")).toContainText(`${c.id}`);
    await expect(item.locator(".gcs-tech-text")).toContainText("host: PERMISSION_DENIED");
  }
  await page.screenshot({ path: shot("report-refused"), fullPage: true });
  expect(seen.errors).toEqual([]);
});

test("the CRM session ending mid-run stops the sync, says to log in again and reports only what was done", async ({ page }) => {
  const email = freshEmail("session");
  await admin("accounts", { email });
  // As above: the CRM's updates come after Google's creates, and the session ends before them.
  const crm = demoSeed().crm.filter((c) => c.emails && c.emails.length && !c.notes).slice(0, 20);
  await admin("seed", {
    email,
    contacts: crm.map((c) => ({
      names: [{ givenName: c.firstName, familyName: c.lastName }],
      emailAddresses: [{ value: c.emails[0].value }],
      biographies: [{ value: `Met ${c.firstName} at the fair` }],
    })),
  });
  await afterPropagation();
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await page.evaluate(() => {
    const contacts = window.demoCrm.host.contacts;
    contacts.update = async () => {
      throw Object.assign(new Error("the session has expired"), { code: "UNAUTHENTICATED" });
    };
  });
  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 60_000 });
  const msg = p.locator(".gcs-messages");
  await expect(msg).toContainText(`The sync with ${email} stopped before it finished: Your CRM session has ended. Log in to the CRM again`);
  await expect(msg).toContainText("Done before it stopped: 280 created in Google");
  expect(await msg.innerText()).not.toMatch(/HOST_ERROR|UNAUTHENTICATED|Synced with/);
  const notes = await page.evaluate(async (ids) => (await window.demoCrm.host.contacts.get(ids)).map((c) => c.notes || ""), crm.map((c) => c.id));
  expect(notes.every((n) => n === "")).toBe(true);
  await expect(newestRun(page).locator('td[data-label="Result"]')).toHaveText("Partly synced");
  expect(seen.errors).toEqual([]);
});

test("a second sync with nothing to do says \"already up to date\"; created contacts count as linked", async ({ page }) => {
  const email = freshEmail("uptodate");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  const first = await syncNow(page);
  expect(first).toContain("300 created in Google, 300 linked");
  expect(first).not.toContain("0 updated");
  const second = await syncNow(page);
  expect(second).toContain(`Synced with ${email}: already up to date.`);
  expect(second).not.toMatch(/\b0 (created|updated|linked|conflicts)\b/);
  await expect(newestRun(page).locator('td[data-label="Result"]')).toHaveText("Synced");
  expect(seen.errors).toEqual([]);
});

test("Cancel while Google takes 45 s to answer ends the run at once; the label names the sync; the history says Cancelled", async ({ page }) => {
  const email = freshEmail("hang");
  const seen = await openDemo(page);
  await connectAccount(page, email);
  await admin("faults", { rules: [{ method: "people.connections.list", kind: "latency", ms: 45_000, count: 1 }] });
  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  const progress = p.locator(".gcs-progress");
  await expect(progress).toContainText(`Syncing ${email} \u2014 reading Google`);
  await expect(page.locator("#progress .progress-label")).toContainText(`Syncing ${email} \u2014 reading Google`);
  await p.getByRole("button", { name: "Cancel", exact: true }).click();
  // Well under the 45 s the request would take: the request is aborted, not waited for.
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 5_000 });
  await expect(p.locator(".gcs-messages")).toContainText("was cancelled");
  await expect(newestRun(page).locator('td[data-label="Result"]')).toHaveText("Cancelled");
  await page.screenshot({ path: shot("report-cancelled"), fullPage: true });
  expect(seen.errors).toEqual([]);
});
