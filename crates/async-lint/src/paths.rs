//! Paths: how they are shown, which a config's `exclude` leaves out, and one that could not
//! be read.

use async_lint_core::engine::relative_to;
use globset::{Glob, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};

/// A path that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct PathError {
    pub path: PathBuf,
    pub message: String,
}

/// How a file is named in output: relative to the working directory when below it.
pub fn display_path(path: &Path) -> PathBuf {
    let rel = relative_to(path, Path::new("."));
    rel.strip_prefix("./").map(Path::to_path_buf).unwrap_or(rel)
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
