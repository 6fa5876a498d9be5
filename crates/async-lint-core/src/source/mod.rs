//! Source model: the text of one file, its line index, and byte spans.
//!
//! Every position the engine keeps is a byte offset into the file text; lines and columns are
//! derived through [`LineIndex`] only when a finding is reported ([`Region`]).

mod line_index;
mod span;

pub use line_index::{LineCol, LineIndex};
pub use span::{Span, SpanOf};

use std::path::PathBuf;

/// Where a span is in lines and columns: 1-based, columns in chars, `end` just past the last
/// character. The engine's pipeline resolves every span of a finding once; formats print it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub start: LineCol,
    pub end: LineCol,
}

impl Region {
    pub fn of(file: &SourceFile, span: Span) -> Region {
        Region {
            start: file.lines.line_col(&file.text, span.start),
            end: file.lines.line_col(&file.text, span.end),
        }
    }
}

/// One Rust file as the engine sees it: where it lives, its text and its line index.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as it should be shown to the user (relative to the working directory when possible).
    pub path: PathBuf,
    pub text: String,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: String) -> Self {
        let lines = LineIndex::new(&text);
        SourceFile {
            path: path.into(),
            text,
            lines,
        }
    }

    /// The text covered by `span` (empty when the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    /// The text of 1-based line `line` without its line terminator.
    pub fn line_text(&self, line: usize) -> &str {
        let range = self.lines.line_range(line, &self.text);
        self.text.get(range).unwrap_or("")
    }
}
