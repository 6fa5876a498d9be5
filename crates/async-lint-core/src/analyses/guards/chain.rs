//! Which expressions make a guard: the vocabulary's lock types and their guard-producing
//! methods (`rules/async-vocabulary.toml`), the
//! wrappers a guard comes through (`?`, `.unwrap()`, `.ok()`…), and the guards presumed from
//! the call alone when the lock's type is unknown.

use crate::catalog::guards::AwaitGuards;
use crate::catalog::vocabulary;
use crate::context::Context;
use syn::Expr;

/// Whether a lock method hands out the guard itself or wrapped (`LockResult`, `Option`);
/// `Either` when the lock's type is unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Yields {
    Guard,
    Wrapped,
    Either,
}

/// A guard-producing expression, with its wrappers peeled.
pub(super) struct Chain {
    pub(super) lock: String,
    pub(super) method: String,
    pub(super) yields: Yields,
    /// The receiver's type is a known lock (see [`super::Held::certain`]).
    pub(super) known: bool,
}

/// Argument-less methods whose result, when not awaited, is presumed to be a synchronous guard
/// whatever the receiver: an async lock's `.lock()` is always awaited, and `.enter()` is a
/// `tracing` span's (or a runtime handle's) guard. `!Send`, and not to be held across an await.
pub(super) const BY_CALL: &[&str] = &[
    "lock",
    "try_lock",
    "read",
    "try_read",
    "write",
    "try_write",
    "borrow",
    "borrow_mut",
    "enter",
];

/// Methods of `LockResult`/`Option` that hand out the guard.
pub(super) const UNWRAPS: &[&str] = &["unwrap", "expect", "unwrap_or_else", "unwrap_unchecked"];
/// Methods of `LockResult`/`Option` that keep the guard wrapped.
pub(super) const KEEP_WRAPPED: &[&str] = &["map_err", "ok", "or_else"];

/// How many wrappers (`?`, `.unwrap()`, parentheses…) a guard expression may have: real ones
/// have two or three; the bound keeps generated 10,000-link chains linear.
pub(super) const MAX_CHAIN: usize = 8;

/// The guard expression `e` is (`m.lock()`, `m.lock().unwrap()`, `cell.borrow_mut()`…).
pub(super) fn chain(cx: &Context<'_>, e: &Expr) -> Option<Chain> {
    chain_within(cx, e, MAX_CHAIN)
}

fn chain_within(cx: &Context<'_>, e: &Expr, depth: usize) -> Option<Chain> {
    let depth = depth.checked_sub(1)?;
    let chain = |e: &Expr| chain_within(cx, e, depth);
    match e {
        Expr::Paren(p) => chain(&p.expr),
        Expr::Group(g) => chain(&g.expr),
        Expr::Try(t) => {
            let c = chain(&t.expr)?;
            (c.yields != Yields::Guard).then_some(Chain {
                yields: Yields::Guard,
                ..c
            })
        }
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            let peel = UNWRAPS.contains(&name.as_str());
            if peel || KEEP_WRAPPED.contains(&name.as_str()) {
                let c = chain(&m.receiver)?;
                if c.yields == Yields::Guard {
                    return None;
                }
                let yields = if peel { Yields::Guard } else { c.yields };
                return Some(Chain { yields, ..c });
            }
            let by_call = m.args.is_empty() && BY_CALL.contains(&name.as_str());
            let other = m.args.is_empty() && AwaitGuards::builtin().is_guard_method(&name);
            if !by_call && !other && !vocabulary().is_lock_method(&name) {
                return None;
            }
            let known = cx.type_of(&m.receiver).and_then(|ty| {
                if other {
                    if let Some(g) = AwaitGuards::builtin().by_method(&ty, &name) {
                        return Some(Chain {
                            lock: g.receiver().to_string(),
                            method: name.clone(),
                            yields: Yields::Guard,
                            known: true,
                        });
                    }
                }
                let wrapped = vocabulary().lock_method(&ty, &name)?;
                Some(Chain {
                    lock: ty,
                    method: name.clone(),
                    yields: if wrapped {
                        Yields::Wrapped
                    } else {
                        Yields::Guard
                    },
                    known: true,
                })
            });
            known.or_else(|| {
                by_call.then_some(Chain {
                    lock: String::new(),
                    method: name,
                    yields: Yields::Either,
                    known: false,
                })
            })
        }
        _ => None,
    }
}

/// The guard expression `e` uses by reference, making it a temporary: the receiver of a
/// method call (auto-ref), the base of a field access or index, the operand of `*` or `&`.
pub(super) fn borrowed_guard<'e>(cx: &Context<'_>, e: &'e Expr) -> Option<(&'e Expr, Chain)> {
    let inner: &Expr = match e {
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if UNWRAPS.contains(&name.as_str()) || KEEP_WRAPPED.contains(&name.as_str()) {
                // Part of the chain when the receiver is wrapped; checked below otherwise.
                if chain(cx, e).is_some() {
                    return None;
                }
            }
            &m.receiver
        }
        Expr::Field(f) => &f.base,
        Expr::Index(i) => &i.expr,
        Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => &u.expr,
        Expr::Reference(r) => &r.expr,
        _ => return None,
    };
    let c = chain(cx, inner)?;
    (c.yields != Yields::Wrapped).then_some((inner, c))
}

/// The guard a binding pattern takes from `init`: `g`, `mut g`, `g: T`, `Ok(g)`, `Some(g)`;
/// with the guard expression (`&` peeled).
pub(super) fn bound_guard<'e>(
    cx: &Context<'_>,
    pat: &syn::Pat,
    init: &'e Expr,
) -> Option<(syn::Ident, Chain, &'e Expr)> {
    let init = match init {
        Expr::Reference(r) => &*r.expr,
        e => e,
    };
    let c = chain(cx, init)?;
    let ident = match pat {
        syn::Pat::Type(t) => return bound_guard(cx, &t.pat, init),
        syn::Pat::Ident(pi) if pi.subpat.is_none() => pi.ident.clone(),
        syn::Pat::TupleStruct(ts) if c.yields != Yields::Guard && ts.elems.len() == 1 => {
            let last = ts.path.segments.last()?.ident.to_string();
            if last != "Ok" && last != "Some" {
                return None;
            }
            match ts.elems.first()? {
                syn::Pat::Ident(pi) if pi.subpat.is_none() => pi.ident.clone(),
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((ident, c, init))
}

/// Is `lock` one of the vocabulary's locks (a lock or `RefCell`, not another catalogued
/// guard)?
pub(super) fn is_lock(lock: &str) -> bool {
    vocabulary().is_lock(lock)
}

/// Does calling `method` on a guard of `lock` consume it (`EnteredSpan::exit`)?
pub(super) fn releases(lock: &str, method: &str) -> bool {
    AwaitGuards::builtin()
        .by_type(lock)
        .is_some_and(|g| g.releases.iter().any(|r| r == method))
}
