//! The `tiny-task` rule; its docs are one page, `rules/tiny-task.md`.

use super::unbounded_spawn::spawner_span;
use super::Rule;
use crate::analyses::LOOP_BOUNDS;
use crate::context::awaits::{block_has_open_loop, block_may_await, expr_may_await};
use crate::context::bounds::Extent;
use crate::context::spawn::{spawn_call, SpawnKind};
use crate::context::{Context, LoopKind};
use crate::finding::Finding;
use crate::syntax::strip;
use syn::Expr;

declare_rule! { TinyTask: "tiny-task", triggers: &[],
    analyses: &[LOOP_BOUNDS],
    summary: "a task spawned for work with no await in it: spawn overhead for nothing",
}

impl Rule for TinyTask {
    rule_meta!(triggers: || super::spawn_triggers(&[]));

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let Some(s) = spawn_call(cx, expr) else {
            return;
        };
        if !matches!(s.kind, SpawnKind::Task | SpawnKind::Local) {
            return;
        }
        let Some(body) = s.body.map(strip) else {
            return;
        };
        // A pool for CPU work (`AsyncComputeTaskPool::get().spawn(..)`, `cpu_pool.spawn(..)`)
        // is given code that never awaits on purpose: moving it off this thread is the point.
        if s.receiver.is_some_and(|r| on_compute_pool(cx, r)) {
            return;
        }
        let (head, busy) = match body {
            // `spawn(async {})`: a handle that is already finished (a placeholder), no work.
            Expr::Async(a) if a.block.stmts.is_empty() => return,
            Expr::Async(a) => (
                cx.span(&a.async_token),
                block_may_await(&a.block)
                    || block_has_open_loop(&a.block)
                    || calls_only_a_local(cx, &a.block),
            ),
            Expr::Closure(c) if c.asyncness.is_some() => {
                (cx.span(&c.asyncness), expr_may_await(&c.body))
            }
            // A call (`spawn(handle(conn))`) or a future built elsewhere does real work.
            _ => return,
        };
        if busy {
            return;
        }
        let per_item = cx.loops_per_item().iter().any(|l| match l.kind {
            LoopKind::Adapter(_) => matches!(l.bounds.extent, Some(Extent::Unknown)),
            _ => !matches!(l.bounds.extent, Some(Extent::Fixed(_))),
        });
        let what = if body_is_async_closure(body) {
            "async closure"
        } else {
            "async block"
        };
        let message = if per_item {
            format!("task spawned once per item of a loop for an {what} that never awaits")
        } else {
            format!("task spawned for an {what} that never awaits")
        };
        let spawner = spawner_span(cx, s.call);
        let mut f = Finding::new(META.name, spawner, message)
            .label(format!("spawned with `{}`", s.spawner))
            .secondary(head, "no `.await` in here: it runs to the end in one poll")
            .note("a task costs an allocation, a queue push and a context switch; code that never awaits gains nothing from being one");
        if per_item {
            f = f.note("spawned per item, that cost is paid for every item");
        }
        out.push(f.help(
            "call the code directly, batch the items into one task, or use `spawn_blocking` (or rayon) when the work is CPU-heavy",
        ));
    }
}

/// `async move { f() }` with `f` a local (a closure handed in): the work is the caller's, of
/// unknown size — an adapter that runs a callback on a runtime, not a tiny task.
fn calls_only_a_local(cx: &Context<'_>, b: &syn::Block) -> bool {
    let [syn::Stmt::Expr(e, _)] = b.stmts.as_slice() else {
        return false;
    };
    let Expr::Call(c) = strip(e) else {
        return false;
    };
    match strip(&c.func) {
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|id| cx.local(&id.to_string()).is_some()),
        Expr::Field(_) => true,
        _ => false,
    }
}

/// Words that name a pool for CPU-bound work in a spawner's receiver: its type, or the names
/// in the receiver chain (paths, fields, methods; never string arguments) when the type is
/// unknown.
const COMPUTE_POOL_WORDS: &[&str] = &["compute", "cpu", "rayon", "thread_pool", "threadpool"];

/// Is the spawn's receiver a pool for CPU work (`AsyncComputeTaskPool::get()`,
/// `self.cpu_pool`, `thread_pool`)?
fn on_compute_pool(cx: &Context<'_>, receiver: &Expr) -> bool {
    let mut names = cx.type_of(receiver).unwrap_or_default();
    chain_names(receiver, &mut names, 0);
    let names = names.to_lowercase();
    COMPUTE_POOL_WORDS.iter().any(|w| names.contains(w))
}

/// The identifiers of a receiver chain, space-separated, within a bounded depth.
fn chain_names(e: &Expr, out: &mut String, depth: usize) {
    if depth > 32 {
        return;
    }
    let mut push = |s: &dyn std::fmt::Display| {
        out.push(' ');
        out.push_str(&s.to_string());
    };
    match strip(e) {
        Expr::MethodCall(m) => {
            push(&m.method);
            chain_names(&m.receiver, out, depth + 1);
        }
        Expr::Call(c) => chain_names(&c.func, out, depth + 1),
        Expr::Field(f) => {
            if let syn::Member::Named(n) = &f.member {
                push(n);
            }
            chain_names(&f.base, out, depth + 1);
        }
        Expr::Path(p) => p.path.segments.iter().for_each(|s| push(&s.ident)),
        Expr::Reference(r) => chain_names(&r.expr, out, depth + 1),
        _ => {}
    }
}

fn body_is_async_closure(e: &Expr) -> bool {
    matches!(e, Expr::Closure(_))
}
