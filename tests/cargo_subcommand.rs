//! `cargo async-lint` selects packages as `cargo clippy` does: `-p`, `--workspace`,
//! `--manifest-path`, the current package by default, from any folder of the workspace, with
//! paths relative to the workspace root.

mod common;

use common::project;
use std::path::Path;

const BLOCKING: &str = "async fn load() -> Vec<u8> {\n    std::fs::read(\"a\").unwrap()\n}\n";

fn workspace() -> tempfile::TempDir {
    project(&[
        (
            "Cargo.toml",
            b"[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
        ),
        (
            "crates/a/Cargo.toml",
            b"[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("crates/a/src/lib.rs", BLOCKING.as_bytes()),
        (
            "crates/b/Cargo.toml",
            b"[package]\nname = \"b\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("crates/b/src/lib.rs", BLOCKING.as_bytes()),
        ("loose/x.rs", BLOCKING.as_bytes()),
    ])
}

/// Runs `cargo async-lint <args> --format json` (as cargo calls the binary) in `dir`: exit
/// code and the files with findings.
fn cargo_async_lint(dir: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let bin = common::binary()
        .with_file_name(format!("cargo-async-lint{}", std::env::consts::EXE_SUFFIX));
    let out = std::process::Command::new(bin)
        .current_dir(dir)
        .arg("async-lint")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let files = serde_json::from_slice::<serde_json::Value>(&out.stdout)
        .map(|doc| {
            doc["findings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| f["file"].as_str().expect("file").to_string())
                .collect()
        })
        .unwrap_or_default();
    (out.status.code().expect("exit code"), files, stderr)
}

#[test]
fn package_selection_from_a_subfolder() {
    let ws = workspace();
    let sub = ws.path().join("crates/a/src");
    assert_eq!(
        cargo_async_lint(&sub, &[]).1,
        ["crates/a/src/lib.rs"],
        "by default the current package, named from the workspace root"
    );
    assert_eq!(
        cargo_async_lint(&sub, &["-p", "b"]).1,
        ["crates/b/src/lib.rs"]
    );
    assert_eq!(
        cargo_async_lint(&sub, &["--package", "a", "-p", "b"]).1,
        ["crates/a/src/lib.rs", "crates/b/src/lib.rs"]
    );
    assert_eq!(
        cargo_async_lint(&sub, &["--workspace"]).1,
        ["crates/a/src/lib.rs", "crates/b/src/lib.rs"],
        "members only: loose files are no package's"
    );
    assert_eq!(
        cargo_async_lint(&sub, &["--manifest-path", "../../b/Cargo.toml"]).1,
        ["crates/b/src/lib.rs"]
    );
    assert_eq!(
        cargo_async_lint(ws.path(), &[]).1,
        ["crates/a/src/lib.rs", "crates/b/src/lib.rs"],
        "at a virtual manifest, every (default) member"
    );
    let (code, _, stderr) = cargo_async_lint(&sub, &["-p", "nope"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("package `nope` is not a member"),
        "{stderr}"
    );
    let (code, _, stderr) = cargo_async_lint(&sub, &["-p", "a", "src"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_root_package_leaves_out_nested_members() {
    let dir = project(&[
        (
            "Cargo.toml",
            b"[package]\nname = \"root\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\nmembers = [\"inner\"]\n",
        ),
        ("src/lib.rs", BLOCKING.as_bytes()),
        (
            "inner/Cargo.toml",
            b"[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        ("inner/src/lib.rs", BLOCKING.as_bytes()),
    ]);
    assert_eq!(cargo_async_lint(dir.path(), &[]).1, ["src/lib.rs"]);
    assert_eq!(
        cargo_async_lint(&dir.path().join("inner"), &["-p", "root"]).1,
        ["src/lib.rs"]
    );
    assert_eq!(
        cargo_async_lint(&dir.path().join("src"), &["--workspace"]).1,
        ["inner/src/lib.rs", "src/lib.rs"]
    );
}
