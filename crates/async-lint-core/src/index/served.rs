//! Who calls a fn, and whether one of them makes it serve work as it arrives: a call from a
//! spawned task, an open-ended loop or a stream's per-item block (see
//! [`crate::context::Serving`]), from a request handler, or from a fn that is itself served
//! that way — and whether that work comes from the network: the chain reaches a request
//! handler (a fn returning a server framework's response: `impl IntoResponse`,
//! `impl Responder`, `HttpResponse`, `impl Reply`, `Result<Response<..>, Status>`) or a fn
//! that binds a listener or accepts connections and runs its callee per connection.
//!
//! Callers are found the way a reader finds them: only the files of the crate's module tree
//! whose text holds the fn's name are summarized, and their calls resolved to the fn's path
//! decide. Calls through trait objects, fn pointers and macros are not seen.

use super::{Call, Callee, CrateIndex, FileSummary, FnSig};
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

/// Answers by fn path, and the crate's module-tree files with their text.
#[derive(Debug, Default)]
pub(super) struct Memo {
    served: Mutex<HashMap<String, Option<Arc<ServedBy>>>>,
    files: OnceLock<Vec<(PathBuf, String)>>,
}

impl Memo {
    /// Forgets the answers (they keep summaries alive).
    pub(super) fn clear(&self) {
        lock(&self.served).clear();
    }

    /// A memo for the index after `changed` was edited: the answers are dropped (any may
    /// depend on that file), the texts of the other files are kept, the edited file's is
    /// `text` (`None`: read again from disk; gone when it no longer exists).
    pub(super) fn after_change(&self, changed: &Path, text: Option<&str>) -> Memo {
        let memo = Memo::default();
        if let Some(files) = self.files.get() {
            let kept = files
                .iter()
                .filter_map(|(f, t)| {
                    if f != changed {
                        return Some((f.clone(), t.clone()));
                    }
                    let now = text.map(str::to_string);
                    Some((f.clone(), now.or_else(|| std::fs::read_to_string(f).ok())?))
                })
                .collect();
            let _ = memo.files.set(kept);
        }
        memo
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
        let found = super::busy(|| self.find_serving_caller(path, name, depth)).map(Arc::new);
        lock(&self.serving.served).insert(path.to_string(), found.clone());
        found
    }

    fn find_serving_caller(&self, path: &str, name: &str, depth: usize) -> Option<ServedBy> {
        let root = self.root()?;
        let files = self.serving.files.get_or_init(|| module_tree_files(root));
        let mut fallback: Option<ServedBy> = None;
        let mut callers: Vec<(Arc<FileSummary>, usize, usize)> = Vec::new();
        for (file, text) in files {
            if !text.contains(name) {
                continue;
            }
            let Some(summary) = self.summary(file) else {
                continue;
            };
            if self.module_is_test(&summary.module.join("::")) {
                continue;
            }
            for (i, g) in summary.fns.iter().enumerate().filter(|(_, g)| !g.test) {
                let Some(first) = calls_of(g, path).next() else {
                    continue;
                };
                let by = |line: usize, network: bool| ServedBy {
                    caller: super::display_name(&g.path),
                    file: summary.path.clone(),
                    line,
                    network,
                };
                let handler = g.output.as_deref().is_some_and(is_handler_output);
                let serving = calls_of(g, path).find(|c| c.serving);
                match serving {
                    _ if handler => return Some(by(first.line, true)),
                    Some(c) if network_root(g) => return Some(by(c.line, true)),
                    Some(c) if fallback.is_none() => fallback = Some(by(c.line, false)),
                    _ => {}
                }
                callers.push((summary.clone(), i, first.line));
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
}

/// The calls of `g` to the fn at `path`.
fn calls_of<'a>(g: &'a FnSig, path: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
    g.calls
        .iter()
        .filter(move |c| c.target_path().is_some_and(|t| t == path))
}

/// The `.rs` files of the crate's module tree (`src/`, without `src/bin/`) outside test
/// paths, with their text.
fn module_tree_files(root: &Path) -> Vec<(PathBuf, String)> {
    let src = root.join("src");
    let mut files = Vec::new();
    super::logging::rust_files(&src, &mut files, 0);
    let bin = src.join("bin");
    files
        .into_iter()
        .filter(|f| !f.starts_with(&bin) && !crate::syntax::testcode::is_test_path(f))
        .filter_map(|f| std::fs::read_to_string(&f).ok().map(|t| (f, t)))
        .collect()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
