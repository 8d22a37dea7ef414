//! Creme CRM with the plugin's app (`hosts/creme`), for `cargo xtask demo --host creme` and the
//! Creme suites of `cargo xtask test`.
//!
//! Everything lives under `target/creme/`: a Python venv with Creme from PyPI (the only place it
//! comes from), PostgreSQL's driver, and the app installed editable from `hosts/creme`, a Creme
//! project whose settings add the app, and a seeded database (migrate, populate, the demo's seed
//! contacts) made once and copied afresh for every start, since the emulator starts empty every
//! time too. The database is SQLite (a file in the project, for `cargo xtask demo --host creme`)
//! or PostgreSQL (the private cluster of `postgres.rs`, for the suites and the benchmark): the
//! seeded one is then a template database, and each start creates the site's from it.

use crate::postgres::Cluster;
use crate::run::{self, root};
use crate::Result;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const CREME_VERSION: &str = "2.8.6";
/// What the venv needs beside Creme: PostgreSQL's driver (psycopg 3, with its own libpq), and
/// Hypothesis for the endpoints' property tests.
const DEPS: &[&str] = &["psycopg[binary]==3.3.9", "hypothesis==6.170.27"];
pub const LOGIN: (&str, &str) = ("root", "root");
/// A second user who may view every contact but change and delete only their own.
pub const LIMITED_LOGIN: (&str, &str) = ("sales", "sales");
const PROJECT: &str = "gcsdemo";

/// The first line of what xtask adds to the generated project's settings.
const SETTINGS_MARK: &str = "\n# Google Contacts Sync (hosts/creme), as `cargo xtask` sets it up.";
/// What xtask adds to the generated project's settings, after `SETTINGS_MARK`.
const SETTINGS: &str = "
import json as _json
import os as _os

# Its populate imports a towns database (minutes) for maps this site does not need.
INSTALLED_APPS.remove('creme.geolocation')
INSTALLED_APPS.append('gcontacts_sync_creme')
CREME_OPT_JS.append(('gcontacts_sync_creme', 'gcontacts_sync_creme/js/gcsync.js'))
# Where the plugin finds Google (here: the emulator), and the checkout's built plugin.
# The Google sign-in popup hands its token back to the page that opened it.
SECURE_CROSS_ORIGIN_OPENER_POLICY = 'same-origin-allow-popups'
GCONTACTS_SYNC = _json.loads(_os.environ.get('GCS_PLUGIN_CONFIG') or '{}')
GCONTACTS_SYNC_PLUGIN_DIR = _os.environ.get('GCS_PLUGIN_DIR') or None
SITE_DOMAIN = 'http://127.0.0.1'
# Creme's job manager (and its Redis broker) is not started: nothing here needs it.

from .local_settings import *  # NOQA

if _os.environ.get('GCS_POSTGRES_HOST'):
    # PostgreSQL, as the README's PostgreSQL section sets it up; HOST is the folder of the
    # cluster's socket. The app's tests keep their database between runs (`--keepdb`).
    DATABASES = {'default': {
        'ENGINE': 'django.db.backends.postgresql',
        'NAME': _os.environ.get('GCS_POSTGRES_DB') or 'gcsdemo',
        'USER': 'creme',
        'HOST': _os.environ['GCS_POSTGRES_HOST'],
        'PORT': '5432',
        'TEST': {'NAME': 'gcsdemo_test'},
    }}
else:
    DATABASES['default']['TEST'] = {'NAME': str(BASE_DIR / 'test-db.sqlite3')}
    # SQLite and a threaded server: take the write lock when a transaction starts, and wait for
    # it, rather than failing with a locked database when two requests write at once.
    DATABASES['default']['OPTIONS'] = {'transaction_mode': 'IMMEDIATE', 'timeout': 20}

# The Creme benchmark's log of requests and their SQL queries (tests/bench-creme/querylog.py).
if _os.environ.get('GCS_QUERY_LOG'):
    MIDDLEWARE = ['gcsdemo.querylog.QueryLog', *MIDDLEWARE]
";
/// The benchmark's middleware, copied into the project's package.
const QUERY_LOG: &str = include_str!("../../tests/bench-creme/querylog.py");

/// The demo's seed contacts as `CrmContactInput`s, their statuses as Creme's relation types.
const SEED_SCRIPT: &str = "import { generateSeedContacts } from './www/demo/seed.js'; \
    const status = { Client: 'persons-subject_customer_supplier', Prospect: 'persons-subject_prospect', \
    Lead: 'persons-subject_suspect', 'Past client': 'persons-subject_inactive_customer' }; \
    const out = generateSeedContacts({ now: new Date(Date.UTC(2025, 0, 1)) }).map(({ id, modifiedAt, status: s, ...c }) => \
      status[s] ? { ...c, status: status[s] } : c); \
    process.stdout.write(JSON.stringify(out));";

/// Creates the limited user: a role viewing all contacts, changing and deleting its own.
const LIMITED_USER: &str = "from creme import persons
from creme.creme_core.models import CremeUser, EntityCredentials as E, SetCredentials, UserRole
role = UserRole.objects.smart_create(name='Sales', allowed_apps=['creme_core', 'persons'],
    creatable_models=[persons.get_contact_model(), persons.get_organisation_model()])
SetCredentials.objects.create(role=role, value=E.VIEW, set_type=SetCredentials.ESET_ALL)
SetCredentials.objects.create(role=role, value=E.VIEW | E.CHANGE | E.DELETE | E.LINK | E.UNLINK,
    set_type=SetCredentials.ESET_OWN)
u = CremeUser(username='sales', first_name='Sam', last_name='Sales', email='sales@example.com', role=role)
u.set_password('sales')
u.save()
u.roles.set([role])
";

/// The PostgreSQL database a site runs on (instead of the project's SQLite file).
#[derive(Clone)]
struct Postgres {
    /// The folder of PostgreSQL's client programs.
    bin: PathBuf,
    socket_dir: PathBuf,
    database: String,
}

#[derive(Clone)]
pub struct Site {
    dir: PathBuf,
    postgres: Option<Postgres>,
}

/// The template databases the sites on PostgreSQL start from, and the sites' own.
const PG_TEMPLATE: &str = "gcsdemo_template";
pub const PG_DATABASE: &str = "gcsdemo";

impl Site {
    fn venv(&self) -> PathBuf {
        self.dir.join("venv")
    }

    fn bin(&self, name: &str) -> PathBuf {
        self.venv().join("bin").join(name)
    }

    fn project(&self) -> PathBuf {
        self.dir.join(PROJECT)
    }

    fn db(&self) -> PathBuf {
        self.project().join(PROJECT).join("db.sqlite3")
    }

    fn template(&self) -> PathBuf {
        self.dir.join("template.sqlite3")
    }

    /// `creme <args> --settings=…` in the project, with the app's environment.
    pub fn creme(&self, args: &[&str]) -> Command {
        let mut c = Command::new(self.bin("creme"));
        c.args(args)
            .arg(format!("--settings={PROJECT}.settings"))
            .current_dir(self.project())
            .env("PYTHONPATH", self.project())
            .env("GCS_PLUGIN_DIR", root().join("www"));
        if let Some(pg) = &self.postgres {
            c.env("GCS_POSTGRES_HOST", &pg.socket_dir)
                .env("GCS_POSTGRES_DB", &pg.database);
        }
        c
    }

    /// This site on `cluster`'s database `database`.
    fn on(&self, cluster: &Cluster, database: &str) -> Site {
        Site {
            dir: self.dir.clone(),
            postgres: Some(Postgres {
                bin: cluster.bin().to_path_buf(),
                socket_dir: cluster.socket_dir(),
                database: database.to_string(),
            }),
        }
    }

    /// This site on PostgreSQL: `cluster`, with a template database seeded as the SQLite one is
    /// (made again when the app gained a migration since).
    pub fn on_postgres(&self, cluster: &Cluster) -> Result<Site> {
        let stamp = self.dir.join(".pg-template");
        let migrations = root().join("hosts/creme/gcontacts_sync_creme/migrations");
        let fresh = modified(&stamp) >= newest(&migrations) && cluster.has_database(PG_TEMPLATE);
        if !fresh {
            let _ = std::fs::remove_file(&stamp);
            let drop = format!("DROP DATABASE IF EXISTS {PG_TEMPLATE}");
            cluster.sql("drop the old template database", &drop)?;
            let create = format!("CREATE DATABASE {PG_TEMPLATE}");
            cluster.sql("create the template database (PostgreSQL)", &create)?;
            seed(&self.on(cluster, PG_TEMPLATE))?;
            write(&stamp, "")?;
        }
        Ok(self.on(cluster, PG_DATABASE))
    }

    /// Which database the site runs on, for messages.
    pub fn database(&self) -> &'static str {
        match self.postgres {
            Some(_) => "PostgreSQL",
            None => "SQLite",
        }
    }
}

/// Creme, the app and a seeded database, installing and creating what is missing.
pub fn prepare() -> Result<Site> {
    let site = Site {
        dir: root().join("target/creme"),
        postgres: None,
    };
    std::fs::create_dir_all(&site.dir).map_err(|e| format!("cannot create target/creme: {e}"))?;
    if !site.bin("creme").exists() {
        venv(&site)?;
        run::step(
            &format!("install Creme CRM {CREME_VERSION} (PyPI)"),
            pip(
                &site,
                &["install", "--quiet", &format!("creme-crm=={CREME_VERSION}")],
            ),
        )?;
    }
    // A marker per set of dependencies: a venv made before they changed gets them too.
    let deps_marker = site
        .venv()
        .join(format!(".gcontacts-sync-deps-{}", DEPS.join("-")));
    if !deps_marker.exists() {
        let mut args = vec!["install", "--quiet"];
        args.extend(DEPS);
        run::step(
            "install psycopg and the app's test dependencies (PyPI)",
            pip(&site, &args),
        )?;
        write(&deps_marker, "")?;
    }
    let marker = site.venv().join(".gcontacts-sync-app");
    if !marker.exists() {
        // Editable: the running Creme uses hosts/creme as it is in the checkout.
        let app = root().join("hosts/creme");
        let app = app.to_string_lossy();
        run::step(
            "install the app (hosts/creme)",
            pip(&site, &["install", "--quiet", "--no-deps", "-e", &app]),
        )?;
        write(&marker, "")?;
    }
    let settings = site.project().join(PROJECT).join("settings.py");
    if !settings.exists() {
        let mut c = Command::new(site.bin("creme"));
        c.args(["creme_start_project", PROJECT])
            .current_dir(&site.dir);
        run::step("create the Creme project", c)?;
    }
    // Creme's generated settings, then ours: rewritten when ours changed.
    let text = std::fs::read_to_string(&settings).map_err(|e| format!("{e}"))?;
    let generated = text.split(SETTINGS_MARK).next().unwrap_or_default();
    let wanted = format!("{generated}{SETTINGS_MARK}{SETTINGS}");
    if text != wanted {
        write(&settings, &wanted)?;
    }
    let query_log = site.project().join(PROJECT).join("querylog.py");
    if std::fs::read_to_string(&query_log).ok().as_deref() != Some(QUERY_LOG) {
        write(&query_log, QUERY_LOG)?;
    }
    // The app's script is bundled into Creme's main.js: bundle again when it changed.
    let script =
        root().join("hosts/creme/gcontacts_sync_creme/static/gcontacts_sync_creme/js/gcsync.js");
    let stamp = site.dir.join(".media");
    if modified(&stamp) < modified(&script).max(modified(&settings)) {
        run::step("creme generatemedia", site.creme(&["generatemedia"]))?;
        write(&stamp, "")?;
    }
    // The seeded database is made again when the app gained a migration or changed what its
    // populate puts in (its bricks on the contact page) since.
    let app = root().join("hosts/creme/gcontacts_sync_creme");
    let changed = newest(&app.join("migrations")).max(modified(&app.join("populate.py")));
    if site.template().exists() && modified(&site.template()) < changed {
        std::fs::remove_file(site.template()).map_err(|e| format!("{e}"))?;
    }
    if !site.template().exists() {
        let _ = std::fs::remove_file(site.db());
        seed(&site)?;
        std::fs::copy(site.db(), site.template()).map_err(|e| format!("{e}"))?;
    }
    Ok(site)
}

/// Creme's tables, its own data, the demo's contacts and the limited user, in `site`'s database.
fn seed(site: &Site) -> Result {
    let on = site.database();
    run::step(
        &format!("creme migrate ({on})"),
        site.creme(&["migrate", "--noinput"]),
    )?;
    run::step(
        &format!("creme creme_populate ({on})"),
        site.creme(&["creme_populate"]),
    )?;
    let seed = run::output(run::cmd(
        "node",
        &["--input-type=module", "-e", SEED_SCRIPT],
    ))
    .ok_or("node could not read www/demo/seed.js")?;
    let file = site.dir.join("seed.json");
    write(&file, &seed)?;
    run::step(
        "seed Creme with the demo's contacts",
        site.creme(&["gcsync_import", &file.to_string_lossy(), "--user", LOGIN.0]),
    )?;
    run::step(
        "create the limited user (sales)",
        site.creme(&["shell", "-c", LIMITED_USER]),
    )
}

fn venv(site: &Site) -> Result {
    let made = run::step(
        "create a Python venv (target/creme/venv)",
        run::cmd("python3", &["-m", "venv", &site.venv().to_string_lossy()]),
    );
    if made.is_ok() {
        return made;
    }
    // Debian ships venv separately.
    let root_user = run::output(run::cmd("id", &["-u"])).as_deref() == Some("0");
    if !root_user {
        return Err(
            "python3 -m venv failed: install Python 3 with its venv module (Debian: python3-venv)"
                .into(),
        );
    }
    let mut c = run::cmd(
        "apt-get",
        &["install", "-y", "--no-install-recommends", "python3-venv"],
    );
    c.env("DEBIAN_FRONTEND", "noninteractive");
    run::step("install python3-venv", c)?;
    let _ = std::fs::remove_dir_all(site.venv());
    run::step(
        "create a Python venv (target/creme/venv)",
        run::cmd("python3", &["-m", "venv", &site.venv().to_string_lossy()]),
    )
}

fn pip(site: &Site, args: &[&str]) -> Command {
    let mut c = Command::new(site.bin("pip"));
    c.args(args).current_dir(root());
    c
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// When a Python file of `dir` last changed.
fn newest(dir: &Path) -> std::time::SystemTime {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "py"))
                .map(|p| modified(&p))
                .max()
                .unwrap_or(std::time::UNIX_EPOCH)
        })
        .unwrap_or(std::time::UNIX_EPOCH)
}

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::UNIX_EPOCH)
}

/// A running `creme runserver`, stopped (by its process id) when dropped.
pub struct CremeServer {
    child: Child,
    pub url: String,
}

impl CremeServer {
    /// `child`, a Creme serving at `url`, stopped when this is dropped.
    pub fn new(child: Child, url: String) -> Self {
        CremeServer { child, url }
    }
}

impl Drop for CremeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The plugin's configuration for a People API at `emulator` (its consent and revoke pages too).
pub fn emulator_config(emulator: &str) -> String {
    format!(
        "{{\"peopleApiBase\": \"{emulator}\", \"googleClientId\": \"creme-demo\", \
         \"authUrl\": \"{emulator}/o/oauth2/v2/auth\", \"revokeUrl\": \"{emulator}/revoke\"}}"
    )
}

/// Starts Creme on `port` on a fresh copy of the seeded database, with `config` (JSON) as the
/// plugin's configuration; returns once it answers.
pub fn start(site: &Site, port: u16, config: &str) -> Result<CremeServer> {
    reset(site)?;
    start_with(site, port, config, &[])
}

/// Starts Creme on `port` on the site's database as it is, with more environment for Creme.
pub fn start_with(
    site: &Site,
    port: u16,
    config: &str,
    env: &[(&str, &str)],
) -> Result<CremeServer> {
    let addr = format!("127.0.0.1:{port}");
    // Creme's request log and errors, for when a suite fails.
    let log = std::fs::File::create(site.dir.join("server.log"))
        .map_err(|e| format!("cannot create target/creme/server.log: {e}"))?;
    let child = site
        .creme(&["runserver", &addr, "--noreload"])
        .env("GCS_PLUGIN_CONFIG", config)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .map_err(|e| format!("cannot start Creme: {e}"))?;
    let server = CremeServer {
        child,
        url: format!("http://{addr}"),
    };
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if answers(&addr) {
            return Ok(server);
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    Err(format!("Creme did not answer on {addr} within 2 minutes"))
}

/// The site's database afresh from the seeded one.
pub fn reset(site: &Site) -> Result {
    let Some(pg) = &site.postgres else {
        std::fs::copy(site.template(), site.db())
            .map_err(|e| format!("cannot reset the database: {e}"))?;
        return Ok(());
    };
    let mut drop = Command::new(pg.bin.join("dropdb"));
    drop.args(["--if-exists", &pg.database]);
    let mut create = Command::new(pg.bin.join("createdb"));
    create.args(["--template", PG_TEMPLATE, &pg.database]);
    for mut c in [drop, create] {
        c.env("PGHOST", &pg.socket_dir)
            .env("PGPORT", crate::postgres::PORT.to_string())
            .env("PGUSER", crate::postgres::USER);
        let out = c
            .output()
            .map_err(|e| format!("cannot run {:?}: {e}", c.get_program()))?;
        if !out.status.success() {
            return Err(format!(
                "resetting the PostgreSQL database failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
    }
    Ok(())
}

/// Whether Creme at `addr` answers its login page.
pub fn answers(addr: &str) -> bool {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    if write!(
        s,
        "GET /creme_login/ HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    s.read_exact(&mut head).is_ok() && head.starts_with(b"HTTP/1.1 200")
}

/// A free port on loopback.
pub fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// `cargo xtask demo --host creme`.
pub fn demo(port: u16) -> Result {
    crate::wasm::build()?;
    let started = Instant::now();
    let site = prepare()?;
    let emulator = crate::demo::start_emulator(&["--seed-account", crate::demo::DEMO_ACCOUNT])?;
    crate::demo::seed_demo_account(&emulator.url)?;
    let server = start(&site, port, &emulator_config(&emulator.url))
        .or_else(|_| start(&site, free_port()?, &emulator_config(&emulator.url)))?;
    println!(
        "\nGoogle Contacts Sync in Creme CRM {CREME_VERSION} (ready in {:.1} s)\n\n  \
         Creme:           {}/  (log in as {} / {}; or {} / {}, who may change only their own)\n  \
         contacts:        {}/persons/contacts\n  \
         My settings:     {}/creme_config/my_settings/portal/\n  \
         emulator viewer: {}/ (account {})\n\nStop with Ctrl-C.",
        started.elapsed().as_secs_f64(),
        server.url,
        LOGIN.0,
        LOGIN.1,
        LIMITED_LOGIN.0,
        LIMITED_LOGIN.1,
        server.url,
        server.url,
        emulator.url,
        crate::demo::DEMO_ACCOUNT,
    );
    loop {
        std::thread::park();
    }
}
