//! What a rule reports: a [`Finding`] with its span, words and optional suggestion.

use crate::source::{Region, Span};
use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// How safe it is to apply a suggestion without reading it (rustc's vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Mechanical and behaviour-preserving: `--fix` applies it.
    MachineApplicable,
    /// Probably right, but a human must check it: `--fix --unsafe-fixes` applies it.
    MaybeIncorrect,
    /// Shown as text only.
    HasPlaceholders,
}

/// A replacement of the text at `span` by `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub message: String,
    pub span: Span,
    pub replacement: String,
    pub applicability: Applicability,
}

/// A secondary location with its own words (the await a guard is held across, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    pub span: Span,
    pub message: String,
    /// `span` in lines and columns, resolved by the engine's pipeline.
    #[serde(skip)]
    pub region: Region,
}

/// One problem found in one file. Positions are byte offsets; the engine's pipeline adds their
/// lines and columns (the `region` fields) last, from the file's line index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Rule name, e.g. `blocking-in-async` (or `parse-error`).
    pub rule: &'static str,
    pub severity: Severity,
    /// Is `severity` settled: chosen by the rule for this finding ([`Finding::severity`]), or
    /// given by the engine's pipeline? If not, the pipeline gives it the rule's declared
    /// default severity (then the config's level).
    pub severity_set: bool,
    /// What is wrong (lowercase, no trailing period).
    pub message: String,
    /// The primary span and what to say under it.
    pub span: Span,
    pub label: String,
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    /// Why it matters.
    pub notes: Vec<String>,
    pub suggestion: Option<Suggestion>,
    /// `span` in lines and columns, resolved by the pipeline.
    pub region: Region,
    /// The suggestion's span in lines and columns, resolved by the pipeline.
    pub suggestion_region: Option<Region>,
}

impl Finding {
    pub fn new(rule: &'static str, span: Span, message: impl Into<String>) -> Self {
        Finding {
            rule,
            severity: Severity::Warning,
            severity_set: false,
            message: message.into(),
            span,
            label: String::new(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            suggestion: None,
            region: Region::default(),
            suggestion_region: None,
        }
    }

    pub fn label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    pub fn secondary(mut self, span: Span, text: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: text.into(),
            region: Region::default(),
        });
        self
    }

    pub fn help(mut self, text: impl Into<String>) -> Self {
        self.help = Some(text.into());
        self
    }

    pub fn note(mut self, text: impl Into<String>) -> Self {
        self.notes.push(text.into());
        self
    }

    /// This finding's severity, instead of its rule's default.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self.severity_set = true;
        self
    }

    pub fn suggest(mut self, suggestion: Suggestion) -> Self {
        self.suggestion = Some(suggestion);
        self
    }
}

/// Name of the pseudo-rule for files that do not parse.
pub const PARSE_ERROR: &str = "parse-error";
