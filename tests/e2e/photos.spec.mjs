// Contact photos in the demo CRM, which holds one per contact: a photo the user gives a contact in
// Google appears on the CRM contact after "Sync now", and one chosen on the CRM contact's page
// appears in Google; an unchanged photo is not downloaded again.
import { test, expect } from "./playwright.mjs";
import { EMULATOR, admin, afterPropagation, connectAccount, crmContacts, freshEmail, go, googleContacts, linkedTo, openDemo, openSettings, panel, panelAction, shot, syncNow } from "./helpers.mjs";

// Two 1×1 PNG images, one white and one red.
const WHITE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
const RED = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** The contact's own photo in Google (never its default, never a profile's). */
function ownPhoto(person) {
  return (person.photos || []).find((p) => !p.default && p.metadata?.source?.type === "CONTACT");
}

test("a photo set in Google appears in the CRM, and one set in the CRM appears in Google", async ({ page }) => {
  const email = freshEmail("photos");
  await openDemo(page);
  await connectAccount(page, email);
  expect(await syncNow(page)).toContain("300 created in Google");
  const crm = await crmContacts(page);
  const [a, b] = crm.filter((c) => !c.photo).slice(0, 2);

  // Google → CRM: the user sets a photo on a's Google contact.
  const [ga] = linkedTo(await googleContacts(email), a.id);
  const set = await admin("photo", { email, resourceName: ga.resourceName, photoBytes: WHITE });
  await afterPropagation();
  await openSettings(page);
  await syncNow(page);
  const [aAfter] = (await crmContacts(page)).filter((c) => c.id === a.id);
  expect(aAfter.photo).toBe(`data:image/png;base64,${WHITE}`);
  await go(page, `#/contact/${a.id}`);
  await expect(page.getByRole("img", { name: /^Photo of / })).toBeVisible();
  await page.screenshot({ path: shot("photo-from-google"), fullPage: false });

  // CRM → Google: the user chooses a photo on b's page.
  await go(page, `#/contact/${b.id}`);
  await page.getByLabel("Choose a photo").setInputFiles({ name: "red.png", mimeType: "image/png", buffer: Buffer.from(RED, "base64") });
  await expect(page.getByRole("img", { name: /^Photo of / })).toBeVisible();
  await openSettings(page);
  await syncNow(page);
  const [gb] = linkedTo(await googleContacts(email), b.id);
  const photo = ownPhoto(gb);
  expect(photo, JSON.stringify(gb.photos)).toBeTruthy();
  const served = await fetch(`${EMULATOR}${new URL(photo.url).pathname}`);
  expect(Buffer.from(await served.arrayBuffer()).toString("base64")).toBe(RED);
  // One upload in all: a's photo, which came from Google, was not sent back, and a run with
  // nothing changed sends none.
  const uploads = async () => (await admin("stats")).methods["people.updateContactPhoto"]?.requests ?? 0;
  expect(await uploads()).toBe(1);
  const [gaAfter] = linkedTo(await googleContacts(email), a.id);
  expect(ownPhoto(gaAfter).url).toBe(set.photo.url);
  await syncNow(page);
  expect(await uploads()).toBe(1);
});

test("with the photo Google → CRM only, the preview lists the photo coming in and a CRM photo stays out of Google", async ({ page }) => {
  const email = freshEmail("photo-direction");
  await openDemo(page);
  await connectAccount(page, email);
  expect(await syncNow(page)).toContain("300 created in Google");
  const [a, b] = (await crmContacts(page)).filter((c) => !c.photo).slice(0, 2);
  const uploads = async () => (await admin("stats")).methods["people.updateContactPhoto"]?.requests ?? 0;
  const uploadsBefore = await uploads();

  const p = panel(page);
  await p.locator('[data-gcs-field-direction="photo"]').selectOption("googleToCrm");
  await p.getByRole("button", { name: "Save", exact: true }).click();
  await expect(p.getByText("Saved", { exact: true })).toBeVisible();

  // a's photo set in Google, b's chosen in the CRM.
  const [ga] = linkedTo(await googleContacts(email), a.id);
  await admin("photo", { email, resourceName: ga.resourceName, photoBytes: WHITE });
  await go(page, `#/contact/${b.id}`);
  await page.getByLabel("Choose a photo").setInputFiles({ name: "red.png", mimeType: "image/png", buffer: Buffer.from(RED, "base64") });
  await expect(page.getByRole("img", { name: /^Photo of / })).toBeVisible();
  await afterPropagation();

  // The change of direction is previewed first, with the one photo that moves.
  await openSettings(page);
  await panelAction(page, "Sync now");
  await expect(p.locator(".gcs-messages")).toContainText("The direction of some fields changed since the last sync, so this sync changed nothing");
  await p.getByRole("button", { name: "Show the preview", exact: true }).click();
  const plan = p.getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator("[data-gcs-directions]")).toContainText("Direction changed: Photo: Google → CRM only (was Both ways)");
  const photos = plan.locator("[data-gcs-photos] li");
  await expect(photos).toHaveCount(1);
  await expect(photos.first()).toHaveAttribute("data-crm-id", a.id);
  await expect(photos.first()).toContainText("Photo added in the CRM: ");
  await expect(plan.locator('[data-count="photos"]')).toContainText("1 photo to move");
  await page.screenshot({ path: shot("photo-direction-preview"), fullPage: true });

  await plan.getByRole("button", { name: "Apply", exact: true }).click();
  await expect(p.locator(".gcs-messages")).toContainText("Synced with");
  const after = await crmContacts(page);
  expect(after.find((c) => c.id === a.id).photo).toBe(`data:image/png;base64,${WHITE}`);
  expect(after.find((c) => c.id === b.id).photo).toBe(`data:image/png;base64,${RED}`);
  const [gb] = linkedTo(await googleContacts(email), b.id);
  expect(ownPhoto(gb), JSON.stringify(gb.photos)).toBeFalsy();
  expect(await uploads()).toBe(uploadsBefore);
});
