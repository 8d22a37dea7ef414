// End-to-end tests of the plugin in Creme CRM, in Debian's Chromium (never a downloaded browser).
// `cargo xtask test` starts Creme (`creme runserver`) and the emulator and passes their URLs.
import { defineConfig } from "../e2e/playwright.mjs";
import base from "../e2e/playwright.config.mjs";

export default defineConfig({
  ...base,
  testDir: ".",
  testMatch: /.*\.spec\.mjs/,
  // The release's spec runs against the Creme that `cargo xtask test release` installs from the
  // wheel, not the checkout's.
  testIgnore: process.env.GCS_RELEASE_VERSION ? [] : [/wheel\.spec\.mjs/],
  timeout: 300_000,
  use: { ...base.use, baseURL: process.env.GCS_CREME_URL },
});
