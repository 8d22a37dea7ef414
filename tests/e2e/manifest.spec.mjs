// The manifest is valid against its schema, agrees with Cargo.toml, and names only files that
// exist after the build; hosts that refuse .wasm files get the inline build.
import { test, expect } from "./playwright.mjs";
import { readFileSync, existsSync } from "node:fs";
// ajv is installed under tools/, like Playwright (see playwright.mjs).
import Ajv2020 from "../../tools/node_modules/ajv/dist/2020.js";

const root = new URL("../../", import.meta.url);
const read = (p) => readFileSync(new URL(p, root), "utf8");
const manifest = JSON.parse(read("plugin-manifest.json"));

test("the manifest is valid against its JSON Schema", () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(read("plugin-manifest.schema.json")));
  expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
});

test("the manifest's version is Cargo.toml's", () => {
  const cargo = read("Cargo.toml").match(/^version = "([^"]+)"/m);
  expect(cargo && cargo[1]).toBe(manifest.version);
});

test("every file the manifest names exists after the build", () => {
  const named = [
    ...Object.values(manifest.files),
    ...manifest.modules.widgets.map((w) => w.url).filter(Boolean),
  ];
  const missing = named.filter((p) => !existsSync(new URL(p, root)));
  expect(missing).toEqual([]);
});

test("the plugin loads from the inline build when .wasm files are refused", async ({ page }) => {
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  let refused = 0;
  await page.route("**/*.wasm", (route) => {
    refused++;
    return route.abort();
  });
  await page.goto("/demo/#/settings");
  await expect(page.getByRole("button", { name: "Connect Google account" })).toBeVisible();
  expect(refused).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
