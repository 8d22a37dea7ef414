//! Checks of the project's own rules: the pure core stays pure, the manifest agrees with Cargo.

use std::path::{Path, PathBuf};
use std::process::Command;

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The repository's root, two folders above this crate's.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_core_depends_on_no_wasm_or_js_crate() {
    // Every normal and build dependency, on every target, as `cargo tree` resolves them.
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--offline", "--package", "gcontacts-sync-core"])
        .args([
            "--edges",
            "normal,build",
            "--target",
            "all",
            "--prefix",
            "none",
        ])
        .current_dir(repo())
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).expect("cargo tree prints UTF-8");
    let crates: Vec<&str> = tree.lines().filter_map(|l| l.split(' ').next()).collect();
    assert!(
        crates.contains(&"serde_json"),
        "the tree was not listed: {tree}"
    );
    let forbidden = ["wasm-bindgen", "js-sys", "web-sys", "serde-wasm-bindgen"];
    let offences: Vec<&&str> = crates
        .iter()
        .filter(|c| forbidden.contains(c) || c.starts_with("gloo"))
        .collect();
    assert!(offences.is_empty(), "the core depends on {offences:?}");
}

#[test]
fn the_core_reads_no_clock_and_draws_no_randomness() {
    // The compiler cannot forbid these: they are in std.
    let forbidden = [
        "Instant::now",
        "SystemTime",
        "rand::",
        "thread_rng",
        "std::fs",
        "std::net",
    ];
    let mut offences = Vec::new();
    for (name, text) in sources("crates/core/src") {
        if is_test_file(&name) {
            continue;
        }
        let code = code(&text);
        for word in forbidden {
            if code.contains(word) {
                offences.push(format!("{name} names {word}"));
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn the_manifest_parses_and_its_version_is_cargos() {
    let root = repo();
    let text = std::fs::read_to_string(root.join("plugin-manifest.json")).expect("manifest");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest is JSON");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(manifest["hostApiVersion"], 1);
    let locations: Vec<&str> = manifest["modules"]["widgets"]
        .as_array()
        .expect("widgets")
        .iter()
        .filter_map(|w| w["location"].as_str())
        .collect();
    assert_eq!(
        locations,
        [
            "contacts.list.bulk",
            "contacts.record.more",
            "settings.user",
            "contacts.record.section"
        ]
    );
}

/// Every `.rs` file under the repository's folder `dir`, with its name there and its text.
fn sources(dir: &str) -> Vec<(String, String)> {
    let root = repo();
    let mut paths = Vec::new();
    files(&root.join(dir), &mut paths);
    assert!(!paths.is_empty(), "no source under {dir}");
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable source");
            let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
            (name, text)
        })
        .collect()
}

/// The code of a source, without comments and string literals, where a word is a name.
fn code(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            // Raw strings: `r"…"`, `r#"…"#`.
            'r' if matches!(chars.peek(), Some('"' | '#'))
                && !out.ends_with(|p: char| p.is_alphanumeric() || p == '_') =>
            {
                let mut hashes = 0;
                while chars.peek() == Some(&'#') {
                    chars.next();
                    hashes += 1;
                }
                if chars.next() != Some('"') {
                    continue;
                }
                let close: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let mut tail = String::new();
                for c in chars.by_ref() {
                    tail.push(c);
                    if tail.ends_with(&close) {
                        break;
                    }
                }
                out.push_str("\"\"");
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        '"' if !escaped => break,
                        _ => escaped = false,
                    }
                }
                out.push_str("\"\"");
            }
            // A char literal such as '"' (a lifetime has no closing quote two characters on).
            '\'' => {
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with("\\") {
                    for c in chars.by_ref() {
                        if c == '\'' {
                            break;
                        }
                    }
                    out.push_str("' '");
                } else if rest.chars().nth(1) == Some('\'') {
                    chars.next();
                    chars.next();
                    out.push_str("' '");
                } else {
                    out.push('\'');
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The lines of the files under the folder `dir` whose code names the module `module` (as a path
/// segment, or in a `use` list).
fn naming(dir: &str, module: &str) -> Vec<String> {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut offences = Vec::new();
    for (name, text) in sources(dir) {
        let code = code(&text);
        for (n, line) in code.lines().enumerate() {
            let names_it = line.match_indices(module).any(|(at, _)| {
                let before = line[..at].trim_end();
                let after = line[at + module.len()..].trim_start();
                !line[..at].ends_with(is_name)
                    && !line[at + module.len()..].starts_with(is_name)
                    && (before.ends_with("::")
                        || after.starts_with("::")
                        || before.ends_with('{')
                        || before.ends_with(',')
                        || before.ends_with("mod"))
            });
            if names_it {
                offences.push(format!("{name}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    offences
}

#[test]
fn the_code_scanner_sees_paths_and_skips_comments_and_strings() {
    let text = "use crate::sync::model::Millis; // the sync maps\n\
                let s = \"sync::x\"; let r = r#\"crate::sync\"#; let c = '\"';\n\
                use crate::{json, sync};\n\
                /* sync:: */ let sync_token = 1;";
    let code = code(text);
    assert_eq!(
        code,
        "use crate::sync::model::Millis; \n\
         let s = \"\"; let r = \"\"; let c = ' ';\n\
         use crate::{json, sync};\n \
         let sync_token = 1;"
    );
}

#[test]
fn the_shell_does_not_name_the_bindings() {
    // bindings → shell → core → wire: the bindings convert and call the shell, never back.
    let offences = naming("src/shell", "bindings");
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn the_wire_layer_does_not_name_the_core() {
    // `people` (Google's wire types and codecs) sits under `sync`, which reads it.
    let offences = naming("crates/core/src/people", "sync");
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn the_core_does_not_branch_on_the_target() {
    // The core behaves the same natively and in the browser, so native tests speak for both.
    // Test files may gate on the target: proptest is a native-only dev-dependency.
    let mut offences = Vec::new();
    for dir in ["crates/core/src/sync", "crates/core/src/people"] {
        for (name, text) in sources(dir) {
            if !is_test_file(&name.replace('\\', "/")) && text.contains("target_arch") {
                offences.push(name);
            }
        }
    }
    assert!(offences.is_empty(), "target_arch in: {offences:?}");
}

/// A file that holds tests only: its length follows the cases it checks.
fn is_test_file(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    matches!(file, "tests.rs" | "props.rs" | "testkit.rs") || path.contains("/tests/")
}

#[test]
fn no_source_file_is_over_600_lines() {
    let mut offences: Vec<String> = ["src", "crates", "xtask"]
        .into_iter()
        .flat_map(sources)
        .filter(|(name, _)| !is_test_file(&name.replace('\\', "/")))
        .map(|(name, text)| (name, text.lines().count()))
        .filter(|&(_, lines)| lines > 600)
        .map(|(name, lines)| format!("{name}: {lines} lines"))
        .collect();
    offences.sort();
    assert!(
        offences.is_empty(),
        "split by job:\n{}",
        offences.join("\n")
    );
}
