//! The registry, the rule pages, the fixtures and the README agree with each other, and the
//! pages' examples say what they claim (Example: flagged; Use instead: silent).

use async_lint_core::rules::RULES;
use async_lint_core::{module_path, Config, CrateInfo, Engine, Runtime, Selection, SourceFile};
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn names_in(dir: &str, keep: impl Fn(&Path) -> Option<String>) -> BTreeSet<String> {
    std::fs::read_dir(root().join(dir))
        .expect("folder exists")
        .flatten()
        .filter_map(|e| keep(&e.path()))
        .collect()
}

fn registered() -> BTreeSet<String> {
    RULES.iter().map(|r| r.meta().name.to_string()).collect()
}

#[test]
fn every_rule_has_a_source_file_page_and_fixtures_and_nothing_else_does() {
    let sources = names_in("crates/async-lint-core/src/rules", |p| {
        let stem = p.file_stem()?.to_string_lossy().into_owned();
        (p.extension()? == "rs" && stem != "mod").then(|| stem.replace('_', "-"))
    });
    let pages = names_in("rules", |p| {
        (p.extension()? == "md")
            .then(|| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .flatten()
    });
    let fixtures = names_in("fixtures", |p| {
        p.is_dir()
            .then(|| p.file_name().map(|s| s.to_string_lossy().into_owned()))
            .flatten()
    });
    assert_eq!(
        sources,
        registered(),
        "rule files in crates/async-lint-core/src/rules vs RULES"
    );
    assert_eq!(pages, registered(), "pages in rules/*.md vs RULES");
    let rule_fixtures: BTreeSet<String> = fixtures
        .iter()
        .filter(|f| !f.starts_with("crate-"))
        .cloned()
        .collect();
    assert_eq!(rule_fixtures, registered(), "folders in fixtures/ vs RULES");
}

#[test]
fn each_page_embedded_is_the_file_and_names_its_rule() {
    for r in RULES {
        let m = r.meta();
        let on_disk = std::fs::read_to_string(root().join("rules").join(format!("{}.md", m.name)))
            .expect("page exists");
        assert_eq!(
            m.doc, on_disk,
            "{}: embedded doc differs from rules/{}.md",
            m.name, m.name
        );
        assert!(
            on_disk.starts_with(&format!("# {}\n", m.name)),
            "{}: page must start with `# {}`",
            m.name,
            m.name
        );
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Use instead",
        ] {
            assert!(
                on_disk.contains(section),
                "rules/{}.md lacks {section}",
                m.name
            );
        }
        assert!(
            !m.summary.ends_with('.'),
            "{}: summary ends with a period",
            m.name
        );
    }
}

/// The first ```rust block after `heading` in a page.
fn code_after(page: &str, heading: &str) -> String {
    let start = page.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let rest = &page[start..];
    let open = rest.find("```rust\n").expect("a ```rust block") + "```rust\n".len();
    let close = rest[open..].find("```").expect("closed block");
    rest[open..open + close].to_string()
}

fn lint(rule: &str, code: &str) -> usize {
    let engine = Engine::new(
        &Config::default(),
        &Selection {
            select: vec![rule.to_string()],
            ignore: vec![],
        },
    );
    let file = SourceFile::new("doc.rs", code.to_string());
    let krate = CrateInfo {
        name: None,
        runtime: Runtime::Tokio,
        edition: None,
    };
    let result = engine.lint(&file, &krate, module_path(Path::new("lib.rs")));
    assert!(
        result.findings.iter().all(|f| f.rule != "parse-error"),
        "{rule}: doc example does not parse"
    );
    result.findings.iter().filter(|f| f.rule == rule).count()
}

#[test]
fn page_examples_are_flagged_and_fixes_are_not() {
    for r in RULES {
        let name = r.meta().name;
        let page = r.meta().doc;
        assert!(
            lint(name, &code_after(page, "## Example")) > 0,
            "{name}: the Example block of its page is not flagged"
        );
        assert_eq!(
            lint(name, &code_after(page, "## Use instead")),
            0,
            "{name}: the Use instead block of its page is flagged"
        );
    }
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let table: BTreeSet<String> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("| [`"))
        .filter_map(|l| l.split_once('`').map(|(n, _)| n.to_string()))
        .collect();
    assert_eq!(table, registered(), "README rule table vs RULES");
    for r in RULES {
        let m = r.meta();
        let row = readme
            .lines()
            .find(|l| l.starts_with(&format!("| [`{}`]", m.name)))
            .expect("row");
        assert!(
            row.contains(m.default_severity.as_str()),
            "README row of {} lacks its default severity",
            m.name
        );
    }
}

/// The ```toml block of a page's `## Options` section.
fn options_block(page: &str) -> &str {
    let start = page.find("## Options").expect("an Options section");
    let rest = &page[start..];
    let open = rest.find("```toml\n").expect("a ```toml block") + "```toml\n".len();
    let close = rest[open..].find("```").expect("closed block");
    &rest[open..open + close]
}

#[test]
fn each_page_shows_a_valid_config_with_every_option_its_rule_declares() {
    for r in RULES {
        let m = r.meta();
        let block = options_block(m.doc);
        let config = Config::from_toml(block, &format!("rules/{}.md", m.name))
            .unwrap_or_else(|e| panic!("the Options block of {} is no valid config: {e}", m.name));
        assert!(
            config.rules.contains_key(m.name),
            "{}: [rules.{}]",
            m.name,
            m.name
        );
        let keys: BTreeSet<&str> = block
            .lines()
            .filter_map(|l| l.split_once(" = ").or_else(|| l.split_once("= ")))
            .map(|(k, _)| k.trim())
            .collect();
        for o in m.options.describe() {
            assert!(
                keys.contains(o.key),
                "rules/{}.md: its Options block lacks `{}`",
                m.name,
                o.key
            );
        }
    }
}
