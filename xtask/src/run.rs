//! Running commands from the workspace root, loudly.

use crate::Result;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The workspace root: the parent of xtask's own manifest directory.
pub fn root() -> PathBuf {
    let xtask = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask.parent().unwrap_or(xtask).to_path_buf()
}

pub fn cargo(args: &[&str]) -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.args(args).current_dir(root());
    c
}

pub fn cmd(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> Command {
    let mut c = Command::new(program);
    c.args(args).current_dir(root());
    c
}

/// Runs `c` to completion, printing a header and the time it took; a failure names the step.
pub fn step(name: &str, mut c: Command) -> Result {
    println!("\n=== {name}");
    let start = Instant::now();
    let status = c
        .status()
        .map_err(|e| format!("{name}: cannot start {:?}: {e}", c.get_program()))?;
    let secs = start.elapsed().as_secs_f64();
    if status.success() {
        println!("=== {name}: ok ({secs:.1} s)");
        Ok(())
    } else {
        Err(format!("{name} failed ({status}) after {secs:.1} s"))
    }
}

/// The trimmed standard output of `c`, or `None` when it cannot run or fails.
pub fn output(mut c: Command) -> Option<String> {
    let out = c.output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
