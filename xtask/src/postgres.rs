//! A private PostgreSQL cluster for Creme, under `target/creme/pg/`: made once with `initdb`,
//! started by the suites and the Creme benchmark with `pg_ctl start` and stopped with
//! `pg_ctl stop` when they end, failed or not. It listens on a Unix socket in its own folder only
//! (no TCP port), with one superuser, `creme`, trusted on that socket.
//!
//! The server is Debian's `postgresql` package (installed with apt-get when missing, as root).
//! PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user the
//! package creates, and its commands run as that user (`runuser`).

use crate::run::{self, root};
use crate::Result;
use std::path::PathBuf;
use std::process::Command;

/// The cluster's superuser, who owns Creme's databases (the settings' `USER`).
pub const USER: &str = "creme";
/// The port names the socket file (`.s.PGSQL.5432`); nothing listens on TCP.
pub const PORT: u16 = 5432;

/// A running cluster, stopped (`pg_ctl stop`) when dropped.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    run_as_postgres: bool,
}

impl Cluster {
    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The folder of PostgreSQL's programs.
    pub fn bin(&self) -> &std::path::Path {
        &self.bin
    }

    /// The folder of the cluster's socket: the settings' `HOST`.
    pub fn socket_dir(&self) -> PathBuf {
        self.dir.join("run")
    }

    /// A PostgreSQL client program (`psql`, `createdb`, …) connected to the cluster as `creme`.
    pub fn client(&self, program: &str, args: &[&str]) -> Command {
        let mut c = run::cmd(self.bin.join(program), args);
        c.env("PGHOST", self.socket_dir())
            .env("PGPORT", PORT.to_string())
            .env("PGUSER", USER)
            .env("PGDATABASE", "postgres");
        c
    }

    /// `program args…` of the server's (initdb, pg_ctl), as the cluster's owner.
    fn server(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        if self.run_as_postgres {
            let mut all = vec!["-u", "postgres", "--", program.to_str().unwrap_or_default()];
            all.extend(args);
            run::cmd("runuser", &all)
        } else {
            run::cmd(program, args)
        }
    }

    /// Runs a statement in the `postgres` database (e.g. DROP DATABASE, which no transaction may
    /// hold).
    pub fn sql(&self, name: &str, statement: &str) -> Result {
        run::step(
            name,
            self.client("psql", &["-q", "-v", "ON_ERROR_STOP=1", "-c", statement]),
        )
    }

    /// Whether database `name` exists.
    pub fn has_database(&self, name: &str) -> bool {
        let query = format!("SELECT 1 FROM pg_database WHERE datname = '{name}'");
        run::output(self.client("psql", &["-tAc", &query])).as_deref() == Some("1")
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let data = self.data();
        let data = data.to_string_lossy();
        let _ = self
            .server("pg_ctl", &["stop", "-D", &data, "-m", "fast", "-w"])
            .status();
    }
}

/// The newest server of Debian's layout (`/usr/lib/postgresql/<major>/bin`), installing
/// Debian's `postgresql` when there is none and we are root.
fn server_bin() -> Result<PathBuf> {
    let find = || {
        let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let major = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("initdb").exists().then_some((major, bin))
            })
            .collect();
        found.sort();
        found.pop().map(|(_, bin)| bin)
    };
    if let Some(bin) = find() {
        return Ok(bin);
    }
    if !is_root() {
        return Err(
            "PostgreSQL is needed for the Creme suites: install Debian's postgresql".into(),
        );
    }
    run::step("apt-get update", run::cmd("apt-get", &["update"]))?;
    let install = || {
        let mut c = run::cmd(
            "apt-get",
            &["install", "-y", "--no-install-recommends", "postgresql"],
        );
        c.env("DEBIAN_FRONTEND", "noninteractive");
        run::step("install postgresql (Debian)", c)
    };
    // As with Chromium: apt has been seen to fail once mid-unpack, and succeed again.
    install().or_else(|_| install())?;
    find().ok_or_else(|| "postgresql installed, but no /usr/lib/postgresql/*/bin/initdb".into())
}

fn is_root() -> bool {
    run::output(run::cmd("id", &["-u"])).as_deref() == Some("0")
}

/// Starts the cluster under `target/creme/pg/`, making it first when missing.
pub fn start() -> Result<Cluster> {
    let cluster = Cluster {
        bin: server_bin()?,
        dir: root().join("target/creme/pg"),
        run_as_postgres: is_root(),
    };
    let (data, sockets) = (cluster.data(), cluster.socket_dir());
    for dir in [&cluster.dir, &sockets] {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    if cluster.run_as_postgres {
        let dir = cluster.dir.to_string_lossy();
        run::step(
            "give target/creme/pg to the postgres user",
            run::cmd("chown", &["-R", "postgres:postgres", &dir]),
        )?;
    }
    let data_arg = data.to_string_lossy().to_string();
    if !data.join("PG_VERSION").exists() {
        let _ = std::fs::remove_dir_all(&data);
        run::step(
            "initdb (target/creme/pg/data)",
            cluster.server(
                "initdb",
                &[
                    "-D",
                    &data_arg,
                    "-U",
                    USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ],
            ),
        )?;
    }
    // A cluster left running by a run that was killed is ours: stop it, start it afresh.
    if data.join("postmaster.pid").exists() {
        let _ = cluster
            .server("pg_ctl", &["stop", "-D", &data_arg, "-m", "fast", "-w"])
            .status();
    }
    let options = format!(
        "-p {PORT} -k {} -c listen_addresses=''",
        sockets.to_string_lossy()
    );
    let log = cluster.dir.join("server.log");
    run::step(
        "start PostgreSQL (pg_ctl start, target/creme/pg)",
        cluster.server(
            "pg_ctl",
            &[
                "start",
                "-D",
                &data_arg,
                "-o",
                &options,
                "-l",
                &log.to_string_lossy(),
                "-w",
            ],
        ),
    )?;
    Ok(cluster)
}
