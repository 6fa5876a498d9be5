//! The fixture harness: every `fixtures/<rule>/*.rs` file is linted with its rule, and the
//! findings must match the inline annotations exactly.
//!
//! - `//~ rule-name` at the end of a line: that line must get a finding of that rule;
//!   `//~^ rule-name` (one `^` per line up) points at a line above;
//!   `//~ rule-name: text` also requires `text` in the message.
//! - Header directives: `//@ config: <toml line>` (repeatable; joined into an async-lint.toml),
//!   `//@ runtime: tokio|async-std|smol`, `//@ rules: a, b` (rules to run; default: the folder's),
//!   `//@ edition: 2021` (the crate's edition; default: unknown).
//!
//! Any missed or unexpected finding fails, named by `file:line`.
//!
//! A folder `fixtures/crate-<name>/` is a small crate (`Cargo.toml`, `src/`, maybe `tests/`)
//! for what crosses files: every `.rs` file in it is linted against the crate's index, with
//! the rules its `//@ rules:` directive names (required there).

use async_lint_core::{
    module_path, Config, CrateIndex, CrateInfo, Engine, FileResult, IndexScope, Runtime, Selection,
    SourceFile,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Expected {
    line: usize,
    rule: String,
    message: Option<String>,
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Parses the annotations of a fixture.
fn expectations(text: &str) -> Vec<Expected> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("//~") else {
            continue;
        };
        let rest = &line[pos + 3..];
        let ups = rest.chars().take_while(|&c| c == '^').count();
        let spec = rest[ups..].trim();
        let (rule, message) = match spec.split_once(':') {
            Some((r, m)) => (r.trim().to_string(), Some(m.trim().to_string())),
            None => (spec.to_string(), None),
        };
        out.push(Expected {
            line: i + 1 - ups,
            rule,
            message,
        });
    }
    out.sort();
    out
}

fn directive<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    let prefix = format!("//@ {key}:");
    text.lines()
        .filter_map(|l| l.trim().strip_prefix(prefix.as_str()).map(str::trim))
        .collect()
}

/// Lints one fixture on its own; returns the problems found (empty when it matches).
fn check_fixture(rule: &str, path: &Path) -> Vec<String> {
    check_with(Some(rule), path, |engine, file, krate| {
        engine.lint(file, krate, module_path(Path::new("lib.rs")))
    })
}

/// Lints one fixture with `lint` and compares the findings with its annotations. `rule` is
/// the rule run when the file names none with `//@ rules:`.
fn check_with(
    rule: Option<&str>,
    path: &Path,
    lint: impl Fn(&Engine, &SourceFile, &CrateInfo) -> FileResult,
) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let config_text = directive(&text, "config").join("\n");
    let config = Config::from_toml(&config_text, &path.display().to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let rules: Vec<String> = match (directive(&text, "rules").first(), rule) {
        (Some(list), _) => list.split(',').map(|s| s.trim().to_string()).collect(),
        (None, Some(rule)) => vec![rule.to_string()],
        (None, None) => panic!(
            "{}: crate fixtures need a `//@ rules:` line",
            path.display()
        ),
    };
    let runtime = match directive(&text, "runtime").first().copied() {
        Some("tokio") => Runtime::Tokio,
        Some("async-std") => Runtime::AsyncStd,
        Some("smol") => Runtime::Smol,
        _ => Runtime::Unknown,
    };
    let engine = Engine::new(
        &config,
        &Selection {
            select: rules,
            ignore: vec![],
        },
    );
    let file = SourceFile::new(path, text.clone());
    let krate = CrateInfo {
        name: None,
        runtime,
        edition: directive(&text, "edition")
            .first()
            .and_then(|e| e.parse().ok()),
    };
    let result = lint(&engine, &file, &krate);

    let mut expected = expectations(&text);
    let mut problems = Vec::new();
    for f in &result.findings {
        let line = file.lines.line_of(f.span.start) + 1;
        let hit = expected.iter().position(|e| {
            e.line == line
                && e.rule == f.rule
                && e.message
                    .as_ref()
                    .is_none_or(|m| f.message.contains(m.as_str()))
        });
        match hit {
            Some(i) => {
                expected.remove(i);
            }
            None => problems.push(format!(
                "{}:{line}: unexpected {}: {}",
                path.display(),
                f.rule,
                f.message
            )),
        }
    }
    for e in expected {
        let msg = e
            .message
            .map(|m| format!(" with message containing {m:?}"))
            .unwrap_or_default();
        problems.push(format!(
            "{}:{}: expected {}{msg}, got nothing",
            path.display(),
            e.line,
            e.rule
        ));
    }
    problems
}

/// The `.rs` files below `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)
        .expect("fixture folder readable")
        .flatten()
    {
        let p = entry.path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The `fixtures/crate-*` folders.
fn crate_fixtures() -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .expect("fixtures/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir() && is_crate_fixture(p))
        .collect();
    out.sort();
    out
}

fn is_crate_fixture(dir: &Path) -> bool {
    dir.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("crate-"))
}

/// Lints every file of a fixture crate against the crate's index, as the driver does.
fn check_crate_fixture(dir: &Path) -> Vec<String> {
    let root = std::fs::canonicalize(dir).expect("fixture crate folder");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let package = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("name = \"")?.strip_suffix('"'));
    let index = CrateIndex::new(&root, package, None);
    let src = root.join("src");
    let mut problems = Vec::new();
    for path in rust_files(&root) {
        let (module, in_tree) = match path.strip_prefix(&src) {
            Ok(rel) if !rel.starts_with("bin") => (module_path(rel), Some(path.clone())),
            _ => (vec!["crate".to_string()], None),
        };
        problems.extend(check_with(None, &path, |engine, file, krate| {
            let scope = IndexScope {
                index: &index,
                path: in_tree.as_deref(),
            };
            engine.lint_in(file, krate, module.clone(), scope)
        }));
    }
    problems
}

/// All fixture files, by rule folder.
fn fixture_files() -> BTreeMap<String, Vec<PathBuf>> {
    let mut out = BTreeMap::new();
    for dir in std::fs::read_dir(fixtures_root())
        .expect("fixtures/ exists")
        .flatten()
    {
        if !dir.path().is_dir() || is_crate_fixture(&dir.path()) {
            continue;
        }
        let rule = dir.file_name().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .expect("fixture folder readable")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        files.sort();
        out.insert(rule, files);
    }
    out
}

#[test]
fn every_fixture_matches_its_annotations() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for (rule, files) in fixture_files() {
        for f in files {
            problems.extend(check_fixture(&rule, &f));
            checked += 1;
        }
    }
    assert!(checked > 0, "no fixtures found");
    assert!(
        problems.is_empty(),
        "{} fixture problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_crate_fixture_matches_its_annotations() {
    let mut problems = Vec::new();
    for dir in crate_fixtures() {
        problems.extend(check_crate_fixture(&dir));
    }
    assert!(
        problems.is_empty(),
        "{} crate fixture problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn every_rule_folder_has_positives_and_negatives() {
    for (rule, files) in fixture_files() {
        let texts: Vec<String> = files
            .iter()
            .map(|f| std::fs::read_to_string(f).expect("readable"))
            .collect();
        let positives: usize = texts.iter().map(|t| expectations(t).len()).sum();
        assert!(positives > 0, "fixtures/{rule} has no expected finding");
        assert!(
            files.iter().any(|f| f
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("negative"))),
            "fixtures/{rule} has no negative_*.rs file"
        );
    }
}

#[test]
fn the_harness_catches_missed_and_unexpected_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("probe.rs");
    std::fs::write(
        &path,
        "async fn a() {\n    std::thread::sleep(d);\n}\nasync fn b() {\n    let x = 1; //~ blocking-in-async\n}\n",
    )
    .expect("write");
    let problems = check_fixture("blocking-in-async", &path);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems[0].contains(":2: unexpected blocking-in-async"),
        "{problems:?}"
    );
    assert!(
        problems[1].contains(":5: expected blocking-in-async"),
        "{problems:?}"
    );
}
