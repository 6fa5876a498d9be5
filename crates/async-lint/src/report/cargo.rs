//! `--format cargo`: rustc's JSON diagnostics as `cargo build --message-format=json` prints
//! them, one object per line, ending with `{"reason":"build-finished",...}`.
//!
//! A file of a package whose target the layout tells becomes a `compiler-message` with the
//! `package_id`, `manifest_path` and `target` cargo itself would print; any other file gets a
//! bare rustc diagnostic. rust-analyzer (`check.overrideCommand`) clears the whole workspace's
//! diagnostics when it meets the first bare one, and a package's when it meets that package's
//! first message, so bare diagnostics come first: they never wipe what came before them.
//!
//! Each span carries `text[]` (rust-analyzer converts columns through it), the code is
//! `async_lint::<rule>`, notes become `note` children, and a suggestion a `help` child whose
//! span has `suggested_replacement` and `suggestion_applicability` (the editor's quick fix).

use super::{Emitter, Settings};
use crate::outcome::{Linted, Outcome};
use async_lint_core::{Applicability, Finding, Region, Severity, SourceFile, Span};
use serde::Serialize;
use std::fmt::Write;

/// `--format cargo`.
pub struct Cargo;

impl Emitter for Cargo {
    fn emit(&self, outcome: &Outcome, _: &Settings<'_>) -> String {
        render(outcome, true)
    }
}

#[derive(Serialize)]
struct CompilerMessage<'a> {
    reason: &'static str,
    package_id: &'a str,
    manifest_path: String,
    target: &'a crate::manifest::Target,
    message: Diagnostic,
}

/// A rustc diagnostic (`rustc --error-format=json`).
#[derive(Serialize)]
struct Diagnostic {
    /// `"diagnostic"` on top-level diagnostics (as rustc prints it); absent on children.
    #[serde(rename = "$message_type", skip_serializing_if = "Option::is_none")]
    message_type: Option<&'static str>,
    message: String,
    code: Option<Code>,
    level: &'static str,
    spans: Vec<DiagnosticSpan>,
    children: Vec<Diagnostic>,
    rendered: Option<String>,
}

#[derive(Serialize)]
struct Code {
    code: String,
    explanation: Option<String>,
}

#[derive(Serialize)]
struct DiagnosticSpan {
    file_name: String,
    byte_start: usize,
    byte_end: usize,
    line_start: usize,
    line_end: usize,
    column_start: usize,
    column_end: usize,
    is_primary: bool,
    text: Vec<SpanLine>,
    label: Option<String>,
    suggested_replacement: Option<String>,
    suggestion_applicability: Option<&'static str>,
    expansion: Option<()>,
}

/// One source line of a span, with the highlighted part in 1-based char columns.
#[derive(Serialize)]
struct SpanLine {
    text: String,
    highlight_start: usize,
    highlight_end: usize,
}

/// The lines of the output for `check --format cargo`, `build-finished` included.
pub fn render(outcome: &Outcome, success: bool) -> String {
    let mut out = String::new();
    for line in messages(outcome) {
        out.push_str(&line);
        out.push('\n');
    }
    let errors = super::all(outcome).any(|(_, f)| f.severity == Severity::Error);
    out.push_str(&build_finished(
        success && !errors && outcome.errors.is_empty(),
    ));
    out.push('\n');
    out
}

/// cargo's last message.
pub fn build_finished(success: bool) -> String {
    serde_json::json!({ "reason": "build-finished", "success": success }).to_string()
}

/// One JSON line per finding: bare diagnostics first, then `compiler-message`s.
pub fn messages(outcome: &Outcome) -> Vec<String> {
    let mut bare = Vec::new();
    let mut packaged = Vec::new();
    for linted in &outcome.files {
        for f in &linted.findings {
            let diagnostic = diagnostic(&linted.file, f);
            let line = match unit(linted) {
                Some((package_id, manifest_path, target)) => {
                    let msg = CompilerMessage {
                        reason: "compiler-message",
                        package_id,
                        manifest_path,
                        target,
                        message: diagnostic,
                    };
                    packaged.push(serde_json::to_string(&msg));
                    continue;
                }
                None => serde_json::to_string(&diagnostic),
            };
            bare.push(line);
        }
    }
    bare.into_iter()
        .chain(packaged)
        .filter_map(Result::ok)
        .collect()
}

/// The package id, manifest path and target of a file, when all are known.
fn unit(linted: &Linted) -> Option<(&str, String, &crate::manifest::Target)> {
    let krate = linted.krate.as_ref()?;
    let target = linted.target.as_ref()?;
    Some((
        krate.package.id.as_str(),
        krate.package.manifest_path.to_string_lossy().into_owned(),
        target,
    ))
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn diagnostic(file: &SourceFile, f: &Finding) -> Diagnostic {
    let label = Some(f.label.clone()).filter(|l| !l.is_empty());
    let mut spans = vec![span(file, f.span, f.region, true, label)];
    spans.extend(
        f.labels
            .iter()
            .map(|l| span(file, l.span, l.region, false, Some(l.message.clone()))),
    );
    let mut children: Vec<Diagnostic> = f
        .notes
        .iter()
        .map(|n| child("note", n.clone(), Vec::new()))
        .collect();
    let page = match super::rule_url(f.rule) {
        Some(url) => format!("for more information, see {url}"),
        None => format!("`async-lint explain {}` prints the rule's page", f.rule),
    };
    children.push(child("note", page, Vec::new()));
    match (&f.suggestion, &f.help) {
        (Some(s), help) => {
            let region = f.suggestion_region.unwrap_or_default();
            let mut sp = span(file, s.span, region, true, None);
            sp.suggested_replacement = Some(s.replacement.clone());
            sp.suggestion_applicability = Some(match s.applicability {
                Applicability::MachineApplicable => "MachineApplicable",
                Applicability::MaybeIncorrect => "MaybeIncorrect",
                Applicability::HasPlaceholders => "HasPlaceholders",
            });
            let message = help.clone().unwrap_or_else(|| s.message.clone());
            children.push(child("help", message, vec![sp]));
        }
        (None, Some(help)) => children.push(child("help", help.clone(), Vec::new())),
        (None, None) => {}
    }
    let mut d = Diagnostic {
        message_type: Some("diagnostic"),
        message: f.message.clone(),
        code: Some(Code {
            code: format!("async_lint::{}", f.rule),
            explanation: None,
        }),
        level: level(f.severity),
        spans,
        children,
        rendered: None,
    };
    d.rendered = Some(rendered(file, f, &d));
    d
}

fn child(level: &'static str, message: String, spans: Vec<DiagnosticSpan>) -> Diagnostic {
    Diagnostic {
        message_type: None,
        message,
        code: None,
        level,
        spans,
        children: Vec::new(),
        rendered: None,
    }
}

fn span(
    file: &SourceFile,
    s: Span,
    region: Region,
    is_primary: bool,
    label: Option<String>,
) -> DiagnosticSpan {
    let (start, end) = (region.start, region.end);
    let text = (start.line..=end.line)
        .map(|line| {
            let t = file.line_text(line);
            let len = t.chars().count() + 1;
            SpanLine {
                text: t.to_string(),
                highlight_start: if line == start.line { start.column } else { 1 },
                highlight_end: if line == end.line { end.column } else { len },
            }
        })
        .collect();
    DiagnosticSpan {
        file_name: file.path.to_string_lossy().replace('\\', "/"),
        byte_start: s.start,
        byte_end: s.end,
        line_start: start.line,
        line_end: end.line,
        column_start: start.column,
        column_end: end.column,
        is_primary,
        text,
        label,
        suggested_replacement: None,
        suggestion_applicability: None,
        expansion: None,
    }
}

/// The diagnostic as rustc would print it (shown by editors on demand).
fn rendered(file: &SourceFile, f: &Finding, d: &Diagnostic) -> String {
    let (start, end) = (f.region.start, f.region.end);
    let gutter = " ".repeat(end.line.to_string().len());
    let mut out = String::new();
    let _ = writeln!(out, "{}[async_lint::{}]: {}", d.level, f.rule, f.message);
    let _ = writeln!(
        out,
        "{gutter}--> {}:{}:{}",
        file.path.display(),
        start.line,
        start.column
    );
    let _ = writeln!(out, "{gutter} |");
    let line = file.line_text(start.line);
    let _ = writeln!(out, "{:>w$} | {line}", start.line, w = gutter.len());
    let width = if end.line == start.line {
        end.column.saturating_sub(start.column).max(1)
    } else {
        (line.chars().count() + 1)
            .saturating_sub(start.column)
            .max(1)
    };
    let _ = writeln!(
        out,
        "{gutter} | {}{} {}",
        " ".repeat(start.column - 1),
        "^".repeat(width),
        f.label
    );
    let _ = writeln!(out, "{gutter} |");
    for c in &d.children {
        let _ = writeln!(out, "{gutter} = {}: {}", c.level, c.message);
    }
    out.push('\n');
    out
}
