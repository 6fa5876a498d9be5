//! Byte spans, made from proc-macro2 spans as soon as a node is looked at.

use super::SourceFile;

/// A half-open byte range `start..end` into a file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span {
            start,
            end: end.max(start),
        }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Converts anything syn can span into a byte [`Span`] of a given file.
pub trait SpanOf {
    fn span_of<T: syn::spanned::Spanned + ?Sized>(&self, node: &T) -> Span;
    fn span_of_proc(&self, span: proc_macro2::Span) -> Span;
}

impl SpanOf for SourceFile {
    fn span_of<T: syn::spanned::Spanned + ?Sized>(&self, node: &T) -> Span {
        self.span_of_proc(node.span())
    }

    fn span_of_proc(&self, span: proc_macro2::Span) -> Span {
        let (s, e) = (span.start(), span.end());
        let start = self.lines.offset_of(&self.text, s.line, s.column);
        let end = self.lines.offset_of(&self.text, e.line, e.column);
        Span::new(start, end)
    }
}
