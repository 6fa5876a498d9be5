//! The crate's methods by name, for calls whose receiver's type the engine does not know
//! (`registry.store().debug_info(key)`): the methods such a call may reach. One pass over the
//! text of the crate's files finds which files define a fn of each name; only those files are
//! parsed, when a name is first asked about.

use super::{CrateIndex, FnRef};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

/// The files of the crate (under `src/`, outside test paths) by the names of the fns they
/// define, found on first use (an index made for a changed file starts a new one).
#[derive(Debug, Default)]
pub(super) struct Memo {
    files_by_name: OnceLock<HashMap<String, Vec<PathBuf>>>,
}

impl CrateIndex {
    /// The methods of the crate named `name` that take `self` and `params` other parameters,
    /// outside test code. Empty when the crate's files cannot be listed.
    pub fn methods_named(&self, name: &str, params: usize) -> Vec<FnRef> {
        let by_name = self
            .methods
            .files_by_name
            .get_or_init(|| super::busy(|| self.files_by_fn_name()));
        let Some(files) = by_name.get(name) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for file in files {
            let Some(summary) = self.summary(file) else {
                continue;
            };
            for (i, f) in summary.fns.iter().enumerate() {
                if f.name == name && f.has_self && f.params == params && !f.test {
                    out.push(FnRef::new(summary.clone(), i));
                }
            }
        }
        out
    }

    fn files_by_fn_name(&self) -> HashMap<String, Vec<PathBuf>> {
        let mut files = Vec::new();
        if let Some(root) = self.root() {
            super::logging::rust_files(&root.join("src"), &mut files, 0);
        }
        let mut out: HashMap<String, Vec<PathBuf>> = HashMap::new();
        for file in files {
            if crate::syntax::testcode::is_test_path(&file) {
                continue;
            }
            let text = match self.overlay.get(&file) {
                Some(text) => text.to_string(),
                None => match std::fs::read_to_string(&file) {
                    Ok(text) => text,
                    Err(_) => continue,
                },
            };
            let mut names = fn_names(&text);
            names.sort_unstable();
            names.dedup();
            for name in names {
                out.entry(name.to_string()).or_default().push(file.clone());
            }
        }
        out
    }
}

/// The names after the keyword `fn` in a text (comments and strings included: a name too
/// many only costs a parse).
fn fn_names(text: &str) -> Vec<&str> {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    for (at, _) in text.match_indices("fn ") {
        if text[..at].chars().next_back().is_some_and(ident) {
            continue;
        }
        let rest = text[at + 3..].trim_start();
        let end = rest.find(|c: char| !ident(c)).unwrap_or(rest.len());
        if end > 0 {
            out.push(&rest[..end]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_after_the_fn_keyword() {
        let text = "pub async fn open(&self) {}\nfn  close() {}\nlet f = |x| x; // a fn\nstruct Spawn fn_x;";
        assert_eq!(super::fn_names(text), ["open", "close"]);
    }
}
