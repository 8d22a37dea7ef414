// Custom fields in Creme: two custom fields of contacts made in Creme's configuration ("Customer
// number", an integer, and "Preferred language", a short string) sync with the Google contact's
// `userDefined` entries under their names: a value set in Creme reaches Google, one changed in
// Google reaches Creme, edits of different fields on both sides are each kept, and a value Creme
// refuses ("abc" for the integer) is reported while Creme keeps its own. Checked in the emulator's
// admin dump and through the app's endpoints, which read Creme's database.
import { test, expect } from "../e2e/playwright.mjs";
import {
  CREME, EMULATOR, admin, api, connect, cremeContacts, disconnect, freshEmail, googleContacts, linkedTo, login,
  openSettings, panel, panelAction, shot, syncNow,
} from "./creme.mjs";

// Creme's custom field types (creme_core.models.CustomField).
const INT = 1;
const STR = 10;

/** A People API call as the account's owner would make it (a token from the emulator's admin). */
async function people(email, method, path, body) {
  const { access_token: token } = await admin("tokens", { email });
  const res = await fetch(`${EMULATOR}/v1/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.ok, `${method} ${path}: ${res.status} ${text}`).toBe(true);
  return text ? JSON.parse(text) : {};
}

/** Sets the Google contact's `userDefined` entries, as a phone's contacts app would. */
async function setUserDefined(email, resourceName, entries) {
  const fresh = await people(email, "GET", `${resourceName}?personFields=userDefined,metadata`);
  await people(email, "PATCH", `${resourceName}:updateContact?updatePersonFields=userDefined`, {
    etag: fresh.etag,
    userDefined: entries,
  });
}

async function form(page, path, data) {
  const csrf = (await page.context().cookies()).find((c) => c.name === "csrftoken");
  const res = await page.request.post(`${CREME}${path}`, { form: data, headers: { "X-CSRFToken": csrf ? csrf.value : "" } });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(400);
  return res;
}

/** The id of Creme's content type for contacts, as the wizard of a first custom field of a
 *  type offers it (while contacts have none). */
async function contactType(page) {
  const html = await (await page.request.get(`${CREME}/creme_config/custom_fields/wizard/first_creation`)).text();
  const found = /<option[^>]*value="(\d+)"[^>]*>\s*Contact\s*</.exec(html);
  expect(found, "the wizard offers contacts").toBeTruthy();
  return found[1];
}

/**
 * Creme's configuration → Custom fields → a new field of contacts (its two-step wizard, as the
 * page posts it); resolves to the key the app declares for it.
 */
async function createCustomField(page, ct, name, type) {
  const path = `/creme_config/custom_fields/wizard/creation/${ct}`;
  const step = "custom_field_creation_wizard-current_step";
  await form(page, path, { [step]: "0", "0-name": name, "0-field_type": String(type) });
  await form(page, path, { [step]: "1" });
  const declared = (await api(page, "bootstrap")).json.capabilities.customFields || [];
  const field = declared.find((f) => f.label === name);
  expect(field, JSON.stringify(declared)).toBeTruthy();
  return field;
}

/** Creme's configuration → Custom fields → delete, twice: to the deleted ones, then for good. */
async function deleteCustomField(page, name) {
  const html = await (await page.request.get(`${CREME}/creme_config/custom_fields/portal/`)).text();
  const at = html.indexOf(`>${name}<`);
  const id = /custom_fields\/edit\/(\d+)/.exec(html.slice(at))?.[1];
  expect(at >= 0 && id, `${name} is listed`).toBeTruthy();
  await form(page, "/creme_config/custom_fields/delete", { id });
  await form(page, "/creme_config/custom_fields/delete", { id });
}

function userDefined(g) {
  return (g.userDefined || []).map((e) => ({ key: e.key, value: e.value }));
}

test("Creme: custom fields sync with the Google contact's userDefined entries, both ways and three-way", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-custom");
  const errors = await login(page);
  const ct = await contactType(page);
  const number = await createCustomField(page, ct, "Customer number", INT);
  expect(number).toMatchObject({ type: "number" });
  const language = await createCustomField(page, ct, "Preferred language", STR);
  expect(language).toMatchObject({ type: "text" });

  await connect(page, email);
  await syncNow(page);
  const creme = await cremeContacts(page);
  const google = await googleContacts(email);
  const c = creme.find((x) => linkedTo(google, x.id).length === 1);
  const [g] = linkedTo(google, c.id);
  const googleOf = async () => (await googleContacts(email)).find((x) => x.resourceName === g.resourceName);
  const cremeOf = async () => (await api(page, "contacts/get", { ids: [c.id] })).json[0];

  // Set in Creme: Google's contact gets the entry under the field's name.
  const set = await api(page, "contacts/update", { items: [{ id: c.id, fields: { custom: { [number.key]: "1042" } } }] });
  expect(set.status, JSON.stringify(set.json)).toBe(200);
  await syncNow(page);
  expect(userDefined(await googleOf())).toEqual([{ key: "Customer number", value: "1042" }]);

  // Changed in Google: Creme holds the new value.
  await setUserDefined(email, g.resourceName, [{ key: "Customer number", value: "2048" }]);
  await syncNow(page);
  expect((await cremeOf()).custom).toEqual({ [number.key]: "2048" });

  // Both sides edit, each a different field (and Google has an entry of its own): each change kept.
  const lang = await api(page, "contacts/update", { items: [{ id: c.id, fields: { custom: { [language.key]: "French" } } }] });
  expect(lang.status, JSON.stringify(lang.json)).toBe(200);
  await setUserDefined(email, g.resourceName, [
    { key: "Hobby", value: "chess" },
    { key: "Customer number", value: "4096" },
  ]);
  await syncNow(page);
  expect((await cremeOf()).custom).toEqual({ [number.key]: "4096", [language.key]: "French" });
  expect(userDefined(await googleOf())).toEqual([
    { key: "Hobby", value: "chess" },
    { key: "Customer number", value: "4096" },
    { key: "Preferred language", value: "French" },
  ]);

  // A value Creme refuses: the run says so, and Creme keeps its own.
  await setUserDefined(email, g.resourceName, [
    { key: "Hobby", value: "chess" },
    { key: "Customer number", value: "abc" },
    { key: "Preferred language", value: "French" },
  ]);
  await openSettings(page);
  await panelAction(page, "Sync now");
  const messages = panel(page).locator(".gcs-messages");
  await expect(messages).toContainText("1 of 1 contact could not be synced", { timeout: 120_000 });
  await expect(messages).toContainText(`contact ${c.id}: the custom field "Customer number" does not take 'abc'`);
  await page.screenshot({ path: shot("creme-custom-field-refused"), fullPage: true });
  expect((await cremeOf()).custom).toEqual({ [number.key]: "4096", [language.key]: "French" });

  // Later tests of the run find Creme without these fields, and root without the account.
  await disconnect(page, email);
  const cleared = await api(page, "contacts/update", { items: [{ id: c.id, fields: { custom: { [number.key]: "", [language.key]: "" } } }] });
  expect(cleared.status, JSON.stringify(cleared.json)).toBe(200);
  await deleteCustomField(page, "Customer number");
  await deleteCustomField(page, "Preferred language");
  expect((await api(page, "bootstrap")).json.capabilities.customFields).toBeUndefined();
  expect(errors).toEqual([]);
});
