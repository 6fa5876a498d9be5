//! `--format concise`: one line per finding, as rustc's `--error-format short` and ruff's
//! `--output-format concise` print them, for terminals and editors' problem matchers:
//!
//! ```text
//! src/lib.rs:2:5: warning[blocking-in-async]: blocking call `std::thread::sleep` in async fn [*]
//! ```
//!
//! `[*]` marks a finding that `--fix` fixes; the summary counts them, and those that
//! `--fix --unsafe-fixes` would also apply.

use crate::run::Outcome;
use async_lint_core::Applicability;
use std::fmt::Write;

/// Every finding on its line, then the optional statistics and summary.
pub fn render(outcome: &Outcome, quiet: bool, statistics: bool) -> String {
    let mut out = String::new();
    let (mut safe, mut unsafe_) = (0, 0);
    for (file, f) in super::all(outcome) {
        let at = file.lines.line_col(&file.text, f.span.start);
        let applicability = f.suggestion.as_ref().map(|s| s.applicability);
        let mark = match applicability {
            Some(Applicability::MachineApplicable) => {
                safe += 1;
                " [*]"
            }
            Some(Applicability::MaybeIncorrect) => {
                unsafe_ += 1;
                ""
            }
            _ => "",
        };
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}{mark}",
            file.path.display(),
            at.line,
            at.column,
            f.severity.as_str(),
            f.rule,
            f.message
        );
    }
    if statistics {
        for (rule, n) in super::statistics(outcome) {
            let _ = writeln!(out, "{n:>6}  {rule}");
        }
    }
    if !quiet {
        out.push_str(&super::human::summary(outcome));
        if safe > 0 {
            let _ = writeln!(out, "[*] {safe} fixable with `--fix`.");
        }
        if unsafe_ > 0 {
            let _ = writeln!(
                out,
                "{unsafe_} more fixable with `--fix --unsafe-fixes` (check those changes)."
            );
        }
    }
    out
}
