//! ## What it does
//! Flags the places where the error or panic of a task vanishes: the `JoinHandle` of a
//! fallible task dropped (an expression statement, `let _ =`, `drop(handle)`, a binding never
//! used), the join result thrown away (`let _ = handle.await;`, `.await.ok();`,
//! `if let Ok(..) = handle.await` without `else`, `join_all(handles).await;`, a `join_next`
//! loop that ignores what it gets), and `let _ = <fallible fn of this crate>(..).await;`.
//!
//! ## Why is this bad?
//! A spawned task's `Result` and its panic come back only through its `JoinHandle`. Drop the
//! handle, or the result of awaiting it, and both disappear: the task failed and nothing says
//! so. `let _ =` also silences rustc's `must_use` warning on `Result`.
//!
//! ## Example
//! ```rust
//! async fn start(url: String) {
//!     tokio::spawn(async move {
//!         let body = reqwest::get(&url).await?.text().await?;
//!         store(body).await?;
//!         Ok::<_, reqwest::Error>(())
//!     });
//! }
//! ```
//!
//! ## Use instead
//! ```rust
//! async fn start(url: String) -> anyhow::Result<()> {
//!     let task = tokio::spawn(async move {
//!         let body = reqwest::get(&url).await?.text().await?;
//!         store(body).await?;
//!         Ok::<_, reqwest::Error>(())
//!     });
//!     task.await??;
//!     Ok(())
//! }
//! ```

use super::{Rule, RuleMeta};
use crate::context::exits::Exits;
use crate::context::spawn::{spawn_call, task_future, Handle, Spawn, SpawnKind};
use crate::context::uses::{binding_name, is_local, strip, uses_of, Use};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::source::Span;
use syn::{Expr, Stmt};

pub struct SwallowedTaskError;

static META: RuleMeta = RuleMeta {
    name: "swallowed-task-error",
    default_severity: Severity::Warning,
    summary: "the error or panic of a task thrown away: its `JoinHandle` dropped, its join result ignored, or a fallible call's `Result` dropped with `let _ =`",
    doc: include_str!("../../../../rules/swallowed-task-error.md"),
    options: &[],
    triggers: &["spawn", "await"],
};

const HELP: &str = "keep the handle and await it (`handle.await??`), drain a `JoinSet` checking each result, or handle the error inside the task and log it";
const NOTE: &str = "a task's `Result` and its panic reach the program only through its `JoinHandle`; dropped or ignored, they vanish without a trace";

/// Methods on a `Result` that keep it a `Result` with its error.
const RESULT_ADAPTERS: &[&str] = &[
    "map_err",
    "context",
    "with_context",
    "wrap_err",
    "wrap_err_with",
    "ok_or",
    "ok_or_else",
];

/// Methods that keep a `Result` a `Result` with the same error, when called on one.
const KEEP_ERROR: &[&str] = &["map", "and_then"];

/// Callees whose failure is expected and harmless to drop: a channel whose other end is gone,
/// a wait that timed out.
const BENIGN_CALLEES: &[&str] = &[
    "send",
    "try_send",
    "send_async",
    "send_timeout",
    "send_replace",
    "broadcast",
    "changed",
    "recv",
    "timeout",
    "timeout_at",
];

/// Error types that only say a channel closed or a wait timed out.
const BENIGN_ERRORS: &[&str] = &[
    "SendError",
    "RecvError",
    "TrySendError",
    "Elapsed",
    "Closed",
];

/// Methods that spawn into the receiver (a `JoinSet`).
const SET_SPAWNS: &[&str] = &[
    "spawn",
    "spawn_local",
    "spawn_blocking",
    "spawn_on",
    "spawn_local_on",
    "spawn_blocking_on",
];

/// Methods that only look at a collection of handles.
const NEUTRAL: &[&str] = &["len", "is_empty", "capacity", "reserve"];

impl Rule for SwallowedTaskError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_stmt(&self, cx: &Context<'_>, stmt: &Stmt, rest: &[Stmt], out: &mut Vec<Finding>) {
        match stmt {
            Stmt::Expr(e, Some(_)) => discarded(cx, e, How::Statement, out),
            Stmt::Local(l) => {
                let Some(init) = &l.init else { return };
                if init.diverge.is_some() {
                    return;
                }
                match strip_pat(&l.pat) {
                    syn::Pat::Wild(_) => {
                        discarded(cx, &init.expr, How::LetWild, out);
                        dropped_result(cx, &init.expr, out);
                    }
                    pat => {
                        if let Some(name) = binding_name(pat) {
                            bound(cx, name, &init.expr, rest, out);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// How a value is thrown away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    /// `value;`
    Statement,
    /// `let _ = value;`
    LetWild,
    /// `drop(value)`
    Drop,
    /// `value.ok();`
    Ok,
    /// `if let Ok(..) = value { .. }` without `else`
    IfLetOk,
}

/// Why a task can fail: a place in its body and what to say there.
struct Evidence {
    span: Span,
    label: String,
}

/// A value thrown away as `how`: a spawn's handle, or the result of awaiting one.
fn discarded(cx: &Context<'_>, e: &Expr, how: How, out: &mut Vec<Finding>) {
    match strip(e) {
        Expr::Call(c) if is_drop(cx, c) && how == How::Statement => {
            if let Some(arg) = c.args.first() {
                discarded(cx, arg, How::Drop, out);
            }
        }
        Expr::MethodCall(m) if m.method == "detach" && how == How::Statement => {
            if let Some(s) = spawn_call(cx, strip(&m.receiver)) {
                if let Some(ev) = fallible(cx, &s) {
                    out.push(dropped_handle(
                        cx,
                        &s,
                        None,
                        ev,
                        "a fallible task is detached",
                    ));
                }
            }
        }
        Expr::MethodCall(m) if m.method == "ok" && m.args.is_empty() && how == How::Statement => {
            if let Expr::Await(a) = strip(&m.receiver) {
                awaited_discarded(cx, a, How::Ok, out);
            }
        }
        Expr::Await(a) => awaited_discarded(cx, a, how, out),
        inner => {
            let Some(s) = spawn_call(cx, inner) else {
                return;
            };
            if s.handle(cx) != Handle::Join {
                return;
            }
            let Some(ev) = fallible(cx, &s) else { return };
            let msg = match how {
                How::LetWild => "the handle of a fallible task is dropped with `let _ =`",
                How::Drop => "the handle of a fallible task is dropped with `drop(..)`",
                _ => "the handle of a fallible task is dropped at once",
            };
            out.push(dropped_handle(cx, &s, None, ev, msg));
        }
    }
}

/// `<awaited>.await` thrown away: a spawn joined on the spot, or `join_all` over spawns.
fn awaited_discarded(cx: &Context<'_>, a: &syn::ExprAwait, how: How, out: &mut Vec<Finding>) {
    let base = strip(&a.base);
    if let Some(s) = spawn_call(cx, base) {
        if matches!(s.handle(cx), Handle::Join | Handle::Task) {
            if let Some(ev) = fallible(cx, &s) {
                out.push(join_discarded(cx.span(a), how, ev));
            }
        }
        return;
    }
    let Expr::Call(c) = base else { return };
    let Some(name) = join_all_name(cx, c) else {
        return;
    };
    let Some(arg) = c.args.first() else { return };
    if let Some(ev) = collected_spawns(cx, arg)
        .into_iter()
        .find_map(|s| fallible(cx, &s))
    {
        out.push(join_all_discarded(cx.span(a), name, ev));
    }
}

/// `let _ = <fn of this crate returning Result>(..).await;` — outside test code, where calling
/// a fallible fn for its side effects and ignoring the outcome is deliberate.
fn dropped_result(cx: &Context<'_>, e: &Expr, out: &mut Vec<Finding>) {
    if cx.skips_test_code(META.name) {
        return;
    }
    let Expr::Await(a) = strip(e) else { return };
    let call = strip(&a.base);
    if spawn_call(cx, call).is_some() {
        return;
    }
    let (callee_span, name) = match call {
        Expr::Call(c) => (cx.span(&c.func), cx.text(&c.func).to_string()),
        Expr::MethodCall(m) => (cx.span(&m.method), format!(".{}()", m.method)),
        _ => return,
    };
    let Some(f) = cx.called_fn(call) else { return };
    let benign_error = f
        .output
        .as_deref()
        .is_some_and(|t| BENIGN_ERRORS.iter().any(|e| t.contains(e)));
    if !(f.returns_future && f.output_result)
        || benign_error
        || BENIGN_CALLEES.contains(&f.name.as_str())
    {
        return;
    }
    out.push(
        Finding::new(
            META.name,
            callee_span,
            format!("the error of `{name}` is thrown away with `let _ =`"),
        )
        .label("the `Result` is dropped unchecked")
        .help("handle the error (`?`, `if let Err(e) = .. { .. }`), or log it where it is dropped")
        .note("`let _ =` silences rustc's `must_use` warning on `Result`: the failure leaves no trace"),
    );
}

/// `let name = <init>;` followed by `rest`: a handle, or a collection of handles.
fn bound<'e>(
    cx: &Context<'_>,
    name: &syn::Ident,
    init: &'e Expr,
    rest: &'e [Stmt],
    out: &mut Vec<Finding>,
) {
    let init = strip(init);
    if let Some(s) = spawn_call(cx, init) {
        if s.handle(cx) == Handle::Join {
            handle_binding(cx, name, &s, rest, out);
        }
        return;
    }
    let collected = collected_spawns(cx, init);
    if !collected.is_empty() || is_new_collection(cx, init) {
        collection(cx, name, collected, rest, out);
    }
}

/// A local holding the handle of a spawned task: flagged when it is never used, or when every
/// use throws the handle or its join result away.
fn handle_binding(
    cx: &Context<'_>,
    name: &syn::Ident,
    s: &Spawn<'_>,
    rest: &[Stmt],
    out: &mut Vec<Finding>,
) {
    let Some(ev) = fallible(cx, s) else { return };
    let id = name.to_string();
    let uses = uses_of(rest, &id);
    if uses.is_empty() {
        let msg = format!("the handle `{id}` of a fallible task is never awaited");
        out.push(dropped_handle(cx, s, Some(cx.span(name)), ev, &msg));
        return;
    }
    let sites: Option<Vec<(Span, How)>> = uses.iter().map(|u| handle_discard(cx, u)).collect();
    let Some(sites) = sites else { return };
    for (i, (span, how)) in sites.into_iter().enumerate() {
        let ev = if i == 0 {
            Evidence {
                span: ev.span,
                label: ev.label.clone(),
            }
        } else {
            Evidence {
                span: cx.span(s.call),
                label: "the task spawned here can fail".into(),
            }
        };
        if how == How::Drop {
            out.push(dropped_handle(
                cx,
                s,
                Some(span),
                ev,
                &format!("the handle `{id}` of a fallible task is dropped with `drop(..)`"),
            ));
        } else {
            out.push(join_discarded(span, how, ev));
        }
    }
}

/// Where and how one use of a handle throws it (or its join result) away; `None` when the use
/// keeps it (awaited and checked, aborted, moved, returned…).
fn handle_discard(cx: &Context<'_>, u: &Use<'_>) -> Option<(Span, How)> {
    let p0 = u.parent(0)?;
    match p0 {
        Expr::Call(c) if is_drop(cx, c) => {
            (fate(u, 0) == Some(How::Statement)).then(|| (cx.span(p0), How::Drop))
        }
        Expr::Await(_) => fate(u, 0).map(|how| (cx.span(p0), how)),
        _ => None,
    }
}

/// What becomes of the value of `u.parents[k]`: thrown away (how), or `None` when it is kept.
fn fate(u: &Use<'_>, k: usize) -> Option<How> {
    let this = u.parent(k)?;
    let Some(next) = u.parent(k + 1) else {
        return match u.stmt {
            Stmt::Expr(e, Some(_)) if std::ptr::eq(strip(e), this) => Some(How::Statement),
            Stmt::Local(l)
                if matches!(strip_pat(&l.pat), syn::Pat::Wild(_))
                    && l.init
                        .as_ref()
                        .is_some_and(|i| std::ptr::eq(strip(&i.expr), this)) =>
            {
                Some(How::LetWild)
            }
            _ => None,
        };
    };
    match next {
        Expr::Paren(_) | Expr::Group(_) => fate(u, k + 1),
        Expr::MethodCall(m) if m.method == "ok" && m.args.is_empty() => {
            (fate(u, k + 1) == Some(How::Statement)).then_some(How::Ok)
        }
        Expr::Call(c) if c.args.len() == 1 && is_drop_path(&c.func) => {
            matches!(fate(u, k + 1), Some(How::Statement)).then_some(How::Drop)
        }
        Expr::Let(l) if is_ok_pattern(&l.pat) => match u.parent(k + 2) {
            Some(Expr::If(i)) if i.else_branch.is_none() && std::ptr::eq(&*i.cond, next) => {
                Some(How::IfLetOk)
            }
            _ => None,
        },
        _ => None,
    }
}

/// A local collection of handles (`JoinSet`, `Vec` of handles, `FuturesUnordered`): flagged
/// where it is drained with every result ignored, when a task put in it can fail and nothing
/// else reads it.
fn collection<'e>(
    cx: &Context<'_>,
    name: &syn::Ident,
    mut fills: Vec<Spawn<'e>>,
    rest: &'e [Stmt],
    out: &mut Vec<Finding>,
) {
    let id = name.to_string();
    let uses = uses_of(rest, &id);
    let mut drains: Vec<(Span, Drain)> = Vec::new();
    for u in &uses {
        match collection_use(cx, u, &id) {
            Some(CollectionUse::Fill(s)) => fills.push(s),
            Some(CollectionUse::Drain(d)) => drains.extend(d),
            Some(CollectionUse::Neutral) => {}
            None => return,
        }
    }
    if drains.is_empty() {
        return;
    }
    let Some(ev) = fills.iter().find_map(|s| fallible(cx, s)) else {
        return;
    };
    let mut ev = Some(ev);
    for (span, drain) in drains {
        let e = ev.take().unwrap_or_else(|| Evidence {
            span: cx.span(name),
            label: format!("`{id}` holds fallible tasks"),
        });
        out.push(match drain {
            Drain::Each(how) => join_discarded(span, how, e),
            Drain::All(what) => join_all_discarded(span, what, e),
        });
    }
}

/// How a collection's results are thrown away.
#[derive(Debug, Clone, Copy)]
enum Drain {
    /// All at once by `join_all` / in a `join_next` loop (named).
    All(&'static str),
    /// One handle at a time, in a `for` loop over the collection.
    Each(How),
}

enum CollectionUse<'e> {
    /// A task or future put in.
    Fill(Spawn<'e>),
    /// Results taken out and thrown away, at these places.
    Drain(Vec<(Span, Drain)>),
    /// Looked at, not consumed.
    Neutral,
}

/// What one use of a collection of handles does; `None` when it keeps or passes on the results.
fn collection_use<'e>(cx: &Context<'_>, u: &Use<'e>, id: &str) -> Option<CollectionUse<'e>> {
    let p0 = u.parent(0)?;
    match p0 {
        Expr::MethodCall(m) if is_local(&m.receiver, id) => {
            let method = m.method.to_string();
            if SET_SPAWNS.contains(&method.as_str()) {
                return spawn_call(cx, p0).map(CollectionUse::Fill);
            }
            if method == "push" || method == "push_back" {
                let arg = strip(m.args.first()?);
                let s = spawn_call(cx, arg)?;
                return (s.handle(cx) == Handle::Join).then_some(CollectionUse::Fill(s));
            }
            if NEUTRAL.contains(&method.as_str()) {
                return Some(CollectionUse::Neutral);
            }
            if matches!(method.as_str(), "into_iter" | "drain") {
                return match u.parent(1)? {
                    Expr::ForLoop(f)
                        if std::ptr::eq(strip(&f.expr), p0) && u.parents.len() == 2 =>
                    {
                        for_loop_drain(cx, f)
                    }
                    _ => None,
                };
            }
            let drain = match method.as_str() {
                "join_all" => (fate(u, 1)? != How::IfLetOk).then_some("join_all"),
                "join_next" | "next" | "join_next_with_id" => drained_in_loop(u)
                    .or_else(|| (fate(u, 1) == Some(How::Statement)).then_some(()))
                    .map(|_| "join_next"),
                _ => None,
            }?;
            let Some(Expr::Await(a)) = u.parent(1) else {
                return None;
            };
            Some(CollectionUse::Drain(vec![(cx.span(a), Drain::All(drain))]))
        }
        Expr::Call(c) => {
            let name = join_all_name(cx, c)?;
            let how = fate(u, 1)?;
            if how == How::IfLetOk {
                return None;
            }
            let Some(Expr::Await(a)) = u.parent(1) else {
                return None;
            };
            Some(CollectionUse::Drain(vec![(cx.span(a), Drain::All(name))]))
        }
        Expr::ForLoop(f) if u.parents.len() == 1 && std::ptr::eq(strip(&f.expr), u.expr?) => {
            for_loop_drain(cx, f)
        }
        _ => None,
    }
}

/// `for h in handles { .. }`: a drain when every use of `h` throws its join result away.
fn for_loop_drain<'e>(cx: &Context<'_>, f: &syn::ExprForLoop) -> Option<CollectionUse<'e>> {
    let h = binding_name(&f.pat)?.to_string();
    let inner = uses_of(&f.body.stmts, &h);
    if inner.is_empty() {
        return None;
    }
    let sites: Option<Vec<(Span, How)>> = inner.iter().map(|u| handle_discard(cx, u)).collect();
    Some(CollectionUse::Drain(
        sites?
            .into_iter()
            .map(|(s, how)| (s, Drain::Each(how)))
            .collect(),
    ))
}

/// `while let Some(_) = set.join_next().await {}` or `while set.join_next().await.is_some() {}`:
/// `u` is the receiver of `join_next`.
fn drained_in_loop(u: &Use<'_>) -> Option<()> {
    let Some(Expr::Await(_)) = u.parent(1) else {
        return None;
    };
    match u.parent(2)? {
        Expr::Let(l) if is_some_wild(&l.pat) => match u.parent(3)? {
            Expr::While(w) if std::ptr::eq(&*w.cond, u.parent(2)?) => Some(()),
            _ => None,
        },
        Expr::MethodCall(m) if m.method == "is_some" => match u.parent(3)? {
            Expr::While(w) if std::ptr::eq(&*w.cond, u.parent(2)?) => Some(()),
            _ => None,
        },
        _ => None,
    }
}

/// The spawns whose handles an expression collects: `xs.map(|x| tokio::spawn(..)).collect()`,
/// or the same chain given straight to `join_all`.
fn collected_spawns<'e>(cx: &Context<'_>, e: &'e Expr) -> Vec<Spawn<'e>> {
    let mut out = Vec::new();
    let mut cur = strip(e);
    while let Expr::MethodCall(m) = cur {
        if matches!(
            m.method.to_string().as_str(),
            "map" | "flat_map" | "filter_map"
        ) {
            if let Some(Expr::Closure(c)) = m.args.first().map(strip) {
                for v in Exits::of_expr(&c.body).values {
                    let v = match strip(v) {
                        Expr::Call(c) if m.method == "filter_map" && is_some_call(c) => {
                            match c.args.first() {
                                Some(a) => strip(a),
                                None => continue,
                            }
                        }
                        v => v,
                    };
                    if let Some(s) = spawn_call(cx, v) {
                        if s.handle(cx) == Handle::Join {
                            out.push(s);
                        }
                    }
                }
            }
        }
        cur = strip(&m.receiver);
    }
    out
}

/// Can the task a spawn starts end with an error? Its body uses `?`, returns `Err(..)`, ends
/// in a `Result`-valued expression, or is a call of a fn of this crate returning `Result`.
fn fallible(cx: &Context<'_>, s: &Spawn<'_>) -> Option<Evidence> {
    let body = task_future(s.body?);
    match (s.kind, body) {
        (_, Expr::Async(a)) => body_fallible(cx, Exits::of_block(&a.block)),
        (SpawnKind::Blocking, Expr::Closure(c)) => body_fallible(cx, Exits::of_expr(&c.body)),
        (SpawnKind::Blocking, Expr::Path(p)) if p.qself.is_none() => {
            let f = cx.fn_sig(&cx.resolve_path_or_self(&p.path)?)?;
            (!f.returns_future && f.output_result).then(|| Evidence {
                span: cx.span(p),
                label: format!("`{}` returns a `Result`", cx.text(p)),
            })
        }
        (SpawnKind::Task | SpawnKind::Local, Expr::Call(_) | Expr::MethodCall(_)) => {
            let f = cx.called_fn(body)?;
            (f.returns_future && f.output_result).then(|| returns_result(cx, body))
        }
        _ => None,
    }
}

/// Can a body (of an async block or closure) end with an error?
fn body_fallible(cx: &Context<'_>, exits: Exits<'_>) -> Option<Evidence> {
    // `?` on an `Option` ends the task with `None`, which is no error.
    if exits.values.iter().any(|v| is_option_value(v)) {
        return None;
    }
    if let Some(t) = exits.tries.first() {
        return Some(Evidence {
            span: cx.span(&t.question_token),
            label: "this `?` ends the task with its error".into(),
        });
    }
    if let Some(m) = exits.macro_tries.first() {
        return Some(Evidence {
            span: cx.span(&m.path),
            label: "a `?` in here ends the task with its error".into(),
        });
    }
    exits.values.iter().find_map(|v| result_value(cx, v))
}

/// Is the value a `Result` that can hold an error?
fn result_value(cx: &Context<'_>, v: &Expr) -> Option<Evidence> {
    let v = strip(v);
    match v {
        Expr::Call(c) => {
            if let Expr::Path(p) = &*c.func {
                if is_variant(&p.path, "Err") {
                    return Some(Evidence {
                        span: cx.span(v),
                        label: "the task ends with this `Err`".into(),
                    });
                }
                if is_variant(&p.path, "Ok") {
                    return None;
                }
            }
            called_result(cx, v, false)
        }
        Expr::Await(a) => called_result(cx, strip(&a.base), true),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if KEEP_ERROR.contains(&name.as_str()) {
                return result_value(cx, &m.receiver);
            }
            if !RESULT_ADAPTERS.contains(&name.as_str()) {
                return called_result(cx, v, false);
            }
            if name == "map_err" && m.args.first().is_some_and(reports) {
                return None;
            }
            Some(Evidence {
                span: cx.span(&m.method),
                label: format!("`.{name}(..)` keeps the error in the task's result"),
            })
        }
        _ => None,
    }
}

/// A call of a fn of this crate whose (awaited, when `awaited`) value is a `Result`.
fn called_result(cx: &Context<'_>, call: &Expr, awaited: bool) -> Option<Evidence> {
    let f = cx.called_fn(call)?;
    let result = f.output_result && f.returns_future == awaited;
    result.then(|| returns_result(cx, call))
}

/// Evidence that a call's callee returns a `Result`, named as the call writes it.
fn returns_result(cx: &Context<'_>, call: &Expr) -> Evidence {
    let name = match strip(call) {
        Expr::Call(c) => cx.text(&c.func).to_string(),
        Expr::MethodCall(m) => format!(".{}()", m.method),
        other => cx.text(other).to_string(),
    };
    Evidence {
        span: callee_span(cx, call),
        label: format!("`{name}` returns a `Result`"),
    }
}

/// Does a `map_err` argument report the error (a closure whose body invokes a macro: a log,
/// `eprintln!`, a metric)?
fn reports(arg: &Expr) -> bool {
    let Expr::Closure(c) = strip(arg) else {
        return false;
    };
    let mut found = false;
    let mut stack = vec![&*c.body];
    while let Some(e) = stack.pop() {
        match strip(e) {
            Expr::Macro(_) => found = true,
            Expr::Block(b) => {
                for s in &b.block.stmts {
                    match s {
                        Stmt::Macro(_) => found = true,
                        Stmt::Expr(e, _) => stack.push(e),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn is_option_value(v: &Expr) -> bool {
    match strip(v) {
        Expr::Path(p) => is_variant(&p.path, "None"),
        Expr::Call(c) => is_some_call(c),
        Expr::MethodCall(m) => m.method == "ok" && m.args.is_empty(),
        _ => false,
    }
}

fn is_some_call(c: &syn::ExprCall) -> bool {
    matches!(&*c.func, Expr::Path(p) if is_variant(&p.path, "Some"))
}

/// `Ok`, `Result::Ok`, `std::result::Result::Ok` (and the same for other variants).
fn is_variant(path: &syn::Path, variant: &str) -> bool {
    let segs: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    segs.last().is_some_and(|l| l == variant)
        && (segs.len() == 1 || segs[segs.len() - 2] == "Result" || segs[segs.len() - 2] == "Option")
}

/// `Ok(..)` as a pattern (`if let Ok(v) = ..`).
fn is_ok_pattern(p: &syn::Pat) -> bool {
    matches!(strip_pat(p), syn::Pat::TupleStruct(t) if is_variant(&t.path, "Ok"))
}

/// `Some(_)`
fn is_some_wild(p: &syn::Pat) -> bool {
    match strip_pat(p) {
        syn::Pat::TupleStruct(t) if is_variant(&t.path, "Some") => {
            t.elems.len() == 1 && matches!(strip_pat(&t.elems[0]), syn::Pat::Wild(_))
        }
        _ => false,
    }
}

fn strip_pat(p: &syn::Pat) -> &syn::Pat {
    match p {
        syn::Pat::Paren(p) => strip_pat(&p.pat),
        syn::Pat::Type(t) => strip_pat(&t.pat),
        _ => p,
    }
}

fn is_drop(cx: &Context<'_>, c: &syn::ExprCall) -> bool {
    c.args.len() == 1
        && match &*c.func {
            Expr::Path(p) => {
                cx.resolve(&p.path).is_none_or(|r| {
                    matches!(r.as_str(), "std::mem::drop" | "core::mem::drop" | "drop")
                }) && is_drop_path(&c.func)
            }
            _ => false,
        }
}

fn is_drop_path(f: &Expr) -> bool {
    matches!(f, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "drop"))
}

/// `join_all(..)` / `try_join_all(..)` from `futures` (or re-exported under those names):
/// which of the two.
fn join_all_name(cx: &Context<'_>, c: &syn::ExprCall) -> Option<&'static str> {
    let Expr::Path(p) = &*c.func else {
        return None;
    };
    let name = match p.path.segments.last()?.ident.to_string().as_str() {
        "join_all" => "join_all",
        "try_join_all" => "try_join_all",
        _ => return None,
    };
    let ours = cx
        .resolve(&p.path)
        .is_some_and(|r| r.starts_with("crate::"));
    (!ours).then_some(name)
}

/// `JoinSet::new()`, `Vec::new()`, `Vec::with_capacity(n)`, `vec![]`,
/// `FuturesUnordered::new()`: an empty collection that handles may be put in.
fn is_new_collection(cx: &Context<'_>, init: &Expr) -> bool {
    if let Expr::Macro(m) = init {
        return m.mac.path.is_ident("vec") && m.mac.tokens.is_empty();
    }
    if !matches!(init, Expr::Call(c) if c.args.len() <= 1) {
        return false;
    }
    cx.type_of(init).is_some_and(|t| {
        let last = t.rsplit("::").next().unwrap_or("");
        matches!(last, "JoinSet" | "Vec" | "VecDeque" | "FuturesUnordered")
    })
}

/// The callee's name in a call: the path of a path call, the method of a method call.
fn callee_span(cx: &Context<'_>, call: &Expr) -> Span {
    match strip(call) {
        Expr::Call(c) => cx.span(&c.func),
        Expr::MethodCall(m) => cx.span(&m.method),
        other => cx.span(other),
    }
}

/// The finding for a handle of a fallible task that is dropped.
fn dropped_handle(
    cx: &Context<'_>,
    s: &Spawn<'_>,
    at: Option<Span>,
    ev: Evidence,
    message: &str,
) -> Finding {
    let span = at.unwrap_or_else(|| callee_span(cx, s.call));
    Finding::new(META.name, span, message)
        .label("the task's `Err` and panic are lost with the handle")
        .secondary(ev.span, ev.label)
        .help(HELP)
        .note(NOTE)
}

/// The finding for the join result of a fallible task thrown away.
fn join_discarded(span: Span, how: How, ev: Evidence) -> Finding {
    let (message, label) = match how {
        How::LetWild => (
            "the join result of a fallible task is thrown away with `let _ =`",
            "`let _ =` drops the task's error and panic",
        ),
        How::Ok => (
            "the join result of a fallible task is thrown away with `.ok()`",
            "`.ok()` drops the task's error and panic",
        ),
        How::Drop => (
            "the join result of a fallible task is thrown away with `drop(..)`",
            "`drop(..)` throws the task's error and panic away",
        ),
        How::IfLetOk => (
            "the join result of a fallible task is looked at only when `Ok`",
            "the `Err` case (a panic or cancellation) is ignored",
        ),
        How::Statement => (
            "the join result of a fallible task is thrown away",
            "the task's error and panic are dropped unread",
        ),
    };
    Finding::new(META.name, span, message)
        .label(label)
        .secondary(ev.span, ev.label)
        .help(HELP)
        .note(NOTE)
}

/// The finding for the results of a collection of fallible tasks thrown away.
fn join_all_discarded(span: Span, how: &str, ev: Evidence) -> Finding {
    Finding::new(
        META.name,
        span,
        format!("the results of `{how}` over fallible tasks are thrown away"),
    )
    .label("each task's error and panic are dropped unread")
    .secondary(ev.span, ev.label)
    .help(HELP)
    .note(NOTE)
}
