// Tags ⇄ Google labels in Creme: a contact's tags are its Creme properties. A type of property
// made in Creme and mapped to a Google label in My settings; a property added to a contact in
// Creme's own form makes the Google contact a member of the label; a contact added to the label
// in Google gets the property in Creme; and a removal on either side removes it on the other
// (checked in the emulator's admin dump and through the app's endpoints, which read Creme's
// database).
import { test, expect } from "../e2e/playwright.mjs";
import { afterPropagation } from "../e2e/helpers.mjs";
import {
  CREME, EMULATOR, admin, api, connect, cremeContacts, disconnect, freshEmail, googleContacts, linkedTo, login, openSettings, panel,
  shot, syncNow,
} from "./creme.mjs";

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

/** Posts one of Creme's own forms with the page's session, as its pages submit them. */
async function cremeForm(page, path, form) {
  const csrf = (await page.context().cookies()).find((c) => c.name === "csrftoken");
  const res = await page.request.post(`${CREME}${path}`, {
    form, headers: { "X-CSRFToken": csrf ? csrf.value : "", Referer: `${CREME}/` }, maxRedirects: 0,
  });
  expect(res.status(), `${path}: ${await res.text()}`).toBeLessThan(400);
  return res;
}

/** The groups a Google contact is a member of. */
const groupsOf = (person) => (person.memberships || []).map((m) => m.contactGroupMembership?.contactGroupResourceName);

/** The tags of Creme contacts, as the plugin reads them. */
async function tagsOf(page, ...ids) {
  const { json } = await api(page, "contacts/get", { ids });
  return ids.map((id) => json.find((c) => c.id === id).tags || []);
}

test("Creme: a property and its Google label follow each other both ways, added and removed", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-tags");
  const errors = await login(page);
  await connect(page, email);
  await syncNow(page);

  // A type of property, made in Creme's own form, and a label made in Google.
  const made = await cremeForm(page, "/creme_core/property/type/add", { text: "VIP client" });
  const ptype = /\/type\/(\d+)/.exec(made.headers().location || "")?.[1];
  expect(ptype, `the new type's page: ${made.headers().location}`).toBeTruthy();
  const { resourceName: vip } = await people(email, "POST", "contactGroups", { contactGroup: { name: "VIP clients" } });

  // The mapping, in My settings (opened again, so the panel lists the new label).
  await openSettings(page);
  const p = panel(page);
  const section = p.locator("[data-gcs-tag-labels]");
  await section.getByRole("button", { name: "Add a tag", exact: true }).click();
  await section.getByLabel("Tag 1", { exact: true }).fill("VIP client");
  await section.getByLabel("Google label for tag 1", { exact: true }).selectOption(vip);
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();
  await page.screenshot({ path: shot("creme-tags-settings"), fullPage: true });

  const google = await googleContacts(email);
  const [ann, bo] = (await cremeContacts(page)).filter((c) => !c.tags && linkedTo(google, c.id).length === 1);
  const [gAnn] = linkedTo(google, ann.id);
  const [gBo] = linkedTo(google, bo.id);

  // A property added in Creme's "New properties" form reaches Google as the label.
  await cremeForm(page, `/creme_core/property/add/${ann.id}`, { types: ptype });
  expect(await tagsOf(page, ann.id)).toEqual([["VIP client"]]);
  await openSettings(page);
  await syncNow(page);
  let gAnnNow = (await googleContacts(email)).find((g) => g.resourceName === gAnn.resourceName);
  expect(groupsOf(gAnnNow)).toContain(vip);
  expect(groupsOf(gAnnNow)).toContain("contactGroups/myContacts");

  // A contact added to the label in Google gets the property in Creme.
  await people(email, "POST", `${vip}/members:modify`, { resourceNamesToAdd: [gBo.resourceName] });
  await afterPropagation();
  await openSettings(page);
  await syncNow(page);
  expect(await tagsOf(page, bo.id)).toEqual([["VIP client"]]);
  await page.goto(`${CREME}/persons/contact/${bo.id}`);
  await expect(page.locator(".creme_core-properties-brick").getByText("VIP client")).toBeVisible();

  // Removed in Google: Creme's property goes. Removed in Creme: Google's membership goes.
  await people(email, "POST", `${vip}/members:modify`, { resourceNamesToRemove: [gAnn.resourceName] });
  await cremeForm(page, "/creme_core/property/delete_from_type", { ptype_id: ptype, entity_id: bo.id });
  expect(await tagsOf(page, bo.id)).toEqual([[]]);
  await afterPropagation();
  await openSettings(page);
  await syncNow(page);
  expect(await tagsOf(page, ann.id, bo.id)).toEqual([[], []]);
  const after = await googleContacts(email);
  gAnnNow = after.find((g) => g.resourceName === gAnn.resourceName);
  const gBoNow = after.find((g) => g.resourceName === gBo.resourceName);
  expect(groupsOf(gAnnNow)).not.toContain(vip);
  expect(groupsOf(gBoNow)).not.toContain(vip);

  // Settled: the next sync writes nothing.
  expect(await syncNow(page)).not.toMatch(/[1-9]\d* (updated|created)/);

  // Later tests of root's session find the account list as it was.
  await disconnect(page, email);
  expect(errors).toEqual([]);
});
