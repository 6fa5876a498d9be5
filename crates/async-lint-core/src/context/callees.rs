//! What the crate index says about the async fn a call expression calls, for the rules that
//! judge whether two awaits could overlap: one that only starts a task and hands back its
//! handle, one that first takes a lock. `false` whenever the callee
//! is not a fn of this crate the index knows.

use super::Context;
use crate::index::Callee;
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
            && f.calls.iter().find(|c| c.awaited).is_some_and(|c| {
                matches!(&c.callee, Callee::Method { name, .. } if matches!(
                    name.trim_end_matches("_owned"),
                    "lock" | "write" | "read" | "acquire" | "lock_tag" | "upgradable_read"
                ))
            })
    })
}
