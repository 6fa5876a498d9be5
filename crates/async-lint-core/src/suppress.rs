//! Suppressions in source: `// async-lint: allow(rule-a, rule-b)`.
//!
//! Trailing code, the comment covers its own line. On a line of its own, it covers the next
//! statement or item, whole (a fn, when placed above it). syn drops comments, so they are read
//! from the text by line; the extent of the next node comes from the visitor.

use std::collections::{HashMap, HashSet};

/// The text that starts an allow comment.
pub const MARKER: &str = "async-lint:";

/// One `allow(..)` comment.
#[derive(Debug, Clone)]
pub struct Allow {
    /// 1-based line of the comment.
    pub line: usize,
    /// Byte offset of the comment's `//`.
    pub offset: usize,
    pub rules: Vec<String>,
    /// Lines covered, inclusive.
    pub first: usize,
    pub last: usize,
    /// For an own-line comment: the line where the covered node starts.
    pub target: Option<usize>,
}

/// All suppressions of one file.
#[derive(Debug, Default)]
pub struct Suppressions {
    pub allows: Vec<Allow>,
}

impl Suppressions {
    /// Finds the allow comments of a file.
    pub fn scan(text: &str) -> Suppressions {
        let mut allows = Vec::new();
        if !text.contains(MARKER) {
            return Suppressions { allows };
        }
        let lines: Vec<(usize, &str)> = line_offsets(text);
        for (i, &(off, line)) in lines.iter().enumerate() {
            let Some(pos) = line.find(MARKER) else {
                continue;
            };
            let Some(slash) = line[..pos].rfind("//") else {
                continue;
            };
            let rest = line[pos + MARKER.len()..].trim_start();
            let Some(inner) = rest
                .strip_prefix("allow(")
                .and_then(|r| r.split_once(')'))
                .map(|(a, _)| a)
            else {
                continue;
            };
            let rules: Vec<String> = inner
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
            let lineno = i + 1;
            let own_line = line[..slash].trim().is_empty();
            let target = own_line.then(|| next_code_line(&lines, i + 1)).flatten();
            allows.push(Allow {
                line: lineno,
                offset: off + slash,
                rules,
                first: lineno,
                last: target.unwrap_or(lineno),
                target,
            });
        }
        Suppressions { allows }
    }

    /// Lines whose node extent the visitor should report.
    pub fn target_lines(&self) -> HashSet<usize> {
        self.allows.iter().filter_map(|a| a.target).collect()
    }

    /// Stretches own-line allows over the node that starts at their target line.
    pub fn apply_extents(&mut self, extents: &HashMap<usize, usize>) {
        for a in &mut self.allows {
            if let Some(end) = a.target.and_then(|t| extents.get(&t)) {
                a.last = a.last.max(*end);
            }
        }
    }

    /// Index of the allow that suppresses `rule` at `line`, if any.
    pub fn suppressing(&self, rule: &str, line: usize) -> Option<usize> {
        self.allows
            .iter()
            .position(|a| a.first <= line && line <= a.last && a.rules.iter().any(|r| r == rule))
    }
}

fn line_offsets(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        out.push((off, line.trim_end_matches(['\n', '\r'])));
        off += line.len();
    }
    out
}

/// The first line from 0-based index `from` that holds code (doc comments and attributes
/// count: they start the item), as a 1-based number.
fn next_code_line(lines: &[(usize, &str)], from: usize) -> Option<usize> {
    lines.iter().enumerate().skip(from).find_map(|(i, (_, l))| {
        let t = l.trim_start();
        let plain_comment = t.starts_with("//") && !t.starts_with("///") && !t.starts_with("//!");
        (!t.is_empty() && !plain_comment).then_some(i + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_and_own_line_allows() {
        let text = "fn a() {\n    x(); // async-lint: allow(blocking-in-async)\n    // async-lint: allow(a, b)\n\n    // other comment\n    y(\n    );\n}\n";
        let mut s = Suppressions::scan(text);
        assert_eq!(s.allows.len(), 2);
        assert_eq!((s.allows[0].first, s.allows[0].last), (2, 2));
        assert_eq!(s.allows[1].target, Some(6));
        assert_eq!(s.target_lines(), HashSet::from([6]));
        s.apply_extents(&HashMap::from([(6, 7)]));
        assert_eq!(s.suppressing("b", 7), Some(1));
        assert_eq!(s.suppressing("b", 8), None);
        assert_eq!(s.suppressing("blocking-in-async", 2), Some(0));
        assert_eq!(s.suppressing("c", 6), None);
    }
}
