//! Which sync fns of the crate block: directly (a call in their own body that the catalogue or
//! the config lists, not inside a closure handed to `spawn_blocking`, `block_in_place` or a
//! thread) or through further sync fns of the crate, across files and modules. The same
//! search finds the other calls a [`Target`] names (`block_in_place`, calls that need a
//! runtime).
//!
//! Answered from the summaries as the shortest call chain from a fn to a blocking call,
//! breadth-first over the call graph with the calls of each fn in source order: the answer
//! does not depend on which fn was asked first, so output stays deterministic however threads
//! interleave. Cycles are cut by visiting each fn once; chains are bounded by [`MAX_CHAIN`],
//! a search by [`MAX_VISITED`] fns. Each fn's node (its first blocking call, its resolved
//! callees) and each answer are memoised in the index. Calls through trait objects, generics
//! and unknown receivers resolve to nothing and add no edge.

use super::{lock, BlockingLeaf, Call, Callee, CrateIndex, FileSummary, FnRef, FnSig};
use crate::catalog::runtime::Runtimes;
use crate::source::Span;
use crate::syntax::FrameKind;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How many fns a chain goes through at most, the called one included.
pub const MAX_CHAIN: usize = 6;

/// How many fns one search looks at, at most.
const MAX_VISITED: usize = 512;

/// A fn as the memo knows it: its file and its path (`#[path]` twins share a path).
type Key = (PathBuf, String);

/// A fn as the memo knows it, for one target.
type TargetKey = (Target, Key);

/// The per-crate memo, per target.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    nodes: Mutex<HashMap<TargetKey, Arc<Node>>>,
    chains: Mutex<HashMap<TargetKey, Option<Arc<BlockingChain>>>>,
    /// Per word: does a file of the crate's `src/` hold it?
    mentions: Mutex<HashMap<String, bool>>,
}

impl Memo {
    /// Forgets every node and chain (they keep summaries alive).
    pub(super) fn clear(&self) {
        lock(&self.nodes).clear();
        lock(&self.chains).clear();
    }
}

/// What a chain search looks for, and through which calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// A blocking API (the catalogue, the config) in a sync fn's own body, through sync fns.
    Blocking,
    /// A fn that panics on a current-thread runtime (`block_in_place`, per the runtimes
    /// catalogue), through sync and async fns alike: in the fn's own body or in the async
    /// blocks and closures it makes, which run on the runtime of the task that awaits or
    /// spawns them. Closures handed to a thread or the blocking pool run on no runtime.
    /// Unless `conditional`, only through calls made every time their fn runs (not under a
    /// branch: see [`Call::conditional`]).
    BlockInPlace { conditional: bool },
    /// A call that needs a runtime on the calling thread or blocks it on a future (per the
    /// runtimes catalogue), in a sync fn's own body, through sync fns. A fn that asks first
    /// whether a runtime runs (`Handle::try_current`) is taken to handle both cases.
    NeedsRuntime,
}

impl Target {
    /// Does a call of a fn's body run when the fn is called, as far as this target cares?
    fn runs(self, c: &Call) -> bool {
        match self {
            Target::Blocking | Target::NeedsRuntime => c.frame == FrameKind::SyncFn && !c.awaited,
            Target::BlockInPlace { conditional } => {
                (conditional || !c.conditional)
                    && matches!(
                        c.frame,
                        FrameKind::SyncFn
                            | FrameKind::AsyncFn
                            | FrameKind::AsyncBlock
                            | FrameKind::AsyncClosure
                    )
            }
        }
    }

    /// Is the crate fn `g` followed when called?
    fn follows(self, g: &FnSig) -> bool {
        matches!(self, Target::BlockInPlace { .. }) || !(g.is_async || g.returns_future)
    }

    /// The call as the end of a chain, when it is one.
    fn leaf(self, c: &Call) -> Option<BlockingLeaf> {
        let runtimes = Runtimes::builtin();
        let path = match &c.callee {
            Callee::Path {
                path,
                resolved: true,
            } => Some(path.as_str()),
            _ => None,
        };
        match self {
            Target::Blocking => c.blocking.clone(),
            Target::BlockInPlace { .. } => {
                path.filter(|p| runtimes.is_block_in_place(p))
                    .map(|p| BlockingLeaf {
                        api: p.to_string(),
                        why: String::new(),
                        cheap: false,
                    })
            }
            Target::NeedsRuntime => {
                let (api, need) = match &c.callee {
                    Callee::Method { name, receiver } => (
                        receiver
                            .as_ref()
                            .map_or_else(|| format!(".{name}()"), |r| format!("{r}::{name}")),
                        runtimes.method_needs_runtime(name)?,
                    ),
                    Callee::Path { .. } => {
                        let p = path?;
                        (p.to_string(), runtimes.needs_runtime(p)?)
                    }
                };
                Some(BlockingLeaf {
                    api,
                    why: need.why.clone(),
                    cheap: false,
                })
            }
        }
    }

    /// Does the fn ask whether a runtime runs before it needs one (see [`Target::NeedsRuntime`])?
    fn guarded(self, f: &FnSig) -> bool {
        self == Target::NeedsRuntime && probes_runtime(f)
    }
}

/// Does `f` ask whether a runtime runs (`Handle::try_current()`, per the runtimes catalogue)?
pub fn probes_runtime(f: &FnSig) -> bool {
    f.calls.iter().any(|c| {
        matches!(&c.callee, Callee::Path { path, resolved: true }
            if Runtimes::builtin().is_probe(path))
    })
}

/// What one fn contributes to the graph (nothing, by default).
#[derive(Debug, Default)]
pub(crate) struct Node {
    /// The first call of the fn's own body that blocks (its index in `calls`).
    leaf: Option<usize>,
    /// The sync fns of the crate its own body calls, once each, in source order.
    callees: Vec<FnRef>,
}

/// How a sync fn of the crate blocks: the shortest chain of calls from it to a blocking API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockingChain {
    /// The fns from the one asked about to the one making the blocking call, as messages
    /// name them (`load_config()`, `Settings::read()`).
    pub fns: Vec<String>,
    /// The blocking API (`std::fs::read_to_string`).
    pub api: String,
    /// Why it blocks.
    pub why: String,
    /// The `#[cfg(..)]` conditions of the fns of the chain, each once.
    pub cfgs: Vec<String>,
    /// The blocking call is one metadata system call (the catalogue's `cheap`) made outside
    /// any loop of its fn: it runs once per call of the chain.
    pub cheap_once: bool,
    /// Where the blocking call is: its file, line and span there.
    pub file: PathBuf,
    pub line: usize,
    pub span: Span,
}

impl BlockingChain {
    /// `load_config() → read_settings() → std::fs::read_to_string`
    pub fn trail(&self) -> String {
        let mut parts = self.fns.clone();
        parts.push(self.api.clone());
        parts.join(" → ")
    }

    /// The fn that makes the blocking call.
    pub fn last_fn(&self) -> &str {
        self.fns.last().map_or("", String::as_str)
    }
}

/// How messages name a fn: `read_settings()`, or `Settings::read()` for a method.
pub fn display_name(path: &str) -> String {
    let mut segs = path.rsplit("::");
    let name = segs.next().unwrap_or(path);
    match segs.next() {
        Some(owner) if owner.starts_with(|c: char| c.is_ascii_uppercase()) => {
            format!("{owner}::{name}()")
        }
        _ => format!("{name}()"),
    }
}

/// Methods of std's conversion, comparison and formatting traits: their impls are cheap by
/// contract, so calls of them are not followed (nor looked up).
const STD_TRAIT_METHODS: &[&str] = &[
    "clone",
    "clone_from",
    "default",
    "from",
    "into",
    "try_from",
    "try_into",
    "to_owned",
    "to_string",
    "fmt",
    "eq",
    "ne",
    "cmp",
    "partial_cmp",
    "hash",
    "deref",
    "deref_mut",
    "as_ref",
    "as_mut",
    "borrow",
    "borrow_mut",
    "drop",
];

/// Does the search follow a call of a fn named `name`? Not constructors written like calls
/// (`Some(..)`, `Wrapper(..)`: capitalised), not std trait methods ([`STD_TRAIT_METHODS`]).
pub fn followed(name: &str) -> bool {
    !name.starts_with(|c: char| c.is_ascii_uppercase()) && !STD_TRAIT_METHODS.contains(&name)
}

/// Does `f` never return (`-> !`)? Such a fn is an exit path (a panic, `process::exit`): what
/// it blocks on runs once, as the program or task goes down, so it is not followed.
pub fn diverges(f: &FnSig) -> bool {
    f.output.as_deref() == Some("!")
}

/// The name a call of a summary calls (`f` of `a::f(..)`, `m` of `x.m(..)`).
fn callee_name(c: &Call) -> &str {
    match &c.callee {
        Callee::Path { path, .. } => path.rsplit("::").next().unwrap_or(path),
        Callee::Method { name, .. } => name,
    }
}

/// Is `f` one of several fns of its file with its path, so that which body runs is unknown?
fn twin(f: &FnRef) -> bool {
    f.file().is_duplicated(&f.path)
}

fn key(f: &FnRef) -> Key {
    (f.file().path.clone(), f.path.clone())
}

/// A fn during one search, where every summary it reaches is alive: its summary's address and
/// its place there (no allocation).
fn seen_key(f: &FnRef) -> (usize, usize) {
    (f.file() as *const FileSummary as usize, f.index())
}

/// The node of `f` for `target`: `resolve` finds the crate fn a call names, `trusted` says
/// which crate fns the config declares harmless.
pub(crate) fn node(
    f: &FnRef,
    target: Target,
    resolve: &dyn Fn(&Call) -> Option<FnRef>,
    trusted: &dyn Fn(&str) -> bool,
) -> Node {
    let mut callees = Vec::new();
    let mut seen = HashSet::new();
    if target.guarded(f) {
        return Node {
            leaf: None,
            callees,
        };
    }
    for (i, c) in f.calls.iter().enumerate() {
        // Only what runs when the fn is called: not stored closures, async blocks it returns
        // (for blocking), or closures handed to the blocking pool or a thread.
        if !target.runs(c) {
            continue;
        }
        if target.leaf(c).is_some() {
            return Node {
                leaf: Some(i),
                callees: Vec::new(),
            };
        }
        if !followed(callee_name(c)) {
            continue;
        }
        let Some(g) = resolve(c) else { continue };
        if !target.follows(&g) || diverges(&g) || trusted(&g.path) || twin(&g) {
            continue;
        }
        if crate::syntax::cfg::exclusive(&f.cfg, &g.cfg) {
            continue;
        }
        if seen.insert(seen_key(&g)) {
            callees.push(g);
        }
    }
    Node {
        leaf: None,
        callees,
    }
}

/// The shortest chain from `root` to a call `target` looks for, breadth-first.
pub(crate) fn search(
    root: &FnRef,
    target: Target,
    node_of: &dyn Fn(&FnRef) -> Arc<Node>,
) -> Option<BlockingChain> {
    if twin(root) {
        return None;
    }
    struct Visit {
        f: FnRef,
        parent: Option<usize>,
        depth: usize,
    }
    let mut visits = vec![Visit {
        f: root.clone(),
        parent: None,
        depth: 1,
    }];
    let mut seen = HashSet::from([seen_key(root)]);
    let mut i = 0;
    while i < visits.len() {
        let node = node_of(&visits[i].f);
        if let Some(leaf) = node.leaf {
            let mut fns = Vec::new();
            let mut cfgs: Vec<String> = Vec::new();
            let mut at = Some(i);
            while let Some(j) = at {
                fns.push(display_name(&visits[j].f.path));
                for c in &visits[j].f.cfg {
                    if !cfgs.contains(c) {
                        cfgs.push(c.clone());
                    }
                }
                at = visits[j].parent;
            }
            fns.reverse();
            let f = &visits[i].f;
            let call = &f.calls[leaf];
            let b = target.leaf(call)?;
            return Some(BlockingChain {
                fns,
                api: b.api.clone(),
                why: b.why,
                cheap_once: b.cheap && !call.in_loop,
                cfgs,
                file: f.file().path.clone(),
                line: call.line,
                span: call.span,
            });
        }
        let depth = visits[i].depth;
        if depth < MAX_CHAIN {
            for g in &node.callees {
                if visits.len() >= MAX_VISITED {
                    break;
                }
                if seen.insert(seen_key(g)) {
                    visits.push(Visit {
                        f: g.clone(),
                        parent: Some(i),
                        depth: depth + 1,
                    });
                }
            }
        }
        i += 1;
    }
    None
}

impl CrateIndex {
    /// How the sync fn `f` of this crate blocks, if it does: the shortest chain to a blocking
    /// call. Memoised per fn; safe to ask from many threads.
    pub fn blocking_chain(&self, f: &FnRef) -> Option<Arc<BlockingChain>> {
        self.chain(f, Target::Blocking)
    }

    /// The shortest chain from the fn `f` of this crate to a call `target` looks for.
    /// Memoised per fn and target; safe to ask from many threads.
    pub fn chain(&self, f: &FnRef, target: Target) -> Option<Arc<BlockingChain>> {
        let k = (target, key(f));
        if let Some(found) = lock(&self.blocking.chains).get(&k) {
            return found.clone();
        }
        let found = search(f, target, &|g| self.node(g, target)).map(Arc::new);
        lock(&self.blocking.chains)
            .entry(k)
            .or_insert(found)
            .clone()
    }

    /// Does a file of the crate's `src/` hold `word` (a byte search, once per crate and word)?
    /// A cheap test before chain searches that can only end at a call of that name.
    pub fn mentions(&self, word: &str) -> bool {
        if let Some(&known) = lock(&self.blocking.mentions).get(word) {
            return known;
        }
        let finder = memchr::memmem::Finder::new(word);
        let found = self
            .files()
            .iter()
            .any(|f| std::fs::read(f).is_ok_and(|bytes| finder.find(&bytes).is_some()));
        lock(&self.blocking.mentions).insert(word.to_string(), found);
        found
    }

    /// The memoised node of a fn of this crate for `target`.
    pub(crate) fn node(&self, f: &FnRef, target: Target) -> Arc<Node> {
        let k = (target, key(f));
        if let Some(n) = lock(&self.blocking.nodes).get(&k) {
            return n.clone();
        }
        let trusted = |path: &str| target == Target::Blocking && self.trusted(path);
        let made = Arc::new(node(f, target, &|c| self.callee(c), &trusted));
        lock(&self.blocking.nodes).entry(k).or_insert(made).clone()
    }

    /// The crate fn a call of a summary names, when its path or receiver type is known.
    pub(crate) fn callee(&self, c: &Call) -> Option<FnRef> {
        c.target_path().and_then(|p| self.fn_sig(&p))
    }

    /// Is a crate fn in `blocking-in-async`'s `trusted` list?
    pub(crate) fn trusted(&self, path: &str) -> bool {
        let options = crate::config::options_of::<super::BlockingInAsyncOptions>(&self.settings);
        options
            .trusted
            .iter()
            .any(|p| same_item(p, path, self.lib_name()))
    }

    /// A file of this crate as messages show it: relative to the crate's folder.
    pub fn display_path<'p>(&self, file: &'p Path) -> &'p Path {
        self.root()
            .and_then(|r| file.strip_prefix(r).ok())
            .unwrap_or(file)
    }
}

/// `a` and `b` name the same item, taking `crate::x` and `<lib>::x` as one.
pub(crate) fn same_item(a: &str, b: &str, lib: Option<&str>) -> bool {
    if a == b {
        return true;
    }
    let Some(lib) = lib else { return false };
    let local = |p: &str| match p.split_once("::") {
        Some((first, rest)) if first == lib => format!("crate::{rest}"),
        _ => p.to_string(),
    };
    local(a) == local(b)
}

#[cfg(test)]
mod tests {
    use super::display_name;

    #[test]
    fn fns_are_named_as_called() {
        assert_eq!(
            display_name("crate::config::read_settings"),
            "read_settings()"
        );
        assert_eq!(
            display_name("crate::config::Settings::read"),
            "Settings::read()"
        );
    }
}
