//! `cargo xtask demo`: builds the plugin, starts the People API emulator with a Google account
//! whose contacts overlap the demo CRM's, serves the demo CRM under a strict CSP, prints the URL
//! and runs until stopped. `--google-client-id ID` points the plugin at Google instead.

use crate::run::{self, root};
use crate::serve;
use crate::Result;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

pub const DEMO_ACCOUNT: &str = "demo@example.com";

/// A running emulator server, stopped (by its process id) when dropped.
pub struct EmulatorProcess {
    child: Child,
    pub url: String,
}

impl Drop for EmulatorProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Builds and starts the emulator on a free port with `args`.
pub fn start_emulator(args: &[&str]) -> Result<EmulatorProcess> {
    run::step(
        "build the emulator",
        run::cargo(&["build", "--release", "--package", "people-emulator"]),
    )?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let mut child = Command::new(target.join("release/people-emulator"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}"))?;
    let stdout = child.stdout.take().ok_or("no emulator stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| format!("emulator: {e}"))?;
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .ok_or_else(|| format!("the emulator did not print its URL: {line:?}"))?
        .to_string();
    Ok(EmulatorProcess { child, url })
}

/// Google-side contacts overlapping the demo CRM's seed, from the demo's own seed module.
fn overlap_contacts() -> Result<String> {
    let script = "import { overlapForGoogle } from './www/demo/seed.js'; \
                  process.stdout.write(JSON.stringify(overlapForGoogle(150)));";
    run::output(run::cmd("node", &["--input-type=module", "-e", script]))
        .ok_or_else(|| "node could not read www/demo/seed.js".to_string())
}

pub fn seed_demo_account(emulator: &str) -> Result {
    let contacts = overlap_contacts()?;
    let body = format!("{{\"email\":\"{DEMO_ACCOUNT}\",\"contacts\":{contacts}}}");
    let (status, text) = serve::post_json(emulator, "/__admin/seed", &body)
        .map_err(|e| format!("seeding the emulator: {e}"))?;
    if status != 200 {
        return Err(format!("seeding the emulator answered {status}: {text}"));
    }
    Ok(())
}

/// The page policy: scripts only from the demo itself (plus wasm compilation), connections to
/// itself, the People API (emulated or Google's) and Google's token endpoints. The one frame is
/// the hidden consent page that renews a token without the user (the emulator's or Google's),
/// which redirects to the demo's own callback page: so frames come from those, and the demo's
/// pages may be framed by the demo only.
pub fn csp(people_api: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self' {people_api} https://people.googleapis.com \
         https://oauth2.googleapis.com; frame-src 'self' {people_api} https://accounts.google.com; \
         frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
    )
}

/// Writes the demo's `config.json`: where the plugin finds the People API and the OAuth pages.
pub fn write_config(people_api: &str, client_id: &str, auth_url: &str, revoke_url: &str) -> Result {
    let config = format!(
        "{{\n  \"peopleApiBaseUrl\": \"{people_api}\",\n  \"oauthClientId\": \"{client_id}\",\n  \
         \"authUrl\": \"{auth_url}\",\n  \"revokeUrl\": \"{revoke_url}\"\n}}\n"
    );
    std::fs::write(root().join("www/demo/config.json"), config)
        .map_err(|e| format!("cannot write the demo config: {e}"))
}

pub fn demo(args: &[String]) -> Result {
    let mut port = 8080u16;
    let mut client_id = None;
    let mut host = "demo".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--port" => {
                port = it
                    .next()
                    .and_then(|p| p.parse().ok())
                    .ok_or("--port needs a number")?
            }
            "--google-client-id" => {
                client_id = Some(it.next().ok_or("--google-client-id needs an id")?.clone())
            }
            "--host" => host = it.next().ok_or("--host needs demo or creme")?.clone(),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    match host.as_str() {
        "demo" => {}
        "creme" => return crate::creme::demo(port),
        other => return Err(format!("unknown host {other}: demo or creme")),
    }
    crate::wasm::build()?;
    let started = std::time::Instant::now();
    let emulator = start_emulator(&["--seed-account", DEMO_ACCOUNT])?;
    seed_demo_account(&emulator.url)?;
    let people_api = match &client_id {
        Some(id) => {
            write_config(
                "https://people.googleapis.com",
                id,
                "https://accounts.google.com/o/oauth2/v2/auth",
                "https://oauth2.googleapis.com/revoke",
            )?;
            "https://people.googleapis.com".to_string()
        }
        None => {
            write_config(
                &emulator.url,
                "demo-crm",
                &format!("{}/o/oauth2/v2/auth", emulator.url),
                &format!("{}/revoke", emulator.url),
            )?;
            emulator.url.clone()
        }
    };
    let server = serve::spawn(root(), port, csp(&people_api))
        .or_else(|_| serve::spawn(root(), 0, csp(&people_api)))
        .map_err(|e| format!("cannot serve the demo: {e}"))?;
    println!(
        "\nGoogle Contacts Sync demo (ready in {:.1} s)\n\n  demo CRM:        {}/demo/\n  \
         People API:      {people_api}\n  emulator viewer: {}/ (account {DEMO_ACCOUNT})\n\n\
         Stop with Ctrl-C.",
        started.elapsed().as_secs_f64(),
        server.url(),
        emulator.url
    );
    loop {
        std::thread::park();
    }
}
