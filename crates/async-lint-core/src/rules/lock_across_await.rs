//! The `lock-across-await` rule; its docs are one page, `rules/lock-across-await.md`.

use super::Rule;
use crate::analyses::{AwaitPoint, Crossing, Guard, Guards, GUARDS};
use crate::context::Context;
use crate::finding::Finding;
use syn::Expr;

// Await points (`.await`, `select!`, `join!`) only count in async bodies: `async` fns,
// blocks and closures, or `stream!` bodies (as for blocking-in-async).
declare_rule! { LockAcrossAwait: "lock-across-await", triggers: &["async", "stream!"],
    analyses: &[GUARDS],
    summary: "a std or parking_lot lock guard (or a RefCell borrow) held across an `.await`",
}

impl Rule for LockAcrossAwait {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let held = cx
            .get::<Guards>()
            .crossings(cx, AwaitPoint::Expr(expr), Guard::is_lock);
        report_all(cx, held, out);
    }

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let held = cx
            .get::<Guards>()
            .crossings(cx, AwaitPoint::Macro(mac), Guard::is_lock);
        report_all(cx, held, out);
    }
}

/// Reports the lock guards and `RefCell` borrows held across an await point (other guards
/// that must not cross one are guard-across-await's).
fn report_all(cx: &Context<'_>, held: Vec<Crossing>, out: &mut Vec<Finding>) {
    for c in held {
        if !clippy_allowed(cx, &c.guard) {
            out.push(report(&c));
        }
    }
}

/// The user allowed clippy's lint for the same thing on an enclosing item.
fn clippy_allowed(cx: &Context<'_>, g: &Guard) -> bool {
    cx.lint_allowed(if g.is_refcell() {
        "clippy::await_holding_refcell_ref"
    } else {
        "clippy::await_holding_lock"
    })
}

fn report(c: &Crossing) -> Finding {
    let (g, at, what) = (&c.guard, c.at, &c.what);
    let held = g.describe();
    let message = match &g.name {
        Some(n) => format!("{held} `{n}` is held across {what}"),
        None => format!("temporary {held} is held across {what}"),
    };
    let label = if g.is_refcell() {
        "borrowed here, still borrowed at the await"
    } else {
        "locked here, still locked at the await"
    };
    let suspended = if g.is_refcell() {
        "the task can be suspended here with the borrow alive"
    } else {
        "the task can be suspended here with the guard alive"
    };
    let mut f = Finding::new(META.name, g.origin, message)
        .label(label)
        .secondary(at, suspended);
    f = match (&g.name, g.is_refcell()) {
        (Some(n), false) => f.help(format!(
            "end the guard before the await (scope it in a block, or `drop({n})`), or clone the data out; \
             if the lock must be held across the await, use {}",
            async_lock(&g.lock)
        )),
        (None, false) => f.help(format!(
            "take what you need from the lock in a `let` statement before this one, so the \
             temporary guard is dropped there; if the lock must be held across the await, use {}",
            async_lock(&g.lock)
        )),
        (Some(n), true) => f.help(format!(
            "end the borrow before the await (scope it in a block, or `drop({n})`), or copy the data out"
        )),
        (None, true) => f.help(
            "take what you need from the `RefCell` in a `let` statement before this one, so the \
             temporary borrow ends there",
        ),
    };
    if g.is_refcell() && g.method.ends_with("borrow_mut") {
        f.note(
            "while the task is suspended the `RefCell` stays mutably borrowed: any other task \
             that borrows it meanwhile panics (`already mutably borrowed`)",
        )
    } else if g.is_refcell() {
        f.note(
            "while the task is suspended the `RefCell` stays borrowed: any other task that \
             borrows it mutably meanwhile panics (`already borrowed`)",
        )
    } else {
        f.note(
            "while the task is suspended the lock stays held: other tasks that lock it block \
             their executor thread, and the runtime can deadlock; the future is usually not `Send` either",
        )
    }
}

/// The async lock to suggest for a sync one.
fn async_lock(lock: &str) -> &'static str {
    if lock.ends_with("RwLock") {
        "`tokio::sync::RwLock`"
    } else {
        "`tokio::sync::Mutex`"
    }
}
