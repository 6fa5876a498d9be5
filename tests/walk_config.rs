//! End-to-end tests of which files are linted and with which config: the nearest config per
//! file, `--show-settings`/`--show-files`, `--force-exclude`, `.ignore` and
//! `.git/info/exclude`, and a folder without Rust files.

mod common;

use common::{check, project};

const BLOCKING: &str = "async fn load() -> Vec<u8> {\n    std::fs::read(\"a\").unwrap()\n}\n";

/// `file:line severity rule` of each finding of a JSON report, and the exit code.
fn findings(dir: &std::path::Path, args: &[&str]) -> (i32, Vec<String>) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = check(dir, &all);
    let doc: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {stdout}\n{stderr}"));
    let list = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{}:{} {} {}",
                f["file"].as_str().expect("file"),
                f["start"]["line"],
                f["severity"].as_str().expect("severity"),
                f["rule"].as_str().expect("rule")
            )
        })
        .collect();
    (code, list)
}

fn two_packages() -> tempfile::TempDir {
    project(&[
        (
            "a/async-lint.toml",
            b"[rules.blocking-in-async]\nlevel = \"error\"\n",
        ),
        ("a/src/lib.rs", BLOCKING.as_bytes()),
        ("b/async-lint.toml", b"ignore = [\"blocking-in-async\"]\n"),
        ("b/src/lib.rs", BLOCKING.as_bytes()),
        ("c/src/lib.rs", BLOCKING.as_bytes()),
    ])
}

#[test]
fn each_file_uses_its_nearest_config_in_any_argument_order() {
    let dir = two_packages();
    let expected = vec![
        "a/src/lib.rs:2 error blocking-in-async".to_string(),
        "c/src/lib.rs:2 warning blocking-in-async".to_string(),
    ];
    assert_eq!(
        findings(dir.path(), &["a", "b", "c"]),
        (1, expected.clone())
    );
    assert_eq!(
        findings(dir.path(), &["c", "b", "a"]),
        (1, expected.clone())
    );
    assert_eq!(findings(dir.path(), &[]), (1, expected));
    // A file named directly gets its folder's config too.
    assert_eq!(findings(dir.path(), &["b/src/lib.rs"]), (0, vec![]));
}

#[test]
fn show_settings_names_the_config_of_each_path() {
    let dir = two_packages();
    let (code, out, err) = check(dir.path(), &["--show-settings", "a/src/lib.rs", "c"]);
    assert_eq!(code, 0, "{err}");
    let a = out.find("path: a/src/lib.rs").expect("a's block");
    let c = out.find("path: c").expect("c's block");
    let a_block = &out[a..c];
    assert!(
        a_block.contains("a/async-lint.toml") && a_block.contains("blocking-in-async        error"),
        "{out}"
    );
    assert!(out[c..].contains("config: none (the defaults)"), "{out}");
    assert!(
        out[c..].contains("blocking-in-async        warning"),
        "{out}"
    );
}

#[test]
fn a_rule_option_of_the_wrong_type_is_an_error_at_its_key() {
    let dir = project(&[
        (
            "async-lint.toml",
            b"[rules.sync-logging]\nfiltered-levels = true\nscope = \"everywhere\"\n",
        ),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    let (code, stdout, stderr) = check(dir.path(), &[]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        "error: invalid config: `rules.sync-logging.scope` must be one of \"servers\", \
         \"serving\", \"hot-paths\", \"all-async\"\n --> async-lint.toml:3:1\n  |\n\
         3 | scope = \"everywhere\"\n  | ^^^^^\n"
    );
}

#[test]
fn rule_options_in_force_are_shown_with_their_defaults() {
    let dir = project(&[
        (
            "async-lint.toml",
            b"[rules.unbounded-spawn]\naccept-loops = \"warn\"\n",
        ),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    let (code, out, err) = check(dir.path(), &["--show-settings", "src/lib.rs"]);
    assert_eq!(code, 0, "{err}");
    let line = |rule: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(rule))
            .unwrap_or_else(|| panic!("{rule} in {out}"))
            .split_whitespace()
            .skip(2)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        line("unbounded-spawn"),
        ["accept-loops=\"warn\"", "pushed-futures=\"allow\""]
    );
    assert_eq!(
        line("blocking-in-async"),
        [
            "extra-blocking=[]",
            "trusted=[]",
            "transitive=true",
            "low-value=\"info\""
        ]
    );
    assert!(line("tiny-task").is_empty(), "{out}");
}

#[test]
fn show_files_lists_what_would_be_linted() {
    let dir = two_packages();
    let (code, out, _) = check(dir.path(), &["--show-files", "c", "a"]);
    assert_eq!(code, 0);
    assert_eq!(out, "a/src/lib.rs\nc/src/lib.rs\n");
}

#[test]
fn force_exclude_applies_exclude_to_named_files() {
    let dir = project(&[
        ("async-lint.toml", b"exclude = [\"gen/**\"]\n"),
        ("gen/out.rs", BLOCKING.as_bytes()),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    // Walking skips the folder; naming the file lints it (as ruff does) ...
    assert_eq!(findings(dir.path(), &[]).1.len(), 1);
    assert_eq!(findings(dir.path(), &["gen/out.rs"]).1.len(), 1);
    // A folder named on the command line is walked: the globs match the files in it.
    assert_eq!(findings(dir.path(), &["gen"]).1.len(), 0);
    // ... unless --force-exclude, as the pre-commit hook passes.
    assert_eq!(
        findings(dir.path(), &["--force-exclude", "gen/out.rs", "src/lib.rs"]),
        (
            1,
            vec!["src/lib.rs:2 warning blocking-in-async".to_string()]
        )
    );
    assert_eq!(
        findings(dir.path(), &["--force-exclude", "gen/out.rs"]),
        (0, vec![])
    );
}

#[test]
fn ignore_files_and_git_info_exclude_are_honoured() {
    let dir = project(&[
        (".ignore", b"skipped/\n"),
        ("skipped/a.rs", BLOCKING.as_bytes()),
        (".git/info/exclude", b"local/\n"),
        ("local/b.rs", BLOCKING.as_bytes()),
        (".gitignore", b"built.rs\n"),
        ("src/built.rs", BLOCKING.as_bytes()),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    assert_eq!(
        findings(dir.path(), &[]),
        (
            1,
            vec!["src/lib.rs:2 warning blocking-in-async".to_string()]
        )
    );
}

#[test]
fn a_folder_without_rust_files_says_so() {
    let dir = project(&[("README.md", b"# nothing to lint\n")]);
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(out, "No Rust files found.\n");
}

#[test]
fn a_file_no_target_reaches_is_skipped_when_it_does_not_parse() {
    let broken = b"async fn f() {\n    let x = 1;\n";
    let dir = project(&[
        (
            "Cargo.toml",
            b"[package]\nname = \"p\"\nversion = \"0.1.0\"\n",
        ),
        ("src/lib.rs", b"mod a;\n"),
        ("src/a.rs", broken),
        ("tests/data/snippet.rs", broken),
    ]);
    let (code, stdout, stderr) = check(dir.path(), &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(code, 1, "{stderr}");
    let f = &doc["findings"][0];
    assert_eq!(
        (
            f["file"].as_str(),
            f["rule"].as_str(),
            f["severity"].as_str()
        ),
        (Some("src/a.rs"), Some("parse-error"), Some("error")),
        "a declared module keeps its error: {stdout}"
    );
    assert_eq!(
        (&f["start"]["line"], &f["start"]["column"]),
        (&serde_json::json!(2), &serde_json::json!(15)),
        "an unclosed delimiter is reported at the end of the file, as rustc does"
    );
    assert_eq!(f["labels"][0]["message"], "unclosed delimiter", "{stdout}");
    assert_eq!(doc["findings"].as_array().map(Vec::len), Some(1));
    let skipped = &doc["skipped"][0];
    assert_eq!(skipped["path"], "tests/data/snippet.rs");
    assert!(
        skipped["message"]
            .as_str()
            .is_some_and(|m| m.contains("not a module of package `p`")),
        "{skipped}"
    );
    // On a terminal format the skip is an info line on stderr and does not fail the run.
    let (code, _, stderr) = check(dir.path(), &["tests"]);
    assert_eq!(code, 0);
    assert!(
        stderr.starts_with("info: tests/data/snippet.rs: not a module"),
        "{stderr}"
    );
}

#[test]
fn an_allow_naming_no_rule_is_always_a_warning_with_a_hint() {
    let text = "async fn load() -> Vec<u8> {\n    // async-lint: allow(blocking_in_async)\n    std::fs::read(\"a\").unwrap()\n}\n";
    let dir = project(&[("src/lib.rs", text.as_bytes())]);
    let (code, stdout, _) = check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let rules: Vec<(&str, &str)> = doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule"),
                f["severity"].as_str().expect("severity"),
            )
        })
        .collect();
    assert_eq!(
        rules,
        [
            ("unused-allow", "warning"),
            ("blocking-in-async", "warning")
        ],
        "the misspelt allow suppresses nothing and says so: {stdout}"
    );
    assert_eq!(
        doc["findings"][0]["help"], "did you mean `blocking-in-async` for `blocking_in_async`?",
        "{stdout}"
    );
}

#[test]
fn a_config_error_points_at_the_key_once() {
    let dir = project(&[
        (
            "pkg/async-lint.toml",
            b"exclude = []\n\n[rules.blocking-in-async]\nlevl = \"error\"\n",
        ),
        ("pkg/src/lib.rs", BLOCKING.as_bytes()),
    ]);
    let (code, stdout, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 2);
    assert_eq!(stdout, "");
    // The rule's own option names (after `level, check-tests`) are its author's to change.
    assert!(
        stderr.starts_with(
            "error: invalid config: unknown key `rules.blocking-in-async.levl` (expected one of: \
             level, check-tests"
        ) && stderr
            .ends_with(")\n --> pkg/async-lint.toml:4:1\n  |\n4 | levl = \"error\"\n  | ^^^^\n"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("levl").count(), 2, "said once: {stderr}");
    let dir = project(&[
        ("async-lint.toml", b"select = []\nexclud = [\"x\"]\n"),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    let (code, _, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.starts_with("error: invalid config: unknown field `exclud`, expected one of")
            && stderr.contains(" --> async-lint.toml:2:1\n"),
        "{stderr}"
    );
}
