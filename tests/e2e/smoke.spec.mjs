// The demo loads with the plugin wired into the CRM's three places.
import { test, expect } from "./playwright.mjs";
import { crmContacts, fullName, go, openDemo, toast } from "./helpers.mjs";

const shot = (name) => new URL(`./screenshots/${name}.png`, import.meta.url).pathname;

test("the demo CRM lists its contacts and offers the plugin's bulk action", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto("/demo/");
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
  // The menu lists what is registered when it opens: wait for the plugin to finish loading.
  await expect(page.locator("html[data-plugins-loaded]")).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: /^Select / }).first()).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "Sync Contact(s)" })).toBeVisible();
  await page.screenshot({ path: shot("contacts"), fullPage: true });
  expect(errors).toEqual([]);
});

test("More Actions opened while the plugin is still loading shows its action once it registers", async ({ page }) => {
  // On a busy machine the menu can be opened before the page has finished loading its contacts
  // and before the plugin has registered (it registers once its manifest is read). Both are held
  // here until the menu is open, so the test takes that order every time instead of when the
  // machine happens to be slow.
  let releaseManifest;
  const manifestHeld = new Promise((r) => (releaseManifest = r));
  await page.route("**/plugin-manifest.json", async (route) => {
    await manifestHeld;
    await route.continue();
  });
  await page.addInitScript(() => {
    // The app publishes itself as `demoCrm` before it renders its first page: hold that page's
    // contacts listing until the test calls `releaseContacts()`.
    let app;
    Object.defineProperty(globalThis, "demoCrm", {
      configurable: true,
      get: () => app,
      set(value) {
        app = value;
        const contacts = value.host.contacts;
        const list = contacts.list.bind(contacts);
        const held = new Promise((r) => (globalThis.releaseContacts = r));
        contacts.list = async (q) => {
          await held;
          return list(q);
        };
      },
    });
  });
  await page.goto("/demo/");
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
  await page.getByRole("button", { name: "More Actions" }).click();
  await expect(page.getByRole("menuitem", { name: "No actions available" })).toBeVisible();

  // The page finishes loading under the open menu: the menu stays open.
  await page.evaluate(() => globalThis.releaseContacts());
  await expect(page.locator('#main[data-ready="true"]')).toHaveCount(1);
  await expect(page.getByRole("checkbox", { name: /^Select / }).first()).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "No actions available" })).toBeVisible();

  // The plugin registers while the menu is open: its action replaces the placeholder.
  releaseManifest();
  await expect(page.getByRole("menuitem", { name: "Sync Contact(s)" })).toBeVisible();
  await expect(page.getByRole("menuitem", { name: "No actions available" })).toHaveCount(0);
});

test("a contact's page still redrawing when the user goes to the list never draws over the list", async ({ page }) => {
  // A change to contacts (a sync, a deletion) asks the open page to redraw; on a busy machine
  // that redraw can still be reading the contact when the user has moved on. Its read is held
  // here until the list is shown, the order a busy machine gives now and then.
  await openDemo(page);
  const [c] = await crmContacts(page);
  await go(page, `#/contact/${c.id}`);
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toBeVisible();
  await page.evaluate(() => {
    const contacts = window.demoCrm.host.contacts;
    const get = contacts.get.bind(contacts);
    const held = new Promise((r) => (window.__releaseGet = r));
    contacts.get = async (...args) => {
      await held;
      return get(...args);
    };
    window.__redraw = window.demoCrm.refresh();
  });
  await go(page, "#/contacts");
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
  await page.evaluate(async () => {
    window.__releaseGet();
    await window.__redraw;
  });
  await expect(page.getByRole("table", { name: "Contacts" })).toBeVisible();
  await expect(page.getByRole("heading", { name: fullName(c), level: 1 })).toHaveCount(0);
});
