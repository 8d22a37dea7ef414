// A contact named like markup is shown as text everywhere: the list, its page, the plan preview
// and the run history. No <img> element is ever created and no dialog fires.
import { test, expect } from "./playwright.mjs";
import {
  admin, connectAccount, freshEmail, go, googleContacts, linkedTo, openDemo, panel, panelAction, shot, toast,
} from "./helpers.mjs";

const NAME = "<img src=x onerror=alert(1)>";

test("a contact named <img src=x onerror=alert(1)> shows as text in the list, its page, the preview and the run history", async ({ page }) => {
  // Record every <img> that ever enters the document (by markup parsing or by script) and any
  // alert, from before the app's first script runs. (The CSP would block the inline handler
  // anyway; an <img> element appearing at all would mean a name was parsed as markup.)
  await page.addInitScript(() => {
    window.__imgs = [];
    window.__alerts = [];
    const orig = window.alert;
    window.alert = (m) => {
      window.__alerts.push(String(m));
      return orig && undefined;
    };
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue;
          if (n.tagName === "IMG") window.__imgs.push(n.outerHTML);
          for (const i of n.querySelectorAll("img")) window.__imgs.push(i.outerHTML);
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const noMarkup = async () => {
    expect(await page.evaluate(() => window.__imgs)).toEqual([]);
    expect(await page.evaluate(() => window.__alerts)).toEqual([]);
    expect(await page.locator("img").count()).toBe(0);
  };

  // Google knows this person by email under another name, so the first sync links them and
  // logs the name disagreement (the CRM's value is kept), which puts the name in the history.
  const email = freshEmail("hostile");
  const contactEmail = `imogen.${Date.now().toString(36)}@example.test`;
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [{ names: [{ givenName: "Imogen", familyName: "Sourcé" }], emailAddresses: [{ value: contactEmail, type: "home" }] }] });

  const seen = await openDemo(page);
  await page.getByRole("link", { name: "New contact" }).first().click();
  await expect(page.getByRole("heading", { name: "New contact", level: 1 })).toBeVisible();
  await page.getByLabel("First name").fill(NAME);
  await page.getByLabel("Email 1", { exact: true }).fill(contactEmail);
  await page.getByRole("button", { name: "Create contact" }).click();

  // Its page.
  await expect(page.getByRole("heading", { name: NAME, level: 1 })).toBeVisible();
  await toast(page, `Created ${NAME}.`);
  const id = (await page.evaluate(() => location.hash)).split("/")[2];
  await page.screenshot({ path: shot("hostile-contact"), fullPage: true });
  await noMarkup();

  // The list.
  await go(page, "#/contacts");
  await page.getByRole("searchbox").fill("onerror");
  const table = page.getByRole("table", { name: "Contacts" });
  await expect(table.getByRole("checkbox", { name: `Select ${NAME}`, exact: true })).toBeVisible();
  await expect(table.getByText(NAME, { exact: true })).toBeVisible();
  await page.screenshot({ path: shot("hostile-list"), fullPage: true });
  await noMarkup();

  // The plan preview.
  await connectAccount(page, email);
  const p = panel(page);
  await panelAction(page, "Preview changes");
  const plan = p.getByRole("region", { name: "Preview" });
  // The changes come a page at a time; the name search finds the contact (as text too).
  await plan.getByRole("searchbox", { name: "Search changes by name" }).fill(NAME);
  await expect(plan.getByRole("table", { name: "Planned changes" }).getByRole("cell", { name: NAME, exact: true }).first()).toBeVisible();
  await plan.getByText("Preview text").click();
  await expect(plan.locator("pre")).toContainText(NAME);
  await page.screenshot({ path: shot("hostile-preview"), fullPage: true });
  await noMarkup();

  // The run history: the name disagreement is a logged conflict naming the contact.
  await panelAction(page, "Apply");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}`);
  const history = p.getByRole("table", { name: "Run history" });
  await expect(history).toBeVisible();
  const conflicts = history.locator("details").first();
  await conflicts.locator("summary").click();
  await expect(conflicts.getByRole("cell", { name: NAME, exact: true }).first()).toBeVisible();
  await page.screenshot({ path: shot("hostile-history"), fullPage: true });
  await history.screenshot({ path: shot("hostile-history-table") });
  await noMarkup();

  // Google holds the name as text too.
  const [g] = linkedTo(await googleContacts(email), id);
  expect(g.names[0].givenName).toBe(NAME);
  expect(seen.dialogs).toEqual([]);
  expect(seen.errors).toEqual([]);
});
