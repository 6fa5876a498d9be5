//! The `lock-across-await` rule; its docs are one page, `rules/lock-across-await.md`.

use super::Rule;
use crate::analyses::Guard;
use crate::analyses::{Guards, GUARDS};
use crate::context::Context;
use crate::finding::Finding;
use crate::source::Span;
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
        let Expr::Await(aw) = expr else { return };
        let mut held = cx.get::<Guards>().across_await(cx, aw);
        // Other guards that must not cross an await are guard-across-await's.
        held.retain(Guard::is_lock);
        if held.is_empty() {
            return;
        }
        let span_of = |a: &syn::ExprAwait| cx.span(&a.dot_token).to(cx.span(&a.await_token));
        let (outer, first) = (span_of(aw), span_of(first_await(aw)));
        for g in held {
            // A guard taken before the chain is first held across its innermost `.await`.
            let at = if g.origin.end <= first.start {
                first
            } else {
                outer
            };
            if !clippy_allowed(cx, &g) {
                out.push(report(&g, at, "the `.await`"));
            }
        }
    }

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let mut held = cx.get::<Guards>().across_macro(cx, mac);
        held.retain(Guard::is_lock);
        if held.is_empty() {
            return;
        }
        let name = mac
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect::<Vec<_>>()
            .join("::");
        let at = cx.span(&mac.path).to(cx.span(&mac.bang_token));
        let what = format!("the await inside `{name}!`");
        for g in held {
            if !clippy_allowed(cx, &g) {
                out.push(report(&g, at, &what));
            }
        }
    }
}

/// The `.await` of a chain that runs first: the inner one of `a.f().await.g().await`.
pub(super) fn first_await(aw: &syn::ExprAwait) -> &syn::ExprAwait {
    let mut first = aw;
    let mut e = &*aw.base;
    loop {
        e = match e {
            Expr::Await(a) => {
                first = a;
                &a.base
            }
            Expr::MethodCall(m) => &m.receiver,
            Expr::Field(f) => &f.base,
            Expr::Try(t) => &t.expr,
            Expr::Paren(p) => &p.expr,
            _ => return first,
        };
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

fn report(g: &Guard, at: Span, what: &str) -> Finding {
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
