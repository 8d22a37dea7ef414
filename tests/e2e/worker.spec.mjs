// Syncs run in the plugin's worker, off the CRM's main thread: the CRM's host is called on the
// page (its contacts are written there), Google is called from the worker. With the worker
// turned off, or when its script cannot load, the page runs the same sync itself. A worker that
// dies during a run is reported in plain words, and the next run, on the page, finishes the job
// with no duplicate.
import { test, expect } from "./playwright.mjs";
import {
  admin, connectAccount, crmContacts, freshEmail, googleContacts, linkedTo, openDemo, panel, syncNow,
} from "./helpers.mjs";

test.afterEach(async () => {
  await admin("faults", { clear: true });
});

/** A contact only Google has: the first sync creates it in the CRM. */
const ONLY_IN_GOOGLE = {
  names: [{ givenName: "Wendy", familyName: "Workerton" }],
  emailAddresses: [{ value: "wendy.workerton@example.test" }],
};

/** The People API requests the page itself sent (a worker's are in its own timeline). */
async function pageGoogleRequests(page) {
  return page.evaluate(() => performance.getEntriesByType("resource").filter((e) => e.name.includes("/v1/")).length);
}

/** The plugin's worker, once it runs. */
const syncWorker = (page) => page.workers().find((w) => new URL(w.url()).pathname.endsWith("/plugin/sync-worker.js"));

/** Opens the demo with its plugin config changed by `change`. */
async function withConfig(page, change) {
  await page.route("**/demo/config.json", async (route) => {
    const res = await route.fetch();
    const json = res.ok() ? await res.json() : {};
    await route.fulfill({ json: { ...json, ...change } });
  });
}

/** Connects a fresh account holding {@link ONLY_IN_GOOGLE}, runs Sync now, checks both sides. */
async function firstSync(page, tag) {
  const email = freshEmail(tag);
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [ONLY_IN_GOOGLE] });
  await connectAccount(page, email);
  await page.evaluate(() => performance.setResourceTimingBufferSize(100000));
  const before = await pageGoogleRequests(page);
  await syncNow(page);
  const crm = await crmContacts(page);
  expect(crm.filter((c) => c.lastName === "Workerton"), "created in the CRM through its host").toHaveLength(1);
  const google = await googleContacts(email);
  expect(google.length).toBe(crm.length);
  for (const c of crm) expect(linkedTo(google, c.id), `${c.id} linked once`).toHaveLength(1);
  return { email, pageRequests: (await pageGoogleRequests(page)) - before };
}

test("Sync now runs in the worker: the CRM is written through the page's host, Google is called from the worker", async ({ page }) => {
  const seen = await openDemo(page);
  const { pageRequests } = await firstSync(page, "worker");
  expect(syncWorker(page), "the plugin's worker runs").toBeDefined();
  expect(pageRequests, "no People API request left from the page").toBe(0);
  expect(seen.errors).toEqual([]);
});

test("with the worker turned off, the page runs the same sync itself", async ({ page }) => {
  await withConfig(page, { worker: false });
  const seen = await openDemo(page);
  const { pageRequests } = await firstSync(page, "no-worker");
  expect(syncWorker(page), "no worker was started").toBeUndefined();
  expect(pageRequests, "the People API requests left from the page").toBeGreaterThan(0);
  expect(seen.errors).toEqual([]);
});

test("a worker whose script cannot load leaves the syncs to the page, which syncs the same", async ({ page }) => {
  await page.route("**/plugin/sync-worker.js", (route) => route.fulfill({ status: 404, body: "not here" }));
  const seen = await openDemo(page);
  const { pageRequests } = await firstSync(page, "worker-missing");
  expect(pageRequests, "the People API requests left from the page").toBeGreaterThan(0);
  expect(seen.errors).toEqual([]);
});

test("a worker that dies during a run is reported in plain words, and the next run finishes the job on the page", async ({ page }) => {
  const seen = await openDemo(page);
  const email = freshEmail("worker-dies");
  await connectAccount(page, email);
  // Each batch of creates answers slowly, so the run is still under way when the worker dies.
  await admin("faults", { rules: [{ method: "batchCreateContacts", kind: "latency", ms: 3000, count: 100000 }] });
  const p = panel(page);
  await p.getByRole("button", { name: "Sync now", exact: true }).click();
  await expect(p.locator(".gcs-progress")).toContainText(/writing: 0 of \d+/);
  const worker = syncWorker(page);
  expect(worker, "the run is in the worker").toBeDefined();
  // An error nothing in the worker catches: the page stops the worker.
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error("out of luck");
    });
  });
  await expect(p).toHaveAttribute("aria-busy", "false", { timeout: 30_000 });
  const msg = p.locator(".gcs-messages");
  await expect(msg).toContainText(/the sync worker stopped \(.*out of luck\) before the run finished/);
  await expect(msg).not.toContainText("Synced");
  await expect(p.getByRole("button", { name: "Cancel", exact: true })).toBeHidden();

  await admin("faults", { clear: true });
  await syncNow(page);
  const crm = await crmContacts(page);
  const google = await googleContacts(email);
  expect(google.length).toBe(crm.length);
  for (const c of crm) expect(linkedTo(google, c.id), `${c.id} linked once`).toHaveLength(1);
  expect(seen.errors).toEqual([]);
});
