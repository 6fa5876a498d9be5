//! Shared by the end-to-end tests: the `async-lint` binary (built fresh), a throwaway project
//! folder, and one run of `async-lint check`. Each test crate uses a part of it.
#![allow(dead_code)]
//!
//! The tests live in the workspace's root package, and cargo only builds another package's
//! binaries for `cargo test --workspace`; `cargo test --test cli` alone would run a stale one.
//! So the first call builds it (a no-op when it is up to date).

use std::path::PathBuf;
use std::sync::OnceLock;

/// Path of the freshly built `async-lint` binary.
pub fn binary() -> PathBuf {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = std::process::Command::new(cargo)
            .args(["build", "--quiet", "-p", "async-lint", "--bins"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("cargo runs");
        assert!(status.success(), "building async-lint failed");
        let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"),
            PathBuf::from,
        );
        target
            .join("debug")
            .join(format!("async-lint{}", std::env::consts::EXE_SUFFIX))
    })
    .clone()
}

/// A command running the binary.
#[allow(
    dead_code,
    reason = "not every test file runs the binary through assert_cmd"
)]
pub fn command() -> assert_cmd::Command {
    assert_cmd::Command::new(binary())
}

/// A temporary folder holding `files` (path, contents).
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

/// Runs `async-lint check <args>` in `dir` (NO_COLOR unset): exit code, stdout, stderr.
pub fn check(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let out = command()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
