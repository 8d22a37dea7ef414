// End-to-end tests of the plugin in Creme CRM, in Debian's Chromium (never a downloaded browser).
// `cargo xtask test` starts Creme (`creme runserver`) and the emulator and passes their URLs.
import { defineConfig } from "../e2e/playwright.mjs";
import base from "../e2e/playwright.config.mjs";

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: /.*\.spec\.mjs/,
  timeout: 300_000,
  use: { ...base.use, baseURL: process.env.GCS_CREME_URL },
});
