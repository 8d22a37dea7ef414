//! The run log: the last reports of an account's runs.

use super::{envelope, unreadable, wrap_value, Unreadable, RUNS_KEPT, VALUE_VERSION};
use serde_json::Value;

/// The run log's reports, newest first. Before the log was versioned JSON it was one report per
/// line; that layout is still read.
pub fn runs(key: &str, text: &str) -> Result<Vec<Value>, Unreadable> {
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        return match envelope(v) {
            Ok((version, _)) if version > u64::from(VALUE_VERSION) => Err(unreadable(
                key,
                format!("version {version} is newer than this plugin's {VALUE_VERSION}: update the plugin"),
            )),
            Ok((_, Value::Array(reports))) if reports.iter().all(Value::is_object) => Ok(reports),
            Ok(_) => Err(unreadable(key, "expected a list of run reports")),
            // One line of the old layout.
            Err(report @ Value::Object(_)) => Ok(vec![report]),
            Err(_) => Err(unreadable(key, "expected a list of run reports")),
        };
    }
    let mut out = Vec::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        match serde_json::from_str::<Value>(line) {
            Ok(r @ Value::Object(_)) => out.push(r),
            Ok(_) => return Err(unreadable(key, format!("line {}: not a run report", i + 1))),
            Err(e) => return Err(unreadable(key, format!("line {}: {e}", i + 1))),
        }
    }
    Ok(out)
}

/// The run log with `report` (JSON text) prepended, keeping the last [`RUNS_KEPT`]. A log that
/// cannot be read is started afresh: it is a record of past runs, and the run being logged
/// matters more than an unreadable history.
pub fn runs_with(key: &str, old: Option<&str>, report: &str) -> String {
    let mut reports: Vec<Value> = match serde_json::from_str::<Value>(report) {
        Ok(r) => vec![r],
        Err(_) => Vec::new(),
    };
    if let Some(old) = old {
        reports.extend(runs(key, old).unwrap_or_default());
    }
    reports.truncate(RUNS_KEPT);
    wrap_value(&reports)
}
