//! The driver skips files in which no enabled rule's trigger word occurs
//! ([`Engine::may_fire`]). That is only sound if a rule never fires in such a file: checked
//! here for every rule alone over every fixture file (with the default config), so that a
//! trigger list missing a word the rule's code reacts to fails here, not silently in the field.
//! The same property is checked through the binary, rule by rule: its findings with the
//! pre-check are those it makes with `--no-prefilter` (every file parsed).

mod common;

use async_lint_core::rules::RULES;
use async_lint_core::{Config, CrateInfo, Engine, Selection, SourceFile};
use std::path::{Path, PathBuf};

fn fixture_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("fixtures readable") {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            fixture_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn no_rule_fires_in_a_file_without_its_trigger_words() {
    let mut files = Vec::new();
    fixture_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut files,
    );
    files.sort();
    let mut skipped = 0;
    let mut unsound = Vec::new();
    for rule in RULES {
        let name = rule.meta().name;
        let engine = Engine::new(
            &Config::default(),
            &Selection {
                select: vec![name.to_string()],
                ignore: Vec::new(),
            },
        );
        for file in &files {
            let text = std::fs::read_to_string(file).expect("fixture readable");
            if engine.may_fire(&text) {
                continue;
            }
            skipped += 1;
            let source = SourceFile::new(file, text);
            let result = engine.lint(&source, &CrateInfo::default(), vec!["crate".into()]);
            if let Some(f) = result.findings.iter().find(|f| f.rule == name) {
                unsound.push(format!("{name} in {}: {}", file.display(), f.message));
            }
        }
    }
    assert!(
        skipped > 0,
        "some fixture lacks some rule's words, or this test checks nothing"
    );
    assert!(
        unsound.is_empty(),
        "findings in files the pre-check skips:\n{}",
        unsound.join("\n")
    );
}

/// Each rule alone over `fixtures/`, run by the binary with and without `--no-prefilter`: a
/// file the pre-check skips would lose exactly the findings its trigger words failed to
/// announce. Rule by rule, since with every rule on one rule's words can hide another's gap.
#[test]
fn each_rule_reports_the_same_with_and_without_the_precheck() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut reported = 0;
    for rule in RULES {
        let name = rule.meta().name;
        let args = [
            "fixtures",
            "--select",
            name,
            "--format",
            "json",
            "--no-cache",
        ];
        let skipping = common::check(root, &args).1;
        let mut all = args.to_vec();
        all.push("--no-prefilter");
        let parsing_all = common::check(root, &all).1;
        if skipping.contains(&format!("\"rule\": \"{name}\"")) {
            reported += 1;
        }
        assert_eq!(
            skipping, parsing_all,
            "{name}: the pre-check changes what it reports"
        );
    }
    assert_eq!(
        reported,
        RULES.len(),
        "every rule reports in its fixtures, or the comparison shows nothing"
    );
}
