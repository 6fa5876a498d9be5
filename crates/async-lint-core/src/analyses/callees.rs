//! What the crate index says about the async fn a call expression calls, for the rules that
//! judge whether two awaits could overlap: one that only starts a task and hands back its
//! handle, one that first takes a lock. `false` whenever the callee
//! is not a fn of this crate the index knows.

use crate::context::Context;
use crate::index::{Callee, FnRef};
use syn::Expr;

/// The callee hands back a task's handle (`-> JoinHandle<..>`, `-> Task<..>`): awaiting it
/// only starts the work, which already runs concurrently until the handle is awaited.
pub fn returns_task_handle(cx: &Context<'_>, call: &Expr) -> bool {
    cx.called_fn(call).is_some_and(|f| {
        f.output.as_deref().is_some_and(|o| {
            let head = o.split('<').next().unwrap_or(o).trim();
            let last = head.rsplit("::").next().unwrap_or(head);
            matches!(last, "JoinHandle" | "Task" | "AbortHandle")
        })
    })
}

/// The callee is a method of this crate whose first awaited call takes a lock or a permit
/// (`self.inner.lock().await`, `self.gate.acquire().await`): two such calls on one receiver
/// take turns on it whether or not they are joined.
pub fn locks_first(cx: &Context<'_>, call: &Expr) -> bool {
    cx.called_fn(call).is_some_and(|f| {
        f.has_self
            && f.calls.iter().find(|c| c.awaited).is_some_and(
                |c| matches!(&c.callee, Callee::Method { name, .. } if lock_word(name)),
            )
    })
}

/// The lock a method of this crate takes before anything else: its first awaited call is
/// `lock`/`write`/`read`/`acquire`… on a place of `self` (`self.inner.lock().await`,
/// `self.gate.acquire().await`, `self.lock().await`). Two calls that take one lock this way
/// take turns on it whether or not they are joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstLock {
    /// The locked place as the callee writes it, without whitespace (`self.inner`).
    pub place: String,
    /// A shared read lock (`read`, `read_owned`): readers do not exclude each other.
    pub shared: bool,
}

/// The lock every method a call may reach takes first (see [`FirstLock`]): the one the
/// engine resolves, or else, for a method call whose receiver's type it does not know, every
/// method of the crate with that name and arity (of that type, when the type's name is
/// known). `None` when one of them takes no lock first, or they take different ones.
pub fn first_lock(cx: &Context<'_>, call: &Expr) -> Option<FirstLock> {
    let candidates = reachable(cx, call);
    let mut locks = candidates.iter().map(|f| lock_of(cx, f));
    let first = locks.next()??;
    locks.all(|l| l.as_ref() == Some(&first)).then_some(first)
}

/// A method call named like taking a lock (`cfg.read()`, `doc.write()`) that reaches only
/// async methods of this crate which are no lock: none returns a guard or awaits a call named
/// like a lock (a `read` that loads a file).
pub fn own_method_not_a_lock(cx: &Context<'_>, call: &Expr) -> bool {
    if !matches!(call, Expr::MethodCall(_)) {
        return false;
    }
    let candidates = reachable(cx, call);
    !candidates.is_empty()
        && candidates.iter().all(|f| {
            let guard = f.output.as_deref().is_some_and(|o| o.contains("Guard"));
            let locks = f.calls.iter().any(|c| {
                c.awaited && matches!(&c.callee, Callee::Method { name, .. } if lock_word(name))
            });
            f.returns_future && !guard && !locks
        })
}

/// The fns of this crate a call may reach: the one the engine resolves, or else, for a
/// method call whose receiver's type it does not know, every method of the crate with that
/// name and arity (of that type, when the type's name is known).
fn reachable(cx: &Context<'_>, call: &Expr) -> Vec<FnRef> {
    if let Some(f) = cx.called_fn(call) {
        return vec![f];
    }
    let Expr::MethodCall(m) = call else {
        return Vec::new();
    };
    let ty = cx.type_of(&m.receiver).map(|t| type_name(&t).to_string());
    cx.crate_index()
        .methods_named(&m.method.to_string(), m.args.len())
        .into_iter()
        .filter(|f| {
            let owner = f.path.rsplit("::").nth(1).unwrap_or_default();
            ty.as_deref().is_none_or(|t| t == owner)
        })
        .collect()
}

/// `lock`, `write`, `read_owned`, `acquire`…: the names of the calls that take a lock or a
/// permit.
fn lock_word(name: &str) -> bool {
    matches!(
        name.trim_end_matches("_owned"),
        "lock" | "write" | "read" | "acquire" | "lock_tag" | "upgradable_read"
    )
}

/// The last segment of a type without generics or references: `&Store<T>` → `Store`.
fn type_name(ty: &str) -> &str {
    let head = ty.split('<').next().unwrap_or(ty);
    let head = head.rsplit("::").next().unwrap_or(head);
    head.trim_start_matches(['&', ' '])
        .trim_start_matches("mut ")
}

fn lock_of(cx: &Context<'_>, f: &FnRef) -> Option<FirstLock> {
    if !f.has_self {
        return None;
    }
    let c = f.calls.iter().find(|c| c.awaited)?;
    let Callee::Method { name, .. } = &c.callee else {
        return None;
    };
    if !lock_word(name) {
        return None;
    }
    let base = name.trim_end_matches("_owned");
    let text = cx.text_of(f)?;
    let call: String = text
        .get(c.span.start..c.span.end)?
        .split_whitespace()
        .collect();
    let place = call.rsplit_once(&format!(".{name}("))?.0;
    (place == "self" || place.starts_with("self.")).then(|| FirstLock {
        place: place.to_string(),
        shared: base == "read",
    })
}
