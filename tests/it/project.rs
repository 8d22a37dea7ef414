//! Checks of the project's own rules: the pure core stays pure, the manifest agrees with Cargo.

use std::path::Path;

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

#[test]
fn the_core_names_no_wasm_or_js_crate_no_clock_and_no_randomness() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let forbidden = [
        "wasm_bindgen",
        "js_sys",
        "web_sys",
        "gloo",
        "serde_wasm_bindgen",
        "Instant::now",
        "SystemTime",
        "rand::",
        "thread_rng",
        "std::fs",
        "std::net",
    ];
    let mut paths = Vec::new();
    for dir in ["src/sync", "src/people"] {
        files(&root.join(dir), &mut paths);
    }
    assert!(paths.len() > 10, "the core's files were not found");
    let mut offences = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(&path).expect("readable source");
        for word in forbidden {
            if text.contains(word) {
                offences.push(format!("{} names {word}", path.display()));
            }
        }
    }
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn the_manifest_parses_and_its_version_is_cargos() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
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
            "settings.user"
        ]
    );
}
