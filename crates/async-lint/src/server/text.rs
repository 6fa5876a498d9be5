//! Positions as LSP counts them (line, UTF-16 code unit in the line) against the byte
//! offsets of the engine, the editing of a document by incremental changes, and how findings
//! made on an older text carry over to a newer one.

use async_lint_core::{Finding, Span};
use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// The byte offset of the start of each line of `text`.
pub struct Lines(Vec<usize>);

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Lines(starts)
    }

    /// The LSP position of byte `offset` (clamped to the text, moved back to a char start).
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.0.partition_point(|&s| s <= offset) - 1;
        let start = self.0[line];
        let character = text[start..offset].encode_utf16().count();
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start),
            self.position(text, span.end),
        )
    }

    /// The byte offset of an LSP position; a column past the line's end means its end, a
    /// line past the last means the end of the text (as the protocol asks).
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.0.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .0
            .get(pos.line as usize + 1)
            .map_or(text.len(), |&next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0;
        for (i, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    /// The byte offset where 0-based `line` starts and where its text ends (before `\r\n`).
    pub fn line_bounds(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let start = *self.0.get(line)?;
        let end = self.0.get(line + 1).map_or(text.len(), |&n| n - 1);
        let end = if text[start..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        Some((start, end))
    }

    /// The 0-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.0.partition_point(|&s| s <= offset) - 1
    }
}

/// Applies the client's changes to `text` in order (a change without a range replaces all).
pub fn apply_changes(text: &mut String, changes: Vec<TextDocumentContentChangeEvent>) {
    for change in changes {
        match change.range {
            None => *text = change.text,
            Some(range) => {
                let lines = Lines::new(text);
                let start = lines.offset(text, range.start);
                let end = lines.offset(text, range.end).max(start);
                text.replace_range(start..end, &change.text);
            }
        }
    }
}

/// The part of `old` and `new` that differs: `(start, old_end, new_end)` in bytes, after the
/// longest common prefix and, of the rest, the longest common suffix.
pub fn changed_region(old: &str, new: &str) -> (usize, usize, usize) {
    let (a, b) = (old.as_bytes(), new.as_bytes());
    let mut start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    while !old.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_suffix = (a.len() - start).min(b.len() - start);
    let mut suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take(max_suffix)
        .take_while(|(x, y)| x == y)
        .count();
    while !old.is_char_boundary(a.len() - suffix) || !new.is_char_boundary(b.len() - suffix) {
        suffix -= 1;
    }
    (start, a.len() - suffix, b.len() - suffix)
}

/// The findings made on `old` that still stand on `new` as they were: those wholly before or
/// wholly after the edited region (moved by its change in length); the others are dropped.
pub fn carry_over(findings: &[Finding], old: &str, new: &str) -> Vec<Finding> {
    let (start, old_end, new_end) = changed_region(old, new);
    let moved = |at: usize| at + new_end - old_end;
    let mut out = Vec::new();
    for f in findings {
        let mut f = f.clone();
        if f.span.end <= start {
            // Before the edit: unchanged. Secondary labels and suggestions after it move.
        } else if f.span.start >= old_end {
            f.span = Span::new(moved(f.span.start), moved(f.span.end));
        } else {
            continue;
        }
        f.labels
            .retain(|l| l.span.end <= start || l.span.start >= old_end);
        for l in &mut f.labels {
            if l.span.start >= old_end {
                l.span = Span::new(moved(l.span.start), moved(l.span.end));
            }
        }
        f.suggestion = f
            .suggestion
            .filter(|s| s.span.end <= start || s.span.start >= old_end);
        if let Some(s) = &mut f.suggestion {
            if s.span.start >= old_end {
                s.span = Span::new(moved(s.span.start), moved(s.span.end));
            }
        }
        out.push(f);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_positions_round_trip_on_a_line_with_emoji() {
        let text = "fn a() {}\nlet s = \"🦀é\"; x();\r\nend";
        let lines = Lines::new(text);
        let x = text.find("x()").unwrap();
        // `🦀` is 2 UTF-16 units (4 bytes), `é` one (2 bytes).
        let pos = lines.position(text, x);
        assert_eq!(pos, Position::new(1, 15));
        assert_eq!(lines.offset(text, pos), x);
        // Past the end of a line: its end, before `\r\n`.
        assert_eq!(
            lines.offset(text, Position::new(1, 99)),
            text.find('\r').unwrap()
        );
        assert_eq!(lines.offset(text, Position::new(9, 0)), text.len());
    }

    #[test]
    fn incremental_changes_apply_in_order() {
        // `🦀` is two UTF-16 units: the `1` is at unit 9.
        let mut text = "let 🦀 = 1;\nfoo();\n".to_string();
        let change = |l1, c1, l2, c2, t: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: t.to_string(),
        };
        apply_changes(
            &mut text,
            vec![change(0, 9, 0, 10, "2"), change(1, 0, 1, 3, "bar")],
        );
        assert_eq!(text, "let 🦀 = 2;\nbar();\n");
    }

    #[test]
    fn findings_outside_the_edit_carry_over() {
        let old = "aaa\nbbb\nccc\n";
        let new = "aaa\nbXXXbb\nccc\n";
        let at = |s, e| Finding::new("r", Span::new(s, e), "m");
        let kept = carry_over(&[at(0, 3), at(4, 7), at(8, 11)], old, new);
        let spans: Vec<_> = kept.iter().map(|f| (f.span.start, f.span.end)).collect();
        assert_eq!(spans, [(0, 3), (11, 14)]);
        assert_eq!(&new[11..14], "ccc");
    }
}
