//! Keeping an index up to date while files change (the language server): a new index that
//! shares every summary of the old one except the changed file's, so one keystroke re-reads
//! one file, never the crate.
//!
//! Indexes are shared (`Arc`) by lints that may still run, so an index is not changed in
//! place: [`CrateIndex::with_changed_file`] makes its successor. What was derived from
//! several files (blocking chains, callers, resolved paths) is dropped and found again from
//! the kept summaries on first use; the lists and texts of the crate's files, and the logging
//! backend when the edit cannot change it, are carried over.

use super::{lock, logging, CrateIndex};
use std::path::Path;
use std::sync::{Arc, OnceLock};

impl CrateIndex {
    /// The index after the file at `path` (absolute, as the index names files) changed:
    /// `Some(text)` is its new text not yet on disk (an editor's buffer), `None` means read
    /// it from disk again (saved, closed, changed by another program, created or deleted).
    /// Summaries of the other files are shared with `self`; the file's own is made when
    /// first needed, from `text`.
    pub fn with_changed_file(&self, path: &Path, text: Option<Arc<str>>) -> CrateIndex {
        let old_text = self
            .overlay
            .get(path)
            .map(|t| t.to_string())
            .or_else(|| std::fs::read_to_string(path).ok());
        let mut overlay = self.overlay.clone();
        match &text {
            Some(t) => overlay.insert(path.to_path_buf(), t.clone()),
            None => overlay.remove(path),
        };
        let new_text = match &text {
            Some(t) => Some(t.to_string()),
            None => std::fs::read_to_string(path).ok(),
        };
        let exists = new_text.is_some();
        let summaries: std::collections::HashMap<_, _> = lock(&self.summaries)
            .iter()
            .filter(|(file, _)| file.as_path() != path)
            .map(|(file, slot)| (file.clone(), slot.clone()))
            .collect();
        let logging_kept = [&old_text, &new_text]
            .iter()
            .all(|t| t.as_deref().is_none_or(|t| !logging::may_change_logging(t)));
        let logging = OnceLock::new();
        if let Some(known) = self.logging.get().filter(|_| logging_kept) {
            let _ = logging.set(known.clone());
        }
        CrateIndex {
            root: self.root.clone(),
            lib_name: self.lib_name.clone(),
            summaries: std::sync::Mutex::new(summaries),
            project_apis: self.project_apis.clone(),
            logging,
            one_off: self.one_off.after_change(path, exists),
            serving: self
                .serving
                .after_change(self.root.as_deref(), path, new_text.as_deref()),
            overlay,
            summarizer: self.summarizer,
            ..CrateIndex::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// A crate of three files in a fresh temporary folder, removed on drop.
    struct Demo(std::path::PathBuf);

    impl Drop for Demo {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn demo() -> Demo {
        let root = std::env::temp_dir().join(format!("async-lint-update-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let files = [
            ("src/lib.rs", "pub mod db;\npub mod api;\n"),
            ("src/db.rs", "pub fn save() {}\n"),
            ("src/api.rs", "pub fn get() {}\n"),
        ];
        for (path, text) in files {
            let p = root.join(path);
            fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
            fs::write(p, text).expect("write");
        }
        Demo(fs::canonicalize(&root).expect("the folder exists"))
    }

    #[test]
    fn a_changed_file_is_summarized_from_its_new_text_and_the_others_are_shared() {
        let demo = demo();
        let index = CrateIndex::new(&demo.0, Some("demo"), None);
        let (db, api) = (demo.0.join("src/db.rs"), demo.0.join("src/api.rs"));
        let before = index.summary(&api).expect("api.rs parses");
        assert!(index.fn_sig("crate::db::save").is_some());
        assert!(index.fn_sig("crate::db::load").is_none());

        let next = index.with_changed_file(&db, Some(Arc::from("pub fn load() {}\n")));
        // The buffer's text, not the disk's: `save` is gone, `load` is there.
        assert!(next.fn_sig("crate::db::save").is_none());
        assert!(next.fn_sig("crate::db::load").is_some());
        // The unchanged file's summary is the same object: it was not parsed again.
        let after = next.summary(&api).expect("api.rs parses");
        assert!(Arc::ptr_eq(&before, &after));
        // The old index still answers as before (a lint may still be using it).
        assert!(index.fn_sig("crate::db::save").is_some());

        // The buffer closed unsaved: the disk's text again.
        let reverted = next.with_changed_file(&db, None);
        assert!(reverted.fn_sig("crate::db::save").is_some());
        assert!(reverted.fn_sig("crate::db::load").is_none());
    }
}
