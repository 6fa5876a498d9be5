//! `--format json`: one JSON document, schema version 1 (documented in the README), and
//! `--format json-lines`: its findings, one per line.
//! Fields are only ever added within a version; a removal or change of meaning bumps it.

use super::{Emitter, Settings};
use crate::outcome::Outcome;
use crate::paths::PathError;
use async_lint_core::{Finding, LineCol, Region, SourceFile, Span, Suggestion};
use serde::Serialize;

/// `--format json`.
pub struct Json;

impl Emitter for Json {
    fn emit(&self, outcome: &Outcome, _: &Settings<'_>) -> String {
        render(outcome)
    }

    fn carries_errors(&self) -> bool {
        true
    }
}

/// `--format json-lines`.
pub struct JsonLines;

impl Emitter for JsonLines {
    fn emit(&self, outcome: &Outcome, _: &Settings<'_>) -> String {
        render_lines(outcome)
    }
}

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError>,
    /// Files not linted because they are not Rust modules (they do not parse and no target
    /// reaches them), with the reason.
    skipped: Vec<JsonError>,
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
    errors: usize,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
}

impl JsonError {
    fn of(e: &PathError) -> JsonError {
        JsonError {
            path: e.path.display().to_string(),
            message: e.message.clone(),
        }
    }
}

/// A position: byte offsets plus 1-based line and column (columns in chars; `end` is
/// exclusive, just past the last character).
#[derive(Serialize)]
struct Located {
    span: Span,
    start: LineCol,
    end: LineCol,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    label: &'a str,
    help: Option<&'a str>,
    notes: &'a [String],
    file: String,
    #[serde(flatten)]
    region: Located,
    labels: Vec<JsonLabel<'a>>,
    suggestion: Option<JsonSuggestion<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    #[serde(flatten)]
    region: Located,
}

#[derive(Serialize)]
struct JsonSuggestion<'a> {
    message: &'a str,
    replacement: &'a str,
    applicability: async_lint_core::Applicability,
    #[serde(flatten)]
    region: Located,
}

fn located(span: Span, region: Region) -> Located {
    Located {
        span,
        start: region.start,
        end: region.end,
    }
}

fn finding<'a>(file: &'a SourceFile, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        label: &f.label,
        help: f.help.as_deref(),
        notes: &f.notes,
        file: file.path.display().to_string(),
        region: located(f.span, f.region),
        labels: f
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: &l.message,
                region: located(l.span, l.region),
            })
            .collect(),
        suggestion: f.suggestion.as_ref().map(|s: &Suggestion| JsonSuggestion {
            message: &s.message,
            replacement: &s.replacement,
            applicability: s.applicability,
            region: located(s.span, f.suggestion_region.unwrap_or_default()),
        }),
    }
}

pub fn render(outcome: &Outcome) -> String {
    let findings: Vec<JsonFinding> = super::all(outcome)
        .map(|(file, f)| finding(file, f))
        .collect();
    let doc = Document {
        version: SCHEMA_VERSION,
        summary: Summary {
            files: outcome.files_read,
            findings: findings.len(),
            errors: outcome.errors.len(),
        },
        findings,
        errors: outcome.errors.iter().map(JsonError::of).collect(),
        skipped: outcome.skipped.iter().map(JsonError::of).collect(),
    };
    let mut s =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// `--format json-lines`: one compact JSON object per finding per line, each exactly a
/// `findings[]` object of the `json` format; nothing else (errors go to stderr).
pub fn render_lines(outcome: &Outcome) -> String {
    let mut s = String::new();
    for (file, f) in super::all(outcome) {
        if let Ok(line) = serde_json::to_string(&finding(file, f)) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}
