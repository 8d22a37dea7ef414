//! Checks of the repository's text that no compiler makes: every comment and document points only
//! at what the repository holds. A rule is explained in `docs/` (ARCHITECTURE.md, sync-rules.md,
//! hosts.md) and cited there; a citation of a document a reader of the repository cannot open (a
//! specification kept elsewhere, a path on one machine) fails `cargo xtask test fmt`.

use crate::run::root;
use std::path::Path;

/// What a citation of a document outside the repository looks like. This file, which must name
/// them, is the only one not checked.
const OUTSIDE: &[(&str, &str)] = &[
    (
        "DESIGN §",
        "a section of a specification kept outside the repository",
    ),
    ("DESIGN.md", "a specification kept outside the repository"),
    ("STYLE.md", "a style guide kept outside the repository"),
    ("shared/", "a folder beside the repository"),
];

/// The text files a reader opens: sources, scripts, documents and configuration.
const CHECKED: &[&str] = &[
    "rs", "js", "mjs", "ts", "py", "md", "toml", "json", "html", "css", "sh", "yml", "yaml", "cfg",
    "txt",
];

/// Lines of `text` that cite a document outside the repository, as `line: why (pattern)`.
pub fn outside_citations(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for (pattern, what) in OUTSIDE {
            if line.contains(pattern) {
                found.push(format!("{}: cites {what} (`{pattern}`)", n + 1));
            }
        }
    }
    found
}

/// Every tracked or new (not ignored) text file of the repository that cites a document outside
/// it, as `path:line: why`.
pub fn repository_citations(root: &Path) -> Result<Vec<String>, String> {
    let out = std::process::Command::new("git")
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot list the repository's files (git ls-files): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let mut found = Vec::new();
    for path in out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let path = String::from_utf8_lossy(path);
        let checked = Path::new(path.as_ref())
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| CHECKED.contains(&e));
        if !checked || path == "xtask/src/tidy.rs" {
            continue;
        }
        // A file listed but deleted in the work tree, or not UTF-8, has nothing to check.
        let Ok(text) = std::fs::read_to_string(root.join(path.as_ref())) else {
            continue;
        };
        for hit in outside_citations(&text) {
            found.push(format!("{path}:{hit}"));
        }
    }
    Ok(found)
}

/// The check `cargo xtask test fmt` runs.
pub fn check() -> crate::Result {
    let found = repository_citations(&root())?;
    if found.is_empty() {
        println!("==> comments and documents cite only the repository");
        return Ok(());
    }
    Err(format!(
        "{} line(s) cite a document outside the repository; point at docs/ instead:\n  {}",
        found.len(),
        found.join("\n  ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_citing_the_outside_specification_is_found() {
        let text = "//! Pairing contacts (DESIGN §3, \"Linking\").\n\
                    // the host contract of DESIGN.md\n\
                    # see ../shared/reference/toolchain.md\n\
                    // rules in docs/sync-rules.md#linking\n";
        let found = outside_citations(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("1: cites a section of a specification"));
        assert!(found[2].starts_with("3: cites a folder beside the repository"));
    }

    #[test]
    fn the_repository_cites_only_itself() {
        let found = repository_citations(&root()).expect("the repository's files");
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
