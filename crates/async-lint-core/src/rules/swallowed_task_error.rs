//! The `swallowed-task-error` rule; its docs are one page, `rules/swallowed-task-error.md`.

mod collections;
mod fallible;
mod report;
mod results;

use super::Rule;
use crate::context::exits::Exits;
use crate::context::spawn::{spawn_call, task_future, Handle, Spawn, SpawnKind};
use crate::context::uses::{binding_name, is_local, strip, uses_of, Use};
use crate::context::Context;
use crate::finding::Finding;
use crate::source::Span;
use collections::{collected_spawns, collection, is_new_collection, join_all_name};
use fallible::{fails_silently, fallible, is_some_call, is_variant};
use report::{callee_span, dropped_handle, join_all_discarded, join_discarded, panic_discarded};
use results::dropped_result;
use syn::{Expr, Stmt};

declare_rule! { SwallowedTaskError: "swallowed-task-error", triggers: &[],
    summary: "the error or panic of a task thrown away: its `JoinHandle` dropped, its join result ignored, or a fallible call's `Result` dropped with `let _ =`",
}

const HELP: &str = "keep the handle and await it (`handle.await??`), drain a `JoinSet` checking each result, or handle the error inside the task and log it";
const NOTE: &str = "a task's `Result` and its panic reach the program only through its `JoinHandle`; dropped or ignored, they vanish without a trace";

impl Rule for SwallowedTaskError {
    rule_meta!(triggers: || super::spawn_triggers(&["await"]));

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
                        dropped_result(cx, &init.expr, rest, out);
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
    /// `let _ = value?;` (or `.unwrap()`, `.expect(..)`): the join error is checked, the
    /// task's own `Result` inside it is dropped.
    InnerDropped,
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
        inner if how == How::LetWild && unwrapped(inner).is_some() => {
            if let Some(Expr::Await(a)) = unwrapped(inner).map(strip) {
                awaited_discarded(cx, a, How::InnerDropped, out);
            }
        }
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
            match fallible(cx, &s) {
                Some(ev) => out.push(join_discarded(cx.span(a), how, ev)),
                None if loses_panic(how) => out.push(panic_discarded(cx, cx.span(a), how, &s)),
                None => {}
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
    let id = name.to_string();
    let uses = uses_of(rest, &id);
    let Some(ev) = fallible(cx, s) else {
        panics_discarded(cx, s, &uses, out);
        return;
    };
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
    if u.expr.is_none() {
        return joined_away(cx, u.stmt);
    }
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
        _ if unwrapped(next).is_some() => {
            (fate(u, k + 1) == Some(How::LetWild)).then_some(How::InnerDropped)
        }
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

/// The operand of `e?`, `e.unwrap()` or `e.expect(..)`: what hands out the `Ok` value.
fn unwrapped(e: &Expr) -> Option<&Expr> {
    match e {
        Expr::Try(t) => Some(&t.expr),
        Expr::MethodCall(m) if m.method == "unwrap" && m.args.is_empty() => Some(&m.receiver),
        Expr::MethodCall(m) if m.method == "expect" && m.args.len() == 1 => Some(&m.receiver),
        _ => None,
    }
}

/// Does throwing the join result away this way hide a panic that rustc would not point at?
/// (`value;` keeps rustc's `unused_must_use` warning; `?`/`.unwrap()` re-raise the panic.)
fn loses_panic(how: How) -> bool {
    matches!(how, How::LetWild | How::Ok)
}

/// The handle of a task that cannot fail: its uses that still throw its panic away.
fn panics_discarded(cx: &Context<'_>, s: &Spawn<'_>, uses: &[Use<'_>], out: &mut Vec<Finding>) {
    if uses.is_empty() {
        return;
    }
    let sites: Option<Vec<(Span, How)>> = uses.iter().map(|u| handle_discard(cx, u)).collect();
    for (span, how) in sites.into_iter().flatten() {
        if loses_panic(how) {
            out.push(panic_discarded(cx, span, how, s));
        }
    }
}

/// A statement that joins handles with `join!`/`try_join!` and throws the results away:
/// `tokio::join!(a, b);` (a tuple, which rustc does not ask to use) or
/// `let _ = tokio::try_join!(a, b);`. The macro's place and how.
fn joined_away(cx: &Context<'_>, stmt: &Stmt) -> Option<(Span, How)> {
    let (mac, how) = match stmt {
        Stmt::Macro(m) if m.semi_token.is_some() => (&m.mac, How::Statement),
        Stmt::Expr(Expr::Macro(m), Some(_)) => (&m.mac, How::Statement),
        Stmt::Local(l) if matches!(strip_pat(&l.pat), syn::Pat::Wild(_)) => {
            match l.init.as_ref()?.expr.as_ref() {
                Expr::Macro(m) => (&m.mac, How::LetWild),
                _ => return None,
            }
        }
        _ => return None,
    };
    let name = crate::context::macro_name(mac);
    let joins = name == "join" || (name == "try_join" && how == How::LetWild);
    (joins && cx.macro_awaits(mac)).then(|| (cx.span(&mac.path), how))
}
