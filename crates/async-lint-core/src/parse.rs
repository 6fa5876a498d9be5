//! Parsing one file with syn, turning failures into a `parse-error` finding.

use crate::finding::{Finding, Severity, PARSE_ERROR};
use crate::source::{SourceFile, Span, SpanOf};

/// Bracket nesting deeper than this is refused before parsing: syn and the visitor recurse
/// per level, and no hand-written code comes near it.
pub const MAX_NESTING: usize = 256;

/// Parses a file, or says why not as a `parse-error` finding at the error's location.
pub fn parse(file: &SourceFile) -> Result<syn::File, Box<Finding>> {
    if let Some(at) = too_deep(&file.text) {
        return Err(Box::new(
            Finding::new(PARSE_ERROR, Span::new(at, at + 1), format!("code nested deeper than {MAX_NESTING} levels"))
                .label("nesting limit reached here")
                .severity(Severity::Error)
                .help(format!("async-lint does not lint files nested deeper than {MAX_NESTING} levels; exclude generated files in async-lint.toml"))
                .note("the file was not linted"),
        ));
    }
    syn::parse_file(&file.text).map_err(|e| {
        let span = file.span_of_proc(e.span());
        let message = e.to_string();
        // syn reports a missing closing delimiter at the start of the file (or as a bare
        // "cannot parse string into token stream"); rustc's positions say more.
        let lex_error = message.contains("cannot parse string into token stream");
        let early_end = message.contains("end of input") && span.start == 0;
        if (lex_error || early_end) && !file.text.is_empty() {
            if let Some(f) = delimiter_error(file, &message) {
                return Box::new(f);
            }
        }
        let span = if span.is_empty() {
            let width = file
                .text
                .get(span.start..)
                .and_then(|t| t.chars().next())
                .map_or(0, char::len_utf8);
            Span::new(span.start, span.start + width)
        } else {
            span
        };
        Box::new(
            Finding::new(PARSE_ERROR, span, format!("file does not parse: {e}"))
                .label(e.to_string())
                .severity(Severity::Error)
                .note("the file was not linted; fix the syntax error or exclude the file"),
        )
    })
}

/// The finding for unbalanced delimiters, as rustc words and places it: an unclosed one at
/// the end of the file (labelled), a mismatched or unexpected closing one where it is; a file
/// that ends too early without one, at its end. `None` when the delimiters balance and the
/// message is not about the end of input.
fn delimiter_error(file: &SourceFile, message: &str) -> Option<Finding> {
    // Just after the last character, as rustc places it (not on the empty line after it).
    let end = file.text.trim_end().len();
    let error = |span: Span, message: String| {
        Finding::new(PARSE_ERROR, span, format!("file does not parse: {message}"))
            .severity(Severity::Error)
            .note("the file was not linted; fix the syntax error or exclude the file")
    };
    let one = |at: usize| Span::new(at, at + 1);
    Some(match delimiters(&file.text) {
        Delimiters::Unclosed(open) => error(
            Span::new(end, end),
            "this file contains an unclosed delimiter".into(),
        )
        .label("the file ends here")
        .secondary(one(open), "unclosed delimiter"),
        Delimiters::Mismatched { open, close } => {
            error(one(close), "mismatched closing delimiter".into())
                .label("mismatched closing delimiter")
                .secondary(one(open), "unclosed delimiter")
        }
        Delimiters::Unexpected(close) => error(one(close), "unexpected closing delimiter".into())
            .label("unexpected closing delimiter"),
        Delimiters::Balanced if message.contains("end of input") => {
            error(Span::new(end, end), message.to_string()).label("the file ends here")
        }
        Delimiters::Balanced => return None,
    })
}

/// How the brackets of a file pair up.
#[derive(Debug, PartialEq, Eq)]
enum Delimiters {
    Balanced,
    /// The innermost bracket still open at the end.
    Unclosed(usize),
    Mismatched {
        open: usize,
        close: usize,
    },
    /// A closing bracket with none open.
    Unexpected(usize),
}

/// Pairs the brackets of `text`, skipping strings, chars and comments (raw strings are not
/// recognised: a file that needs them to balance gets syn's own message).
fn delimiters(text: &str) -> Delimiters {
    let b = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => open.push(i),
            c @ (b')' | b']' | b'}') => {
                let Some(o) = open.pop() else {
                    return Delimiters::Unexpected(i);
                };
                let expected = match b[o] {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if c != expected {
                    return Delimiters::Mismatched { open: o, close: i };
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 1);
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            // A char literal ('x', '\n'), not a lifetime ('a).
            b'\'' if b.get(i + 1) == Some(&b'\\') => {
                i += 2;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
            }
            b'\'' => {
                let width = text[i + 1..].chars().next().map_or(0, char::len_utf8);
                if b.get(i + 1 + width) == Some(&b'\'') {
                    i += 1 + width;
                }
            }
            _ => {}
        }
        i += 1;
    }
    open.pop()
        .map_or(Delimiters::Balanced, Delimiters::Unclosed)
}

/// The parse-only baseline benchmarks compare against: parse the file as [`parse`] does, visit
/// the tree once (counting awaits, so the tree is really read), and free proc-macro2's span data
/// as the engine does after each file. Returns the number of awaits (0 if it does not parse).
pub fn baseline(file: &SourceFile) -> usize {
    struct Awaits(usize);
    impl<'ast> syn::visit::Visit<'ast> for Awaits {
        fn visit_expr_await(&mut self, e: &'ast syn::ExprAwait) {
            self.0 += 1;
            syn::visit::visit_expr_await(self, e);
        }
    }
    let count = parse(file).map_or(0, |ast| {
        let mut v = Awaits(0);
        syn::visit::Visit::visit_file(&mut v, &ast);
        v.0
    });
    proc_macro2::extra::invalidate_current_thread_spans();
    count
}

/// Where the nesting of the file first exceeds [`MAX_NESTING`], if it does: a byte scan,
/// run before syn (whose parser recurses once per level and has no depth limit of its own).
///
/// The estimate is bracket depth plus, per bracket level, the generic `<` and closure `|`
/// openers since the last `;`, `=`, `{` or `}`: `Vec<Vec<..>>` and `|| || ..` recurse without
/// brackets. Comparisons and `a || b` chains parse iteratively and are not counted.
/// String, char and comment contents are skipped.
fn too_deep(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    // Openers per bracket level (innermost last), and their sum.
    let mut levels: Vec<usize> = vec![0];
    let mut openers = 0usize;
    let mut prev = b';';
    let mut last_bar_opened = false;
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        let mut bar_opened = false;
        match c {
            b'(' | b'[' | b'{' => {
                if c == b'{' {
                    reset(&mut levels, &mut openers);
                }
                depth += 1;
                levels.push(0);
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if levels.len() > 1 {
                    openers -= levels.pop().unwrap_or(0);
                }
                if c == b'}' {
                    reset(&mut levels, &mut openers);
                }
            }
            b';' | b'=' => reset(&mut levels, &mut openers),
            b'<' if is_ident(prev) || matches!(prev, b':' | b'<' | b'&' | b'(' | b',') => {
                bump(&mut levels, &mut openers, 1)
            }
            b'>' if !matches!(prev, b'-' | b'=') => {
                if let Some(top) = levels.last_mut().filter(|t| **t > 0) {
                    *top -= 1;
                    openers -= 1;
                }
            }
            b'|' if matches!(prev, b'(' | b',' | b'=' | b'{' | b';' | b'[')
                || (prev == b'|' && last_bar_opened)
                || ends_with_word(&b[..i], b"move") =>
            {
                bump(&mut levels, &mut openers, 1);
                bar_opened = true;
            }
            b'r' if matches!(b.get(i + 1), Some(b'#' | b'"'))
                && (i == 0 || !is_ident(b[i - 1])) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                if b.get(i + 1 + hashes) == Some(&b'"') {
                    let close: Vec<u8> = std::iter::once(b'"')
                        .chain(std::iter::repeat_n(b'#', hashes))
                        .collect();
                    let body = i + 2 + hashes;
                    i = b[body.min(b.len())..]
                        .windows(close.len())
                        .position(|w| w == close.as_slice())
                        .map_or(b.len(), |p| body + p + close.len() - 1);
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'\'' => {
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
                        i += 1;
                    }
                } else if b.get(i + 2) == Some(&b'\'') {
                    i += 2;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text
                    .get(i + 2..)
                    .and_then(|t| t.find("*/"))
                    .map_or(b.len(), |p| i + 2 + p + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        if depth + openers > MAX_NESTING {
            return Some(i.min(b.len().saturating_sub(1)));
        }
        if !c.is_ascii_whitespace() {
            prev = c;
            last_bar_opened = bar_opened;
        }
        i += 1;
    }
    None
}

fn bump(levels: &mut [usize], openers: &mut usize, n: usize) {
    if let Some(top) = levels.last_mut() {
        *top += n;
        *openers += n;
    }
}

/// Forgets the openers of the innermost bracket level (a statement or block boundary).
fn reset(levels: &mut [usize], openers: &mut usize) {
    if let Some(top) = levels.last_mut() {
        *openers -= *top;
        *top = 0;
    }
}

/// Does `b` end with the keyword `word` (after trailing whitespace)?
fn ends_with_word(b: &[u8], word: &[u8]) -> bool {
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(0, |p| p + 1);
    let b = &b[..end];
    b.ends_with(word) && (b.len() == word.len() || !is_ident(b[b.len() - word.len() - 1]))
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_and_deep_nesting_become_findings() {
        let f = SourceFile::new("a.rs", "fn main() { let = ; }".into());
        let e = parse(&f).unwrap_err();
        assert_eq!(e.rule, PARSE_ERROR);
        assert!(
            f.slice(e.span).starts_with('='),
            "points at the error: {:?}",
            e.span
        );
        let deep = format!("fn f() {{ {}1{} }}", "(".repeat(10_000), ")".repeat(10_000));
        let e = parse(&SourceFile::new("d.rs", deep)).unwrap_err();
        assert!(e.message.contains("nested deeper"));
        let arabic = SourceFile::new("u.rs", "\u{696}".into());
        let e = parse(&arabic).unwrap_err();
        assert!(
            arabic.text.is_char_boundary(e.span.end),
            "found by fuzzing: {:?}",
            e.span
        );
        let deep_generics = format!(
            "fn f(x: {}u8{}) {{}}",
            "Vec<".repeat(1000),
            ">".repeat(1000)
        );
        assert!(parse(&SourceFile::new("g.rs", deep_generics)).is_err());
        let deep_closures = format!("fn f() {{ let c = {}1; }}", "|| ".repeat(1000));
        assert!(parse(&SourceFile::new("c.rs", deep_closures)).is_err());
        let moved = format!("fn f() {{ let c = {}1; }}", "move |a, b| ".repeat(1000));
        assert!(parse(&SourceFile::new("m.rs", moved)).is_err());
        let wide = format!(
            "fn f(a: bool, b: u8) -> bool {{ {} let t: Vec<Vec<u8>> = vec![]; a {} }}",
            "if b < 3 {} ".repeat(1000),
            "|| a ".repeat(1000)
        );
        assert!(
            parse(&SourceFile::new("w.rs", wide)).is_ok(),
            "comparisons and `||` chains are not nesting"
        );
        let many = format!(
            "fn f(c: char) -> bool {{ {} false }}",
            "if c == '(' || c == b'[' as char {} ".repeat(300)
        );
        assert!(
            parse(&SourceFile::new("m.rs", many)).is_ok(),
            "char literals are not brackets"
        );
        let open = SourceFile::new("o.rs", "fn f() {\n    let c = '}';\n    g(\"}\");\n".into());
        let e = parse(&open).unwrap_err();
        assert_eq!(
            e.span.start,
            open.text.len() - 1,
            "after the last character"
        );
        assert!(e.message.contains("unclosed delimiter"), "{}", e.message);
        assert_eq!(
            e.labels.first().map(|l| l.span.start),
            Some(7),
            "the open brace is labelled"
        );
        let short = SourceFile::new("s.rs", "struct A".into());
        let e = parse(&short).unwrap_err();
        assert_eq!(e.span.start, 8, "{}", e.message);
        let mismatched = SourceFile::new("m.rs", "fn f() { g(1; }".into());
        let e = parse(&mismatched).unwrap_err();
        assert_eq!((e.span.start, e.labels[0].span.start), (14, 10));
        let ok = SourceFile::new(
            "ok.rs",
            "fn f() { let s = \"((((\"; let r = r#\"((\"#; /* ((( */ }".into(),
        );
        assert!(parse(&ok).is_ok());
    }
}
