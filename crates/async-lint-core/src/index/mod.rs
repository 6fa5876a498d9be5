//! The crate index: what the fns of a crate are (async? returning `Result`? calling what?),
//! known without parsing the whole crate up front.
//!
//! A [`CrateIndex`] maps a module path to the files that may hold it (`crate::a::b` →
//! `src/a/b.rs`, `src/a/b/mod.rs`, an inline `mod b { .. }` in the files of `crate::a`, or a
//! `#[path]`), parses a file the first time a rule asks about an item in it, and keeps its
//! [`FileSummary`]. Summaries are plain data, so parsing another file while one is being
//! checked is safe. A file that cannot be read or parsed has no summary; an item the index
//! cannot find is `None`, and rules stay silent. Generated files (a `@generated` or
//! `DO NOT EDIT` header) are not summarized.

mod blocking;
mod blocking_options;
mod logging;
mod methods;
mod one_off;
mod served;
mod summary;
mod update;
mod words;

pub(crate) use blocking::same_item;
pub use blocking::{
    display_name, diverges, followed, probes_runtime, BlockingChain, Target, MAX_CHAIN,
};
pub(crate) use blocking::{node as blocking_node, search as blocking_search, Node};
pub use blocking_options::{BlockingInAsyncOptions, LowValue};
pub use logging::{
    default_level, of_summary as logging_of, writes_files_only, LogLevel, LoggerBackend, Logging,
    DEFAULT_THRESHOLD,
};
pub use one_off::{is_main, once_in};
pub use served::{is_handler_output, serves_network, ServedBy};
pub use summary::{
    future_output, is_result_type, type_text, BlockingLeaf, Call, Callee, FileSummary, FnSig,
    ModDecl,
};

use crate::catalog::Catalog;
use crate::config::RuleSettings;
use crate::source::SourceFile;
use std::cell::Cell;
use std::collections::HashMap;
use std::collections::HashSet;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// How many `use` re-exports a lookup follows (`pub use inner::*;` chains); cycles stop here.
const MAX_REEXPORT_DEPTH: usize = 4;

/// A fn found in a summary: the summary is kept alive, the fn is reached through `Deref`.
#[derive(Debug, Clone)]
pub struct FnRef {
    file: Arc<FileSummary>,
    index: usize,
}

impl FnRef {
    pub(crate) fn new(file: Arc<FileSummary>, index: usize) -> Self {
        FnRef { file, index }
    }

    /// The summary of the file that defines the fn (its path, its other fns).
    pub fn file(&self) -> &FileSummary {
        &self.file
    }

    /// The fn's place among the summary's fns.
    pub(crate) fn index(&self) -> usize {
        self.index
    }
}

impl Deref for FnRef {
    type Target = FnSig;

    fn deref(&self) -> &FnSig {
        &self.file.fns[self.index]
    }
}

type Slot = Arc<OnceLock<Option<Arc<FileSummary>>>>;

/// The lazily built index of one crate. Cheap to share (`Arc`), safe to query from many
/// threads: each file is parsed at most once, when first needed.
#[derive(Debug, Default)]
pub struct CrateIndex {
    /// The crate's folder (holding `Cargo.toml` and `src/`); `None` for a file outside any crate.
    root: Option<PathBuf>,
    /// The library's name as other code of the package writes it (`my_crate`), when the crate
    /// has a `src/lib.rs`: tests, examples and binaries reach the library through it.
    lib_name: Option<String>,
    summaries: Mutex<HashMap<PathBuf, Slot>>,
    modules: Mutex<HashMap<String, Arc<Vec<PathBuf>>>>,
    /// Files that a `#[path]` attribute gave a module their layout does not say.
    declared: Mutex<HashMap<PathBuf, String>>,
    /// Answers of [`Self::fn_sig`] by crate-relative path, found or not: the same callees
    /// are asked about from many places.
    found: Mutex<HashMap<String, Option<FnRef>>>,
    /// Answers of [`Self::module_is_test`].
    test_modules: Mutex<HashMap<String, bool>>,
    /// The rule settings summaries are made with (`blocking-in-async`'s `extra-blocking` and
    /// `trusted` decide which calls block).
    settings: Arc<HashMap<&'static str, RuleSettings>>,
    /// Per fn (file, path): its blocking calls and crate callees, and whether it blocks.
    blocking: blocking::Memo,
    /// The logging backend the crate installs, found on first use.
    logging: OnceLock<Arc<Logging>>,
    /// Which fns run once, on the way from `main`.
    one_off: one_off::Memo,
    /// Which fns serve work as it arrives, by their callers (see [`Self::served`]).
    serving: served::Memo,
    /// The crate's files by the names of the fns they define (see [`Self::methods_named`]).
    methods: methods::Memo,
    /// Texts that stand for files on disk: an editor's unsaved buffers (see
    /// [`Self::with_changed_file`]).
    overlay: HashMap<PathBuf, Arc<str>>,
    /// Makes the summary of a file of the crate; `None` for the detached index.
    summarizer: Option<Summarizer>,
    /// Lints a file of the run ahead of its turn when a lookup needs its summary, so that
    /// the file is parsed once (see [`Self::set_ahead`]).
    ahead: OnceLock<AheadHook>,
    /// Files being linted ahead: their check hands their summary to the index.
    wanted: Mutex<HashSet<PathBuf>>,
}

/// Lints the file at an absolute path now if the run has yet to lint it, registering its
/// summary with the index (see [`CrateIndex::set_ahead`]); does nothing otherwise.
pub type Ahead = Arc<dyn Fn(&Path) + Send + Sync>;

/// [`Ahead`], printable for the index's `Debug`.
#[derive(Clone)]
struct AheadHook(Ahead);

impl std::fmt::Debug for AheadHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AheadHook")
    }
}

thread_local! {
    /// How many index computations that must not be re-entered (a file's load, a memo being
    /// filled) run on this thread: a file is linted ahead only outside all of them.
    static BUSY: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` as an index computation during which no file is linted ahead: a nested lint could
/// ask for the answer being computed (a memo's provisional value, a `OnceLock` being filled).
pub(crate) fn busy<T>(f: impl FnOnce() -> T) -> T {
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            BUSY.with(|b| b.set(b.get() - 1));
        }
    }
    BUSY.with(|b| b.set(b.get() + 1));
    let _leave = Leave;
    f()
}

/// Makes the [`FileSummary`] of one parsed file of the crate: the context's visitor in its
/// summary mode, handed in by [`CrateIndex::new`] so that the index stays below the context.
pub type Summarizer = fn(
    &SourceFile,
    &syn::File,
    Vec<String>,
    &Catalog,
    &HashMap<&'static str, RuleSettings>,
    &CrateIndex,
) -> FileSummary;

impl CrateIndex {
    /// The index of the crate in folder `root` (holding `src/`), its files summarized by
    /// `summarizer` (see `CrateIndex::new`, which hands in the context's).
    pub(crate) fn with_summarizer(
        root: PathBuf,
        package: Option<&str>,
        lib: Option<&str>,
        summarizer: Summarizer,
    ) -> Self {
        let lib_name = root
            .join("src/lib.rs")
            .is_file()
            .then(|| lib.or(package).map(|n| n.replace('-', "_")))
            .flatten();
        CrateIndex {
            root: Some(root),
            lib_name,
            summarizer: Some(summarizer),
            ..CrateIndex::default()
        }
    }

    /// The same index, making summaries with the rules' `settings` from the config (which
    /// calls block depends on `blocking-in-async`'s lists). Set once, before any lookup.
    pub fn with_settings(mut self, settings: Arc<HashMap<&'static str, RuleSettings>>) -> Self {
        self.settings = settings;
        self
    }

    /// An index of no crate: only the summary of the file being checked is known.
    pub fn detached() -> &'static CrateIndex {
        static EMPTY: OnceLock<CrateIndex> = OnceLock::new();
        EMPTY.get_or_init(CrateIndex::default)
    }

    /// The crate's folder.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// The name the library is reached by from the package's other targets.
    pub fn lib_name(&self) -> Option<&str> {
        self.lib_name.as_deref()
    }

    /// The fn or method at a resolved path (`crate::db::save`, `crate::db::Pool::get`, or
    /// `my_crate::db::save` through the library's name), parsing the files that may define
    /// it on first use. Follows module-level `use` re-exports and globs.
    pub fn fn_sig(&self, path: &str) -> Option<FnRef> {
        let path = self.crate_relative(path)?;
        if let Some(found) = lock(&self.found).get(&path) {
            return found.clone();
        }
        let found = self.find(&path, 0);
        lock(&self.found).entry(path).or_insert(found).clone()
    }

    /// The summary of a file of the crate, parsing it on first use; `None` when it cannot be
    /// read or parsed.
    pub fn summary(&self, file: &Path) -> Option<Arc<FileSummary>> {
        let slot = self.slot(file);
        if slot.get().is_none() {
            self.lint_ahead(file);
        }
        slot.get_or_init(|| busy(|| self.load(file))).clone()
    }

    /// Has the run lint `file` now, if it is to lint it and nothing on this thread is in the
    /// middle of an index computation: its summary then comes from the lint's own parse.
    fn lint_ahead(&self, file: &Path) {
        let Some(AheadHook(ahead)) = self.ahead.get() else {
            return;
        };
        if BUSY.with(Cell::get) > 0 {
            return;
        }
        lock(&self.wanted).insert(file.to_path_buf());
        ahead(file);
        lock(&self.wanted).remove(file);
    }

    /// Lets the index have files of the run linted ahead of their turn (see [`Ahead`]): a
    /// driver linting many files of the crate sets it once, before linting.
    pub fn set_ahead(&self, ahead: Ahead) {
        let _ = self.ahead.set(AheadHook(ahead));
    }

    /// Is the file (its path as the index knows it) being linted ahead, so that its check
    /// should hand its summary to the index?
    pub fn wants_summary_of(&self, file: &Path) -> bool {
        lock(&self.wanted).contains(file)
    }

    /// The summary the index already has of a file, without making one.
    pub fn registered(&self, file: &Path) -> Option<Arc<FileSummary>> {
        lock(&self.summaries).get(file)?.get()?.clone()
    }

    /// Registers the summary of a file made elsewhere (the file being checked), unless the
    /// file was summarized already; returns the summary the index keeps.
    pub fn register(&self, summary: Arc<FileSummary>) -> Arc<FileSummary> {
        let slot = self.slot(&summary.path.clone());
        slot.get_or_init(|| Some(summary.clone()))
            .clone()
            .unwrap_or(summary)
    }

    /// Frees what the index learnt (summaries and the answers that hold them), keeping which
    /// files it read ([`Self::files_consulted`]): for a driver that has linted the last file
    /// of the crate, so that memory does not grow with the number of crates linted. A later
    /// question is answered afresh.
    pub fn release(&self) {
        for slot in lock(&self.summaries).values_mut() {
            *slot = Slot::default();
        }
        lock(&self.found).clear();
        self.blocking.clear();
        self.one_off.clear();
        self.serving.clear();
    }

    /// How many files the index has parsed (or tried to) so far.
    pub fn files_loaded(&self) -> usize {
        lock(&self.summaries)
            .values()
            .filter(|slot| slot.get().is_some())
            .count()
    }

    /// The files the index has read or located so far (summaries, module files): what its
    /// answers can depend on, for a cache of results to check.
    pub fn files_consulted(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = lock(&self.summaries).keys().cloned().collect();
        files.extend(lock(&self.modules).values().flat_map(|v| v.iter().cloned()));
        files
    }

    /// The files that may hold the items of module `module` (`crate::a::b`), existing ones
    /// only, the module's own file first.
    pub fn module_files(&self, module: &str) -> Arc<Vec<PathBuf>> {
        if let Some(found) = lock(&self.modules).get(module) {
            return found.clone();
        }
        let found = Arc::new(self.locate(module));
        lock(&self.modules).insert(module.to_string(), found.clone());
        found
    }

    /// Is module `module` (`crate::a::b`) test code by its declaration: `#[cfg(test)] mod b;`
    /// in `crate::a`, or an ancestor declared so? Parses the declaring files on first use.
    pub fn module_is_test(&self, module: &str) -> bool {
        if let Some(&known) = lock(&self.test_modules).get(module) {
            return known;
        }
        let test = busy(|| match module.rsplit_once("::") {
            Some((parent, name)) => {
                self.module_is_test(parent) || self.declared_test_in(parent, module, name)
            }
            None => false,
        });
        lock(&self.test_modules).insert(module.to_string(), test);
        test
    }

    /// Does a file of `parent` declare `module` (named `name`) as test code? Files whose text
    /// cannot say so (no `cfg(`, or no `mod name`) are not parsed.
    fn declared_test_in(&self, parent: &str, module: &str, name: &str) -> bool {
        let needle = format!("mod {name}");
        self.module_files(parent).iter().any(|pf| {
            let text = std::fs::read_to_string(pf).unwrap_or_default();
            text.contains("cfg(")
                && text.contains(&needle)
                && self
                    .summary(pf)
                    .is_some_and(|s| s.declaration_of(module).is_some_and(|d| d.test))
        })
    }

    /// `my_crate::x` → `crate::x` for the library's name; other external paths are not ours.
    fn crate_relative(&self, path: &str) -> Option<String> {
        let (first, rest) = path.split_once("::")?;
        if first == "crate" {
            return Some(path.to_string());
        }
        (self.lib_name.as_deref() == Some(first)).then(|| format!("crate::{rest}"))
    }

    fn find(&self, path: &str, depth: usize) -> Option<FnRef> {
        let segs: Vec<&str> = path.split("::").collect();
        if segs.len() < 2 {
            return None;
        }
        for summary in self.owner_summaries(&segs) {
            if let Some(i) = summary.index_of(path) {
                return Some(FnRef::new(summary, i));
            }
        }
        if depth >= MAX_REEXPORT_DEPTH {
            return None;
        }
        self.reexported(&segs, depth)
    }

    /// Follows `use` items of the module that names the item: `crate::api::save` when
    /// `crate::api` has `pub use crate::db::save;` or `pub use crate::db::*;`, and
    /// `crate::api::Pool::get` when it re-exports the type `Pool`.
    fn reexported(&self, segs: &[&str], depth: usize) -> Option<FnRef> {
        let path = segs.join("::");
        for summary in self.owner_summaries(segs) {
            for target in summary.reexport_candidates(&path) {
                if let Some(f) = self.find_target(&target, depth) {
                    return Some(f);
                }
            }
        }
        None
    }

    /// Summaries of the files of the modules that may own the item at `segs`: module `a::b`
    /// for a free fn `a::b::f`, module `a` for a method of type `b`. Lazy, in that order, so a
    /// lookup parses no file past the one that answers it.
    fn owner_summaries<'a>(
        &'a self,
        segs: &'a [&str],
    ) -> impl Iterator<Item = Arc<FileSummary>> + 'a {
        [segs.len() - 1, segs.len().saturating_sub(2)]
            .into_iter()
            .filter(|&owner| owner > 0)
            .flat_map(move |owner| {
                let files = self.module_files(&segs[..owner].join("::"));
                (0..files.len()).filter_map(move |i| self.summary(&files[i]))
            })
    }

    fn find_target(&self, path: &str, depth: usize) -> Option<FnRef> {
        let path = self.crate_relative(path)?;
        self.find(&path, depth + 1)
    }

    fn slot(&self, file: &Path) -> Slot {
        lock(&self.summaries)
            .entry(file.to_path_buf())
            .or_default()
            .clone()
    }

    /// Reads, parses and summarizes one file of the crate.
    fn load(&self, file: &Path) -> Option<Arc<FileSummary>> {
        let src = self.root.as_ref()?.join("src");
        let declared = lock(&self.declared).get(file).cloned();
        let module = match (declared, file.strip_prefix(&src)) {
            (Some(m), _) => m.split("::").map(str::to_string).collect(),
            (None, Ok(rel)) => crate::module_path(rel),
            (None, Err(_)) => return None,
        };
        let text = match self.overlay.get(file) {
            Some(text) => text.to_string(),
            None => std::fs::read_to_string(file).ok()?,
        };
        if is_generated(&text) {
            return None;
        }
        let source = SourceFile::new(file, text);
        let ast = crate::parse::parse(&source).ok()?;
        let summarize = self.summarizer?;
        let summary = summarize(
            &source,
            &ast,
            module,
            Catalog::builtin(),
            &self.settings,
            self,
        );
        Some(Arc::new(summary))
    }

    /// Finds the files of a module: the file layout first (no parsing), then the parent
    /// module's files (inline modules, `#[path]` declarations).
    fn locate(&self, module: &str) -> Vec<PathBuf> {
        let Some(root) = &self.root else {
            return Vec::new();
        };
        let src = root.join("src");
        let segs: Vec<&str> = module.split("::").collect();
        if segs.first() != Some(&"crate") {
            return Vec::new();
        }
        if segs.len() == 1 {
            return ["lib.rs", "main.rs"]
                .iter()
                .map(|f| src.join(f))
                .filter(|p| p.is_file())
                .collect();
        }
        let rel: PathBuf = segs[1..].iter().collect();
        let by_layout: Vec<PathBuf> = [
            src.join(&rel).with_extension("rs"),
            src.join(&rel).join("mod.rs"),
        ]
        .into_iter()
        .filter(|p| p.is_file())
        .collect();
        if !by_layout.is_empty() {
            return by_layout;
        }
        let parent = segs[..segs.len() - 1].join("::");
        let mut out = Vec::new();
        for pf in self.module_files(&parent).iter() {
            let Some(summary) = self.summary(pf) else {
                continue;
            };
            if summary.inline_modules.iter().any(|m| m == module) {
                out.push(pf.clone());
            } else if let Some(decl) = summary.declaration_of(module) {
                let dir = pf.parent().unwrap_or(&src);
                let target = match &decl.path_attr {
                    Some(p) => dir.join(p),
                    None => continue,
                };
                if target.is_file() && !out.contains(&target) {
                    lock(&self.declared).insert(target.clone(), module.to_string());
                    out.push(target);
                }
            }
        }
        out
    }
}

/// Is a file generated code, by the marker tools put in its first lines (`@generated`,
/// `DO NOT EDIT`, `Code generated by`)? The index does not summarize it: generated code is
/// not where a hand-written helper blocks, and it is often the largest part of a crate.
pub fn is_generated(text: &str) -> bool {
    text.lines().take(10).any(|l| {
        l.trim_start().starts_with("//")
            && (l.contains("@generated")
                || l.contains("DO NOT EDIT")
                || l.contains("Code generated"))
    })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests;
