//! The `unbounded-spawn` rule; its docs are one page, `rules/unbounded-spawn.md`.

use super::Rule;
use crate::analyses::LOOP_BOUNDS;
use crate::context::bounds::{iter_extent, Extent};
use crate::context::spawn::{pushed_future, spawn_call, task_future, Spawn, SpawnKind};
use crate::context::{Context, Loop, LoopKind};
use crate::finding::Finding;
use crate::source::Span;
use syn::visit::{self, Visit};
use syn::Expr;

// Spawns name a spawner, pushed futures a `FuturesUnordered`/`FuturesOrdered` type.
declare_rule! { UnboundedSpawn: "unbounded-spawn", triggers: &["spawn", "Futures", "join_all"],
    options: UnboundedSpawnOptions,
    analyses: &[LOOP_BOUNDS],
    summary: "tasks spawned once per item of a loop with nothing bounding how many run at once",
}

crate::option_choice! {
    /// Whether a case reported only on request is reported.
    pub enum Report {
        Warn = "warn",
        #[default]
        Allow = "allow",
    }
}

crate::rule_options! {
    /// `[rules.unbounded-spawn]`.
    pub struct UnboundedSpawnOptions {
        /// report a task spawned per accepted connection (`warn`) or not (`allow`)
        pub accept_loops: Report,
        /// report futures pushed into a `FuturesUnordered`/`FuturesOrdered` once per item of a
        /// caller's collection (`warn`) or not (`allow`)
        pub pushed_futures: Report,
    }
}

/// Which shape of unbounded concurrency was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// One task per accepted connection.
    Accept,
    /// One task per iteration of a `for`/`while`/`loop`.
    Loop,
    /// One task per item of an iterator or stream adapter.
    Adapter,
}

impl Rule for UnboundedSpawn {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if let Some(s) = spawn_call(cx, expr).or_else(|| pushed_future(cx, expr)) {
            check_spawn(cx, &s, out);
        } else if let Expr::Call(call) = expr {
            check_join_all(cx, call, out);
        } else if let Expr::MethodCall(m) = expr {
            check_collected_set(cx, m, out);
        }
    }
}

fn check_spawn(cx: &Context<'_>, s: &Spawn<'_>, out: &mut Vec<Finding>) {
    // `spawn(..).await`: one task at a time.
    if cx.is_awaited(s.call) {
        return;
    }
    let loops = cx.loops_per_item();
    if loops.is_empty() {
        return;
    }
    let span = cx.span(s.call);
    let bounded = loops.iter().any(|l| {
        l.bounds.limit.is_some()
            || l.bounds.collection_checked(s.receiver, span)
            || l.bounds.awaited_in_iteration(span)
            || l.bounds.capped_at(span)
            || (s.kind == SpawnKind::Pushed && l.bounds.permit_inside(span))
    });
    if bounded {
        return;
    }
    let Some(at) = loops.iter().position(|l| multiplies(l, span)) else {
        return;
    };
    let l = loops[at];
    // A loop inside an iteration of a channel-fed loop fans out one message (a batch, the
    // handlers of one event): its size is the producer's, as if the items came one by one.
    if loops[at + 1..].iter().any(|o| fed_by_channel(o)) {
        return;
    }
    if hands_over_item(cx, s, l) {
        return;
    }
    // A pushed future is polled by the task that owns the set, not spawned. Sets filled in a
    // loop and drained by the same code are, in practice, a deliberate fan-out over a known
    // set (peers, addresses, configured items): reported only on request, and then, like
    // `join_all`, only over a collection the caller handed in.
    if s.kind == SpawnKind::Pushed
        && (cx.options::<UnboundedSpawnOptions>().pushed_futures != Report::Warn
            || !l
                .bounds
                .head_root
                .as_deref()
                .is_some_and(|r| is_parameter(cx, r)))
    {
        return;
    }
    let case = match (&l.kind, l.bounds.accept) {
        (_, Some(_)) => Case::Accept,
        (LoopKind::Adapter(_), None) => Case::Adapter,
        _ => Case::Loop,
    };
    if case == Case::Accept && cx.options::<UnboundedSpawnOptions>().accept_loops != Report::Warn {
        return;
    }
    out.push(report(cx, s, l, case));
}

/// The innermost receiver of a method chain (`a` in `a.b().c()`), within a bounded depth.
fn chain_root(mut e: &Expr) -> &Expr {
    for _ in 0..64 {
        match e {
            Expr::MethodCall(m) => e = &m.receiver,
            Expr::Await(a) => e = &a.base,
            Expr::Try(t) => e = &t.expr,
            _ => break,
        }
    }
    e
}

/// The variable a place starts from (`conn` in `conn.inner.stream`).
fn place_root(mut e: &Expr) -> Option<String> {
    for _ in 0..16 {
        match e {
            Expr::Field(f) => e = &f.base,
            Expr::Reference(r) => e = &r.expr,
            Expr::Paren(p) => e = &p.expr,
            Expr::Path(p) => return p.path.get_ident().map(|i| i.to_string()),
            _ => return None,
        }
    }
    None
}

/// The innermost receiver of a method chain only (`a` in `a.b().c()`), for spans.
fn receiver_root(mut e: &Expr) -> &Expr {
    for _ in 0..64 {
        match e {
            Expr::MethodCall(m) => e = &m.receiver,
            _ => break,
        }
    }
    e
}

/// Is the loop driven by a channel or what a peer sends, not by accepted connections?
fn fed_by_channel(l: &Loop) -> bool {
    l.bounds.channel.is_some() && l.bounds.accept.is_none() && l.kind != LoopKind::For
}

/// Does the loop run the code at `span` once per item of something of unknown size?
fn multiplies(l: &Loop, span: Span) -> bool {
    if l.bounds.runs_once(span) {
        return false;
    }
    // A loop fed by a channel runs the work its producers send; they decide how much.
    if fed_by_channel(l) {
        return false;
    }
    match l.bounds.extent {
        Some(Extent::Fixed(_) | Extent::Count | Extent::Structural) => false,
        Some(Extent::Unknown) => true,
        // `while`/`loop` run an unknown number of times; an adapter whose receiver is not an
        // iterator (`opt.map(..)`) runs at most once.
        None => !matches!(l.kind, LoopKind::Adapter(_)),
    }
}

/// Is the spawned (or pushed) future a value the loop was handed — its item, not something
/// made in the iteration (`for fut in futs { set.spawn(fut); }`, an executor's queue) — or made
/// by a method of the item (`for conn in idle { spawn(conn.disconnect()) }`)? The futures or
/// the resources they drive exist already; whoever made them chose how many.
fn hands_over_item(cx: &Context<'_>, s: &Spawn<'_>, l: &Loop) -> bool {
    let Some(mut body) = s.body else {
        return false;
    };
    if let Expr::MethodCall(_) = task_future(body) {
        if place_root(chain_root(task_future(body))).is_some_and(|r| l.bounds.is_item(&r)) {
            return true;
        }
    }
    // `Box::pin(fut)`
    if let Expr::Call(c) = body {
        if c.args.len() == 1 && cx.text(&c.func).ends_with("pin") {
            if let Some(a) = c.args.first() {
                body = a;
            }
        }
    }
    let Expr::Path(p) = body else { return false };
    let Some(id) = p.path.get_ident() else {
        return false;
    };
    let name = id.to_string();
    cx.local(&name).is_some() && !l.bounds.binds(&name)
}

/// The spawner's span: the callee path (`tokio::spawn`), or from the start of the receiver
/// chain to the method (`set.spawn`, `Builder::new().name(..).spawn`), without measuring the
/// receiver itself (a long chain would cost its whole size per spawn).
pub(super) fn spawner_span(cx: &Context<'_>, call: &Expr) -> Span {
    match call {
        Expr::Call(c) => cx.span(&c.func),
        Expr::MethodCall(m) => cx.span(receiver_root(&m.receiver)).to(cx.span(&m.method)),
        other => cx.span(other),
    }
}

fn report(cx: &Context<'_>, s: &Spawn<'_>, l: &Loop, case: Case) -> Finding {
    let what = match s.kind {
        SpawnKind::Pushed => format!("future pushed into `{}`", s.spawner),
        SpawnKind::Blocking => format!("blocking task spawned with `{}`", s.spawner),
        _ => format!("task spawned with `{}`", s.spawner),
    };
    let per = match (&case, &l.kind) {
        (Case::Accept, _) => "once per accepted connection".to_string(),
        (_, LoopKind::Adapter(name)) if name.ends_with("_concurrent") => {
            format!("once per item of `.{name}(None, ..)`")
        }
        (_, LoopKind::Adapter(name)) => format!("once per item of `.{name}(..)`"),
        (_, LoopKind::For) => "once per item of a `for` loop".to_string(),
        (_, LoopKind::While | LoopKind::WhileLet) => {
            "once per iteration of a `while` loop".to_string()
        }
        (_, LoopKind::Loop) => "once per iteration of a `loop`".to_string(),
    };
    let limit = if case == Case::Accept {
        "with no limit on concurrent connections"
    } else {
        "with nothing bounding how many run at once"
    };
    let span = spawner_span(cx, s.call);
    let mut f = Finding::new(META.name, span, format!("{what} {per}, {limit}")).label(
        match (case, s.kind) {
            (Case::Accept, _) => "one task per connection",
            (_, SpawnKind::Pushed) => "one future per item, all polled at once",
            _ => "one task per item",
        },
    );
    f = match (case, l.bounds.accept) {
        (Case::Accept, Some(a)) => f.secondary(a, "connections accepted here"),
        _ => f.secondary(l.span, "runs once per item"),
    };
    if let Some(coll) = l.bounds.pushed_into(cx.span(s.call)) {
        f = f.note(format!(
            "collecting the handles in `{coll}` and awaiting them later does not bound how many run at once"
        ));
    }
    f = f.note(match case {
        Case::Accept => {
            "every connection gets a task at once: a burst of clients (or an attacker) grows memory and file descriptors without limit"
        }
        _ => {
            "every item gets a task at once: a large input grows memory without limit and floods what the tasks talk to"
        }
    });
    f.help(match case {
        Case::Accept => {
            "limit concurrent connections: acquire a `Semaphore` permit (`acquire_owned`) before accepting and move it into the task (or set `accept-loops = \"allow\"`)"
        }
        _ => {
            "bound the concurrency: acquire a `Semaphore` permit (`acquire_owned`) and move it into the task, cap a `JoinSet` (`if set.len() >= N { set.join_next().await; }`), or use `stream::iter(..).map(..).buffer_unordered(N)`"
        }
    })
}

/// `join_all(xs.iter().map(..))` / `try_join_all(..)`: every future of an iterator of unknown
/// size polled at once.
fn check_join_all(cx: &Context<'_>, call: &syn::ExprCall, out: &mut Vec<Finding>) {
    let Expr::Path(p) = &*call.func else { return };
    let Some(last) = p.path.segments.last() else {
        return;
    };
    if last.ident != "join_all" && last.ident != "try_join_all" {
        return;
    }
    // A fn of the crate that happens to be called `join_all` is not futures'.
    if let Some(path) = cx.resolve(&p.path) {
        if !(path.starts_with("futures") || path.starts_with("futures_util")) {
            return;
        }
    }
    let Some(arg) = call.args.first() else { return };
    let what = format!("`{}`", last.ident);
    // `let futs = ids.iter().map(..); join_all(futs)`: the chain the local was bound to.
    if let Some(init) = local_init(cx, arg, cx.span(call)) {
        check_polled_together(cx, cx.span(&call.func), &what, &init, out);
        return;
    }
    check_polled_together(cx, cx.span(&call.func), &what, arg, out);
}

/// The initialiser of the local `arg` names (`let futs = <init>;`), read back from the source
/// between the binding and `before` (the engine keeps no initialisers). `None` when `arg` is
/// not a local bound by a plain `let` before `before`, or that text does not parse.
fn local_init(cx: &Context<'_>, arg: &Expr, before: Span) -> Option<Expr> {
    let Expr::Path(p) = arg else { return None };
    let binding = cx.local(&p.path.get_ident()?.to_string())?;
    if binding.span.end >= before.start {
        return None;
    }
    let text = cx.file.slice(Span::new(binding.span.end, before.start));
    let stream: proc_macro2::TokenStream = text.parse().ok()?;
    let mut tokens = stream.into_iter();
    // `: Type` may come first; the initialiser follows the first top-level `=`.
    tokens.find(|t| matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '='))?;
    let init: proc_macro2::TokenStream = tokens
        .take_while(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ';'))
        .collect();
    syn::parse2(init).ok()
}

/// `xs.iter().map(|x| async { .. }).collect::<FuturesUnordered<_>>()`: the same as `join_all`.
fn check_collected_set(cx: &Context<'_>, m: &syn::ExprMethodCall, out: &mut Vec<Finding>) {
    if m.method != "collect" {
        return;
    }
    let Some(turbofish) = &m.turbofish else {
        return;
    };
    let set = turbofish.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(syn::Type::Path(t)) => t
            .path
            .segments
            .last()
            .map(|s| s.ident.to_string())
            .filter(|n| n == "FuturesUnordered" || n == "FuturesOrdered"),
        _ => None,
    });
    let Some(set) = set else { return };
    let what = format!("collecting into `{set}`");
    check_polled_together(cx, cx.span(&m.method), &what, &m.receiver, out);
}

/// The futures of the per-item chain `arg`, all polled together by `what` at `at`.
fn check_polled_together(
    cx: &Context<'_>,
    at: Span,
    what: &str,
    arg: &Expr,
    out: &mut Vec<Finding>,
) {
    let Some(adapter) = per_item_adapter(arg) else {
        return;
    };
    if iter_extent(arg) != Some(Extent::Unknown) {
        return;
    }
    // Only a collection handed in by the caller: locals are most often a few futures made
    // or received here (the replies of requests already sent, the peers of a cluster).
    if !rooted_in_parameter(cx, arg) {
        return;
    }
    // The tasks a per-item closure spawns are reported at the spawn (unless the closure's
    // future awaits them itself); a closure that only awaits its item (a reply, a handle) or
    // drives the item itself (`|conn| conn.flush()`, one future per open connection) starts
    // nothing new.
    let spawns_detached =
        cx.text(adapter).contains("spawn") && !adapter.args.iter().any(returns_async_block);
    if spawns_detached
        || adapter.args.iter().any(awaits_only_its_item)
        || adapter.args.iter().any(drives_its_item)
    {
        return;
    }
    let f = Finding::new(
        META.name,
        at,
        format!("{what} over an iterator of unknown size runs all its futures at once"),
    )
    .label("polls every future together")
    .secondary(cx.span(adapter), "one future per item")
    .note("there is no spawn, but the concurrency is just as unbounded: a large input opens as many requests, connections or files at once")
    .help("bound the concurrency: `stream::iter(..).map(..).buffer_unordered(N)` (or `buffered(N)` to keep the order), collected or `try_collect`ed");
    out.push(f);
}

/// Is the iterator chain built on a parameter of the enclosing fn (`ids.iter().map(..)`,
/// `req.items.into_iter()`) that holds work to start, not replies to wait for?
fn rooted_in_parameter(cx: &Context<'_>, e: &Expr) -> bool {
    let mut root = e;
    loop {
        root = match root {
            Expr::MethodCall(m) => &m.receiver,
            Expr::Field(f) => &f.base,
            Expr::Reference(r) => &r.expr,
            Expr::Paren(p) => &p.expr,
            _ => break,
        };
    }
    let Expr::Path(p) = root else { return false };
    let Some(id) = p.path.get_ident() else {
        return false;
    };
    is_parameter(cx, &id.to_string())
}

/// Is `name` a parameter of the enclosing fn (not `self`) that holds work to start, not
/// replies to wait for?
fn is_parameter(cx: &Context<'_>, name: &str) -> bool {
    let (Some(binding), Some(f)) = (cx.local(name), cx.enclosing_fn()) else {
        return false;
    };
    // Receivers and join handles are waited on: the work was started elsewhere.
    let lower = name.to_lowercase();
    let waits = ["receiver", "rx", "handle"]
        .iter()
        .any(|w| lower.contains(w));
    name != "self" && !waits && f.span.contains(binding.span)
}

/// `|x| async move { .. }`: the closure makes a future whose spawns it awaits itself.
fn returns_async_block(arg: &Expr) -> bool {
    matches!(arg, Expr::Closure(c) if matches!(&*c.body, Expr::Async(_)))
}

/// `|c| c.quit()`, `|(server, conn)| async { conn.flush().await }`: the future is a method of
/// the item — one future per thing that exists already (a connection, a client), not a new
/// request per item of an input.
fn drives_its_item(arg: &Expr) -> bool {
    struct Finder<'n> {
        items: &'n [String],
        found: bool,
    }
    impl<'ast> Visit<'ast> for Finder<'_> {
        fn visit_expr_await(&mut self, a: &'ast syn::ExprAwait) {
            if place_root(chain_root(&a.base)).is_some_and(|r| self.items.contains(&r)) {
                self.found = true;
            }
            visit::visit_expr_await(self, a);
        }
    }
    let Expr::Closure(c) = arg else { return false };
    let mut items = Vec::new();
    c.inputs.iter().for_each(|p| closure_names(p, &mut items));
    if let Expr::MethodCall(_) = &*c.body {
        return place_root(chain_root(&c.body)).is_some_and(|r| items.contains(&r));
    }
    let Expr::Async(body) = &*c.body else {
        return false;
    };
    let mut f = Finder {
        items: &items,
        found: false,
    };
    f.visit_block(&body.block);
    f.found
}

/// The names a closure parameter binds (`c`, `(k, v)`, `&(a, b)`).
fn closure_names(p: &syn::Pat, out: &mut Vec<String>) {
    match p {
        syn::Pat::Ident(pi) => out.push(pi.ident.to_string()),
        syn::Pat::Type(pt) => closure_names(&pt.pat, out),
        syn::Pat::Reference(r) => closure_names(&r.pat, out),
        syn::Pat::Tuple(t) => t.elems.iter().for_each(|e| closure_names(e, out)),
        _ => {}
    }
}

/// `|r| async move { r.await }`: the future made per item is the item itself, awaited.
fn awaits_only_its_item(arg: &Expr) -> bool {
    let Expr::Closure(c) = arg else { return false };
    let [syn::Pat::Ident(item)] = c.inputs.iter().collect::<Vec<_>>().as_slice() else {
        return false;
    };
    let awaited = match &*c.body {
        Expr::Async(a) => match a.block.stmts.as_slice() {
            [syn::Stmt::Expr(e, _)] => e,
            _ => return false,
        },
        other => other,
    };
    let mut e = awaited;
    loop {
        e = match e {
            Expr::Try(t) => &t.expr,
            Expr::MethodCall(m) => &m.receiver,
            Expr::Await(a) => {
                return matches!(&*a.base, Expr::Path(p) if p.path.is_ident(&item.ident));
            }
            _ => return false,
        };
    }
}

/// The per-item adapter call that makes futures in a chain (`.map(|x| ..)`, `.map(fetch)`).
fn per_item_adapter(e: &Expr) -> Option<&syn::ExprMethodCall> {
    match e {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if matches!(name.as_str(), "map" | "filter_map" | "flat_map") && !m.args.is_empty() {
                Some(m)
            } else {
                per_item_adapter(&m.receiver)
            }
        }
        Expr::Paren(p) => per_item_adapter(&p.expr),
        Expr::Reference(r) => per_item_adapter(&r.expr),
        _ => None,
    }
}
