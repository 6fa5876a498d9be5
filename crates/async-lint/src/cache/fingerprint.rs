//! What a file's findings depend on beyond its own text: the crate around it, as a digest.
//!
//! The crate index reads the crate's `src/` tree (any file a `mod` or `#[path]` names, and
//! every `.rs` file for the crate-wide questions: the logging backend, callers, serving
//! loops), the manifests (`Cargo.toml`, and the workspace's above it for inherited fields),
//! and the layout cargo discovers targets from (`src/bin`, `examples`, `tests`, `benches`).
//! A file that does not parse is judged against the `mod` declarations of every `.rs` file
//! of the package. Rather than track which of these one file's findings used (the index
//! memoizes answers across files, so per-file tracking would be easy to get wrong), the
//! digest covers all of it, conservatively:
//! - [`Fingerprint::index`]: every entry's name and kind under the crate folder, the content
//!   of every file under `src/`, and every `Cargo.toml` in the folder and its ancestors;
//! - [`Fingerprint::package`]: that, plus the content of every `.rs` file in the folder
//!   (only for files that do not parse).
//!
//! Skipped: `.git`, `.async-lint-cache`, and the `target` folder of the crate and of packages
//! nested in it (cargo's output, which nothing reads). Symlinks are followed once (a loop
//! is recorded, not walked). Files the index reads outside the crate's `src/` (a `#[path]`
//! that leaves it) are not covered: the cache stores nothing for such a crate.

use super::Digest;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// How deep below the crate folder entries are looked at; deeper trees are not cached.
const MAX_DEPTH: usize = 64;

/// The digests of one crate folder, computed once per run.
pub struct Fingerprint {
    /// `None` when the folder could not be walked completely (too deep).
    pub index: Option<Digest>,
    /// Computed on first need.
    package: OnceLock<Option<Digest>>,
    /// The `.rs` files outside `src/`, for [`Fingerprint::package`].
    other_sources: Vec<PathBuf>,
}

/// Content digests by absolute path, shared by the crate walks and the linted files, so a
/// file is read once for both.
#[derive(Default)]
pub struct Contents {
    known: Mutex<HashMap<PathBuf, Option<Digest>>>,
}

impl Contents {
    /// The digest of the file's bytes (`None`: unreadable), read on first need.
    pub fn of(&self, path: &Path) -> Option<Digest> {
        if let Some(known) = lock(&self.known).get(path) {
            return *known;
        }
        let digest = std::fs::read(path).ok().map(|b| Digest::of(&b));
        lock(&self.known).insert(path.to_path_buf(), digest);
        digest
    }

    /// The digest read earlier for `path`, if any (no read).
    pub fn known(&self, path: &Path) -> Option<Digest> {
        lock(&self.known).get(path).copied().flatten()
    }
}

/// Fingerprints per crate folder, each made once per run.
#[derive(Default)]
pub struct Crates {
    by_root: Mutex<HashMap<PathBuf, Arc<OnceLock<Arc<Fingerprint>>>>>,
    /// Digests of ancestor manifests, shared by the crates below them.
    manifests: Contents,
}

impl Crates {
    pub fn of(&self, root: &Path, contents: &Contents) -> Arc<Fingerprint> {
        let slot = lock(&self.by_root)
            .entry(root.to_path_buf())
            .or_default()
            .clone();
        slot.get_or_init(|| Arc::new(self.compute(root, contents)))
            .clone()
    }

    fn compute(&self, root: &Path, contents: &Contents) -> Fingerprint {
        let mut h = blake3::Hasher::new();
        h.update(b"crate\0");
        h.update(root.as_os_str().as_encoded_bytes());
        for dir in root.ancestors().skip(1) {
            let manifest = dir.join("Cargo.toml");
            h.update(b"\0ancestor\0");
            match self.manifests.of(&manifest) {
                Some(d) => h.update(&d.0),
                None => h.update(b"-"),
            };
        }
        let mut walk = Walk {
            contents,
            hasher: h,
            other_sources: Vec::new(),
            ancestors: Vec::new(),
            complete: true,
        };
        walk.dir(root, Path::new(""), 0);
        let Walk {
            hasher,
            other_sources,
            complete,
            ..
        } = walk;
        Fingerprint {
            index: complete.then(|| Digest(*hasher.finalize().as_bytes())),
            package: OnceLock::new(),
            other_sources,
        }
    }
}

impl Fingerprint {
    /// The index digest plus the content of every `.rs` file of the folder.
    pub fn package(&self, contents: &Contents) -> Option<Digest> {
        *self.package.get_or_init(|| {
            let index = self.index?;
            let mut h = blake3::Hasher::new();
            h.update(&index.0);
            for f in &self.other_sources {
                h.update(f.as_os_str().as_encoded_bytes());
                match contents.of(f) {
                    Some(d) => h.update(&d.0),
                    None => h.update(b"-"),
                };
            }
            Some(Digest(*h.finalize().as_bytes()))
        })
    }
}

struct Walk<'a> {
    contents: &'a Contents,
    hasher: blake3::Hasher,
    other_sources: Vec<PathBuf>,
    /// The canonical folders being walked, outermost first: a symlink back to one is a loop.
    ancestors: Vec<PathBuf>,
    complete: bool,
}

impl Walk<'_> {
    /// Adds the entries of `dir` (`rel` below the root), sorted by name, to the digest.
    fn dir(&mut self, dir: &Path, rel: &Path, depth: usize) {
        if depth > MAX_DEPTH {
            self.complete = false;
            return;
        }
        let canonical = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
        if self.ancestors.contains(&canonical) {
            self.hasher.update(b"\0loop");
            return;
        }
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                self.hasher
                    .update(format!("\0unreadable {:?}", e.kind()).as_bytes());
                return;
            }
        };
        self.ancestors.push(canonical);
        let mut names: Vec<std::ffi::OsString> = entries.flatten().map(|e| e.file_name()).collect();
        names.sort();
        let nested_package = depth > 0 && dir.join("Cargo.toml").is_file();
        for name in names {
            if name == ".git" || name == super::DIR_NAME {
                continue;
            }
            let path = dir.join(&name);
            let rel = rel.join(&name);
            // `metadata` follows symlinks: what the index and cargo see.
            let meta = std::fs::metadata(&path);
            let is_dir = meta.as_ref().is_ok_and(|m| m.is_dir());
            if is_dir && name == "target" && (depth == 0 || nested_package) {
                continue;
            }
            self.hasher.update(b"\0");
            self.hasher.update(rel.as_os_str().as_encoded_bytes());
            match meta {
                Err(_) => {
                    self.hasher.update(b"\0broken");
                }
                Ok(_) if is_dir => {
                    self.hasher.update(b"\0dir");
                    self.dir(&path, &rel, depth + 1);
                }
                Ok(_) => {
                    let in_src = rel.starts_with("src");
                    if in_src || name == "Cargo.toml" {
                        self.hasher.update(b"\0file ");
                        match self.contents.of(&path) {
                            Some(d) => self.hasher.update(&d.0),
                            None => self.hasher.update(b"-"),
                        };
                    } else {
                        self.hasher.update(b"\0file");
                        if path.extension().is_some_and(|x| x == "rs") {
                            self.other_sources.push(path);
                        }
                    }
                }
            }
        }
        self.ancestors.pop();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
