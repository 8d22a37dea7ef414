//! `cargo xtask bench [--browser] [-- filter]`: the benchmarks, printing their figures. They are
//! timings, so no check runs them: `cargo xtask test` only compiles them (clippy --all-targets).
//!
//! - native (default): `cargo bench` over the workspace, in the bench profile: the core's `benches/plan.rs`
//!   (planning 25,000 linked contacts) and `benches/sync.rs` (the first sync, the echo run and the
//!   no-op run at 25,000 contacts against the emulator over HTTP: requests, wall and CPU time,
//!   counted heap; and the quota-paced sync).
//! - `--browser [--contacts N] [--on-page]`: the same three runs in Chromium, the release wasm
//!   loaded through its JS API with an in-memory CRM host, against the emulator server
//!   (`tests/bench-browser/`), the runs in the plugin's worker (or, `--on-page`, on the page's
//!   main thread): wall time, long main-thread tasks, wasm memory and JS heap, requests.

use crate::demo::start_emulator;
use crate::run::{self, root};
use crate::{install, wasm, Result};

pub fn bench(args: &[String]) -> Result {
    match args.first().map(String::as_str) {
        Some("--browser") => browser(&args[1..]),
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

/// `--contacts N` (default 25,000): the size of the CRM; `--on-page`: the runs stay on the
/// page's main thread (the loader's fallback, in slices) instead of the plugin's worker.
fn browser(args: &[String]) -> Result {
    let mut contacts = 25_000usize;
    let mut on_page = false;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--contacts" => {
                contacts = it
                    .next()
                    .and_then(|n| n.replace('_', "").parse().ok())
                    .ok_or("--contacts needs a number")?
            }
            "--on-page" => on_page = true,
            other => return Err(format!("unknown flag {other}")),
        }
    }
    install::browser()?;
    if !root().join("tools/node_modules/playwright").exists() {
        let mut npm = run::cmd("npm", &["ci", "--no-audit", "--no-fund"]);
        npm.current_dir(root().join("tools"));
        run::step("install npm tools (playwright)", npm)?;
    }
    wasm::build()?;
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
