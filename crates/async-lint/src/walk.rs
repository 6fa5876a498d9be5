//! Finding the files to lint: walkdir over the given paths, skipping `target/`, hidden
//! folders, `.gitignore`d paths and the config's `exclude` globs. Symlinks are followed;
//! walkdir detects loops, which are reported like any unreadable path.

use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// A path that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathError {
    pub path: PathBuf,
    pub message: String,
}

/// The `.rs` files under `paths` (sorted, without duplicates) and the paths that failed.
pub fn collect(paths: &[PathBuf], excludes: &Excludes) -> (Vec<PathBuf>, Vec<PathError>) {
    let mut files = BTreeSet::new();
    let mut errors = Vec::new();
    let ignores = GitignoreCache::default();
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) => errors.push(PathError {
                path: root.clone(),
                message: e.to_string(),
            }),
            // A file named explicitly is linted whatever its name or ignore status.
            Ok(m) if m.is_file() => {
                files.insert(root.clone());
            }
            Ok(_) => walk_dir(root, excludes, &ignores, &mut files, &mut errors),
        }
    }
    (files.into_iter().collect(), errors)
}

fn walk_dir(
    root: &Path,
    excludes: &Excludes,
    ignores: &GitignoreCache,
    files: &mut BTreeSet<PathBuf>,
    errors: &mut Vec<PathError>,
) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let is_dir = e.file_type().is_dir();
            if name.starts_with('.') || (is_dir && name == "target") {
                return false;
            }
            !excludes.is_excluded(e.path()) && !ignores.is_ignored(root, e.path(), is_dir)
        });
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "rs") {
                    files.insert(e.into_path());
                }
            }
            Err(err) => {
                let path = err
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                let message = if err.loop_ancestor().is_some() {
                    "symbolic link loop; not followed".to_string()
                } else {
                    err.io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string())
                };
                errors.push(PathError { path, message });
            }
        }
    }
}

/// The config's `exclude` globs, matched against paths relative to the config's folder.
pub struct Excludes {
    set: GlobSet,
    base: PathBuf,
}

impl Excludes {
    pub fn new(globs: &[String], base: &Path) -> Result<Excludes, globset::Error> {
        let mut b = GlobSetBuilder::new();
        for g in globs {
            b.add(Glob::new(g)?);
        }
        Ok(Excludes {
            set: b.build()?,
            base: base.to_path_buf(),
        })
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let rel = relative_to(path, &self.base);
        self.set.is_match(&rel) || self.set.is_match(path)
    }
}

/// `path` relative to `base` when it is below it (both made absolute first).
pub fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let abs = |p: &Path| {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        }
    };
    let (p, b) = (abs(path), abs(base));
    p.strip_prefix(&b)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// `.gitignore` matchers per folder, loaded on first use.
#[derive(Default)]
struct GitignoreCache {
    by_dir: RefCell<HashMap<PathBuf, Option<Gitignore>>>,
}

impl GitignoreCache {
    /// Is `path` ignored by a `.gitignore` in a folder from `root` down to its parent?
    /// The deepest matcher with an opinion decides, as in git.
    fn is_ignored(&self, root: &Path, path: &Path, is_dir: bool) -> bool {
        let mut dirs: Vec<&Path> = path
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(root))
            .collect();
        dirs.reverse();
        let mut ignored = false;
        for dir in dirs {
            let mut cache = self.by_dir.borrow_mut();
            let gi = cache
                .entry(dir.to_path_buf())
                .or_insert_with(|| load_gitignore(dir));
            if let Some(gi) = gi {
                match gi.matched(path, is_dir) {
                    Match::Ignore(_) => ignored = true,
                    Match::Whitelist(_) => ignored = false,
                    Match::None => {}
                }
            }
        }
        ignored
    }
}

fn load_gitignore(dir: &Path) -> Option<Gitignore> {
    let file = dir.join(".gitignore");
    if !file.is_file() {
        return None;
    }
    let mut b = GitignoreBuilder::new(dir);
    b.add(&file);
    b.build().ok()
}
