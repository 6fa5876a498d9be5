//! Which files of the crate hold a word: the index's way to find the callers of a fn
//! without reading the crate per question. The crate's files are read once; after an edit
//! only the changed file's words are taken again (see [`Words::after_change`]), so a keystroke
//! in one file costs that file, not the crate.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Picks the words of a text that a map keeps (every identifier, or the names after `fn`).
pub(super) type Extract = fn(&str) -> Vec<&str>;

/// How many changed files a map carries beside its first reading; past it, the map is made
/// again from the files (its lookups merge every changed file's words).
const MAX_CHANGED: usize = 32;

/// The files of a list by the words of their texts.
#[derive(Debug)]
pub(super) struct Words {
    /// The files, in the order the crate's walk lists them.
    files: Arc<Vec<PathBuf>>,
    /// Word → positions in `files` (ascending), from the texts when the map was made.
    base: Arc<HashMap<Box<str>, Vec<u32>>>,
    /// Files changed since: their words now (none for a file that is gone).
    changed: HashMap<u32, Arc<HashSet<Box<str>>>>,
    extract: Extract,
}

impl Words {
    /// The map of `files`, whose texts `text` gives (`None`: unreadable, no words).
    pub fn new(
        files: Vec<PathBuf>,
        text: impl Fn(&Path) -> Option<String>,
        extract: Extract,
    ) -> Words {
        let mut base: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for (at, file) in files.iter().enumerate() {
            let Some(text) = text(file) else {
                continue;
            };
            for word in word_set(&text, extract) {
                base.entry(word).or_default().push(at as u32);
            }
        }
        Words {
            files: Arc::new(files),
            base: Arc::new(base),
            changed: HashMap::new(),
            extract,
        }
    }

    /// The files whose text holds `word`, in the list's order.
    pub fn files_with(&self, word: &str) -> Vec<&Path> {
        let mut at: Vec<u32> = self
            .base
            .get(word)
            .into_iter()
            .flatten()
            .copied()
            .filter(|i| !self.changed.contains_key(i))
            .collect();
        at.extend(
            self.changed
                .iter()
                .filter(|(_, words)| words.contains(word))
                .map(|(&i, _)| i),
        );
        at.sort_unstable();
        at.iter()
            .map(|&i| self.files[i as usize].as_path())
            .collect()
    }

    /// Every file of the list.
    pub fn files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(PathBuf::as_path)
    }

    /// The map after the file `changed` got the text `text` (`None`: it is gone). `None`
    /// when the map must be made again: the file is not listed (it may be new), or too many
    /// files changed since the map was made.
    pub fn after_change(&self, changed: &Path, text: Option<&str>) -> Option<Words> {
        let at = self.files.iter().position(|f| f == changed)? as u32;
        let mut now = self.changed.clone();
        let words = text.map(|t| word_set(t, self.extract)).unwrap_or_default();
        now.insert(at, Arc::new(words));
        (now.len() <= MAX_CHANGED).then(|| Words {
            files: self.files.clone(),
            base: self.base.clone(),
            changed: now,
            extract: self.extract,
        })
    }
}

/// The distinct words `extract` picks from `text`.
fn word_set(text: &str, extract: Extract) -> HashSet<Box<str>> {
    extract(text).into_iter().map(Box::from).collect()
}

/// Can `c` be part of an identifier (as far as these maps need: letters, digits, `_`)?
pub(super) fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every identifier of a text, comments and strings included (a word too many only costs a
/// parse). `r#match` gives `r` and `match`.
pub(super) fn identifiers(text: &str) -> Vec<&str> {
    text.split(|c: char| !ident_char(c))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The word a fn's name is written as in a text: `r#match` is found as `match`.
pub(super) fn word_of(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(texts: &[(&str, &str)]) -> Words {
        let texts: HashMap<PathBuf, String> = texts
            .iter()
            .map(|(f, t)| (PathBuf::from(f), t.to_string()))
            .collect();
        let mut files: Vec<PathBuf> = texts.keys().cloned().collect();
        files.sort();
        Words::new(files, |f| texts.get(f).cloned(), identifiers)
    }

    fn names<'a>(files: &[&'a Path]) -> Vec<&'a str> {
        files.iter().map(|f| f.to_str().unwrap_or("?")).collect()
    }

    #[test]
    fn finds_whole_words_in_file_order_and_follows_changes() {
        let words = map(&[
            ("a.rs", "fn save() {}"),
            ("b.rs", "fn run() { crate::a::save(); }"),
            ("c.rs", "fn saved_count() {}"),
        ]);
        // `saved_count` does not hold the word `save`.
        assert_eq!(names(&words.files_with("save")), ["a.rs", "b.rs"]);

        let edited = words
            .after_change(Path::new("c.rs"), Some("fn x() { save() }"))
            .expect("c.rs is listed");
        assert_eq!(names(&edited.files_with("save")), ["a.rs", "b.rs", "c.rs"]);
        let gone = edited
            .after_change(Path::new("a.rs"), None)
            .expect("a.rs is listed");
        assert_eq!(names(&gone.files_with("save")), ["b.rs", "c.rs"]);
        assert!(gone.files_with("saved_count").is_empty());
        // The earlier maps answer as before.
        assert_eq!(names(&words.files_with("save")), ["a.rs", "b.rs"]);
        // A file the list does not have: the map must be made again.
        assert!(words.after_change(Path::new("d.rs"), Some("")).is_none());
    }

    #[test]
    fn too_many_changed_files_ask_for_a_new_map() {
        let texts: Vec<(String, String)> = (0..=MAX_CHANGED)
            .map(|i| (format!("f{i:03}.rs"), String::new()))
            .collect();
        let refs: Vec<(&str, &str)> = texts
            .iter()
            .map(|(f, t)| (f.as_str(), t.as_str()))
            .collect();
        let mut words = map(&refs);
        for (f, _) in &texts[..MAX_CHANGED] {
            words = words
                .after_change(Path::new(f), Some("x"))
                .expect("within the limit");
        }
        assert_eq!(words.files_with("x").len(), MAX_CHANGED);
        assert!(words
            .after_change(Path::new(&texts[MAX_CHANGED].0), Some("x"))
            .is_none());
    }
}
