//! Who calls a fn, and whether one of them makes it serve work as it arrives: a call from a
//! spawned task, an open-ended loop or a stream's per-item block (see
//! [`crate::context::Serving`]), from a request handler, or from a fn that is itself served
//! that way — and whether that work comes from the network: the chain reaches a request
//! handler (a fn returning a server framework's response: `impl IntoResponse`,
//! `impl Responder`, `HttpResponse`, `impl Reply`, `Result<Response<..>, Status>`) or a fn
//! that binds a listener or accepts connections and runs its callee per connection.
//!
//! Callers are found the way a reader finds them: only the files of the crate's module tree
//! whose text holds the fn's name as a word are summarized, and their calls resolved to the
//! fn's path decide. Calls through trait objects, fn pointers and macros are not seen. The
//! words and the calls of each file are kept across edits (see [`Memo::after_change`]), so
//! that answering again after a keystroke costs lookups, not a pass over the crate.

use super::words::{self, Words};
use super::{Callee, CrateIndex, FileSummary, FnSig};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// How many callers up a search goes (`accept_loop` → `handle_conn` → `process` → `record`).
const MAX_DEPTH: usize = 4;

/// A caller that makes a fn serve work as it arrives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedBy {
    /// The caller's name as messages show it (`handle_conn`, `Server::run`).
    pub caller: String,
    /// The call's file and line.
    pub file: PathBuf,
    pub line: usize,
    /// The work comes from the network: requests, connections, datagrams.
    pub network: bool,
}

/// Answers by fn path; the crate's module-tree files by the words of their text; each file's
/// calls by the path they call.
#[derive(Debug, Default)]
pub(super) struct Memo {
    served: Mutex<HashMap<String, Option<Arc<ServedBy>>>>,
    words: OnceLock<Arc<Words>>,
    calls: Mutex<HashMap<PathBuf, Arc<Callers>>>,
}

impl Memo {
    /// A memo for the index of the crate at `root` after `changed` was edited: the answers
    /// are dropped (any may depend on that file; finding them again costs a lookup per
    /// caller file), the words and calls of the other files are kept, the edited file's words
    /// are taken from `text` (`None`: it is gone). A new file of the module tree makes the
    /// words be read again on first use.
    pub(super) fn after_change(
        &self,
        root: Option<&Path>,
        changed: &Path,
        text: Option<&str>,
    ) -> Memo {
        let memo = Memo::default();
        if let Some(words) = self.words.get() {
            let next = match words.after_change(changed, text) {
                Some(next) => Some(Arc::new(next)),
                None if may_join_module_tree(root, changed) => None,
                None => Some(words.clone()),
            };
            if let Some(next) = next {
                let _ = memo.words.set(next);
            }
        }
        let calls = lock(&self.calls)
            .iter()
            .filter(|(file, _)| file.as_path() != changed)
            .map(|(file, calls)| (file.clone(), calls.clone()))
            .collect();
        *lock(&memo.calls) = calls;
        memo
    }
}

/// Could `changed`, not among the module-tree files listed, be one of them now: a `.rs` file
/// on disk under `src/`, outside test paths?
fn may_join_module_tree(root: Option<&Path>, changed: &Path) -> bool {
    root.is_some_and(|r| changed.starts_with(r.join("src")))
        && changed.extension().is_some_and(|x| x == "rs")
        && !crate::syntax::testcode::is_test_path(changed)
        && changed.is_file()
}

/// The calls of one file's fns (test fns left out) by the path they call, made once per
/// summary.
#[derive(Debug)]
struct Callers {
    summary: Arc<FileSummary>,
    by_target: HashMap<String, Vec<Caller>>,
}

/// A fn calling a given path: its place in the summary, the line of its first such call and
/// of its first such call that serves work as it arrives.
#[derive(Debug, Clone, Copy)]
struct Caller {
    index: usize,
    first: usize,
    serving: Option<usize>,
}

impl Callers {
    fn new(summary: Arc<FileSummary>) -> Callers {
        let mut by_target: HashMap<String, Vec<Caller>> = HashMap::new();
        for (index, g) in summary.fns.iter().enumerate().filter(|(_, g)| !g.test) {
            for c in &g.calls {
                let Some(target) = c.target_path() else {
                    continue;
                };
                let list = by_target.entry(target).or_default();
                match list.last_mut() {
                    Some(last) if last.index == index => {
                        if c.serving {
                            last.serving.get_or_insert(c.line);
                        }
                    }
                    _ => list.push(Caller {
                        index,
                        first: c.line,
                        serving: c.serving.then_some(c.line),
                    }),
                }
            }
        }
        Callers { summary, by_target }
    }
}

/// Words of a return type that only a server's request handler returns.
const RESPONSE_WORDS: &[&str] = &[
    "impl IntoResponse",
    "impl Responder",
    "HttpResponse",
    "impl Reply",
    "impl warp::Reply",
];

/// Calls that serve the network: bind a listening socket or run a server framework (matched
/// on the end of the resolved path, by whole segments).
const SERVER_APIS: &[&str] = &[
    "TcpListener::bind",
    "UnixListener::bind",
    "UdpSocket::bind",
    "axum::serve",
    "warp::serve",
    "actix_web::HttpServer::new",
    "tonic::transport::Server::builder",
    "hyper::Server::bind",
    "axum_server::bind",
];

/// Methods that take the next connection or datagram, whatever the receiver's type.
const ACCEPT_METHODS: &[&str] = &["accept", "serve_connection", "recv_from"];

/// Is a fn returning `output` (as written) a request handler?
pub fn is_handler_output(output: &str) -> bool {
    RESPONSE_WORDS.iter().any(|w| output.contains(w))
        || (output.contains("Response<") && output.contains("Status"))
}

/// Does `g` serve the network: a call to one of [`SERVER_APIS`], or an `.accept()` (or
/// `.recv_from()`, `.serve_connection()`; awaited, or raced in a `select!`)? Returns the
/// call's line.
pub fn serves_network(g: &FnSig) -> Option<usize> {
    g.calls.iter().find_map(|c| {
        let hit = match &c.callee {
            Callee::Path {
                path,
                resolved: true,
            } => SERVER_APIS.iter().any(|api| {
                path.strip_suffix(api)
                    .is_some_and(|head| head.is_empty() || head.ends_with("::"))
            }),
            Callee::Method { name, .. } => ACCEPT_METHODS.contains(&name.as_str()),
            _ => false,
        };
        hit.then_some(c.line)
    })
}

/// Is `g` where network work starts: a request handler, or a fn serving the network?
fn network_root(g: &FnSig) -> bool {
    g.output.as_deref().is_some_and(is_handler_output) || serves_network(g).is_some()
}

impl CrateIndex {
    /// A caller that makes the crate fn at `path` (named `name`) serve work as it arrives, if
    /// the crate has one, preferring one that serves the network; found on first use, then
    /// kept.
    pub fn served(&self, path: &str, name: &str) -> Option<Arc<ServedBy>> {
        self.served_within(path, name, 0)
    }

    fn served_within(&self, path: &str, name: &str, depth: usize) -> Option<Arc<ServedBy>> {
        if let Some(known) = lock(&self.serving.served).get(path) {
            return known.clone();
        }
        // A cycle answers "not known" while the search runs.
        lock(&self.serving.served).insert(path.to_string(), None);
        let found = self.find_serving_caller(path, name, depth).map(Arc::new);
        lock(&self.serving.served).insert(path.to_string(), found.clone());
        found
    }

    fn find_serving_caller(&self, path: &str, name: &str, depth: usize) -> Option<ServedBy> {
        let root = self.root()?;
        let words = self
            .serving
            .words
            .get_or_init(|| Arc::new(self.module_tree_words(root)))
            .clone();
        let word = words::word_of(name);
        let files: Vec<&Path> = if word.chars().all(words::ident_char) {
            words.files_with(word)
        } else {
            words.files().collect()
        };
        let mut fallback: Option<ServedBy> = None;
        let mut callers: Vec<(Arc<FileSummary>, usize, usize)> = Vec::new();
        for file in files {
            let Some(summary) = self.summary(file) else {
                continue;
            };
            let calls = self.callers_in(file, &summary);
            let Some(found) = calls.by_target.get(path) else {
                continue;
            };
            if self.module_is_test(&summary.module.join("::")) {
                continue;
            }
            for c in found {
                let g = &summary.fns[c.index];
                let by = |line: usize, network: bool| ServedBy {
                    caller: super::display_name(&g.path),
                    file: summary.path.clone(),
                    line,
                    network,
                };
                let handler = g.output.as_deref().is_some_and(is_handler_output);
                match c.serving {
                    _ if handler => return Some(by(c.first, true)),
                    Some(line) if network_root(g) => return Some(by(line, true)),
                    Some(line) if fallback.is_none() => fallback = Some(by(line, false)),
                    _ => {}
                }
                callers.push((summary.clone(), c.index, c.first));
            }
        }
        if depth + 1 >= MAX_DEPTH {
            return fallback;
        }
        for (summary, i, line) in callers {
            let g = &summary.fns[i];
            let Some(up) = self.served_within(&g.path, &g.name, depth + 1) else {
                continue;
            };
            let by = ServedBy {
                caller: super::display_name(&g.path),
                file: summary.path.clone(),
                line,
                network: up.network,
            };
            if up.network {
                return Some(by);
            }
            fallback.get_or_insert(by);
        }
        fallback
    }

    /// The calls of the file's fns by target, made once per summary of the file.
    fn callers_in(&self, file: &Path, summary: &Arc<FileSummary>) -> Arc<Callers> {
        if let Some(known) = lock(&self.serving.calls).get(file) {
            if Arc::ptr_eq(&known.summary, summary) {
                return known.clone();
            }
        }
        let made = Arc::new(Callers::new(summary.clone()));
        lock(&self.serving.calls).insert(file.to_path_buf(), made.clone());
        made
    }

    /// The `.rs` files of the crate's module tree (`src/`, without `src/bin/`) outside test
    /// paths, by the identifiers of their text (an open buffer's text for its file).
    fn module_tree_words(&self, root: &Path) -> Words {
        let src = root.join("src");
        let mut files = Vec::new();
        super::logging::rust_files(&src, &mut files, 0);
        let bin = src.join("bin");
        files.retain(|f| !f.starts_with(&bin) && !crate::syntax::testcode::is_test_path(f));
        let text = |f: &Path| match self.overlay.get(f) {
            Some(text) => Some(text.to_string()),
            None => std::fs::read_to_string(f).ok(),
        };
        Words::new(files, text, words::identifiers)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
