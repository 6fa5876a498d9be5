//! `--format github`: GitHub Actions workflow commands, one annotation per finding:
//! `::warning file=src/lib.rs,line=2,endLine=2,col=5,endColumn=23,title=blocking-in-async::message`.
//!
//! Escaping follows the Actions toolkit (`@actions/core`, command.ts): in the message `%`,
//! `\r` and `\n` become `%25`, `%0D`, `%0A`; in property values `:` and `,` also become `%3A`
//! and `%2C`. Actions shows at most 10 annotations of each kind per step (50 per job); when
//! more are produced, a warning on stderr says so — every finding is still printed in the log.

use super::{Emitter, Settings};
use crate::outcome::Outcome;
use async_lint_core::Severity;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Annotations of one kind that Actions displays per step.
pub const SHOWN_PER_KIND: usize = 10;

/// `--format github`.
pub struct Github;

impl Emitter for Github {
    fn emit(&self, outcome: &Outcome, _: &Settings<'_>) -> String {
        render(outcome)
    }

    fn warning(&self, outcome: &Outcome) -> Option<String> {
        warning(outcome)
    }
}

fn kind(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The annotations.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for (file, f) in super::all(outcome) {
        let kind = kind(f.severity);
        let (start, end) = (f.region.start, f.region.end);
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        let path = file.path.to_string_lossy().replace('\\', "/");
        let _ = writeln!(
            out,
            "::{kind} file={},line={},endLine={},col={},endColumn={},title={}::{}",
            property(&path),
            start.line,
            end.line,
            start.column,
            end.column,
            property(&format!("async-lint: {}", f.rule)),
            data(&message)
        );
    }
    out
}

/// The warning to print when Actions will not show every annotation.
pub fn warning(outcome: &Outcome) -> Option<String> {
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, f) in super::all(outcome) {
        *per_kind.entry(kind(f.severity)).or_default() += 1;
    }
    let over: Vec<String> = per_kind
        .iter()
        .filter(|(_, n)| **n > SHOWN_PER_KIND)
        .map(|(kind, n)| format!("{n} {kind}"))
        .collect();
    (!over.is_empty()).then(|| {
        format!(
            "warning: async-lint produced {} annotations; GitHub Actions shows only {SHOWN_PER_KIND} \
             of each kind per step (50 per job): the rest are in the log, or upload `--format sarif` \
             to code scanning to see them all",
            over.join(" and ")
        )
    })
}

/// Escapes a workflow command's message.
pub fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value.
pub fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
