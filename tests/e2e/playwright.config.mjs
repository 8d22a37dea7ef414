// End-to-end tests of the demo CRM with the plugin, in Debian's Chromium (never a downloaded
// browser). `cargo xtask test` starts the emulator and the demo server and passes their URLs.
import { chromiumLaunch } from "./chromium.mjs";
import { defineConfig } from "./playwright.mjs";

export default defineConfig({
  testDir: ".",
  testMatch: /.*\.spec\.mjs/,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: process.env.GCS_DEMO_URL,
    browserName: "chromium",
    screenshot: "only-on-failure",
    launchOptions: chromiumLaunch,
  },
});
