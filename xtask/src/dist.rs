//! `cargo xtask dist`: the release an administrator installs without a Rust toolchain, in `dist/`.
//!
//! - `google-contacts-sync-<version>.tar.gz`: everything a host serves (the manifest, the
//!   loader, the wasm, its glue and the inline-wasm variant, the worker, the settings panel and
//!   its CSS, the OAuth callback page, the TypeScript declarations), laid out as the repository
//!   is: the manifest at the top and the files under `www/`, so the manifest's paths hold as
//!   written. The manifest carries each file's SRI hash (`integrity`, SHA-384), which the loader
//!   checks before it uses a file (`www/plugin-loader.js`).
//! - `gcontacts_sync_creme-<version>-py3-none-any.whl`: the Creme app with that same plugin
//!   inside (`gcontacts_sync_creme/plugin/`), built by pip from `hosts/creme` with
//!   `GCS_PLUGIN_BUILD` naming the staged tree (`hosts/creme/setup.py` copies it in).
//!
//! One version number names a release: Cargo.toml's, the manifest's, pyproject.toml's and the
//! newest entry of CHANGELOG.md must agree ([`version`]), here and in a test.

use crate::run::{self, root};
use crate::Result;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The plugin's id, which names the archive and its top folder.
const PLUGIN: &str = "google-contacts-sync";

/// What `cargo xtask dist` made: the release's version, its archive and its wheel.
pub struct Dist {
    pub version: String,
    pub archive: PathBuf,
    pub wheel: PathBuf,
}

/// Builds the release wasm, stages the plugin with its hashes, and writes the archive and the
/// wheel into `dist/`.
pub fn dist() -> Result<Dist> {
    let version = version()?;
    crate::wasm::build()?;
    let top = format!("{PLUGIN}-{version}");
    let stage = root().join("target/dist").join(&top);
    let _ = std::fs::remove_dir_all(&stage);
    let files = plugin_files()?;
    for f in &files {
        let to = stage.join(f);
        mkdirs(to.parent().unwrap_or(&stage))?;
        std::fs::copy(root().join(f), &to).map_err(|e| format!("cannot stage {f}: {e}"))?;
    }
    std::fs::copy(root().join("CHANGELOG.md"), stage.join("CHANGELOG.md"))
        .map_err(|e| format!("cannot stage CHANGELOG.md: {e}"))?;
    let manifest = manifest_with_integrity(&files)?;
    write(&stage.join("plugin-manifest.json"), &manifest)?;

    let out = root().join("dist");
    mkdirs(&out)?;
    let archive = out.join(format!("{top}.tar.gz"));
    write_archive(&stage, &top, &archive)?;
    let wheel = build_wheel(&stage, &out, &version)?;
    for f in [&archive, &wheel] {
        let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        println!("dist: {} ({size} bytes)", f.display());
    }
    Ok(Dist {
        version,
        archive,
        wheel,
    })
}

/// The release's version: Cargo.toml's, once the manifest, pyproject.toml and the CHANGELOG's
/// newest entry are found to say the same.
pub fn version() -> Result<String> {
    let read = |p: &str| {
        std::fs::read_to_string(root().join(p)).map_err(|e| format!("cannot read {p}: {e}"))
    };
    let quoted = |text: &str, key: &str| {
        text.lines().find_map(|l| {
            let rest = l.trim().strip_prefix(key)?.trim_start();
            let rest = rest.strip_prefix('=').or_else(|| rest.strip_prefix(':'))?;
            Some(
                rest.trim()
                    .trim_end_matches(',')
                    .trim_matches('"')
                    .to_string(),
            )
        })
    };
    let cargo = quoted(&read("Cargo.toml")?, "version").ok_or("Cargo.toml has no version")?;
    let sources = [
        (
            "plugin-manifest.json",
            quoted(&read("plugin-manifest.json")?, "\"version\""),
        ),
        (
            "hosts/creme/pyproject.toml",
            quoted(&read("hosts/creme/pyproject.toml")?, "version"),
        ),
        ("CHANGELOG.md", changelog_version(&read("CHANGELOG.md")?)),
    ];
    for (file, v) in sources {
        if v.as_deref() != Some(cargo.as_str()) {
            return Err(format!(
                "{file} says version {}, Cargo.toml {cargo}: one release has one version",
                v.as_deref().unwrap_or("(none)")
            ));
        }
    }
    Ok(cargo)
}

/// The version of the CHANGELOG's newest entry (`## 0.2.0 …`).
fn changelog_version(text: &str) -> Option<String> {
    let line = text.lines().find(|l| l.starts_with("## "))?;
    let v = line[3..].split_whitespace().next()?;
    Some(v.trim_matches(['[', ']']).to_string())
}

/// Every file a host serves, as paths from the repository root, sorted: the loader and what it
/// loads, the OAuth callback, the declarations; not the demo, nor the READMEs.
fn plugin_files() -> Result<Vec<String>> {
    let mut files: Vec<String> = [
        "www/plugin-loader.js",
        "www/types.d.ts",
        "www/oauth-callback.html",
        "www/oauth-callback.js",
    ]
    .map(String::from)
    .to_vec();
    for dir in ["www/plugin", "www/pkg"] {
        walk(&root().join(dir), &mut |p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let keep = !matches!(name, "README.md" | "package.json" | ".gitignore")
                && !p.components().any(|c| c.as_os_str() == "testing");
            if keep {
                let rel = p.strip_prefix(root()).unwrap_or(p);
                files.push(rel.to_string_lossy().replace('\\', "/"));
            }
        })?;
    }
    if !files.iter().any(|f| f.ends_with(".wasm")) {
        return Err("www/pkg holds no wasm: the build did not run".into());
    }
    files.sort();
    Ok(files)
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) -> Result {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, f)?;
        } else {
            f(&p);
        }
    }
    Ok(())
}

/// A file's Subresource Integrity value: `sha384-` and the base64 of its SHA-384 digest.
pub fn sri(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    let digest = sha2::Sha384::digest(bytes);
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The checked-in manifest with `integrity` (each staged file's SRI hash, by its manifest path)
/// added as its last key, the rest of its text as it is.
fn manifest_with_integrity(files: &[String]) -> Result<String> {
    let text = std::fs::read_to_string(root().join("plugin-manifest.json"))
        .map_err(|e| format!("cannot read plugin-manifest.json: {e}"))?;
    let manifest: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("plugin-manifest.json: {e}"))?;
    if manifest.get("integrity").is_some() {
        return Err("the checked-in plugin-manifest.json has hashes: a release adds them".into());
    }
    let body = text
        .trim_end()
        .strip_suffix('}')
        .ok_or("plugin-manifest.json is not an object")?;
    let mut lines = Vec::new();
    for f in files {
        let bytes = std::fs::read(root().join(f)).map_err(|e| format!("cannot read {f}: {e}"))?;
        let path = serde_json::Value::from(f.as_str());
        lines.push(format!("    {path}: \"{}\"", sri(&bytes)));
    }
    let out = format!(
        "{},\n  \"integrity\": {{\n{}\n  }}\n}}\n",
        body.trim_end(),
        lines.join(",\n")
    );
    serde_json::from_str::<serde_json::Value>(&out)
        .map_err(|e| format!("the release manifest is not JSON: {e}"))?;
    Ok(out)
}

/// `stage` as a gzipped tar whose entries sit under `top/`, in name order, with fixed times and
/// modes, so the same tree always makes the same archive.
fn write_archive(stage: &Path, top: &str, archive: &Path) -> Result {
    let file = std::fs::File::create(archive)
        .map_err(|e| format!("cannot create {}: {e}", archive.display()))?;
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    let mut tar = tar::Builder::new(gz);
    let mut failed = None;
    walk(stage, &mut |p| {
        if failed.is_some() {
            return;
        }
        let rel = p.strip_prefix(stage).unwrap_or(p).to_string_lossy();
        let added = std::fs::read(p).and_then(|bytes| {
            let mut h = tar::Header::new_gnu();
            h.set_size(bytes.len() as u64);
            h.set_mode(0o644);
            h.set_mtime(0);
            h.set_cksum();
            tar.append_data(&mut h, format!("{top}/{rel}"), bytes.as_slice())
        });
        if let Err(e) = added {
            failed = Some(format!("cannot archive {rel}: {e}"));
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    tar.into_inner()
        .and_then(|gz| gz.finish())
        .map(drop)
        .map_err(|e| format!("cannot write {}: {e}", archive.display()))
}

/// The Creme app's wheel, built by pip in a venv of its own, carrying `stage`'s plugin; checked
/// to hold every staged file byte for byte.
fn build_wheel(stage: &Path, out: &Path, version: &str) -> Result<PathBuf> {
    let venv = root().join("target/dist/venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run::step(
            "create a Python venv to build the wheel (target/dist/venv)",
            run::cmd("python3", &["-m", "venv", &venv.to_string_lossy()]),
        )
        .map_err(|e| {
            format!("{e}: install Python 3 with its venv module (Debian: python3-venv)")
        })?;
    }
    let app = root().join("hosts/creme");
    // setuptools' build folder would carry files of an earlier build into this one.
    let _ = std::fs::remove_dir_all(app.join("build"));
    let wheel = out.join(format!("gcontacts_sync_creme-{version}-py3-none-any.whl"));
    let _ = std::fs::remove_file(&wheel);
    let mut c = Command::new(&python);
    c.args(["-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir"])
        .arg(out)
        .arg(&app)
        .env("GCS_PLUGIN_BUILD", stage)
        .current_dir(root());
    run::step("build the Creme app's wheel (pip wheel hosts/creme)", c)?;
    let _ = std::fs::remove_dir_all(app.join("build"));
    if !wheel.exists() {
        return Err(format!("pip made no {}", wheel.display()));
    }
    let mut check = Command::new(&python);
    check
        .args(["-c", WHEEL_CHECK])
        .arg(&wheel)
        .arg(stage)
        .current_dir(root());
    run::step("the wheel holds the staged plugin", check)?;
    Ok(wheel)
}

/// Fails unless the wheel (argv[1]) holds every file the stage (argv[2]) serves under
/// `gcontacts_sync_creme/plugin/`, with the same bytes.
const WHEEL_CHECK: &str = "import pathlib, sys, zipfile
wheel, stage = zipfile.ZipFile(sys.argv[1]), pathlib.Path(sys.argv[2])
names = set(wheel.namelist())
bad = []
for f in sorted(p for p in stage.rglob('*') if p.is_file() and p.name != 'CHANGELOG.md'):
    rel = f.relative_to(stage).as_posix()
    if rel.endswith('.d.ts'):
        continue
    inner = 'gcontacts_sync_creme/plugin/' + (rel[4:] if rel.startswith('www/') else rel)
    if inner not in names or wheel.read(inner) != f.read_bytes():
        bad.append(inner)
if bad:
    sys.exit('the wheel lacks or differs in: ' + ', '.join(bad))
";

fn mkdirs(dir: &Path) -> Result {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn cargo_toml_the_manifest_pyproject_and_the_changelog_name_one_version() {
        let v = super::version().unwrap_or_else(|e| panic!("{e}"));
        assert!(v.split('.').count() == 3, "{v}");
    }

    #[test]
    fn sri_is_the_base64_sha384_browsers_compare() {
        // SHA-384 of "abc" (FIPS 180-2's example), as `openssl dgst -sha384 -binary | base64`.
        assert_eq!(
            super::sri(b"abc"),
            "sha384-ywB1P0WjXou1oD1pmsZQBycsMqsO3tFjGotgWkP/W+2AhgcroefMI1i67KE0yCWn"
        );
    }

    #[test]
    fn the_changelog_version_is_its_first_heading() {
        let text = "# Changelog\n\nintro\n\n## 0.2.0 — 2026-12-07\n\n- x\n\n## 0.1.0\n";
        assert_eq!(super::changelog_version(text).as_deref(), Some("0.2.0"));
        assert_eq!(
            super::changelog_version("## [1.0.0]").as_deref(),
            Some("1.0.0")
        );
    }
}
