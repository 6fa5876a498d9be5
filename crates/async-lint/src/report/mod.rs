//! Output formats. Each renders the same [`Outcome`]; order is deterministic (path, line,
//! column, rule) because files are sorted and each file's findings are sorted.

pub mod human;
pub mod json;

use crate::run::Outcome;
use async_lint_core::{Finding, Severity, SourceFile};
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
