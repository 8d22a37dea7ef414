// A host that uses the plugin's class directly, without the loader: it imports the public entry
// (www/plugin/index.js), runs the glue's `init()` as wasm-bindgen documents it and creates the
// API over its host. Its syncs run in the plugin's worker all the same, with the wasm downloaded
// once; `worker: false` keeps them on the page.
import { test, expect } from "./playwright.mjs";
import { admin, EMULATOR, freshEmail, googleContacts, linkedTo, openDemo } from "./helpers.mjs";

/** A contact only Google has: the first sync creates it in the CRM. */
const ONLY_IN_GOOGLE = {
  names: [{ givenName: "Dora", familyName: "Directclass" }],
  emailAddresses: [{ value: "dora.directclass@example.test" }],
};

/** The plugin's worker, once it runs. */
const syncWorker = (page) => page.workers().find((w) => new URL(w.url()).pathname.endsWith("/plugin/sync-worker.js"));

/**
 * Opens the demo CRM without its plugin loader, its host handing out a token for a fresh account
 * that holds {@link ONLY_IN_GOOGLE}; counts the wasm downloads of the page and its workers.
 */
async function openWithoutLoader(page, tag) {
  const email = freshEmail(tag);
  await admin("accounts", { email });
  await admin("seed", { email, contacts: [ONLY_IN_GOOGLE] });
  const { access_token: accessToken } = await admin("tokens", { email });
  await page.route("**/plugin-loader.js", (route) => route.fulfill({ status: 404, body: "no loader on this page" }));
  await page.addInitScript(({ accessToken, email }) => {
    window.demoCrmGoogle = { getToken: async () => ({ accessToken, expiresAt: Date.now() + 3_000_000, email }) };
  }, { accessToken, email });
  const wasm = [];
  page.context().on("request", (r) => {
    if (new URL(r.url()).pathname.endsWith(".wasm")) wasm.push(r.url());
  });
  const seen = await openDemo(page);
  return { email, seen, wasm };
}

/**
 * In the page: imports the entry, `init()`, creates the API over the demo's host (with `options`
 * added), connects the account and runs a sync; answers what the page saw.
 */
async function syncThroughClass(page, email, options) {
  return page.evaluate(async ({ email, emulator, options }) => {
    const { default: init, GoogleContactsSync } = await import("/plugin/index.js");
    await init();
    const api = await GoogleContactsSync.create(window.demoCrm.host, { peopleApiBase: emulator, ...options });
    const { id } = await api.connect({ loginHint: email });
    performance.setResourceTimingBufferSize(100000);
    const fromPage = () => performance.getEntriesByType("resource").filter((e) => e.name.includes("/v1/")).length;
    const before = fromPage();
    const report = await api.sync(id);
    return {
      ok: report.ok,
      createdInCrm: report.created.crm,
      pageRequests: fromPage() - before,
      worker: api.worker ? { alive: api.worker.alive(), memoryBytes: await api.worker.memoryBytes() } : null,
      isInstance: api instanceof GoogleContactsSync,
    };
  }, { email, emulator: EMULATOR, options });
}

/** The CRM's contacts named Directclass, as its own host lists them. */
async function created(page) {
  return page.evaluate(async () => {
    const { items } = await window.demoCrm.host.contacts.list({ pageSize: 1000 });
    return items.filter((c) => c.lastName === "Directclass").map((c) => c.id);
  });
}

test("a host that creates the class itself, without the loader, has its sync run in the plugin's worker", async ({ page }) => {
  const { email, seen, wasm } = await openWithoutLoader(page, "direct");
  expect(syncWorker(page), "nothing started before the host asks").toBeUndefined();
  const r = await syncThroughClass(page, email, {});
  expect(r.ok).toBe(true);
  expect(r.createdInCrm, "the Google contact was created in the CRM").toBe(1);
  expect(r.worker, "the API carries its worker's diagnostics").not.toBeNull();
  expect(r.worker.alive).toBe(true);
  expect(r.worker.memoryBytes, "the worker holds a wasm instance of its own").toBeGreaterThan(0);
  expect(r.pageRequests, "no People API request left from the page").toBe(0);
  expect(r.isInstance, "the API is a GoogleContactsSync").toBe(true);
  expect(syncWorker(page), "the plugin's worker runs").toBeDefined();
  expect(wasm, "the wasm was downloaded once, for the page and the worker").toHaveLength(1);
  const ids = await created(page);
  expect(ids, "written through the page's host").toHaveLength(1);
  expect(linkedTo(await googleContacts(email), ids[0]), "linked once").toHaveLength(1);
  expect(seen.errors).toEqual([]);
});

test("with worker: false the class runs the same sync on the page", async ({ page }) => {
  const { email, seen } = await openWithoutLoader(page, "direct-on-page");
  const r = await syncThroughClass(page, email, { worker: false });
  expect(r.ok).toBe(true);
  expect(r.createdInCrm).toBe(1);
  expect(r.worker, "no worker diagnostics").toBeNull();
  expect(r.pageRequests, "the People API requests left from the page").toBeGreaterThan(0);
  expect(r.isInstance).toBe(true);
  expect(syncWorker(page), "no worker was started").toBeUndefined();
  const ids = await created(page);
  expect(ids).toHaveLength(1);
  expect(linkedTo(await googleContacts(email), ids[0])).toHaveLength(1);
  expect(seen.errors).toEqual([]);
});
