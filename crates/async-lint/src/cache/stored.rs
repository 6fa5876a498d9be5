//! What the cache keeps of one linted file: whether it was parsed, skipped, clean, or its
//! findings, as plain serde data (the engine's types borrow `&'static str` rule names).

use async_lint_core::engine::pseudo::UNUSED_ALLOW;
use async_lint_core::{rules, Applicability, Finding, Label, Region, Severity, Span, Suggestion};
use serde::{Deserialize, Serialize};

/// The result of linting one file, without its text (read again on a hit).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Stored {
    /// No enabled rule can fire in it: not parsed.
    NotParsed,
    /// Parsed, nothing to report.
    Clean,
    /// Not a module and does not parse: skipped, with the reason.
    Skipped(String),
    Reported(Vec<StoredFinding>),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredFinding {
    rule: String,
    severity: String,
    message: String,
    span: (usize, usize),
    label: String,
    labels: Vec<(usize, usize, String)>,
    help: Option<String>,
    notes: Vec<String>,
    suggestion: Option<StoredSuggestion>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSuggestion {
    message: String,
    span: (usize, usize),
    replacement: String,
    applicability: String,
}

impl StoredFinding {
    pub fn from(f: &Finding) -> StoredFinding {
        StoredFinding {
            rule: f.rule.to_string(),
            severity: f.severity.as_str().to_string(),
            message: f.message.clone(),
            span: (f.span.start, f.span.end),
            label: f.label.clone(),
            labels: f
                .labels
                .iter()
                .map(|l| (l.span.start, l.span.end, l.message.clone()))
                .collect(),
            help: f.help.clone(),
            notes: f.notes.clone(),
            suggestion: f.suggestion.as_ref().map(|s| StoredSuggestion {
                message: s.message.clone(),
                span: (s.span.start, s.span.end),
                replacement: s.replacement.clone(),
                applicability: applicability_name(s.applicability).to_string(),
            }),
        }
    }

    pub fn is_parse_error(&self) -> bool {
        self.rule == async_lint_core::PARSE_ERROR
    }

    /// The finding back; `None` when a name is unknown to this build (then the entry is not
    /// used).
    pub fn to_finding(&self) -> Option<Finding> {
        let span = |(start, end): (usize, usize)| Span { start, end };
        let suggestion = match &self.suggestion {
            Some(s) => Some(Suggestion {
                message: s.message.clone(),
                span: span(s.span),
                replacement: s.replacement.clone(),
                applicability: applicability(&s.applicability)?,
            }),
            None => None,
        };
        Some(Finding {
            rule: rule_name(&self.rule)?,
            severity: Severity::parse(&self.severity)?,
            severity_set: true,
            message: self.message.clone(),
            span: span(self.span),
            label: self.label.clone(),
            labels: self
                .labels
                .iter()
                .map(|(start, end, message)| Label {
                    span: span((*start, *end)),
                    message: message.clone(),
                    region: Region::default(),
                })
                .collect(),
            help: self.help.clone(),
            notes: self.notes.clone(),
            suggestion,
            region: Region::default(),
            suggestion_region: None,
        })
    }
}

/// The `'static` name of a rule or pseudo-rule.
fn rule_name(name: &str) -> Option<&'static str> {
    if name == async_lint_core::PARSE_ERROR {
        return Some(async_lint_core::PARSE_ERROR);
    }
    if name == UNUSED_ALLOW {
        return Some(UNUSED_ALLOW);
    }
    rules::find(name).map(|r| r.meta().name)
}

fn applicability_name(a: Applicability) -> &'static str {
    match a {
        Applicability::MachineApplicable => "machine-applicable",
        Applicability::MaybeIncorrect => "maybe-incorrect",
        Applicability::HasPlaceholders => "has-placeholders",
    }
}

fn applicability(name: &str) -> Option<Applicability> {
    [
        Applicability::MachineApplicable,
        Applicability::MaybeIncorrect,
        Applicability::HasPlaceholders,
    ]
    .into_iter()
    .find(|a| applicability_name(*a) == name)
}
