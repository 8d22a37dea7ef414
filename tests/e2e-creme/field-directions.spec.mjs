// Direction per field in Creme: notes set to Google → CRM only and emails to CRM → Google only,
// both edited in Creme and in Google; the sync after the change writes nothing until its preview
// is applied, then each field went only its way (checked in the emulator's admin dump and
// through the app's endpoints, which read Creme's database).
import { test, expect } from "../e2e/playwright.mjs";
import {
  EMULATOR, admin, api, connect, cremeContacts, disconnect, freshEmail, googleContacts, linkedTo, login, openSettings, panel,
  panelAction, shot, syncNow,
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

test("Creme: notes come from Google only and emails go to Google only, after the preview of the change", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-directions");
  const errors = await login(page);
  await connect(page, email);
  await syncNow(page);
  const creme = await cremeContacts(page);
  const google = await googleContacts(email);
  const c = creme.find((x) => x.emails.length === 1 && !x.notes && linkedTo(google, x.id).length === 1);
  const [g] = linkedTo(google, c.id);

  const p = panel(page);
  await p.locator('[data-gcs-field-direction="notes"]').selectOption("googleToCrm");
  await p.locator('[data-gcs-field-direction="emails"]').selectOption("crmToGoogle");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();

  // Both fields edited on both sides.
  const crmEmail = "from-creme@directions.example";
  const googleEmail = "from-the-phone@directions.example";
  const edited = await api(page, "contacts/update", {
    items: [{ id: c.id, fields: { notes: "Notes typed in Creme", emails: [{ ...c.emails[0], value: crmEmail }] } }],
  });
  expect(edited.status, JSON.stringify(edited.json)).toBe(200);
  const fresh = await people(email, "GET", `${g.resourceName}?personFields=biographies,emailAddresses,metadata`);
  await people(email, "PATCH", `${g.resourceName}:updateContact?updatePersonFields=biographies,emailAddresses`, {
    etag: fresh.etag,
    biographies: [{ value: "Notes typed on the phone", contentType: "TEXT_PLAIN" }],
    emailAddresses: [{ value: googleEmail }],
  });

  // Sync now after the change writes nothing, and offers the preview of what it would do.
  await openSettings(page);
  await panelAction(page, "Sync now");
  await expect(p.locator(".gcs-messages")).toContainText("The direction of some fields changed since the last sync, so this sync changed nothing");
  expect((await api(page, "contacts/get", { ids: [c.id] })).json[0].notes).toBe("Notes typed in Creme");
  await p.getByRole("button", { name: "Show the preview", exact: true }).click();
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  const directions = plan.locator("[data-gcs-directions]");
  await expect(directions).toContainText("Direction changed: Notes: Google → CRM only (was Both ways)");
  await expect(directions).toContainText("Direction changed: Emails: CRM → Google only (was Both ways)");
  await page.screenshot({ path: shot("creme-field-directions-preview"), fullPage: true });
  await panelAction(page, "Apply");
  await expect(p.locator(".gcs-messages")).toContainText(`Synced with ${email}`);

  // Each field went only its way.
  const [after] = (await api(page, "contacts/get", { ids: [c.id] })).json;
  expect(after.notes).toBe("Notes typed on the phone");
  expect(after.emails.map((x) => x.value)).toEqual([crmEmail]);
  const gAfter = (await googleContacts(email)).find((x) => x.resourceName === g.resourceName);
  expect(gAfter.biographies.map((x) => x.value)).toEqual(["Notes typed on the phone"]);
  expect(gAfter.emailAddresses.map((x) => x.value)).toContain(crmEmail);

  // Later tests of root's session find the contact and the account list as they were.
  await disconnect(page, email);
  const restored = await api(page, "contacts/update", { items: [{ id: c.id, fields: { notes: c.notes, emails: c.emails } }] });
  expect(restored.status, JSON.stringify(restored.json)).toBe(200);
  expect(errors).toEqual([]);
});
