// Direction per field in the demo: notes set to Google → CRM only and emails to CRM → Google
// only, both edited on both sides; "Sync now" after the change syncs nothing and offers the
// preview, whose Apply sends each field only its way (checked in the emulator's admin dump and
// in the CRM).
import { test, expect } from "./playwright.mjs";
import {
  EMULATOR, afterPropagation, connectAccount, crmContacts, freshEmail, googleContacts, linkedTo, openDemo, panel,
  panelAction, shot, syncNow,
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

test("notes come from Google only and emails go to Google only, after the preview of the change", async ({ page }) => {
  const email = freshEmail("directions");
  await openDemo(page);
  const token = await connectAccount(page, email);
  expect(await syncNow(page)).toContain("300 created in Google");
  const crm = await crmContacts(page);
  const c = crm.find((x) => x.emails.length === 1 && !x.notes);
  const [g] = linkedTo(await googleContacts(email), c.id);

  // The directions, in the settings form.
  const p = panel(page);
  await p.locator('[data-gcs-field-direction="notes"]').selectOption("googleToCrm");
  await p.locator('[data-gcs-field-direction="emails"]').selectOption("crmToGoogle");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();

  // Both fields edited on both sides.
  const crmEmail = "from-the-crm@directions.example";
  const googleEmail = "from-the-phone@directions.example";
  await page.evaluate(async ({ id, emails }) => {
    const host = window.demoCrm.host;
    const [now] = await host.contacts.get([id]);
    await host.contacts.update([{ id, fields: { notes: "Notes typed in the CRM", emails }, ifModifiedAt: now.modifiedAt }]);
  }, { id: c.id, emails: [{ ...c.emails[0], value: crmEmail }] });
  await editInGoogle(token, g, "biographies,emailAddresses", {
    biographies: [{ value: "Notes typed on the phone", contentType: "TEXT_PLAIN" }],
    emailAddresses: [{ value: googleEmail }],
  });
  await afterPropagation();

  // Sync now after the change writes nothing: it opens the preview, which names the change.
  await panelAction(page, "Sync now");
  await expect(p.locator(".gcs-messages")).toContainText("The direction of some fields changed since the last sync, so this sync changed nothing");
  await p.getByRole("button", { name: "Show the preview", exact: true }).click();
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  await expect(plan).toBeVisible();
  const [unchanged] = (await crmContacts(page)).filter((x) => x.id === c.id);
  expect(unchanged.notes).toBe("Notes typed in the CRM");
  const directions = plan.locator("[data-gcs-directions]");
  await expect(directions).toContainText("Direction changed: Notes: Google → CRM only (was Both ways)");
  await expect(directions).toContainText("Direction changed: Emails: CRM → Google only (was Both ways)");
  await expect(directions).toContainText(`Not written to the CRM (Emails: CRM → Google only): ${c.firstName}`);
  await page.screenshot({ path: shot("field-directions-preview"), fullPage: true });

  await plan.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(p.locator(".gcs-messages")).toContainText("Synced with");

  // Each field went only its way.
  const [after] = (await crmContacts(page)).filter((x) => x.id === c.id);
  expect(after.notes).toBe("Notes typed on the phone");
  expect(after.emails.map((x) => x.value)).toEqual([crmEmail]);
  const [gAfter] = linkedTo(await googleContacts(email), c.id);
  expect(gAfter.biographies.map((x) => x.value)).toEqual(["Notes typed on the phone"]);
  expect(gAfter.emailAddresses.map((x) => x.value)).toContain(crmEmail);

  // The next Sync now runs as usual and writes nothing more.
  const again = await syncNow(page);
  expect(again).not.toMatch(/[1-9]\d* (updated|created)/);
});
