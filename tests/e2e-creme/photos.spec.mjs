// Contact photos in Creme: a photo set on the Google contact becomes the Creme contact's image
// (a document in Creme's "Images" folder), and an image set in Creme appears in Google; a run with
// no photo changed sends none (the emulator's request counts).
import { test, expect } from "../e2e/playwright.mjs";
import {
  CREME, EMULATOR, admin, api, connect, cremeContacts, disconnect, freshEmail, googleContacts, linkedTo, login, openSettings, shot,
  syncNow,
} from "./creme.mjs";

// Two 1×1 PNG images, one white and one red.
const WHITE = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==";
const RED = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** The contact's own photo in Google (never its default, never a profile's). */
function ownPhoto(person) {
  return (person.photos || []).find((p) => !p.default && p.metadata?.source?.type === "CONTACT");
}

test("Creme: a photo set in Google becomes the contact's image, and an image set in Creme appears in Google", async ({ page }) => {
  test.setTimeout(600_000);
  const email = freshEmail("creme-photos");
  const errors = await login(page);
  await connect(page, email);
  await syncNow(page);
  const google = await googleContacts(email);
  const [a, b] = (await cremeContacts(page)).filter((c) => !c.photo && linkedTo(google, c.id).length === 1).slice(0, 2);

  // Google → Creme.
  const [ga] = linkedTo(google, a.id);
  const set = await admin("photo", { email, resourceName: ga.resourceName, photoBytes: WHITE });
  // Creme → Google: the image set on b in Creme (through the app's endpoint, as the plugin writes).
  const put = await api(page, "contacts/set-photos", { items: [{ id: b.id, photo: `data:image/png;base64,${RED}` }] });
  expect(put.status, JSON.stringify(put.json)).toBe(200);
  await openSettings(page);
  await syncNow(page);

  const [aAfter] = (await api(page, "contacts/get", { ids: [a.id] })).json;
  expect(aAfter.photo).toBe(`data:image/png;base64,${WHITE}`);
  // Creme shows it on the contact's page, as the contact's photograph.
  await page.goto(`${CREME}/persons/contact/${a.id}`);
  await expect(page.locator(`img[src*="/download/"]`).first()).toBeVisible();
  await page.screenshot({ path: shot("creme-photo-from-google"), fullPage: false });

  const [gb] = linkedTo(await googleContacts(email), b.id);
  const photo = ownPhoto(gb);
  expect(photo, JSON.stringify(gb.photos)).toBeTruthy();
  const served = await fetch(`${EMULATOR}${new URL(photo.url).pathname}`);
  expect(Buffer.from(await served.arrayBuffer()).toString("base64")).toBe(RED);

  // One upload in all: a's photo, which came from Google, was not sent back; a run with nothing
  // changed sends none, and leaves Google's photo as it was.
  const uploads = async () => (await admin("stats")).methods["people.updateContactPhoto"]?.requests ?? 0;
  expect(await uploads()).toBe(1);
  await openSettings(page);
  await syncNow(page);
  expect(await uploads()).toBe(1);
  const [gaAfter] = linkedTo(await googleContacts(email), a.id);
  expect(ownPhoto(gaAfter).url).toBe(set.photo.url);
  expect(errors).toEqual([]);
  // The next tests of this Creme session start with no account of this one's.
  await disconnect(page, email);
});
