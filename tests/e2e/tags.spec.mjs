// Tags ⇄ Google labels in the demo: a tag mapped to a label in the settings, typed on a contact
// in the CRM's form, makes the Google contact a member of the label; a contact added to the label
// in Google gets the tag in the CRM; and a removal on either side removes it on the other
// (checked in the emulator's admin dump and in the CRM).
import { test, expect } from "./playwright.mjs";
import {
  EMULATOR, afterPropagation, connectAccount, crmContacts, freshEmail, go, googleContacts, linkedTo, openDemo,
  openSettings, panel, shot, syncNow,
} from "./helpers.mjs";

/** A People API call with the account's token, as a phone's Contacts app would make it. */
async function google(token, method, path, body) {
  const res = await fetch(`${EMULATOR}/v1/${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

/** The groups a Google contact is a member of. */
const groupsOf = (person) => (person.memberships || []).map((m) => m.contactGroupMembership?.contactGroupResourceName);

test("a tag and its Google label follow each other both ways, added and removed", async ({ page }) => {
  const email = freshEmail("tags");
  await openDemo(page);
  const token = await connectAccount(page, email);
  expect(await syncNow(page)).toContain("300 created in Google");
  const { resourceName: vip } = await google(token, "POST", "contactGroups", { contactGroup: { name: "VIP clients" } });

  // The mapping, in the settings form (the page reloaded, so the panel lists the new label).
  await page.reload();
  await openSettings(page);
  const p = panel(page);
  const section = p.locator("[data-gcs-tag-labels]");
  await section.getByRole("button", { name: "Add a tag", exact: true }).click();
  await section.getByLabel("Tag 1", { exact: true }).fill("vip");
  await section.getByLabel("Google label for tag 1", { exact: true }).selectOption(vip);
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();
  await page.screenshot({ path: shot("tags-settings"), fullPage: true });

  // A tag typed in the CRM's form reaches Google as the label.
  const [ann, bo] = (await crmContacts(page)).filter((c) => c.firstName && c.emails.length);
  await go(page, `#/contact/${encodeURIComponent(ann.id)}/edit`);
  await page.getByLabel("Tags", { exact: true }).fill("vip, golf");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("golf, vip")).toBeVisible();
  await openSettings(page);
  await syncNow(page);
  let [gAnn] = linkedTo(await googleContacts(email), ann.id);
  expect(groupsOf(gAnn)).toContain(vip);
  expect(groupsOf(gAnn)).toContain("contactGroups/myContacts");

  // A contact added to the label in Google gets the tag in the CRM.
  const [gBo] = linkedTo(await googleContacts(email), bo.id);
  await google(token, "POST", `${vip}/members:modify`, { resourceNamesToAdd: [gBo.resourceName] });
  await afterPropagation();
  await syncNow(page);
  let crm = await crmContacts(page);
  expect(crm.find((c) => c.id === bo.id).tags).toEqual(["vip"]);

  // Removed in Google: the CRM's tag goes, its own tag stays.
  await google(token, "POST", `${vip}/members:modify`, { resourceNamesToRemove: [gAnn.resourceName] });
  // Removed in the CRM: Google's membership goes.
  await page.evaluate(async (id) => {
    const host = window.demoCrm.host;
    const [now] = await host.contacts.get([id]);
    await host.contacts.update([{ id, fields: { tags: [] }, ifModifiedAt: now.modifiedAt }]);
  }, bo.id);
  await afterPropagation();
  await syncNow(page);
  crm = await crmContacts(page);
  expect(crm.find((c) => c.id === ann.id).tags).toEqual(["golf"]);
  const google2 = await googleContacts(email);
  [gAnn] = linkedTo(google2, ann.id);
  const [gBo2] = linkedTo(google2, bo.id);
  expect(groupsOf(gAnn)).not.toContain(vip);
  expect(groupsOf(gBo2)).not.toContain(vip);

  // Settled: the next sync writes nothing.
  expect(await syncNow(page)).not.toMatch(/[1-9]\d* (updated|created)/);
});
