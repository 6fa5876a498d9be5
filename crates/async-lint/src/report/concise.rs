//! `--format concise`: one line per finding, as rustc's `--error-format short` and ruff's
//! `--output-format concise` print them, for terminals and editors' problem matchers:
//!
//! ```text
//! src/lib.rs:2:5: warning[blocking-in-async]: blocking call `std::thread::sleep` in async fn [*]
//! ```
//!
//! `[*]` marks a finding that `--fix` fixes; the summary counts them, and those that
//! `--fix --unsafe-fixes` would also apply.

use super::{Emitter, Settings};
use crate::outcome::Outcome;
use async_lint_core::{Applicability, Finding};
use std::fmt::Write;

/// `--format concise`.
pub struct Concise;

impl Emitter for Concise {
    fn emit(&self, outcome: &Outcome, s: &Settings<'_>) -> String {
        render(outcome, s.quiet, s.statistics)
    }
}

/// One finding as `path:line:col: severity[rule]: message` (without the fixable mark).
pub fn line(path: &std::path::Path, f: &Finding) -> String {
    let at = f.region.start;
    format!(
        "{}:{}:{}: {}[{}]: {}",
        path.display(),
        at.line,
        at.column,
        f.severity.as_str(),
        f.rule,
        f.message
    )
}

/// Every finding on its line, then the optional statistics and summary.
pub fn render(outcome: &Outcome, quiet: bool, statistics: bool) -> String {
    let mut out = String::new();
    if statistics {
        // As ruff: the table instead of the findings.
        out.push_str(&super::statistics_table(outcome));
    } else {
        for (file, f) in super::all(outcome) {
            let safe = f
                .suggestion
                .as_ref()
                .is_some_and(|s| s.applicability == Applicability::MachineApplicable);
            let mark = if safe { " [*]" } else { "" };
            let _ = writeln!(out, "{}{mark}", line(&file.path, f));
        }
    }
    if !quiet {
        out.push_str(&super::human::summary(outcome));
        out.push_str(&super::fix_summary(outcome));
    }
    out
}
