//! `--fix`, `--diff` and `--unsafe-fixes` end to end, on the golden cases in `tests/fix/`:
//! `<case>.rs` is the file before, `<case>.fixed.rs` after `async-lint check --fix`. Header
//! directives: `//@ dependencies: tokio+fs+time, smol?` (`+feature`, `?` = optional),
//! `//@ dev-dependencies: ..`,
//! `//@ path: tests/x.rs` (where the file sits in its package; default `src/lib.rs`),
//! `//@ config: <toml line>` (lines of an async-lint.toml beside the Cargo.toml),
//! `//@ args: --unsafe-fixes` (more arguments).
//!
//! Every case also checks that `--diff` shows exactly that change and writes nothing, and that
//! a second `--fix` changes nothing (idempotence). `UPDATE_FIXED=1` rewrites the `.fixed.rs`
//! files — read every change before committing it.

mod common;
#[path = "common/fix_case.rs"]
mod fix_case;

use common::check;
use fix_case::{directive, package};

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

#[test]
fn golden_fix_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fix");
    let update = std::env::var_os("UPDATE_FIXED").is_some();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("tests/fix")
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "rs") && !p.to_string_lossy().ends_with(".fixed.rs")
        })
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "the golden cases are there");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .into_owned();
        let before = std::fs::read_to_string(case).expect("before");
        let expected_path = case.with_extension("fixed.rs");
        let extra = directive(&before, "args");
        let (dir, rel) = package(&before);
        let file = dir.path().join(&rel);

        let mut diff_args = vec!["--diff"];
        diff_args.extend(&extra);
        let (diff_code, diff, _) = check(dir.path(), &diff_args);
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            before,
            "{name}: --diff writes nothing"
        );

        let mut fix_args = vec!["--fix", "--quiet"];
        fix_args.extend(&extra);
        let (_, _, stderr) = check(dir.path(), &fix_args);
        let after = std::fs::read_to_string(&file).expect("read");
        if update {
            std::fs::write(&expected_path, &after).expect("update");
        }
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|_| panic!("{name}: {} is missing", expected_path.display()));
        if after != expected {
            failures.push(format!("{name}: fixed file differs\n--- expected\n{expected}\n--- got\n{after}\n--- stderr\n{stderr}"));
            continue;
        }
        assert!(!stderr.contains("not applied"), "{name}: {stderr}");
        // --diff showed exactly this change.
        let changed = before != after;
        assert_eq!(
            diff_code,
            i32::from(changed),
            "{name}: --diff exits 1 when there is a change"
        );
        assert_eq!(!diff.is_empty(), changed, "{name}: {diff}");
        if changed {
            let rel_name = rel.to_string_lossy();
            assert!(
                diff.starts_with(&format!("--- a/{rel_name}\n+++ b/{rel_name}\n")),
                "{name}: {diff}"
            );
            let minus = diff
                .lines()
                .filter(|l| l.starts_with('-') && !l.starts_with("---"))
                .count();
            let plus = diff
                .lines()
                .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                .count();
            let removed = before
                .lines()
                .filter(|l| !after.lines().any(|a| a == *l))
                .count();
            let added = after
                .lines()
                .filter(|l| !before.lines().any(|b| b == *l))
                .count();
            assert_eq!(
                (minus, plus),
                (removed, added),
                "{name}: the diff is the change: {diff}"
            );
        }
        // Idempotent: a second --fix changes nothing, and --diff has nothing to show.
        check(dir.path(), &fix_args);
        assert_eq!(
            std::fs::read_to_string(&file).expect("read"),
            after,
            "{name}: a second --fix changed the file"
        );
        let (code, diff, _) = check(dir.path(), &diff_args);
        assert_eq!(
            (code, diff.as_str()),
            (0, ""),
            "{name}: nothing left to fix"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn fixes_keep_permissions_and_symlinks_and_leave_no_temporary_files() {
    let before = "//@ dependencies: tokio+time\npub async fn nap() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    let (dir, rel) = package(before);
    let real = dir.path().join(&rel);
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    let link = dir.path().join("src/link.rs");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let (code, _, stderr) = check(dir.path(), &["--fix", "src/link.rs"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("fixed 1 finding in 1 file"), "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink(),
        "the symlink stays a symlink"
    );
    assert!(
        std::fs::read_to_string(&real)
            .expect("read")
            .contains("tokio::time::sleep"),
        "its target is fixed"
    );
    assert_eq!(
        std::fs::metadata(&real).expect("meta").permissions().mode() & 0o777,
        0o640,
        "permissions kept"
    );
    let leftovers: Vec<String> = std::fs::read_dir(dir.path().join("src"))
        .expect("src")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn remaining_findings_are_reported_after_fixing() {
    let before = "//@ dependencies: tokio+time\npub async fn a(p: &str) {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n    let _f = std::fs::File::open(p);\n}\n";
    let (dir, _) = package(before);
    let (code, stdout, _) = check(dir.path(), &["--fix", "--format", "json"]);
    assert_eq!(code, 1, "one finding is left");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(doc["summary"]["findings"], 1);
    assert!(doc["findings"][0]["message"]
        .as_str()
        .expect("message")
        .contains("File::open"));
    assert_eq!(
        doc["findings"][0]["start"]["line"], 4,
        "positions are those of the fixed file"
    );
}
