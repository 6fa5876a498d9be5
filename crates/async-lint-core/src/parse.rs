//! Parsing one file with syn, turning failures into a `parse-error` finding.

use crate::finding::{Finding, Severity, PARSE_ERROR};
use crate::source::{SourceFile, Span, SpanOf};

/// Bracket nesting deeper than this is refused before parsing: syn and the visitor recurse
/// per level, and no hand-written code comes near it.
pub const MAX_NESTING: usize = 256;

/// Parses a file, or says why not as a `parse-error` finding at the error's location.
pub fn parse(file: &SourceFile) -> Result<syn::File, Box<Finding>> {
    if let Some((depth_at, depth)) = too_deep(&file.text) {
        return Err(Box::new(
            Finding::new(PARSE_ERROR, Span::new(depth_at, depth_at + 1), format!("brackets nested deeper than {depth} levels"))
                .label("nesting limit reached here")
                .severity(Severity::Error)
                .help(format!("async-lint does not lint files nested deeper than {MAX_NESTING} levels; exclude generated files in async-lint.toml"))
                .note("the file was not linted"),
        ));
    }
    syn::parse_file(&file.text).map_err(|e| {
        let span = file.span_of_proc(e.span());
        let span = if span.is_empty() {
            Span::new(
                span.start,
                (span.start + 1).min(file.text.len().max(span.start)),
            )
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

/// Where bracket nesting first exceeds [`MAX_NESTING`], if it does. A byte scan that skips
/// string, char and comment contents well enough for this purpose.
fn too_deep(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    while i < b.len() {
        match b[i] {
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((i, MAX_NESTING));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
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
                i = text[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
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
        let many = format!(
            "fn f(c: char) -> bool {{ {} false }}",
            "if c == '(' || c == b'[' as char {} ".repeat(300)
        );
        assert!(
            parse(&SourceFile::new("m.rs", many)).is_ok(),
            "char literals are not brackets"
        );
        let ok = SourceFile::new(
            "ok.rs",
            "fn f() { let s = \"((((\"; let r = r#\"((\"#; /* ((( */ }".into(),
        );
        assert!(parse(&ok).is_ok());
    }
}
