//! Byte offset ⇄ line/column conversion in O(log lines).

/// 1-based line and 1-based column counted in Unicode scalar values (chars), the convention
/// shared by rustc's JSON, SARIF (`unicodeCodePoints`) and editors.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line of a text, and which lines are pure ASCII (where a char
/// column is a byte offset, so conversions cost O(1) even on minified one-line files).
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut ascii = Vec::new();
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', bytes) {
            starts.push(nl + 1);
            ascii.push(bytes[start..nl].is_ascii());
            start = nl + 1;
        }
        ascii.push(bytes[start..].is_ascii());
        LineIndex { starts, ascii }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where 0-based line `line` starts (the text length past the end).
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }

    /// Byte range of 1-based `line`, without the `\n` (and `\r`) terminator.
    pub fn line_range(&self, line: usize, text: &str) -> std::ops::Range<usize> {
        let Some(start) = line.checked_sub(1).and_then(|l| self.line_start(l)) else {
            return 0..0;
        };
        let mut end = self.line_start(line).map_or(text.len(), |s| s - 1);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        start..end.max(start)
    }

    /// Line and column (both 1-based, column in chars) of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let column = text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// Byte offset of a proc-macro2 position: 1-based `line`, 0-based `column` in chars.
    pub fn offset_of(&self, text: &str, line: usize, column: usize) -> usize {
        let Some(start) = line.checked_sub(1).and_then(|l| self.line_start(l)) else {
            return text.len();
        };
        if self.ascii[line - 1] {
            let end = self.line_start(line).unwrap_or(text.len());
            return (start + column).min(end);
        }
        let rest = text.get(start..).unwrap_or("");
        match rest.char_indices().nth(column) {
            Some((i, _)) => start + i,
            None => text.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_lines_convert_without_walking_chars() {
        let text = format!("{}x\né{}y", "a".repeat(100_000), "b".repeat(10));
        let idx = LineIndex::new(&text);
        assert_eq!(idx.offset_of(&text, 1, 100_000), 100_000);
        assert_eq!(
            idx.line_col(&text, 100_000),
            LineCol {
                line: 1,
                column: 100_001
            }
        );
        let y = text.len() - 1;
        assert_eq!(
            idx.offset_of(&text, 2, 11),
            y,
            "non-ASCII lines count chars"
        );
        assert_eq!(
            idx.line_col(&text, y),
            LineCol {
                line: 2,
                column: 12
            }
        );
        assert_eq!(
            idx.offset_of(&text, 1, 200_000),
            100_002,
            "past the end of a line stops at the next"
        );
    }

    #[test]
    fn converts_both_ways_with_multibyte_chars() {
        let text = "fn a() {}\nlet é = 1;\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_count(), 3);
        let off = idx.offset_of(text, 2, 6);
        assert_eq!(&text[off..off + 1], "=");
        assert_eq!(idx.line_col(text, off), LineCol { line: 2, column: 7 });
        assert_eq!(&text[idx.line_range(2, text)], "let é = 1;");
        assert_eq!(
            idx.line_col(text, text.len()),
            LineCol { line: 3, column: 2 }
        );
    }
}
