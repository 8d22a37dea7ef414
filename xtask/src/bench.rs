//! `cargo xtask bench [--browser] [-- filter]`: the benchmarks, printing their figures. They are
//! timings, so no check runs them: `cargo xtask test` only compiles them (clippy --all-targets).
//!
//! - native (default): `cargo bench` over the workspace, in the bench profile: `crates/core/benches/plan.rs`
//!   (planning 25,000 linked contacts) and `sync.rs` (the first sync, the echo run and the
//!   no-op run at 25,000 contacts against the emulator over HTTP: requests, wall and CPU time,
//!   counted heap; and the quota-paced sync).
//! - `--browser [--contacts N] [--on-page]`: the same three runs in Chromium, the release wasm
//!   loaded through its JS API with an in-memory CRM host, against the emulator server
//!   (`tests/bench-browser/`), the runs in the plugin's worker (or, `--on-page`, on the page's
//!   main thread): wall time, long main-thread tasks, wasm memory and JS heap, requests.
//! - `--host creme [--contacts N]`: the same three runs in Chromium through Creme's own pages, on
//!   PostgreSQL, with N Creme contacts (`tests/bench-creme/`): wall time, requests to Google and
//!   to Creme, Creme's SQL queries per request, the state's stored size.

use crate::demo::start_emulator;
use crate::run::{self, root};
use crate::{install, wasm, Result};

pub fn bench(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("--browser") => browser(&args[1..]),
        Some("--host") if args.get(1).map(String::as_str) == Some("creme") => creme(&args[2..]),
        Some("--host") => Err("--host takes creme".into()),
        Some("--") => native(&args[1..]),
        _ => native(args),
    }
}

fn native(filter: &[String]) -> Result {
    let mut args = vec!["bench", "--workspace"];
    if !filter.is_empty() {
        args.push("--");
        args.extend(filter.iter().map(String::as_str));
    }
    run::step("benchmarks", run::cargo(&args))
}

/// `--contacts N` (default 25,000) and the flags named in `flags`, of `args`.
fn options(args: &[String], flags: &[&str]) -> Result<(usize, Vec<String>)> {
    let mut contacts = 25_000usize;
    let mut set = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--contacts" => {
                contacts = it
                    .next()
                    .and_then(|n| n.replace('_', "").parse().ok())
                    .ok_or("--contacts needs a number")?
            }
            flag if flags.contains(&flag) => set.push(flag.to_string()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok((contacts, set))
}

/// Chromium, Playwright and the release wasm.
fn browser_tools() -> Result {
    install::browser()?;
    if !root().join("tools/node_modules/playwright").exists() {
        let mut npm = run::cmd("npm", &["ci", "--no-audit", "--no-fund"]);
        npm.current_dir(root().join("tools"));
        run::step("install npm tools (playwright)", npm)?;
    }
    wasm::build().map(|_| ())
}

/// `--contacts N` (default 25,000): the size of the CRM; `--on-page`: the runs stay on the
/// page's main thread (the loader's fallback, in slices) instead of the plugin's worker.
fn browser(args: &[String]) -> Result {
    let (contacts, flags) = options(args, &["--on-page"])?;
    let on_page = !flags.is_empty();
    browser_tools()?;
    let emulator = start_emulator(&[])?;
    // run.mjs serves the page and the built wasm itself, on loopback.
    let mut c = run::cmd("node", &["tests/bench-browser/run.mjs"]);
    c.env("GCS_EMULATOR_URL", &emulator.url)
        .env("GCS_BENCH_CONTACTS", contacts.to_string())
        .env("GCS_BENCH_WORKER", if on_page { "0" } else { "1" })
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    let result = run::step(
        &format!(
            "browser benchmark, {contacts} contacts (Chromium, {})",
            if on_page {
                "on the page"
            } else {
                "in the worker"
            }
        ),
        c,
    );
    drop(emulator);
    result
}

/// `--host creme [--contacts N]`: Creme on PostgreSQL (the suites' cluster) with N contacts
/// seeded into a fresh copy of its database, the emulator, and `tests/bench-creme/run.mjs`.
fn creme(args: &[String]) -> Result {
    let (contacts, _) = options(args, &[])?;
    browser_tools()?;
    let site = crate::creme::prepare()?;
    let cluster = crate::postgres::start()?;
    let site = site.on_postgres(&cluster)?;
    crate::creme::reset(&site)?;
    let seed = root().join("tests/bench-creme/seed.py");
    let script = format!("import runpy; runpy.run_path({:?})", seed.to_string_lossy());
    let mut c = site.creme(&["shell", "-c", &script]);
    c.env("GCS_BENCH_CONTACTS", contacts.to_string());
    run::step(&format!("seed Creme with {contacts} contacts"), c)?;
    let pages = root().join("tests/bench-creme/pages.py");
    let script = format!(
        "import runpy; runpy.run_path({:?})",
        pages.to_string_lossy()
    );
    run::step(
        "Creme's endpoints, page by page (Django's test client)",
        site.creme(&["shell", "-c", &script]),
    )?;
    let emulator = start_emulator(&[])?;
    let log = root().join("target/creme/bench-requests.jsonl");
    std::fs::write(&log, "").map_err(|e| format!("cannot write {}: {e}", log.display()))?;
    let log = log.to_string_lossy().to_string();
    let creme = crate::creme::start_with(
        &site,
        crate::creme::free_port()?,
        &crate::creme::emulator_config(&emulator.url),
        &[("GCS_QUERY_LOG", &log)],
    )?;
    let mut c = run::cmd("node", &["tests/bench-creme/run.mjs"]);
    let psql = cluster.client("psql", &[]);
    c.env("GCS_CREME_URL", &creme.url)
        .env("GCS_EMULATOR_URL", &emulator.url)
        .env("GCS_QUERY_LOG", &log)
        .env("GCS_BENCH_CONTACTS", contacts.to_string())
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .envs(psql.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("PGDATABASE", crate::creme::PG_DATABASE)
        .env("GCS_PSQL", psql.get_program());
    let result = run::step(
        &format!("Creme benchmark, {contacts} contacts (Chromium, PostgreSQL)"),
        c,
    );
    drop(creme);
    drop(emulator);
    drop(cluster);
    result
}
