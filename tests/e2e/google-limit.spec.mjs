// Google holds at most so many contacts per account (25,000). Here the emulator's limit is lowered
// to 240 (the admin API) and the plugin told the same through the demo's config (`googleMaxContacts`),
// while the demo's CRM holds 300 contacts for an empty Google account: the preview says how many
// cannot be created and which, Apply creates none past the limit, and the panel says why in words.
import { test, expect } from "./playwright.mjs";
import { EMULATOR, admin, afterPropagation, connectAccount, demoSeed, freshEmail, fullName, googleContacts, openDemo, panel, panelAction, shot } from "./helpers.mjs";

const LIMIT = 240;

/** How many contacts the emulator holds for `email`. */
async function heldInGoogle(email) {
  const { accounts } = await admin("accounts");
  return accounts.find((a) => a.email === email)?.contacts;
}

test.afterEach(async () => {
  // Back to the emulator's own limit for the specs after this one.
  await admin("config", { maxContacts: null });
});

test("a sync past Google's limit of contacts creates none past it and says which and why", async ({ page }) => {
  const email = freshEmail("limit");
  const crm = demoSeed().crm;
  const leftOut = crm.length - LIMIT;
  expect(leftOut, "the demo's CRM holds more contacts than the limit").toBeGreaterThan(50);
  await admin("accounts", { email });
  const config = await admin("config", { maxContacts: LIMIT });
  expect(config.maxContacts).toBe(LIMIT);
  await page.route("**/demo/config.json", async (route) => {
    const res = await route.fetch();
    const json = res.ok() ? await res.json() : {};
    await route.fulfill({ response: res, json: { ...json, googleMaxContacts: LIMIT } });
  });

  await openDemo(page);
  await connectAccount(page, email);
  await panelAction(page, "Preview changes");
  const plan = panel(page).getByRole("region", { name: "Preview", exact: true });
  await expect(plan.locator('[data-count="create:google"] .gcs-count-n')).toHaveText(String(LIMIT));
  await expect(plan.locator('[data-count="pastLimit"]')).toContainText(`${leftOut} not created: Google account full`);
  await plan.locator('[data-count="pastLimit"]').getByRole("button").click();
  const heading = plan.getByRole("heading", { name: `Not created in Google: the account is full (${leftOut})` });
  await expect(heading).toBeFocused();
  await expect(plan.locator(".gcs-hint", { hasText: "Google holds at most" }))
    .toHaveText(`Google holds at most ${LIMIT} contacts per account, and this one has room for ${LIMIT} more contacts: Apply creates those and not these ${leftOut} contacts. Delete contacts in Google to make room; the next sync creates them.`);
  // The first 50 by name, the rest counted.
  const listed = plan.locator(".gcs-past-limit li");
  await expect(listed).toHaveCount(50);
  await expect(plan.getByText(`and ${leftOut - 50} more (all are in the preview text)`)).toBeVisible();
  const names = new Map(crm.map((c) => [c.id, fullName(c)]));
  const shown = await listed.evaluateAll((lis) => lis.map((li) => [li.getAttribute("data-crm-id"), li.textContent]));
  // Each by the name it has in the CRM (with its prefix, when it has one).
  for (const [id, name] of shown) expect(name).toContain(names.get(id));
  await page.screenshot({ path: shot("preview-google-full") });
  expect(await heldInGoogle(email), "the preview wrote nothing").toBe(0);

  const creates = async () => (await admin("stats")).methods["people.batchCreateContacts"]?.requests || 0;
  const createsBefore = await creates();
  await panelAction(page, "Apply");
  const message = panel(page).locator(".gcs-messages");
  await expect(message).toContainText(`Synced with ${email}: ${LIMIT} created in Google`);
  await expect(message).toContainText(`${leftOut} contacts were not created in Google: the account is full (Google holds at most ${LIMIT} contacts per account). Delete contacts in Google to make room, and the next sync creates them.`);
  expect(await heldInGoogle(email)).toBe(LIMIT);
  // None of those the preview named is in Google.
  const linked = new Set((await googleContacts(email)).flatMap((g) => (g.clientData || []).map((d) => d.value)));
  for (const [id] of shown) expect(linked.has(id), `${id} is not in Google`).toBe(false);
  // Google refused nothing: the plugin sent no create past the limit (batches of 200 at most;
  // the emulator's counts are of every account, so the difference is this run's).
  expect(await creates() - createsBefore).toBe(Math.ceil(LIMIT / 200));

  // Three contacts deleted in Google make room for three: the next sync creates them.
  const gone = (await googleContacts(email)).slice(0, 3);
  for (const g of gone) {
    const res = await fetch(`${EMULATOR}/__viewer/delete`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ account: email, resourceName: g.resourceName }),
      redirect: "manual",
    });
    expect(res.status).toBe(303);
  }
  await afterPropagation();
  await panelAction(page, "Sync now");
  await expect(message).toContainText("3 created in Google");
  await expect(message).toContainText(`${leftOut - 3} contacts were not created in Google: the account is full`);
  expect(await heldInGoogle(email)).toBe(LIMIT);
});
