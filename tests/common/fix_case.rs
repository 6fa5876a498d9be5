//! A `tests/fix/` case as a package: its `Cargo.toml` from the header directives
//! (`//@ dependencies: tokio+fs+time, smol?, async-trait@0.1`, `//@ dev-dependencies: ..`, `//@ path: ..`,
//! `//@ config: ..`, `//@ also-file: path: text`), shared by the golden fix test and the compile proof.

use std::path::{Path, PathBuf};

pub fn directive<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("//@ {key}:");
    text.lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .flat_map(|v| v.split([',', ' ']).filter(|s| !s.is_empty()))
        .collect()
}

/// A package for a case: its Cargo.toml from the directives, the file at its path.
#[allow(
    dead_code,
    reason = "the compile proof writes its packages into one workspace with write_package"
)]
pub fn package(before: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let rel = write_package(dir.path(), "case", before);
    (dir, rel)
}

/// Writes the package of a case into `dir` under the package name `name`; returns the path of
/// the case's file relative to `dir`.
pub fn write_package(dir: &Path, name: &str, before: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("package folder");
    let mut manifest =
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    for key in ["dependencies", "dev-dependencies"] {
        let deps = directive(before, key);
        if !deps.is_empty() {
            manifest.push_str(&format!("\n[{key}]\n"));
            for d in deps {
                let (d, optional) = d.strip_suffix('?').map_or((d, false), |n| (n, true));
                let mut parts = d.split('+');
                // `name@version` where the major is not 1 (`async-trait@0.1`).
                let first = parts.next().expect("name");
                let (name, version) = first.split_once('@').unwrap_or((first, "1"));
                let features: Vec<String> = parts.map(|f| format!("\"{f}\"")).collect();
                manifest.push_str(&format!(
                    "{name} = {{ version = \"{version}\", features = [{}], optional = {optional} }}\n",
                    features.join(", ")
                ));
            }
        }
    }
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    let config: Vec<&str> = before
        .lines()
        .filter_map(|l| l.strip_prefix("//@ config:"))
        .map(str::trim)
        .collect();
    if !config.is_empty() {
        std::fs::write(dir.join("async-lint.toml"), config.join("\n") + "\n").expect("config");
    }
    // `//@ also-file: src/child.rs: <one line of Rust>`: another file of the package.
    for line in before.lines() {
        if let Some((path, text)) = line
            .strip_prefix("//@ also-file:")
            .and_then(|r| r.trim().split_once(": "))
        {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, format!("{text}\n")).expect("also-file");
        }
    }
    let rel = directive(before, "path")
        .first()
        .copied()
        .unwrap_or("src/lib.rs")
        .to_string();
    let file = dir.join(&rel);
    std::fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
    std::fs::write(&file, before).expect("write");
    PathBuf::from(rel)
}
