//! The suites that need servers: browser tests of the JS API against the emulator server, and the
//! end-to-end tests of the demo in Chromium. Each starts what it needs and stops it by process id.

use crate::demo::{self, start_emulator, DEMO_ACCOUNT};
use crate::install::{self, CHROMEDRIVER};
use crate::run::{self, root};
use crate::serve;
use crate::Result;

/// `tsc --noEmit --checkJs` over the JS of `www/` and the Creme host's script (`tsconfig.json`),
/// against the JS API's declarations and the DOM's. It reads the glue's generated `.d.ts`, so it
/// runs after the wasm build. A type error fails the step.
pub fn type_check() -> Result {
    install::npm_tools()?;
    let config = root().join("tsconfig.json");
    let config = config.to_string_lossy().to_string();
    run::step(
        "type-check the JS (tsc --noEmit --checkJs)",
        run::cmd(
            install::tsc(),
            &["--noEmit", "--checkJs", "--pretty", "false", "-p", &config],
        ),
    )
}

/// wasm-bindgen-test in headless Chromium, fetching from a live emulator server.
pub fn browser_tests() -> Result {
    let emulator = start_emulator(&[])?;
    let mut c = run::cargo(&[
        "test",
        "--package",
        "gcontacts-sync",
        "--target",
        install::WASM_TARGET,
        "--test",
        "web",
    ]);
    // The fault scenarios repeat a run once per write a run makes (about 30 s in all on an idle
    // machine): the timeout leaves room for a busy one while still ending a hung suite.
    c.env("GCS_EMULATOR_URL", &emulator.url)
        .env("CHROMEDRIVER", CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    let result = run::step("browser tests (wasm-bindgen-test, Chromium)", c);
    drop(emulator);
    result
}

/// How long the end-to-end suite's emulator keeps a write out of incremental listings.
const E2E_PROPAGATION_MS: &str = "180000";

/// Playwright against the demo served as `cargo xtask demo` serves it.
pub fn e2e_tests() -> Result {
    install::npm_tools()?;
    let playwright = root().join("tools/node_modules/.bin/playwright");
    // Google's incremental listings lag behind writes by minutes: the suite's emulator does too,
    // and a spec that edits Google moves the emulator's clock past the lag before it syncs.
    let emulator = start_emulator(&[
        "--seed-account",
        DEMO_ACCOUNT,
        "--propagation-delay-ms",
        E2E_PROPAGATION_MS,
    ])?;
    demo::seed_demo_account(&emulator.url)?;
    demo::write_config(
        &emulator.url,
        "demo-crm",
        &format!("{}/o/oauth2/v2/auth", emulator.url),
        &format!("{}/revoke", emulator.url),
    )?;
    let server = serve::spawn(root(), 0, demo::csp(&emulator.url))
        .map_err(|e| format!("cannot serve the demo: {e}"))?;
    let config = root().join("tests/e2e/playwright.config.mjs");
    let config = config.to_string_lossy().to_string();
    // `GCS_E2E_SPECS="preview duplicates"` runs only the specs whose file names match.
    let specs = std::env::var("GCS_E2E_SPECS").unwrap_or_default();
    let mut args = vec!["test", "--config", &config];
    args.extend(specs.split_whitespace());
    let mut c = run::cmd(&playwright, &args);
    c.env("GCS_DEMO_URL", server.url())
        .env("GCS_EMULATOR_URL", &emulator.url)
        .env("GCS_PROPAGATION_MS", E2E_PROPAGATION_MS)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    let result = run::step("end-to-end tests (Playwright, Chromium)", c);
    drop(emulator);
    result
}

/// The app's Python tests (Django's runner) on SQLite and on PostgreSQL, then Playwright against
/// `creme runserver` on PostgreSQL and the emulator: the plugin inside Creme CRM. The PostgreSQL
/// cluster is started for the suite and stopped after it, passed or failed. While developing,
/// `GCS_CREME_GREP=<regex>` runs only the Playwright tests whose titles match, and skips the
/// Django tests (run them alone with `creme test gcontacts_sync_creme.tests.<module> --keepdb
/// --settings=gcsdemo.settings` in target/creme/gcsdemo, PYTHONPATH set to it; on PostgreSQL with
/// GCS_POSTGRES_HOST set to target/creme/pg/run while the cluster runs).
pub fn creme_tests() -> Result {
    let sqlite = crate::creme::prepare()?;
    let cluster = crate::postgres::start()?;
    let postgres = sqlite.on_postgres(&cluster)?;
    let grep = std::env::var("GCS_CREME_GREP")
        .ok()
        .filter(|g| !g.is_empty());
    if grep.is_none() {
        for site in [&sqlite, &postgres] {
            run::step(
                &format!("Creme app tests (Django, {})", site.database()),
                site.creme(&["test", "gcontacts_sync_creme", "--keepdb", "--noinput"]),
            )?;
        }
    }
    let playwright = root().join("tools/node_modules/.bin/playwright");
    let emulator = start_emulator(&[])?;
    let port = crate::creme::free_port()?;
    let creme = crate::creme::start(
        &postgres,
        port,
        &crate::creme::emulator_config(&emulator.url),
    )?;
    let config = root().join("tests/e2e-creme/playwright.config.mjs");
    let config = config.to_string_lossy().to_string();
    // `GCS_CREME_SPEC=devices.spec` runs only the specs whose paths match (a regular expression).
    let only = std::env::var("GCS_CREME_SPEC").unwrap_or_default();
    let mut args = vec!["test", "--config", &config];
    if !only.is_empty() {
        args.push(&only);
    }
    if let Some(grep) = &grep {
        args.extend(["--grep", grep]);
    }
    let mut c = run::cmd(&playwright, &args);
    c.env("GCS_CREME_URL", &creme.url)
        .env("GCS_EMULATOR_URL", &emulator.url)
        .env("GCS_PROPAGATION_MS", E2E_PROPAGATION_MS)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    let result = run::step(
        "Creme end-to-end tests (Playwright, Chromium, PostgreSQL)",
        c,
    );
    drop(creme);
    drop(emulator);
    drop(cluster);
    result
}
