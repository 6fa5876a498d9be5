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

    /// The span [`SpanOf::span_of`] gives a fn signature (first token to last), from the
    /// spans of its ends: syn's `Spanned` prints the whole signature into tokens to find them.
    fn span_of_sig(&self, sig: &syn::Signature) -> Span {
        let first = sig
            .constness
            .map(|t| t.span)
            .or(sig.asyncness.map(|t| t.span))
            .or(match &sig.safety {
                syn::Safety::Safe(t) => Some(t.span),
                syn::Safety::Unsafe(t) => Some(t.span),
                syn::Safety::Default => None,
            })
            .or(sig.abi.as_ref().map(|a| a.extern_token.span))
            .unwrap_or(sig.fn_token.span);
        let end = match (&sig.generics.where_clause, &sig.output) {
            (Some(w), _) if !w.predicates.is_empty() => self.span_of(w).end,
            (_, syn::ReturnType::Type(_, ty)) => self.span_of(ty).end,
            _ => self.span_of_proc(sig.paren_token.span.join()).end,
        };
        Span::new(self.span_of_proc(first).start, end)
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_span_from_its_ends_is_the_printed_one() {
        let text = r#"
const async unsafe extern "C" fn a<T>(x: T) -> Vec<T> where T: Clone, { todo!() }
fn b() {}
pub(crate) async fn c(&self, y: &mut [u8]) -> Result<(), E> { todo!() }
fn d<T>(t: T) where T: Send + Sync { }
extern "C" fn e(n: i32, ...) { }
unsafe fn f() -> impl Future<Output = ()> + Send + 'static { async {} }
fn g<'a>(s: &'a str) -> &'a str where { s }
"#;
        let file = SourceFile::new("sig.rs", text.to_string());
        let ast = syn::parse_file(text).expect("parses");
        let mut seen = 0;
        for item in &ast.items {
            let syn::Item::Fn(f) = item else { continue };
            assert_eq!(
                file.span_of_sig(&f.sig),
                file.span_of(&f.sig),
                "fn {}",
                f.sig.ident
            );
            seen += 1;
        }
        assert_eq!(seen, 7);
    }
}
