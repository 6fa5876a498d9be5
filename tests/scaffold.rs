//! `tests/new-rule.sh` scaffolds a rule that the registry accepts: run into a copy of the
//! repository, it creates the rule file, the page, the fixtures and registers the rule in
//! RULES and the README table, in the shapes tests/registry.rs checks. The ignored test builds
//! the copy and runs the registry and fixture tests on it (minutes: a whole build).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copies `from` into `to`, recreating symlinks as symlinks and leaving out `target/`.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        let kind = entry.file_type().expect("file type");
        if kind.is_symlink() {
            let link = std::fs::read_link(&src).expect("read_link");
            std::os::unix::fs::symlink(link, &dst).expect("symlink");
        } else if kind.is_dir() {
            if entry.file_name() != "target" && entry.file_name() != ".git" {
                copy_tree(&src, &dst);
            }
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

/// A copy of the repository's sources, rules, fixtures, tests and README.
fn copy_of_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["Cargo.toml", "Cargo.lock", "README.md"] {
        std::fs::copy(root().join(name), dir.path().join(name)).expect("copy");
    }
    for name in ["crates", "rules", "fixtures", "tests"] {
        copy_tree(&root().join(name), &dir.path().join(name));
    }
    dir
}

fn scaffold(repo: &Path, name: &str) -> std::process::Output {
    Command::new("bash")
        .arg(root().join("tests/new-rule.sh"))
        .arg(name)
        .arg(repo)
        .output()
        .expect("bash runs")
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn the_scaffold_creates_and_registers_every_part_of_a_rule() {
    let repo = copy_of_repo();
    let repo = repo.path();
    let out = scaffold(repo, "slow-widget");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let source = read(repo.join("crates/async-lint-core/src/rules/slow_widget.rs"));
    assert!(
        source.contains("declare_rule! { SlowWidget: \"slow-widget\","),
        "the rule is declared with its type and name: {source}"
    );
    assert!(source.contains("rule_meta!();"), "its impl gives the meta");
    assert!(
        source.contains("options: SlowWidgetOptions,")
            && source.contains("cx.options::<SlowWidgetOptions>().sync_code"),
        "its options are one typed struct, read typed: {source}"
    );

    let registry = read(repo.join("crates/async-lint-core/src/rules/mod.rs"));
    assert!(
        registry.contains("\nmod slow_widget;\n"),
        "the module is declared"
    );
    let table = &registry[registry.find("pub static RULES").expect("RULES")..];
    let table = &table[..table.find("];").expect("end of RULES")];
    assert!(
        table.trim_end().ends_with("&slow_widget::SlowWidget,"),
        "the rule ends RULES: {table}"
    );

    let page = read(repo.join("rules/slow-widget.md"));
    assert!(page.starts_with("# slow-widget\n"));
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ] {
        assert!(page.contains(section), "the page has {section}");
    }

    let fixture = read(repo.join("fixtures/slow-widget/calls.rs"));
    assert!(fixture.contains("//~ slow-widget"), "a positive fixture");
    assert!(repo.join("fixtures/slow-widget/negative_sync.rs").is_file());

    let readme = read(repo.join("README.md"));
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| [`")).collect();
    assert_eq!(
        rows.last().copied(),
        Some("| [`slow-widget`](rules/slow-widget.md) | warning | a call of `replace_me()` in async code |"),
        "the README row follows the other rows"
    );
    let original = read(root().join("README.md"));
    assert_eq!(
        readme.lines().count(),
        original.lines().count() + 1,
        "only the row is added"
    );
}

#[test]
fn the_scaffold_refuses_bad_names_and_existing_rules() {
    let repo = copy_of_repo();
    let repo = repo.path();
    for bad in ["Slow_Widget", "slow--widget", "-slow", "slow widget"] {
        let out = scaffold(repo, bad);
        assert_eq!(out.status.code(), Some(2), "`{bad}` is refused");
    }
    let out = scaffold(repo, "blocking-in-async");
    assert_eq!(out.status.code(), Some(1), "an existing rule is refused");
    assert_eq!(
        read(repo.join("README.md")),
        read(root().join("README.md")),
        "a refused name changes nothing"
    );
}

/// `cargo test -- --ignored scaffolded`: the scaffolded rule compiles and passes the registry
/// and fixture tests in a copy of the repository (a whole build of the copy).
#[test]
#[ignore = "builds a copy of the workspace"]
fn a_scaffolded_rule_passes_the_registry_and_fixture_tests() {
    let repo = copy_of_repo();
    let repo = repo.path();
    assert!(scaffold(repo, "slow-widget").status.success());
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The repository's target folder: its built dependencies are reused; the copy's own
    // crates, at another path, are built beside this checkout's.
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let status = Command::new(cargo)
        .args(["test", "--test", "registry", "--test", "fixtures"])
        .current_dir(repo)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the scaffolded rule fails the tests");
}
