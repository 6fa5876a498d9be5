//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning, built from the types serde-sarif
//! generates from the official schema.
//!
//! What GitHub asks for, and what this does: one run whose tool lists every enabled rule
//! (id, name, short and full description of at most 1024 characters, the whole page in
//! `help.markdown`, `helpUri` when the package names its repository, default level); results
//! whose `artifactLocation.uri` is relative to the working directory (the repository root in
//! CI) under `%SRCROOT%`; 1-based lines and columns counted in Unicode code points, which
//! `columnKind` states. Suggestions become `fixes`. `partialFingerprints` are left to the
//! upload action, which computes them from the file.

use super::{Emitter, Settings};
use crate::outcome::Outcome;
use async_lint_core::engine::pseudo::{self, UNUSED_ALLOW};
use async_lint_core::rules::RuleMeta;
use async_lint_core::{Engine, Finding, Region, Severity, SourceFile, PARSE_ERROR};
use serde_sarif::sarif;
use std::collections::BTreeMap;

/// `--format sarif`.
pub struct Sarif;

impl Emitter for Sarif {
    fn emit(&self, outcome: &Outcome, s: &Settings<'_>) -> String {
        render(outcome, s.engines.iter().copied())
    }

    fn carries_errors(&self) -> bool {
        true
    }
}

/// GitHub's limit on `shortDescription` and `fullDescription`.
const DESCRIPTION_LIMIT: usize = 1024;

/// The base id under which result paths are relative.
const SRCROOT: &str = "%SRCROOT%";

/// A rule as SARIF describes it: a registered rule or a pseudo-rule.
struct RuleInfo {
    id: &'static str,
    summary: String,
    page: String,
    severity: Severity,
}

impl From<&RuleMeta> for RuleInfo {
    fn from(m: &RuleMeta) -> Self {
        RuleInfo {
            id: m.name,
            summary: m.summary.to_string(),
            page: m.doc.to_string(),
            severity: m.default_severity,
        }
    }
}

/// The report of `outcome`; the rules listed are those enabled by any of the run's `engines`
/// (one per config used).
pub fn render<'e>(outcome: &Outcome, engines: impl Iterator<Item = &'e Engine>) -> String {
    let engines: Vec<&Engine> = engines.collect();
    let mut infos: Vec<RuleInfo> = async_lint_core::rules::RULES
        .iter()
        .filter(|r| {
            engines
                .iter()
                .any(|e| e.rules().any(|o| o.meta().name == r.meta().name))
        })
        .map(|r| RuleInfo::from(r.meta()))
        .collect();
    for (_, f) in super::all(outcome) {
        if !infos.iter().any(|i| i.id == f.rule) {
            if let Some(p) = pseudo::PSEUDO_RULES.iter().find(|m| m.name == f.rule) {
                infos.push(RuleInfo::from(*p));
            }
        }
    }
    let index: BTreeMap<&str, usize> = infos.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let rules: Vec<sarif::ReportingDescriptor> = infos.iter().map(descriptor).collect();
    let results: Vec<sarif::Result> = super::all(outcome)
        .map(|(file, f)| result(file, f, index.get(f.rule).copied()))
        .collect();

    let mut driver = sarif::ToolComponent::builder()
        .name("async-lint")
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    driver.information_uri = option_env!("CARGO_PKG_REPOSITORY")
        .filter(|r| !r.is_empty())
        .map(str::to_string);

    let errors = outcome.errors.iter().map(|e| (e, "error"));
    let skipped = outcome.skipped.iter().map(|e| (e, "note"));
    let notifications: Vec<sarif::Notification> = errors
        .chain(skipped)
        .map(|(e, level)| {
            sarif::Notification::builder()
                .message(format!("{}: {}", e.path.display(), e.message).as_str())
                .level(serde_json::json!(level))
                .locations(vec![sarif::Location::builder()
                    .physical_location(
                        sarif::PhysicalLocation::builder()
                            .artifact_location(artifact(&e.path))
                            .build(),
                    )
                    .build()])
                .build()
        })
        .collect();
    let invocation = sarif::Invocation::builder()
        .execution_successful(outcome.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();

    let mut run = sarif::Run::builder()
        .tool(sarif::Tool::from(driver))
        .results(results)
        .invocations(vec![invocation])
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .build();
    if let Ok(cwd) = std::env::current_dir() {
        let mut uri = super::path_uri(&cwd);
        if !uri.ends_with('/') {
            uri.push('/');
        }
        let base = sarif::ArtifactLocation::builder().uri(uri).build();
        run.original_uri_base_ids = Some(BTreeMap::from([(SRCROOT.to_string(), base)]));
    }

    let log = sarif::Sarif::builder()
        .schema("https://json.schemastore.org/sarif-2.1.0.json")
        .version(serde_json::json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut s =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

fn descriptor(r: &RuleInfo) -> sarif::ReportingDescriptor {
    let level = match r.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    };
    let mut d = sarif::ReportingDescriptor::builder()
        .id(r.id)
        .name(pascal_case(r.id))
        .short_description(&limit(&r.summary))
        .full_description(&limit(
            &what_it_does(&r.page).unwrap_or_else(|| r.summary.clone()),
        ))
        .help(
            sarif::MultiformatMessageString::builder()
                .text(help_text(r))
                .markdown(r.page.clone())
                .build(),
        )
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(serde_json::json!(level))
                .build(),
        )
        .build();
    d.help_uri = super::rule_url(r.id);
    let tags = tags(r.id);
    if !tags.is_empty() {
        d.properties = Some(
            sarif::PropertyBag::builder()
                .tags(tags.iter().map(|t| t.to_string()).collect::<Vec<_>>())
                .build(),
        );
    }
    d
}

/// The rule's help as plain text: its summary, and where its page is while no URL is
/// (`helpUri`).
fn help_text(r: &RuleInfo) -> String {
    match super::rule_docs(r.id) {
        Some(docs) if super::rule_url(r.id).is_none() => {
            format!("{}. For further information: {docs}", r.summary)
        }
        _ => r.summary.clone(),
    }
}

/// GitHub's rule tags (filters in code scanning): what kind of problem each rule finds. A
/// rule's cost is `performance`; a lost error, a deadlock or a panic is `correctness`.
fn tags(rule: &str) -> &'static [&'static str] {
    match rule {
        "blocking-in-async" => &["async", "performance", "correctness"],
        "sequential-awaits" | "await-in-loop" | "tiny-task" | "sync-logging"
        | "unbounded-spawn" => &["async", "performance"],
        "swallowed-task-error" | "lock-across-await" => &["async", "correctness"],
        PARSE_ERROR => &["correctness"],
        UNUSED_ALLOW => &["maintainability"],
        _ => &["async"],
    }
}

fn result(file: &SourceFile, f: &Finding, rule_index: Option<usize>) -> sarif::Result {
    let level = match f.severity {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    };
    let mut text = f.message.clone();
    if let Some(help) = &f.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let related: Vec<sarif::Location> = f
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut loc = location(file, l.region);
            loc.id = i64::try_from(i).ok();
            loc.message = Some(sarif::Message::from(l.message.as_str()));
            loc
        })
        .collect();
    let mut r = sarif::Result::builder()
        .rule_id(f.rule)
        .level(level)
        .message(text.as_str())
        .locations(vec![location(file, f.region)])
        .build();
    r.rule_index = rule_index.and_then(|i| i64::try_from(i).ok());
    if !related.is_empty() {
        r.related_locations = Some(related);
    }
    if let Some(s) = &f.suggestion {
        let replacement = sarif::Replacement::builder()
            .deleted_region(region(f.suggestion_region.unwrap_or_default()))
            .inserted_content(
                sarif::ArtifactContent::builder()
                    .text(s.replacement.clone())
                    .build(),
            )
            .build();
        let change = sarif::ArtifactChange::builder()
            .artifact_location(artifact(&file.path))
            .replacements(vec![replacement])
            .build();
        r.fixes = Some(vec![sarif::Fix::builder()
            .description(s.message.as_str())
            .artifact_changes(vec![change])
            .build()]);
    }
    r
}

fn artifact(path: &std::path::Path) -> sarif::ArtifactLocation {
    let uri = super::path_uri(path);
    if path.is_absolute() {
        sarif::ArtifactLocation::builder().uri(uri).build()
    } else {
        sarif::ArtifactLocation::builder()
            .uri(uri)
            .uri_base_id(SRCROOT)
            .build()
    }
}

fn location(file: &SourceFile, at: Region) -> sarif::Location {
    sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(artifact(&file.path))
                .region(region(at))
                .build(),
        )
        .build()
}

/// A region in 1-based lines and code-point columns; `endColumn` is just past the end.
fn region(at: Region) -> sarif::Region {
    let (start, end) = (at.start, at.end);
    let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
    sarif::Region::builder()
        .start_line(n(start.line))
        .start_column(n(start.column))
        .end_line(n(end.line))
        .end_column(n(end.column))
        .build()
}

/// The "What it does" section of a rule page, as one paragraph of plain text.
fn what_it_does(page: &str) -> Option<String> {
    let start = page.find("## What it does")?;
    let body = &page[start + "## What it does".len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    let text = body[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

/// `text` cut to GitHub's description limit at a word boundary, with an ellipsis.
fn limit(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_LIMIT {
        return text.to_string();
    }
    let cut: String = text.chars().take(DESCRIPTION_LIMIT - 1).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if i > DESCRIPTION_LIMIT / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end())
}

/// `blocking-in-async` → `BlockingInAsync`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_respect_the_limit() {
        let long = "word ".repeat(400);
        let cut = limit(&long);
        assert!(cut.chars().count() <= DESCRIPTION_LIMIT);
        assert!(cut.ends_with('…'));
        assert_eq!(limit("short"), "short");
        assert_eq!(pascal_case("blocking-in-async"), "BlockingInAsync");
    }

    #[test]
    fn every_rule_page_has_a_what_it_does_section() {
        for r in async_lint_core::rules::RULES {
            assert!(what_it_does(r.meta().doc).is_some(), "{}", r.meta().name);
        }
    }
}
