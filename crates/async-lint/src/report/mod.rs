//! Output formats. Each renders the same [`Outcome`]; order is deterministic (path, line,
//! column, rule) because files are sorted and each file's findings are sorted.

pub mod cargo;
pub mod concise;
pub mod github;
pub mod human;
pub mod json;
pub mod sarif;

use crate::run::Outcome;
use async_lint_core::{rules, Finding, Severity, SourceFile};
use std::collections::BTreeMap;

/// Counts per severity, for summaries.
pub fn counts(outcome: &Outcome) -> BTreeMap<Severity, usize> {
    let mut m = BTreeMap::new();
    for f in outcome.files.iter().flat_map(|l| &l.findings) {
        *m.entry(f.severity).or_default() += 1;
    }
    m
}

/// Findings per rule, for `--statistics`.
pub fn statistics(outcome: &Outcome) -> BTreeMap<&'static str, usize> {
    let mut m = BTreeMap::new();
    for f in outcome.files.iter().flat_map(|l| &l.findings) {
        *m.entry(f.rule).or_default() += 1;
    }
    m
}

/// Every finding with its file, in output order.
pub fn all(outcome: &Outcome) -> impl Iterator<Item = (&SourceFile, &Finding)> {
    outcome
        .files
        .iter()
        .flat_map(|l| l.findings.iter().map(move |f| (&l.file, f)))
}

/// Where a rule's page is published: `rules/<name>.md` in the repository named in the
/// package's `repository` field; `None` while there is none (the page is always available
/// through `async-lint explain <rule>`).
pub fn rule_url(rule: &str) -> Option<String> {
    let repo = option_env!("CARGO_PKG_REPOSITORY").filter(|r| !r.is_empty())?;
    rules::find(rule)?;
    Some(format!(
        "{}/blob/main/rules/{rule}.md",
        repo.trim_end_matches('/')
    ))
}

/// A file's path as a relative URI (`/`-separated, percent-encoded), or a `file://` URI for a
/// file outside the working directory.
pub fn path_uri(path: &std::path::Path) -> String {
    let encoded: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(s) => Some(crate::manifest::percent_encode_segment(
                &s.to_string_lossy(),
            )),
            std::path::Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect();
    if path.is_absolute() {
        format!("file:///{}", encoded.join("/"))
    } else {
        encoded.join("/")
    }
}
