//! Shared by the end-to-end tests: the `async-lint` binary, built fresh.
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
