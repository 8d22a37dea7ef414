// Custom fields in the demo: the CRM's own fields (customer number, lead source, preferred
// language…) sync with the Google contact's custom fields (`userDefined`), three-way, each under
// the name and direction the settings give it. Checked in the emulator's admin dump, in the
// CRM's store and on the contact's page.
import { test, expect } from "./playwright.mjs";
import {
  EMULATOR, afterPropagation, connectAccount, crmContacts, freshEmail, go, googleContacts, linkedTo, openDemo,
  openSettings, panel, panelAction, shot, syncNow, toast,
} from "./helpers.mjs";

/** Edits a Google contact through the People API, as a phone would, with the account's token. */
async function editInGoogle(token, person, fields, values) {
  const url = `${EMULATOR}/v1/${person.resourceName}:updateContact?updatePersonFields=${fields}`;
  const res = await fetch(url, {
    method: "PATCH",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ etag: person.etag, ...values }),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

/** The custom fields of the Google contact linked to CRM contact `id`, as { name: value }. */
async function googleCustom(email, id) {
  const [g] = linkedTo(await googleContacts(email), id);
  return Object.fromEntries((g.userDefined || []).map((e) => [e.key, e.value]));
}

async function crmCustom(page, id) {
  return (await crmContacts(page)).find((x) => x.id === id).custom || {};
}

test("a custom field set in the CRM reaches Google, Google's edit comes back, and edits of different fields on both sides both stay", async ({ page }) => {
  const email = freshEmail("custom");
  await openDemo(page);
  const token = await connectAccount(page, email);
  expect(await syncNow(page)).toContain("300 created in Google");
  const [c] = (await crmContacts(page)).filter((x) => !x.custom).slice(7, 8);

  // The form checks each value by its type: "abc" is no customer number.
  await go(page, `#/contact/${c.id}/edit`);
  await page.getByLabel("Customer number").fill("abc");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator(".form-error")).toContainText("(Customer number) must be a number");
  await page.getByLabel("Customer number").fill("1042");
  await page.getByLabel("Lead source").selectOption("Referral");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await toast(page, "Saved");
  const section = page.locator("section.card").filter({ has: page.getByRole("heading", { name: "Custom fields" }) });
  await expect(section).toContainText("1042");
  await expect(section).toContainText("Referral");

  await openSettings(page);
  await syncNow(page);
  expect(await googleCustom(email, c.id)).toEqual({ "Customer number": "1042", "Lead source": "Referral" });

  // Google changes the lead source and adds a field of its own; the CRM sets the language.
  const [g] = linkedTo(await googleContacts(email), c.id);
  await editInGoogle(token, g, "userDefined", { userDefined: [
    { key: "Customer number", value: "1042" },
    { key: "Lead source", value: "Trade show" },
    { key: "Met at", value: "Lisbon" },
  ] });
  await page.evaluate(async (id) => {
    const host = window.demoCrm.host;
    const [now] = await host.contacts.get([id]);
    await host.contacts.update([{ id, fields: { custom: { language: "Portuguese" } }, ifModifiedAt: now.modifiedAt }]);
  }, c.id);
  await afterPropagation();
  const message = await syncNow(page);
  expect(message).not.toContain("conflict");
  expect(await crmCustom(page, c.id)).toEqual({ customerNumber: "1042", leadSource: "Trade show", language: "Portuguese" });
  expect(await googleCustom(email, c.id)).toEqual({
    "Customer number": "1042", "Lead source": "Trade show", "Met at": "Lisbon", "Preferred language": "Portuguese",
  });
  await go(page, `#/contact/${c.id}`);
  await expect(section).toContainText("Trade show");
  await expect(section).toContainText("Portuguese");
  await page.screenshot({ path: shot("custom-fields-contact"), fullPage: true });

  // Nothing is left to change.
  await openSettings(page);
  expect(await syncNow(page)).toContain("already up to date");
});

test("a custom field named otherwise in the settings and sent CRM → Google only never takes Google's edit", async ({ page }) => {
  const email = freshEmail("custom-map");
  await openDemo(page);
  const token = await connectAccount(page, email);
  const p = panel(page);
  const fieldset = p.getByRole("group", { name: "Custom fields" });
  await fieldset.getByLabel("Customer number: Google field name").fill("Kundennummer");
  await fieldset.getByLabel("Customer number: direction").selectOption("crmToGoogle");
  // Two fields under one Google name is refused where it is typed.
  await fieldset.getByLabel("Lead source: Google field name").fill("Kundennummer");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(fieldset.getByLabel("Lead source: Google field name")).toHaveAccessibleDescription(/already syncs with the Google field “Kundennummer”/);
  await fieldset.getByLabel("Lead source: Google field name").fill("");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();
  await expect(p).toHaveAttribute("aria-busy", "false");
  await page.screenshot({ path: shot("custom-fields-settings"), fullPage: true });

  const [c] = (await crmContacts(page)).slice(3, 4);
  await page.evaluate(async (id) => {
    const host = window.demoCrm.host;
    const [now] = await host.contacts.get([id]);
    await host.contacts.update([{ id, fields: { custom: { customerNumber: "7" } }, ifModifiedAt: now.modifiedAt }]);
  }, c.id);
  // The first sync under a field's new direction is previewed first, naming the change.
  await panelAction(page, "Sync now");
  await expect(p.locator(".gcs-messages")).toContainText("The direction of some fields changed since the last sync, so this sync changed nothing");
  await p.getByRole("button", { name: "Show the preview", exact: true }).click();
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator("[data-gcs-directions]")).toContainText("Direction changed: Customer number: CRM → Google only (was Both ways)");
  await plan.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(p.locator(".gcs-messages")).toContainText("300 created in Google");
  expect(await googleCustom(email, c.id)).toEqual({ Kundennummer: "7" });

  const [g] = linkedTo(await googleContacts(email), c.id);
  await editInGoogle(token, g, "userDefined", { userDefined: [{ key: "Kundennummer", value: "8" }] });
  await afterPropagation();
  await syncNow(page);
  expect((await crmCustom(page, c.id)).customerNumber).toBe("7");

  // The mapping stays in the form after a reload.
  await page.reload();
  await openSettings(page);
  await expect(panel(page).getByRole("group", { name: "Custom fields" }).getByLabel("Customer number: Google field name")).toHaveValue("Kundennummer");
  await expect(panel(page).getByRole("group", { name: "Custom fields" }).getByLabel("Customer number: direction")).toHaveValue("crmToGoogle");
});
