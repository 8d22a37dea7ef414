//! `cargo xtask test | bench | demo`: the project's build and CI entry points.
//!
//! Each command installs what it needs and is missing (the wasm32 target, wasm-bindgen-cli at the
//! version Cargo.toml pins, wasm-opt from npm's `binaryen`, Debian's Chromium and PostgreSQL when
//! run as root), so that a bare machine of this kind needs nothing but `cargo xtask test`.

mod bench;
mod creme;
mod demo;
mod dist;
mod install;
mod postgres;
mod run;
mod serve;
mod suites;
mod tidy;
mod wasm;
mod wheel;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  test     every check CI runs: fmt, clippy (host and wasm32), native tests, the wasm build
           with its size budget, the JS type check (tsc), browser tests, end-to-end tests of the
           demo and of Creme, the release (dist/'s wheel in a fresh Creme venv, its bulk
           action run) [CHECK…: only these of fmt, clippy, native, wasm, tsc, browser, e2e,
           creme, release]
  bench    the benchmarks (release builds), printing their figures: planning, and the first
           sync, echo run and no-op run at 25,000 contacts (requests, wall and CPU time, peak
           heap) [-- FILTER]; [--browser [--contacts N] [--on-page]]: those three runs in
           Chromium, in the plugin's worker or on the page (wall time, long main-thread tasks,
           wasm memory peak, requests); [--host creme [--contacts N]]: those three runs through
           Creme's pages on PostgreSQL (wall time, requests to Google and to Creme, SQL queries
           per Creme request, the state's stored size)
  fuzz     the fuzz tests of every JSON reader, optimized, with more cases [--cases N, default
           100000: N mutated real texts, N / 10 arbitrary values, N / 200 whole runs]
  dist     the release in dist/: the plugin archive (.tar.gz, its manifest carrying each
           file's SRI hash) and the Creme app's wheel with the plugin inside
  build    the release wasm into www/pkg/ (wasm-bindgen, wasm-opt) and its size
  demo     build, start the People API emulator and the demo CRM, print the URL
           [--port N] [--google-client-id ID: talk to Google instead of the emulator]
           [--host creme: Creme CRM with the plugin's app instead of the demo CRM]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test(&args[1..]),
        Some("bench") => bench::bench(&args[1..]),
        Some("build") => wasm::build().map(|_| ()),
        Some("dist") => dist::dist().map(|_| ()),
        Some("fuzz") => fuzz(&args[1..]),
        Some("demo") => demo::demo(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

type Result<T = ()> = std::result::Result<T, String>;

/// The seed of the property tests' cases in `cargo xtask test native`.
const PROPTEST_SEED: u64 = 20_261_207;

/// The checks of `cargo xtask test`, in the order they run.
const CHECKS: [&str; 9] = [
    "fmt", "clippy", "native", "wasm", "tsc", "browser", "e2e", "creme", "release",
];

/// Every check CI runs, or only those named (`cargo xtask test e2e creme`), in their order.
fn test(only: &[String]) -> Result {
    if let Some(unknown) = only.iter().find(|c| !CHECKS.contains(&c.as_str())) {
        return Err(format!(
            "no check named {unknown:?}; the checks are {}",
            CHECKS.join(", ")
        ));
    }
    let wanted = |check: &str| only.is_empty() || only.iter().any(|c| c == check);
    install::wasm_toolchain()?;
    install::browser()?;
    if wanted("fmt") {
        run::step("format", run::cargo(&["fmt", "--all", "--check"]))?;
        tidy::check()?;
    }
    if wanted("clippy") {
        run::step(
            "clippy (host)",
            run::cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )?;
        run::step(
            "clippy (wasm32)",
            run::cargo(&[
                "clippy",
                "--package",
                "gcontacts-sync",
                "--target",
                "wasm32-unknown-unknown",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        )?;
    }
    if wanted("native") {
        let mut tests = run::cargo(&["test", "--workspace"]);
        // The property tests draw their cases from one fixed seed here, so a check gives the same
        // answer on every run; set PROPTEST_RNG_SEED (or run `cargo test`, or `cargo xtask fuzz`)
        // to explore other cases.
        if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
            tests.env("PROPTEST_RNG_SEED", PROPTEST_SEED.to_string());
        }
        run::step("native tests", tests)?;
    }
    // The suites in a browser load the release wasm, and tsc reads its generated types.
    let needs_wasm = ["wasm", "tsc", "browser", "e2e", "creme", "release"];
    let size = match needs_wasm.iter().any(|c| wanted(c)) {
        true => Some(wasm::build()?),
        false => None,
    };
    if wanted("tsc") {
        suites::type_check()?;
    }
    if wanted("browser") {
        suites::browser_tests()?;
    }
    if wanted("e2e") {
        suites::e2e_tests()?;
    }
    if wanted("creme") {
        suites::creme_tests()?;
    }
    if wanted("release") {
        wheel::release_tests()?;
    }
    if let (Some(size), true) = (size, wanted("wasm")) {
        size.check_budget()?;
    }
    println!("xtask: all checks passed");
    Ok(())
}

/// `crates/core/tests/it/fuzz.rs` with `GCS_FUZZ_CASES` set, in the `fuzz` profile (optimized, overflow
/// checks on), printing how the inputs fared.
fn fuzz(args: &[String]) -> Result {
    let mut cases = 100_000u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--cases" => {
                cases = it
                    .next()
                    .and_then(|n| n.replace('_', "").parse().ok())
                    .ok_or("--cases needs a number")?
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let mut c = run::cargo(&[
        "test",
        "--package",
        "gcontacts-sync-core",
        "--profile",
        "fuzz",
        "--test",
        "it",
        "fuzz::",
        "--",
        "--nocapture",
    ]);
    c.env("GCS_FUZZ_CASES", cases.to_string());
    run::step(&format!("fuzz tests, {cases} cases"), c)
}
