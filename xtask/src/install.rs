//! Installing what a bare machine lacks. Only the package registries (crates.io, npm, Debian) are
//! reachable, so nothing here downloads from anywhere else, and tools that would (a browser
//! download by Playwright, a binaryen release from GitHub) are never asked to.

use crate::run::{self, root};
use crate::Result;
use std::path::{Path, PathBuf};

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The wasm32 target, wasm-bindgen-cli at the pinned version, and wasm-opt from npm.
pub fn wasm_toolchain() -> Result {
    let installed = run::output(run::cmd("rustup", &["target", "list", "--installed"]));
    if !installed.is_some_and(|t| t.lines().any(|l| l.trim() == WASM_TARGET)) {
        run::step(
            "install the wasm32 target",
            run::cmd("rustup", &["target", "add", WASM_TARGET]),
        )?;
    }

    let want = pinned_wasm_bindgen()?;
    let have = run::output(run::cmd("wasm-bindgen", &["--version"]));
    if have.as_deref() != Some(&format!("wasm-bindgen {want}")) {
        // Without --locked: the registry here lacks a version the CLI's lock file names.
        run::step(
            &format!("install wasm-bindgen-cli {want}"),
            run::cmd(
                "cargo",
                &["install", "wasm-bindgen-cli", "--version", &want, "--force"],
            ),
        )?;
    }

    // Debian's binaryen (108) writes modules Chromium rejects; npm's (132) is right.
    npm_tools()
}

/// The tools `tools/package.json` pins (Playwright, binaryen's wasm-opt, ajv, TypeScript,
/// axe-core), from the npm registry at the versions its lock file names, when any of them is
/// missing.
pub fn npm_tools() -> Result {
    let bin = root().join("tools/node_modules/.bin");
    let modules = root().join("tools/node_modules");
    // ajv and axe-core have no command: their package files show they are there.
    if ["playwright", "wasm-opt", "tsc"]
        .iter()
        .all(|b| bin.join(b).exists())
        && ["ajv/package.json", "axe-core/axe.min.js"]
            .iter()
            .all(|f| modules.join(f).exists())
    {
        return Ok(());
    }
    let mut npm = run::cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    npm.current_dir(root().join("tools"));
    run::step(
        "install npm tools (playwright, binaryen, ajv, typescript, axe-core)",
        npm,
    )
}

/// The version Cargo.toml pins wasm-bindgen to with `=`, which the CLI must equal.
pub fn pinned_wasm_bindgen() -> Result<String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    manifest
        .lines()
        .filter_map(|l| l.trim().strip_prefix("wasm-bindgen = \"="))
        .find_map(|rest| rest.split('"').next().map(str::to_string))
        .ok_or_else(|| "Cargo.toml does not pin wasm-bindgen with \"=\"".to_string())
}

pub fn wasm_opt() -> PathBuf {
    root().join("tools/node_modules/.bin/wasm-opt")
}

/// TypeScript's compiler, for the type check of the JS.
pub fn tsc() -> PathBuf {
    root().join("tools/node_modules/.bin/tsc")
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian's Chromium and ChromeDriver, for the browser and end-to-end suites.
pub fn browser() -> Result {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let root_user = run::output(run::cmd("id", &["-u"])).as_deref() == Some("0");
    if !root_user {
        return Err(format!(
            "{CHROMIUM} and {CHROMEDRIVER} are needed; install Debian's chromium and chromium-driver"
        ));
    }
    run::step("apt-get update", run::cmd("apt-get", &["update"]))?;
    let install = || {
        let mut c = run::cmd(
            "apt-get",
            &[
                "install",
                "-y",
                "--no-install-recommends",
                "chromium",
                "chromium-driver",
            ],
        );
        c.env("DEBIAN_FRONTEND", "noninteractive");
        run::step("install chromium and chromium-driver", c)
    };
    // The first try has been seen to fail mid-unpack when apt's staging file vanished.
    install().or_else(|_| install())
}
