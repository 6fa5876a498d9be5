//! Human output: miette's graphical report, with a theme the program chooses (colour only on
//! a terminal without NO_COLOR) and a source type that finds lines through the file's line
//! index instead of rescanning the file for every finding.

use super::{Emitter, Settings};
use crate::outcome::Outcome;
use async_lint_core::{Finding, Severity, SourceFile};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::fmt::{self, Write};

/// `--format human`.
pub struct Human;

impl Emitter for Human {
    fn emit(&self, outcome: &Outcome, s: &Settings<'_>) -> String {
        render(outcome, s.color, s.width, s.quiet, s.statistics)
    }
}

/// Renders every finding, then the optional statistics and summary.
pub fn render(
    outcome: &Outcome,
    color: bool,
    width: usize,
    quiet: bool,
    statistics: bool,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    if statistics {
        // As ruff: the table instead of the findings.
        out.push_str(&super::statistics_table(outcome));
    } else {
        for (file, finding) in super::all(outcome) {
            let diag = Rendered::new(file, finding);
            if handler.render_report(&mut out, &diag).is_err() {
                let _ = writeln!(out, "{}: {}", file.path.display(), finding.message);
            }
            // Notes beside the help, not inside it (rustc's layout), then where to read more.
            for note in &finding.notes {
                out.push_str(&wrap(note, "  note: ", width));
            }
            if let Some(docs) = super::rule_docs(finding.rule) {
                let _ = writeln!(out, "  for further information: {docs}");
            }
            out.push('\n');
        }
    }
    if !quiet {
        out.push_str(&summary(outcome));
        out.push_str(&super::fix_summary(outcome));
    }
    out
}

/// `text` after `first`, wrapped at spaces to `width` columns, the lines after the first
/// indented as far as the text (as miette wraps the help).
fn wrap(text: &str, first: &str, width: usize) -> String {
    let indent = " ".repeat(first.chars().count());
    let mut out = String::new();
    let mut line = first.to_string();
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.chars().count() + 1 + word.chars().count() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// The closing line: findings per severity and files read.
pub fn summary(outcome: &Outcome) -> String {
    let counts = super::counts(outcome);
    let total: usize = counts.values().sum();
    let files = outcome.files_read;
    if files == 0 && outcome.errors.is_empty() {
        return "No Rust files found.\n".to_string();
    }
    if total == 0 {
        return format!("No findings in {files} file{}.\n", plural(files));
    }
    let parts: Vec<String> = counts
        .iter()
        .rev()
        .map(|(s, n)| format!("{n} {}{}", s.as_str(), plural(*n)))
        .collect();
    format!(
        "Found {total} finding{} ({}) in {files} file{}.\n",
        plural(total),
        parts.join(", "),
        plural(files)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A finding as a miette diagnostic.
struct Rendered<'a> {
    file: Indexed<'a>,
    finding: &'a Finding,
    /// `path:line:col` to show in the message when there is no snippet.
    location: Option<String>,
}

/// Lines longer than this get no snippet: minified or generated code is unreadable in one,
/// and miette pads columns with format widths, which cannot exceed 65,535.
const MAX_SNIPPET_LINE: usize = 1024;

impl<'a> Rendered<'a> {
    fn new(file: &'a SourceFile, finding: &'a Finding) -> Self {
        let spans = std::iter::once(finding.span).chain(finding.labels.iter().map(|l| l.span));
        let too_long = spans.flat_map(|s| [s.start, s.end]).any(|offset| {
            let line = file.lines.line_of(offset) + 1;
            file.lines.line_range(line, &file.text).len() > MAX_SNIPPET_LINE
        });
        let location = too_long.then(|| {
            let at = finding.region.start;
            format!("{}:{}:{}", file.path.display(), at.line, at.column)
        });
        Rendered {
            file: Indexed(file),
            finding,
            location,
        }
    }
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = &self.location {
            write!(f, "{at}: ")?;
        }
        f.write_str(&self.finding.message)?;
        // `[*]`: `--fix` fixes this one (as in the concise format and ruff).
        let fixable =
            self.finding.suggestion.as_ref().is_some_and(|s| {
                s.applicability == async_lint_core::Applicability::MachineApplicable
            });
        if fixable {
            f.write_str(" [*]")?;
        }
        Ok(())
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("async-lint::{}", self.finding.rule)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.finding.help.as_ref()?;
        Some(Box::new(help.clone()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self.location {
            Some(_) => None,
            None => Some(&self.file),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.location.is_some() {
            return None;
        }
        let f = self.finding;
        let primary = LabeledSpan::new_primary_with_span(
            Some(f.label.clone()).filter(|l| !l.is_empty()),
            to_miette(f.span),
        );
        let rest = f
            .labels
            .iter()
            .map(|l| LabeledSpan::new_with_span(Some(l.message.clone()), to_miette(l.span)));
        Some(Box::new(std::iter::once(primary).chain(rest)))
    }
}

fn to_miette(span: async_lint_core::Span) -> SourceSpan {
    SourceSpan::new(span.start.into(), span.len())
}

/// A file as miette source code, answering span lookups through its line index.
struct Indexed<'a>(&'a SourceFile);

impl SourceCode for Indexed<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let file = self.0;
        let text = &file.text;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first_line = file.lines.line_of(start).saturating_sub(before);
        let last_line = (file
            .lines
            .line_of(end.saturating_sub(usize::from(!span.is_empty())).max(start))
            + after)
            .min(file.lines.line_count() - 1);
        // As miette's own sources do: without lines before, the contents start at the span,
        // and their column is the span's (this is what the `file:line:col` header shows).
        let (data_start, column) = if before == 0 {
            (start, file.lines.line_col(text, start).column - 1)
        } else {
            (file.lines.line_start(first_line).unwrap_or(0), 0)
        };
        let data_end = file
            .lines
            .line_start(last_line + 1)
            .unwrap_or(text.len())
            .max(data_start);
        let data = &text.as_bytes()[data_start..data_end];
        let name = file.path.display().to_string();
        Ok(Box::new(MietteSpanContents::new_named(
            name,
            data,
            SourceSpan::new(data_start.into(), data_end - data_start),
            first_line,
            column,
            last_line - first_line + 1,
        )))
    }
}
