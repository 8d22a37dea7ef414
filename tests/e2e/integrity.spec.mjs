// A release's manifest carries each file's SRI hash (`cargo xtask dist`): the loader starts the
// plugin from files whose SHA-384 matches, and refuses, naming the file, one that differs. The
// demo serves the checkout, whose manifest has no hashes: these tests serve it with the hashes
// of the files on disk, computed here as a release computes them, then change one file's bytes
// on the way to the browser.
import { test, expect } from "./playwright.mjs";
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { openDemo, go, toast } from "./helpers.mjs";

const root = new URL("../../", import.meta.url);
const read = (p) => readFileSync(new URL(p, root));

/** Every file a release serves, as `cargo xtask dist` lists them, by manifest path. */
function releaseFiles() {
  const files = ["www/plugin-loader.js", "www/types.d.ts", "www/oauth-callback.html", "www/oauth-callback.js"];
  const walk = (dir) => {
    for (const name of readdirSync(new URL(dir, root))) {
      const path = `${dir}/${name}`;
      if (statSync(new URL(path, root)).isDirectory()) walk(path);
      else if (!["README.md", "package.json", ".gitignore"].includes(name)) files.push(path);
    }
  };
  walk("www/plugin");
  walk("www/pkg");
  return files;
}

const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

/** Serves the manifest as a release has it: with every file's hash. */
async function serveReleaseManifest(page) {
  const manifest = JSON.parse(read("plugin-manifest.json").toString());
  manifest.integrity = Object.fromEntries(releaseFiles().map((f) => [f, sri(read(f))]));
  await page.route("**/plugin-manifest.json", (route) => route.fulfill({ json: manifest }));
  return manifest;
}

/** Answers `pattern` with the file's real bytes, changed by `change`. */
async function tamper(page, pattern, change) {
  await page.route(pattern, async (route) => {
    const res = await route.fetch();
    route.fulfill({ response: res, body: change(await res.body()) });
  });
}

/** The settings panel's message when the plugin cannot start. */
const unavailable = (page) => page.locator("[data-gcs-panel] .gcs-alert-error, .gcs-alert-error[role=alert]").first();

test("a release whose files all match their hashes starts: the settings panel works", async ({ page }) => {
  const manifest = await serveReleaseManifest(page);
  expect(Object.keys(manifest.integrity)).toContain("www/pkg/gcontacts_sync_bg.wasm");
  const seen = await openDemo(page, "#/contacts");
  await go(page, "#/settings");
  await expect(page.getByRole("button", { name: "Connect Google account" })).toBeEnabled();
  expect(seen.errors).toEqual([]);
});

test("a wasm file whose bytes differ from its hash is refused, naming the file", async ({ page }) => {
  await serveReleaseManifest(page);
  await tamper(page, "**/gcontacts_sync_bg.wasm", (body) => {
    const changed = Buffer.from(body);
    changed[changed.length - 1] ^= 0x01; // one bit, in the module's last section
    return changed;
  });
  await openDemo(page, "#/contacts");
  await go(page, "#/settings");
  await expect(unavailable(page)).toContainText(
    "could not start: its file www/pkg/gcontacts_sync_bg.wasm is not the one its manifest names (its SHA-384 is sha384-",
  );
  await expect(page.getByRole("button", { name: "Connect Google account" })).toHaveCount(0);
});

test("a script of the panel that differs from its hash is refused before the module's code loads", async ({ page }) => {
  await serveReleaseManifest(page);
  await tamper(page, "**/plugin/panel/history.js", (body) => Buffer.concat([body, Buffer.from("\n// changed\n")]));
  // The check fetches the glue to hash it; only a script request would run it.
  const glue = { fetched: 0, imported: 0 };
  page.on("request", (r) => {
    if (!new URL(r.url()).pathname.endsWith("/pkg/gcontacts_sync.js")) return;
    if (r.resourceType() === "script") glue.imported++;
    else glue.fetched++;
  });
  await openDemo(page, "#/contacts");
  // The bulk action says it in a message too.
  await page.getByRole("checkbox", { name: /^Select (?!all$)/ }).first().check();
  await page.getByRole("button", { name: "More Actions" }).click();
  await page.getByRole("menuitem", { name: "Sync Contact(s)" }).click();
  await toast(page, "its file www/plugin/panel/history.js is not the one its manifest names");
  expect(glue, "the glue is checked, never imported").toEqual({ fetched: 1, imported: 0 });
});
