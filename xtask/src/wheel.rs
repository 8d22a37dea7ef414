//! The `release` check of `cargo xtask test`: the release installs and works where no Rust
//! toolchain or checkout is involved. It builds `dist/` (`cargo xtask dist`), then, in
//! `target/creme-wheel/`, makes a fresh venv, installs Creme from PyPI and the wheel (pip's
//! cache makes the second time quick), creates a project with the README's settings ("Install
//! into your Creme"), runs `migrate`, `creme_populate` and `generatemedia`, starts Creme and runs
//! `tests/e2e-creme/wheel.spec.mjs` (the bulk action against the emulator) in Chromium.
//!
//! Nothing of the checkout's `www/` is reachable from that Creme: the app serves only what the
//! wheel put in its package, and the venv is made anew each time.

use crate::creme::{self, CREME_VERSION, LOGIN};
use crate::run::{self, root};
use crate::Result;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PROJECT: &str = "gcsrelease";

/// The README's settings block, with the emulator's address for Google's.
fn settings_block(emulator: &str) -> String {
    format!(
        "
# As the README's \"Install into your Creme\" says.
INSTALLED_APPS.append('gcontacts_sync_creme')
CREME_OPT_JS.append(('gcontacts_sync_creme', 'gcontacts_sync_creme/js/gcsync.js'))
GCONTACTS_SYNC = {config}
SECURE_CROSS_ORIGIN_OPENER_POLICY = 'same-origin-allow-popups'
# Not the README's: Creme's towns database (minutes to import) for maps no test needs.
INSTALLED_APPS.remove('creme.geolocation')
SITE_DOMAIN = 'http://127.0.0.1'

from .local_settings import *  # NOQA

DATABASES['default']['OPTIONS'] = {{'transaction_mode': 'IMMEDIATE', 'timeout': 20}}
",
        config = creme::emulator_config(emulator)
    )
}

/// Three contacts for the bulk action, in the host contract's `CrmContactInput` shape.
const CONTACTS: &str = r#"[
  {"firstName": "Ada", "lastName": "Wheelwright", "emails": [{"value": "ada.wheelwright@example.com"}]},
  {"firstName": "Bram", "lastName": "Wheelwright", "emails": [{"value": "bram.wheelwright@example.com"}],
   "phones": [{"value": "+44 20 7946 0018"}]},
  {"firstName": "Cleo", "lastName": "Wheelwright", "emails": [{"value": "cleo.wheelwright@example.com"}]}
]"#;

struct Site {
    dir: PathBuf,
}

impl Site {
    fn bin(&self, name: &str) -> PathBuf {
        self.dir.join("venv/bin").join(name)
    }

    fn project(&self) -> PathBuf {
        self.dir.join(PROJECT)
    }

    /// `creme <args> --settings=…` in the project: no variable names the checkout.
    fn creme(&self, args: &[&str]) -> Command {
        let mut c = Command::new(self.bin("creme"));
        c.args(args)
            .arg(format!("--settings={PROJECT}.settings"))
            .current_dir(self.project())
            .env("PYTHONPATH", self.project())
            .env_remove("GCS_PLUGIN_DIR");
        c
    }
}

pub fn release_tests() -> Result {
    let started = Instant::now();
    let dist = crate::dist::dist()?;
    let site = Site {
        dir: root().join("target/creme-wheel"),
    };
    let _ = std::fs::remove_dir_all(&site.dir);
    std::fs::create_dir_all(&site.dir)
        .map_err(|e| format!("cannot create {}: {e}", site.dir.display()))?;
    let venv = site.dir.join("venv");
    run::step(
        "a fresh venv for the release (target/creme-wheel/venv)",
        run::cmd("python3", &["-m", "venv", &venv.to_string_lossy()]),
    )?;
    let wheel = dist.wheel.to_string_lossy().to_string();
    let creme_req = format!("creme-crm=={CREME_VERSION}");
    run::step(
        &format!(
            "pip install Creme {CREME_VERSION} and {}",
            file_name(&dist.wheel)
        ),
        pip(&site, &["install", "--quiet", &creme_req, &wheel]),
    )?;
    let emulator = crate::demo::start_emulator(&[])?;
    let mut c = Command::new(site.bin("creme"));
    c.args(["creme_start_project", PROJECT])
        .current_dir(&site.dir);
    run::step("creme creme_start_project", c)?;
    let settings = site.project().join(PROJECT).join("settings.py");
    let mut text = std::fs::read_to_string(&settings).map_err(|e| format!("{e}"))?;
    text.push_str(&settings_block(&emulator.url));
    write(&settings, &text)?;
    run::step("creme migrate", site.creme(&["migrate", "--noinput"]))?;
    run::step("creme creme_populate", site.creme(&["creme_populate"]))?;
    run::step("creme generatemedia", site.creme(&["generatemedia"]))?;
    let contacts = site.dir.join("contacts.json");
    write(&contacts, CONTACTS)?;
    run::step(
        "three contacts for the bulk action",
        site.creme(&[
            "gcsync_import",
            &contacts.to_string_lossy(),
            "--user",
            LOGIN.0,
        ]),
    )?;

    let port = creme::free_port()?;
    let addr = format!("127.0.0.1:{port}");
    let log = std::fs::File::create(site.dir.join("server.log"))
        .map_err(|e| format!("cannot create target/creme-wheel/server.log: {e}"))?;
    let child = site
        .creme(&["runserver", &addr, "--noreload"])
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start Creme: {e}"))?;
    let server = creme::CremeServer::new(child, format!("http://{addr}"));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !creme::answers(&addr) {
        if Instant::now() > deadline {
            return Err(format!("Creme did not answer on {addr} within 2 minutes"));
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    let playwright = root().join("tools/node_modules/.bin/playwright");
    let config = root().join("tests/e2e-creme/playwright.config.mjs");
    let config = config.to_string_lossy().to_string();
    let mut c = run::cmd(&playwright, &["test", "--config", &config, "wheel.spec"]);
    c.env("GCS_CREME_URL", &server.url)
        .env("GCS_EMULATOR_URL", &emulator.url)
        .env("GCS_RELEASE_VERSION", &dist.version)
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    let result = run::step("the release in a fresh Creme (Playwright, Chromium)", c);
    drop(server);
    drop(emulator);
    result?;
    println!(
        "release: {} and {} installed and synced in {:.0} s",
        file_name(&dist.archive),
        file_name(&dist.wheel),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn pip(site: &Site, args: &[&str]) -> Command {
    let mut c = Command::new(site.bin("pip"));
    c.args(args).current_dir(&site.dir);
    c
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
