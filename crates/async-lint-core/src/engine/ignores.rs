//! `per-path-ignores`: rules not reported for paths matching a glob of the config.

use globset::{Glob, GlobSet, GlobSetBuilder};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The config's `per-path-ignores`, its globs relative to the config's folder.
#[derive(Debug, Default, Clone)]
pub struct PathIgnores {
    rules: Vec<Vec<String>>,
    set: GlobSet,
    base: PathBuf,
}

impl PathIgnores {
    pub fn new(
        map: &BTreeMap<String, Vec<String>>,
        base: &Path,
    ) -> Result<PathIgnores, globset::Error> {
        let mut b = GlobSetBuilder::new();
        let mut rules = Vec::new();
        for (glob, r) in map {
            b.add(Glob::new(glob)?);
            rules.push(r.clone());
        }
        Ok(PathIgnores {
            rules,
            set: b.build()?,
            base: base.to_path_buf(),
        })
    }

    /// The rules not reported for `path`.
    pub fn ignored(&self, path: &Path) -> Vec<&str> {
        if self.set.is_empty() {
            return Vec::new();
        }
        let rel = relative_to(path, &self.base);
        self.set
            .matches(&rel)
            .into_iter()
            .flat_map(|i| self.rules[i].iter().map(String::as_str))
            .collect()
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
