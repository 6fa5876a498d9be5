//! The byte-level pre-check that lets a driver skip parsing a file no enabled rule can fire
//! in: one Aho-Corasick automaton over every rule's trigger words (and the allow marker),
//! scanned once per file, stopping at the first match that settles the answer. The words
//! themselves are the rules' ([`crate::rules::Rule::triggers`],
//! [`crate::rules::Rule::required_word`]); this module only decides how to look for them.

use aho_corasick::{AhoCorasick, Input, MatchKind};

/// The rules' words, grouped by the extra word a group requires (none for most rules).
#[derive(Clone)]
pub struct Prefilter {
    automaton: Option<AhoCorasick>,
    patterns: Vec<String>,
    /// Per group: the pattern id of its required word (if any), and the ids of its words.
    groups: Vec<(Option<usize>, Vec<usize>)>,
    /// The pattern id of the allow-comment marker.
    marker: usize,
}

impl Prefilter {
    /// The pre-check for `groups` of trigger words (each with the word all its files hold,
    /// if any) and the allow-comment `marker`.
    pub fn new<'w>(groups: &[(Option<&'w str>, Vec<&'w str>)], marker: &'w str) -> Prefilter {
        let mut patterns: Vec<&'w str> = Vec::new();
        let mut id = |w: &'w str| match patterns.iter().position(|p| *p == w) {
            Some(i) => i,
            None => {
                patterns.push(w);
                patterns.len() - 1
            }
        };
        let marker = id(marker);
        let groups = groups
            .iter()
            .map(|(required, words)| (required.map(&mut id), words.iter().map(|w| id(w)).collect()))
            .collect();
        // Leftmost (not overlapping) search: only it runs the SIMD prefilter that skips the
        // text between candidates, and scanning every file's text is the whole cost here.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&patterns)
            .ok();
        Prefilter {
            automaton,
            patterns: patterns.into_iter().map(str::to_string).collect(),
            groups,
            marker,
        }
    }

    /// Can a rule fire on `text` (some group holds its required word and one of its words)?
    /// With `or_marker`, an allow comment also answers yes.
    pub fn matches(&self, text: &str, or_marker: bool) -> bool {
        let Some(ac) = &self.automaton else {
            // The automaton could not be built (it cannot for a few short words): parse all.
            return true;
        };
        let mut seen = vec![false; self.patterns.len()];
        let mut at = 0;
        // A leftmost search reports one word per start and skips what overlaps it: search
        // again from the next byte, and take every word that starts where a match does.
        while let Some(m) = ac.find(Input::new(text).range(at..)) {
            let rest = &text.as_bytes()[m.start()..];
            for (p, word) in self.patterns.iter().enumerate() {
                if !seen[p] && rest.starts_with(word.as_bytes()) {
                    seen[p] = true;
                    if (or_marker && p == self.marker) || self.settled(&seen) {
                        return true;
                    }
                }
            }
            at = m.start() + 1;
        }
        false
    }

    fn settled(&self, seen: &[bool]) -> bool {
        self.groups.iter().any(|(required, words)| {
            required.is_none_or(|r| seen[r]) && words.iter().any(|&w| seen[w])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_needs_its_required_word_and_one_of_its_words() {
        let p = Prefilter::new(
            &[(None, vec!["await"]), (Some("Drop"), vec!["spawn("])],
            "async-lint:",
        );
        assert!(p.matches("x.await", false));
        assert!(!p.matches("tokio::spawn(f)", false), "no Drop");
        assert!(p.matches("impl Drop for A { fn drop(&mut self) { spawn(f) } }", false));
        assert!(p.matches("spawn( ... Drop", false), "order does not matter");
        assert!(!p.matches("// async-lint: allow(x)", false));
        assert!(p.matches("// async-lint: allow(x)", true));
        assert!(!p.matches("", true));
    }

    #[test]
    fn overlapping_words_are_all_seen() {
        // `spawn_blocking` holds `spawn`; a group asking `blocking` must still see it.
        let p = Prefilter::new(&[(Some("blocking"), vec!["spawn"])], "m");
        assert!(p.matches("spawn_blocking", false));
        // Two words starting at the same byte: the search reports one, both count.
        let p = Prefilter::new(&[(Some("select"), vec!["select!"])], "m");
        assert!(p.matches("select!", false));
        let p = Prefilter::new(&[(Some("select!"), vec!["select"])], "m");
        assert!(p.matches("select!", false));
    }
}
