//! The cache of repeated `check` runs: each file's result (not parsed, clean, skipped, or
//! its findings), reused when nothing it can depend on changed.
//!
//! An entry is used only when its key matches, and the key is a BLAKE3 digest of everything
//! the result is a function of: the tool (version and the executable's size and time, so a
//! rebuilt binary never reads an older build's results), the effective config (the config
//! file's parsed settings, where it is, the command line's rule selection and lint options),
//! the working folder (paths in output are relative to it), the file's path and content, and
//! for a file that was parsed, the crate around it ([`fingerprint`]: the content of its `src/`
//! tree and manifests, its layout). A file left unparsed (no rule's trigger word in it) was
//! judged by its text alone, so its key leaves the crate out. Entries are self-validating: any mix of entries is safe, so concurrent runs
//! need no lock. Each shard (one per crate) is written whole to a temporary file in the cache
//! folder and renamed over the old one, so a reader sees an old or a new shard, never a torn
//! one; a shard that cannot be read is treated as empty.
//!
//! BLAKE3 rather than a faster non-cryptographic hash (xxh3, seahash): a key collision would
//! silently give another file's findings, and a crafted file could aim for one with a 64-bit
//! hash; BLAKE3 makes that infeasible and still hashes at several GB/s with SIMD, far below
//! the cost of reading the files.
//!
//! The cache lives in `.async-lint-cache/` at the project root (the outermost folder above
//! the working folder whose Cargo.toml has `[workspace]`, else the nearest with a Cargo.toml
//! or async-lint config, else the working folder), with a `.gitignore` of `*` as ruff does;
//! `--cache-dir` or `ASYNC_LINT_CACHE_DIR` choose another place, and when the project root is
//! not writable it goes to the user's cache folder.

mod fingerprint;
mod stored;

use crate::cli::LintArgs;
use crate::configs::Setup;
use crate::outcome::Linted;
use crate::paths::display_path;
use crate::paths::PathError;
use crate::project::{self, Crate};
use crate::run::{Kept, ResultStore, Runner};
use async_lint_core::SourceFile;
use fingerprint::Contents;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use stored::{Stored, StoredFinding};

/// The folder name at the project root.
pub const DIR_NAME: &str = ".async-lint-cache";

/// A BLAKE3 digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Digest(pub [u8; 32]);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(*blake3::hash(bytes).as_bytes())
    }

    fn hex(&self) -> String {
        blake3::Hash::from_bytes(self.0).to_hex().to_string()
    }
}

/// The cache of one run: entries are read per shard on first need and written by
/// [`Cache::save`].
pub struct Cache {
    dir: PathBuf,
    /// The tool and the working folder.
    tool: Digest,
    contents: Contents,
    crates: fingerprint::Crates,
    shards: Mutex<HashMap<String, Arc<OnceLock<Arc<Shard>>>>>,
    /// The crates whose index answered for a file linted in this run, by folder.
    indexed: Mutex<HashMap<PathBuf, Vec<Arc<Crate>>>>,
    pub hits: AtomicUsize,
    pub misses: AtomicUsize,
}

/// The entries of one shard as read, and those linted in this run.
struct Shard {
    file: PathBuf,
    /// The crate folder whose files it holds (`None`: files outside any crate).
    root: Option<PathBuf>,
    old: BTreeMap<String, Entry>,
    new: Mutex<Vec<(String, Entry)>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    key: String,
    stored: Stored,
}

#[derive(Default, Serialize, Deserialize)]
struct ShardFile {
    entries: BTreeMap<String, Entry>,
}

impl Cache {
    /// Opens (creating) the cache folder: `dir` when given, else `ASYNC_LINT_CACHE_DIR`, else
    /// the project's `.async-lint-cache/`, else the user's cache folder. `None` (with a
    /// warning unless `quiet`) when none can be created: the run goes on without a cache.
    pub fn open(dir: Option<&Path>, quiet: bool) -> Option<Cache> {
        let env = std::env::var_os("ASYNC_LINT_CACHE_DIR")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        let cwd = std::env::current_dir().ok()?;
        let candidates: Vec<PathBuf> = match dir.map(Path::to_path_buf).or(env) {
            Some(d) => vec![d],
            None => {
                let root = project_root(&cwd);
                let mut c = vec![root.join(DIR_NAME)];
                if let Some(user) = user_cache_dir() {
                    let tag = Digest::of(root.as_os_str().as_encoded_bytes()).hex();
                    c.push(user.join("async-lint").join(&tag[..16]));
                }
                c
            }
        };
        let Some(base) = candidates.into_iter().find(|d| prepare(d).is_ok()) else {
            if !quiet {
                eprintln!("warning: cannot create a cache folder; running without the cache");
            }
            return None;
        };
        let dir = base.join(concat!("v", env!("CARGO_PKG_VERSION")));
        std::fs::create_dir_all(&dir).ok()?;
        Some(Cache {
            dir,
            tool: tool_digest(&cwd),
            contents: Contents::default(),
            crates: fingerprint::Crates::default(),
            shards: Mutex::default(),
            indexed: Mutex::default(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        })
    }

    /// `cache: N hits, M misses` (for `--cache-stats`).
    pub fn stats(&self) -> String {
        format!(
            "cache: {} hits, {} misses",
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed)
        )
    }

    /// The result of one file: the stored one when its key matches, else linted by `runner`
    /// and stored.
    pub(crate) fn lint(
        &self,
        config: Digest,
        runner: &Runner<'_>,
        path: &Path,
    ) -> Result<Kept, PathError> {
        let place = runner.placement(path);
        let abs = project::absolute(path);
        // Made on first need (a file judged by its text alone needs none), and before any
        // file of the crate is linted: what is linted is then never older than the digest.
        let fingerprint = OnceLock::new();
        let fingerprint = || {
            fingerprint
                .get_or_init(|| {
                    place
                        .krate
                        .as_ref()
                        .map(|k| self.crates.of(&k.root, &self.contents))
                })
                .clone()
        };
        let shard = self.shard(place.krate.as_ref().map(|k| k.root.as_path()), &abs);
        let name = abs.to_string_lossy().into_owned();
        let key = |own: Digest, depends: Depends| -> Option<String> {
            let none = Digest([0; 32]);
            let around = match depends {
                Depends::Text => none,
                Depends::Crate => fingerprint().map_or(Some(none), |f| f.index)?,
                Depends::Package => {
                    fingerprint().map_or(Some(none), |f| f.package(&self.contents))?
                }
            };
            let mut h = blake3::Hasher::new();
            h.update(&self.tool.0);
            h.update(&config.0);
            h.update(abs.as_os_str().as_encoded_bytes());
            h.update(b"\0");
            h.update(path.as_os_str().as_encoded_bytes());
            h.update(b"\0");
            h.update(&own.0);
            h.update(&[depends as u8]);
            h.update(&around.0);
            Some(h.finalize().to_hex().to_string())
        };
        if let Some(entry) = shard.old.get(&name) {
            let own = self.contents.known(&abs).or_else(|| self.contents.of(&abs));
            let matches = own.is_some_and(|own| {
                key(own, entry.stored.depends_on()).as_ref() == Some(&entry.key)
            });
            if let Some(kept) = own
                .filter(|_| matches)
                .and_then(|own| self.revive(runner, path, &entry.stored, own, place.krate.clone()))
            {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(kept);
            }
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        fingerprint();
        let text = runner.read_text(path)?;
        let own = Digest::of(text.as_bytes());
        if let Some(k) = &place.krate {
            self.note_index(k);
        }
        let kept = Kept::from(runner.lint_text(path, text));
        let stored = match &kept {
            Kept::NotParsed => Stored::NotParsed,
            Kept::Clean => Stored::Clean,
            Kept::Skipped(e) => Stored::Skipped(e.message.clone()),
            Kept::Reported(l) => {
                Stored::Reported(l.findings.iter().map(StoredFinding::from).collect())
            }
        };
        if let Some(key) = key(own, stored.depends_on()) {
            let mut new = shard.new.lock().unwrap_or_else(|e| e.into_inner());
            new.push((name, Entry { key, stored }));
        }
        Ok(kept)
    }

    /// A stored result made whole again; `None` when it cannot be (the file changed since
    /// it was hashed, or a rule name is unknown).
    fn revive(
        &self,
        runner: &Runner<'_>,
        path: &Path,
        stored: &Stored,
        own: Digest,
        krate: Option<Arc<Crate>>,
    ) -> Option<Kept> {
        Some(match stored {
            Stored::NotParsed => Kept::NotParsed,
            Stored::Clean => Kept::Clean,
            Stored::Skipped(message) => Kept::Skipped(PathError {
                path: display_path(path),
                message: message.clone(),
            }),
            Stored::Reported(findings) => {
                let text = runner.read_text(path).ok()?;
                if Digest::of(text.as_bytes()) != own {
                    return None;
                }
                let file = SourceFile::new(display_path(path), text);
                let mut findings = findings
                    .iter()
                    .map(StoredFinding::to_finding)
                    .collect::<Option<Vec<_>>>()?;
                for f in &mut findings {
                    async_lint_core::engine::resolve(f, &file);
                }
                let target = krate
                    .as_ref()
                    .and_then(|k| k.package.target_of(&project::absolute(path)).cloned());
                Kept::Reported(Box::new(Linted {
                    file,
                    findings,
                    krate,
                    target,
                    fixed: None,
                    skipped: None,
                }))
            }
        })
    }

    /// Remembers the crate whose index lints a file, to check at the end what it read.
    fn note_index(&self, krate: &Arc<Crate>) {
        let mut indexed = self.indexed.lock().unwrap_or_else(|e| e.into_inner());
        let list = indexed.entry(krate.root.clone()).or_default();
        if !list.iter().any(|k| Arc::ptr_eq(k, krate)) {
            list.push(krate.clone());
        }
    }

    /// The shard of a crate folder, or of the folder of a file outside any crate.
    fn shard(&self, root: Option<&Path>, file: &Path) -> Arc<Shard> {
        let owner = root.unwrap_or_else(|| file.parent().unwrap_or(file));
        let name = Digest::of(owner.as_os_str().as_encoded_bytes()).hex();
        let slot = self
            .shards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(name.clone())
            .or_default()
            .clone();
        slot.get_or_init(|| {
            let file = self.dir.join(format!("{}.json", &name[..32]));
            let old = std::fs::read(&file)
                .ok()
                .and_then(|b| serde_json::from_slice::<ShardFile>(&b).ok())
                .unwrap_or_default()
                .entries;
            Arc::new(Shard {
                file,
                root: root.map(Path::to_path_buf),
                old,
                new: Mutex::default(),
            })
        })
        .clone()
    }

    /// Writes the shards that gained entries. A crate whose index read a file outside its
    /// `src/` (a `#[path]` leaving it) keeps no new entry: the fingerprint does not cover that
    /// file. Entries of files that no longer exist are dropped.
    pub fn save(&self) {
        let escaped: Vec<PathBuf> = self
            .indexed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|(root, crates)| {
                let src = root.join("src");
                crates.iter().any(|k| {
                    k.index
                        .files_consulted()
                        .iter()
                        .any(|f| !f.starts_with(&src))
                })
            })
            .map(|(root, _)| root.clone())
            .collect();
        let shards: Vec<Arc<OnceLock<Arc<Shard>>>> = self
            .shards
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect();
        for slot in shards {
            let Some(shard) = slot.get() else { continue };
            let new = std::mem::take(&mut *shard.new.lock().unwrap_or_else(|e| e.into_inner()));
            if new.is_empty() || shard.root.as_ref().is_some_and(|r| escaped.contains(r)) {
                continue;
            }
            let mut entries = shard.old.clone();
            entries.retain(|path, _| Path::new(path).is_file());
            entries.extend(new);
            let _ = write_atomically(&self.dir, &shard.file, &ShardFile { entries });
        }
    }
}

/// What beyond its own text and the config a stored result is a function of.
#[derive(Debug, Clone, Copy)]
enum Depends {
    /// Nothing: a file not parsed was judged by its text alone (no rule's trigger word).
    Text,
    /// The crate ([`Fingerprint::index`](fingerprint::Fingerprint)): a parsed file's findings
    /// use the crate index.
    Crate,
    /// Every `.rs` file of the package: a file that does not parse is skipped or reported by
    /// whether some file declares it as a module.
    Package,
}

impl Stored {
    fn depends_on(&self) -> Depends {
        match self {
            Stored::NotParsed => Depends::Text,
            Stored::Skipped(_) => Depends::Package,
            Stored::Reported(f) if f.iter().any(StoredFinding::is_parse_error) => Depends::Package,
            Stored::Clean | Stored::Reported(_) => Depends::Crate,
        }
    }
}

/// The cache with the digest of one runner's config: what it may answer that runner with.
pub struct Keyed<'a> {
    pub cache: &'a Cache,
    pub config: Digest,
}

impl ResultStore for Keyed<'_> {
    fn lint(&self, runner: &Runner<'_>, path: &Path) -> Result<Kept, PathError> {
        self.cache.lint(self.config, runner, path)
    }
}

/// The digest of a runner's effective config: everything that shapes its results (the parsed
/// settings and their folder, the command line's rule selection, the lint options).
pub fn config_digest(setup: &Setup, runner: &Runner<'_>, lint: &LintArgs) -> Digest {
    let description = format!(
        "{:?}\0{:?}\0{:?}\0{:?}\0{:?}\0{:?}\0{}\0{}",
        setup.found.config,
        setup.found.base,
        setup.found.source,
        lint.select,
        lint.ignore,
        runner.options,
        runner.max_file_bytes,
        lint.report_unused_allows
    );
    Digest::of(description.as_bytes())
}

/// Writes `value` as JSON to a temporary file in `dir`, then renames it to `file`.
fn write_atomically(dir: &Path, file: &Path, value: &ShardFile) -> std::io::Result<()> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        serde_json::to_writer(&mut w, value)?;
        w.flush()?;
    }
    tmp.persist(file).map_err(|e| e.error)?;
    Ok(())
}

/// Creates the cache folder with its `.gitignore` (`*`) and `CACHEDIR.TAG`, if missing.
fn prepare(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let files: [(&str, &str); 2] = [
        (".gitignore", "# Created by async-lint.\n*\n"),
        (
            "CACHEDIR.TAG",
            "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by async-lint.\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        if !path.exists() {
            // Another run may write it at the same moment: the same text, renamed whole.
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(text.as_bytes())?;
            tmp.persist(&path).map_err(|e| e.error)?;
        }
    }
    // A folder that cannot take a new file is not usable.
    tempfile::NamedTempFile::new_in(dir).map(drop)
}

/// The project root for `cwd`: the outermost folder with a `[workspace]` Cargo.toml, else
/// the nearest with a Cargo.toml or an async-lint config, else `cwd`.
fn project_root(cwd: &Path) -> PathBuf {
    let workspace = cwd.ancestors().filter(|d| {
        std::fs::read_to_string(d.join("Cargo.toml")).is_ok_and(|t| t.contains("[workspace]"))
    });
    if let Some(outer) = workspace.last() {
        return outer.to_path_buf();
    }
    cwd.ancestors()
        .find(|d| {
            ["Cargo.toml", "async-lint.toml", ".async-lint.toml"]
                .iter()
                .any(|f| d.join(f).is_file())
        })
        .unwrap_or(cwd)
        .to_path_buf()
}

/// `$XDG_CACHE_HOME`, else `~/.cache`.
fn user_cache_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
}

/// The tool's version, the identity of its executable (a rebuild changes its size or time),
/// and the working folder.
fn tool_digest(cwd: &Path) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        h.update(&meta.len().to_le_bytes());
        if let Ok(t) = meta.modified() {
            let since = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            h.update(&since.as_nanos().to_le_bytes());
        }
    }
    h.update(b"\0");
    h.update(cwd.as_os_str().as_encoded_bytes());
    Digest(*h.finalize().as_bytes())
}
