//! Proof by compiling that `--fix` never breaks a build. Every case of `tests/fix/` whose
//! dependencies are in `tests/fix/compile/Cargo.toml` (tokio, async-trait, tracing), and the
//! cases of `tests/fix/compile/cases/`, become the packages of one workspace (versions pinned
//! by `tests/fix/compile/Cargo.lock`, built offline into one shared target dir, so tokio is
//! built once). The workspace must `cargo check` before the fixes and after them; a case marked
//! `//@ expect: unchanged` must be left alone (something `!Send` or that must not cross an
//! await is alive where the fix would add one), one marked `//@ expect: changed` must be fixed;
//! and the next run must report no rule that was not reported before the fix.
//!
//! The test never downloads anything: `.ci/run` fetches the dependencies first
//! (`cargo fetch --manifest-path tests/fix/compile/Cargo.toml`). Without them the test is
//! skipped with a loud warning, and fails when `CI` is set.

mod common;
#[path = "common/fix_case.rs"]
mod fix_case;

use fix_case::{directive, write_package};
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The crates the compile cases may depend on: those of `tests/fix/compile/Cargo.toml`.
const AVAILABLE: &[&str] = &["tokio", "async-trait", "tracing"];

struct Case {
    name: String,
    before: String,
    /// The case's file, absolute.
    file: PathBuf,
    args: Vec<String>,
    expect: Option<String>,
    rules_before: BTreeSet<String>,
}

fn cargo(root: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", root.join("target/fix-compile"))
        // An import a fix leaves unused fails `-D warnings` builds: an error here too (the
        // cases' other warnings, such as unused private fns, are not the fixes' doing).
        .env("RUSTFLAGS", "-D unused-imports")
        .output()
        .expect("cargo runs")
}

fn rules_reported(dir: &Path, args: &[String]) -> BTreeSet<String> {
    let mut all = vec!["--format", "json-lines", "--exit-zero"];
    all.extend(
        args.iter()
            .map(String::as_str)
            .filter(|a| *a != "--unsafe-fixes"),
    );
    let (_, stdout, stderr) = common::check(dir, &all);
    assert!(stderr.is_empty(), "{}: {stderr}", dir.display());
    stdout
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json line");
            v["rule"].as_str().expect("rule").to_string()
        })
        .collect()
}

fn cases(root: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["tests/fix", "tests/fix/compile/cases"] {
        for entry in std::fs::read_dir(root.join(dir)).expect("cases").flatten() {
            let p = entry.path();
            let name = p.to_string_lossy();
            if p.extension().is_none_or(|e| e != "rs") || name.ends_with(".fixed.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("case");
            let deps_available = ["dependencies", "dev-dependencies"]
                .iter()
                .flat_map(|k| directive(&text, k))
                .all(|d| {
                    let n = d.split(['+', '@', '?']).next().unwrap_or(d);
                    AVAILABLE.contains(&n)
                });
            if deps_available && directive(&text, "no-compile").is_empty() {
                let stem = p.file_stem().expect("stem").to_string_lossy().into_owned();
                out.push((stem, text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixed_crates_still_compile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let deps = root.join("tests/fix/compile");
    let warm = cargo(root, &deps, &["check", "--offline", "--quiet"]);
    if !warm.status.success() {
        let why = format!(
            "the compile proof of --fix needs its dependencies downloaded (`cargo fetch \
             --manifest-path tests/fix/compile/Cargo.toml`, which .ci/run does): {}",
            String::from_utf8_lossy(&warm.stderr)
        );
        assert!(std::env::var_os("CI").is_none(), "{why}");
        let _ = writeln!(std::io::stderr(), "\n*** WARNING: SKIPPED: {why} ***\n");
        return;
    }

    let ws = tempfile::tempdir().expect("tempdir");
    let mut members = Vec::new();
    let mut all = Vec::new();
    for (stem, before) in cases(root) {
        let name = format!("c_{stem}");
        let rel = write_package(&ws.path().join(&name), &name, &before);
        let file = ws.path().join(&name).join(rel);
        members.push(format!("\"{name}\""));
        let args = directive(&before, "args")
            .iter()
            .map(|s| s.to_string())
            .collect();
        let expect = directive(&before, "expect").first().map(|s| s.to_string());
        all.push(Case {
            name,
            before,
            file,
            args,
            expect,
            rules_before: BTreeSet::new(),
        });
    }
    assert!(all.len() >= 12, "the cases are there: {}", all.len());
    std::fs::write(
        ws.path().join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
            members.join(", ")
        ),
    )
    .expect("workspace");
    std::fs::copy(deps.join("Cargo.lock"), ws.path().join("Cargo.lock")).expect("lock");
    let check = [
        "check",
        "--offline",
        "--workspace",
        "--all-targets",
        "--all-features",
        "--quiet",
    ];
    let before = cargo(root, ws.path(), &check);
    assert!(
        before.status.success(),
        "a case does not compile before any fix:\n{}",
        String::from_utf8_lossy(&before.stderr)
    );

    for case in &mut all {
        let dir = ws.path().join(&case.name);
        case.rules_before = rules_reported(&dir, &case.args);
        let mut args = vec!["--fix", "--quiet", "--exit-zero"];
        args.extend(case.args.iter().map(String::as_str));
        let (code, _, stderr) = common::check(&dir, &args);
        assert_eq!(code, 0, "{}: {stderr}", case.name);
    }

    let after = cargo(root, ws.path(), &check);
    assert!(
        after.status.success(),
        "a fixed case no longer compiles:\n{}",
        String::from_utf8_lossy(&after.stderr)
    );
    let mut failures = Vec::new();
    for case in &all {
        let text = std::fs::read_to_string(&case.file).expect("fixed");
        let changed = text != case.before;
        match case.expect.as_deref() {
            Some("unchanged") if changed => failures.push(format!(
                "{}: changed, expected unchanged:\n{text}",
                case.name
            )),
            Some("changed") if !changed => failures.push(format!("{}: nothing fixed", case.name)),
            _ => {}
        }
        let dir = ws.path().join(&case.name);
        let new: Vec<String> = rules_reported(&dir, &case.args)
            .difference(&case.rules_before)
            .cloned()
            .collect();
        if !new.is_empty() {
            failures.push(format!(
                "{}: the fix brought new findings of {new:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
