//! Task spawns: which calls start a task, with which future or closure, on what.
//! Shared by every rule about spawning (bounds, tiny tasks, dropped handles).

use super::uses::strip;
use super::Context;
use std::sync::LazyLock;
use syn::Expr;

/// What kind of task a spawn starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpawnKind {
    /// An async task on the runtime (`tokio::spawn`, `JoinSet::spawn`, `smol::spawn`…).
    Task,
    /// A `!Send` task on the current thread (`spawn_local`).
    Local,
    /// A closure on the blocking pool (`spawn_blocking`).
    Blocking,
    /// A future pushed into a `FuturesUnordered`/`FuturesOrdered` (polled, not spawned).
    Pushed,
}

/// A recognised spawn call.
#[derive(Debug, Clone)]
pub struct Spawn<'e> {
    /// How the spawner was named, resolved (`tokio::spawn`, `JoinSet::spawn`, `.spawn_blocking()`).
    pub spawner: String,
    pub kind: SpawnKind,
    /// The future (or closure, for `Blocking`) handed over.
    pub body: Option<&'e Expr>,
    /// The receiver for method spawns (`set` in `set.spawn(fut)`).
    pub receiver: Option<&'e Expr>,
    /// The whole call expression.
    pub call: &'e Expr,
}

/// Adapters that wrap a future without changing its output (`.instrument(span)`).
const OUTPUT_PRESERVING: &[&str] = &[
    "instrument",
    "in_current_span",
    "with_current_subscriber",
    "with_subscriber",
    "boxed",
    "boxed_local",
    "fuse",
];

/// The future a spawn runs, with output-preserving wrappers peeled:
/// `async { .. }.instrument(span)` → `async { .. }`, and a block's value:
/// `{ let c = c.clone(); async move { .. } }` → `async move { .. }`.
pub fn task_future(body: &Expr) -> &Expr {
    match strip(body) {
        Expr::Block(b) if b.label.is_none() => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => task_future(tail),
            _ => body,
        },
        Expr::MethodCall(m) if OUTPUT_PRESERVING.contains(&m.method.to_string().as_str()) => {
            task_future(&m.receiver)
        }
        Expr::Call(c) if c.args.len() == 1 && is_box_pin(&c.func) => {
            c.args.first().map_or(body, task_future)
        }
        other => other,
    }
}

/// `Box::pin` (as a path call).
fn is_box_pin(f: &Expr) -> bool {
    let Expr::Path(p) = f else { return false };
    let path = crate::resolve::path_string(&p.path);
    path == "Box::pin" || path.ends_with("::Box::pin")
}

/// What the value a spawn call returns does with the task's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handle {
    /// A `JoinHandle` (tokio, async-std, actix): it alone carries the task's output and panic;
    /// dropping it detaches the task.
    Join,
    /// A smol / async-executor `Task`: dropping it cancels the task, `.detach()` lets it run
    /// with its output thrown away.
    Task,
    /// The task's output stays in a set (`JoinSet::spawn` gives an `AbortHandle`), or the
    /// future was pushed into a `FuturesUnordered`: the collection is what is joined.
    InSet,
    /// Not known (a method spawn on a receiver of unknown type).
    Unknown,
}

impl Spawn<'_> {
    /// What the returned value does with the task's output.
    pub fn handle(&self, cx: &Context<'_>) -> Handle {
        if self.kind == SpawnKind::Pushed {
            return Handle::InSet;
        }
        let spawner = self.spawner.as_str();
        if spawner.starts_with("smol::") {
            return Handle::Task;
        }
        if self.receiver.is_none() {
            return if spawner.contains("JoinSet") {
                Handle::InSet
            } else {
                Handle::Join
            };
        }
        let ty = self
            .receiver
            .and_then(|r| receiver_type(cx, r))
            .unwrap_or_default();
        let last = ty.rsplit("::").next().unwrap_or("");
        match last {
            "JoinSet" => Handle::InSet,
            "Handle" | "Runtime" | "LocalSet" if ty.starts_with("tokio") || !ty.contains("::") => {
                Handle::Join
            }
            "Executor" | "LocalExecutor" => Handle::Task,
            _ => Handle::Unknown,
        }
    }
}

/// The type of a spawn's receiver: what the context knows, or `Handle::current()`.
fn receiver_type(cx: &Context<'_>, receiver: &Expr) -> Option<String> {
    if let Some(t) = cx.type_of(receiver) {
        return Some(t);
    }
    let Expr::Call(c) = strip(receiver) else {
        return None;
    };
    let Expr::Path(p) = &*c.func else { return None };
    let path = cx.resolve(&p.path)?;
    path.strip_suffix("::current")
        .or_else(|| path.strip_suffix("::try_current"))
        .filter(|t| t.ends_with("Handle"))
        .map(str::to_string)
}

/// Free functions that spawn, by resolved path.
const SPAWN_FNS: &[(&str, SpawnKind)] = &[
    ("tokio::spawn", SpawnKind::Task),
    ("tokio::task::spawn", SpawnKind::Task),
    ("tokio::task::spawn_local", SpawnKind::Local),
    ("tokio::task::spawn_blocking", SpawnKind::Blocking),
    ("async_std::task::spawn", SpawnKind::Task),
    ("async_std::task::spawn_local", SpawnKind::Local),
    ("async_std::task::spawn_blocking", SpawnKind::Blocking),
    ("smol::spawn", SpawnKind::Task),
    ("actix_rt::spawn", SpawnKind::Task),
    ("actix::spawn", SpawnKind::Task),
    ("tokio::runtime::Handle::spawn", SpawnKind::Task),
    ("tokio::task::JoinSet::spawn", SpawnKind::Task),
];

/// Every spawn and pushed future recognised here names one of these words (spawners are
/// `spawn`, `spawn_local`…, futures are pushed with `push`/`push_back`), or a renamed import
/// of a spawner: code whose text has none of them spawns nothing.
pub const SPAWN_WORDS: &[&str] = &["spawn", "push"];

/// Methods that add a future to a `FuturesUnordered`/`FuturesOrdered`.
const PUSH_METHODS: &[&str] = &["push", "push_back"];

/// The names [`SPAWN_FNS`] end in: a call whose callee cannot end in one is not resolved.
static SPAWN_FN_NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut names: Vec<&str> = SPAWN_FNS
        .iter()
        .filter_map(|(p, _)| p.rsplit("::").next())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
});

/// Methods that spawn onto a runtime handle, `JoinSet`, `LocalSet`, `Builder` or executor.
/// Matched by name when the receiver's type is unknown but the argument is a future-shaped
/// expression (an `async` block or a call), never a closure: `thread::Builder::spawn(|| ..)`
/// and `scope.spawn(|| ..)` start threads, not tasks.
const SPAWN_METHODS: &[(&str, SpawnKind)] = &[
    ("spawn", SpawnKind::Task),
    ("spawn_on", SpawnKind::Task),
    ("spawn_local", SpawnKind::Local),
    ("spawn_local_on", SpawnKind::Local),
    ("spawn_blocking", SpawnKind::Blocking),
    ("spawn_blocking_on", SpawnKind::Blocking),
];

/// Can the callee `path` be one of [`SPAWN_FNS`]? Without resolving or allocating.
pub fn may_name_spawner(cx: &Context<'_>, path: &syn::Path) -> bool {
    cx.may_name(path, SPAWN_FN_NAMES.iter().copied())
}

/// Can a method called `method` be one of [`SPAWN_METHODS`]?
pub fn may_name_spawn_method(method: &syn::Ident) -> bool {
    SPAWN_METHODS.iter().any(|(s, _)| method == s)
}

/// The spawn `expr` performs, if it is one.
pub fn spawn_call<'e>(cx: &Context<'_>, expr: &'e Expr) -> Option<Spawn<'e>> {
    match expr {
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            if !may_name_spawner(cx, &p.path) {
                return None;
            }
            let known = |path: &str| SPAWN_FNS.iter().any(|(s, _)| *s == path);
            let path = cx.resolve_callee(&p.path, known)?;
            let path = normalize_builder(&path);
            let (_, kind) = SPAWN_FNS.iter().find(|(s, _)| *s == path)?;
            Some(Spawn {
                spawner: path,
                kind: *kind,
                body: c.args.first(),
                receiver: None,
                call: expr,
            })
        }
        Expr::MethodCall(m) => {
            let (name, kind) = SPAWN_METHODS.iter().find(|(s, _)| m.method == s)?;
            let body = m.args.first();
            let future_shaped = body.is_some_and(|b| match (kind, strip(b)) {
                (SpawnKind::Blocking, Expr::Closure(_) | Expr::Path(_)) => true,
                (SpawnKind::Blocking, _) => false,
                (_, Expr::Closure(c)) => c.asyncness.is_some(),
                (_, Expr::Async(_) | Expr::Call(_) | Expr::MethodCall(_)) => true,
                (_, Expr::Path(_)) => true,
                _ => false,
            });
            if !future_shaped || starts_thread(cx, &m.receiver) {
                return None;
            }
            let shown = match cx
                .type_of(&m.receiver)
                .or_else(|| builder_type(cx, &m.receiver))
            {
                Some(t) => format!("{t}::{name}"),
                None => format!(".{name}()"),
            };
            Some(Spawn {
                spawner: shown,
                kind: *kind,
                body,
                receiver: Some(&m.receiver),
                call: expr,
            })
        }
        _ => None,
    }
}

/// A future pushed into `FuturesUnordered`/`FuturesOrdered` (`futs.push(fut)`), known by the
/// receiver's type.
pub fn pushed_future<'e>(cx: &Context<'_>, expr: &'e Expr) -> Option<Spawn<'e>> {
    let Expr::MethodCall(m) = expr else {
        return None;
    };
    if !PUSH_METHODS.iter().any(|p| m.method == p) {
        return None;
    }
    let ty = cx.type_of(&m.receiver)?;
    let is_set = ty.ends_with("FuturesUnordered") || ty.ends_with("FuturesOrdered");
    is_set.then(|| Spawn {
        spawner: format!("{ty}::{}", m.method),
        kind: SpawnKind::Pushed,
        body: m.args.first(),
        receiver: Some(&m.receiver),
        call: expr,
    })
}

/// The builder a chain starts from (`tokio::task::Builder::new().name(..)` →
/// `tokio::task::Builder`).
fn builder_type(cx: &Context<'_>, recv: &Expr) -> Option<String> {
    let mut root = strip(recv);
    for _ in 0..64 {
        let Expr::MethodCall(m) = root else { break };
        root = strip(&m.receiver);
    }
    let Expr::Call(c) = root else { return None };
    let Expr::Path(p) = strip(&c.func) else {
        return None;
    };
    let path = cx.resolve(&p.path)?;
    let ty = path.strip_suffix("::new")?;
    ty.ends_with("Builder").then(|| ty.to_string())
}

/// Is the receiver a thread builder (`std::thread::Builder::new().name(..)`)? Its `spawn`
/// takes a fn or closure and starts a thread, not a task.
fn starts_thread(cx: &Context<'_>, recv: &Expr) -> bool {
    let mut root = strip(recv);
    for _ in 0..64 {
        let Expr::MethodCall(m) = root else { break };
        root = strip(&m.receiver);
    }
    let path = match root {
        Expr::Call(c) => match strip(&c.func) {
            Expr::Path(p) => cx.resolve(&p.path).unwrap_or_else(|| {
                p.path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::")
            }),
            _ => return false,
        },
        other => match cx.type_of(other) {
            Some(t) => t,
            None => return false,
        },
    };
    path.contains("thread::Builder")
}

/// `tokio::task::Builder::new().name("x").spawn(fut)` is matched as a method; a path through
/// the task builder resolves to the same spawner.
fn normalize_builder(path: &str) -> String {
    path.strip_prefix("tokio::task::Builder::")
        .map_or_else(|| path.to_string(), |m| format!("tokio::task::{m}"))
}

#[cfg(test)]
mod tests {
    use crate::context::Rule;
    use crate::context::{check_file, CheckInput, Context};
    use crate::declare::RuleMeta;
    use crate::finding::Finding;
    use crate::source::SourceFile;
    use std::collections::{HashMap, HashSet};
    use std::sync::Mutex;

    /// A probe rule that records every spawn the context recognises.
    struct Probe(Mutex<Vec<String>>);

    static META: RuleMeta = RuleMeta {
        name: "probe",
        default_severity: crate::Severity::Info,
        summary: "",
        doc: "",
        options: crate::declare::OptionsDecl::NONE,
        triggers: &[],
    };

    impl Rule for Probe {
        fn meta(&self) -> &'static RuleMeta {
            &META
        }
        fn check_expr(&self, cx: &Context<'_>, e: &syn::Expr, _out: &mut Vec<Finding>) {
            if let Some(s) = super::spawn_call(cx, e).or_else(|| super::pushed_future(cx, e)) {
                self.0
                    .lock()
                    .expect("probe lock")
                    .push(format!("{} {:?}", s.spawner, s.kind));
            }
        }
    }

    #[test]
    fn every_spawner_names_a_spawn_word() {
        let names = super::SPAWN_FNS
            .iter()
            .chain(super::SPAWN_METHODS)
            .map(|(n, _)| *n)
            .chain(super::PUSH_METHODS.iter().copied());
        for name in names {
            assert!(
                super::SPAWN_WORDS.iter().any(|w| name.contains(w)),
                "{name} names none of SPAWN_WORDS: loops spawning through it would get no bounds"
            );
        }
    }

    #[test]
    fn recognises_spawners_and_not_threads() {
        let src = r#"
            use tokio::task;
            use futures::stream::FuturesUnordered;
            async fn f(set: &mut tokio::task::JoinSet<()>) {
                tokio::spawn(async {});
                task::spawn_blocking(|| 1);
                set.spawn(work());
                std::thread::spawn(|| 1);
                std::thread::Builder::new().name("w".into()).spawn(worker_main);
                let futs = FuturesUnordered::new();
                futs.push(work());
                let v: Vec<u8> = Vec::new();
                v.push(1);
                smol::spawn(async {}).detach();
            }
        "#;
        let probe: &'static Probe = Box::leak(Box::new(Probe(Mutex::new(Vec::new()))));
        let rules: Vec<&'static dyn Rule> = vec![probe];
        let file = SourceFile::new("t.rs", src.to_string());
        let ast = syn::parse_file(src).expect("parses");
        let settings = HashMap::new();
        let lines = HashSet::new();
        let krate = crate::CrateInfo::default();
        check_file(
            CheckInput {
                file: &file,
                catalog: crate::catalog::Catalog::builtin(),
                krate: &krate,
                settings: &settings,
                rules: &rules,
                module: vec!["crate".into()],
                extent_lines: &lines,
            },
            &ast,
        );
        let seen = probe.0.lock().expect("probe lock").clone();
        assert_eq!(
            seen,
            vec![
                "tokio::spawn Task",
                "tokio::task::spawn_blocking Blocking",
                "tokio::task::JoinSet::spawn Task",
                "futures::stream::FuturesUnordered::push Pushed",
                "smol::spawn Task",
            ]
        );
    }
}
