//! Guards of the types the enabled rules declare ([`crate::context::Rule::guard_types`]; a
//! project lists them in a rule's options): values
//! that its own invariants say must not be alive at an `.await` (a transaction guard, a
//! thread-bound handle), as clippy's `await_holding_invalid_type` does with a build. Without
//! one, a binding holds such a value when its type is seen: its annotation, its initializer's
//! type as the engine follows it (`TxGuard::new(..)`, a catalogued call), or the return type
//! of the crate fn it calls, as written (`-> Result<TxGuard>` through `?`, `.unwrap()` or
//! `.expect(..)`, and the `.await` of an async fn).

use super::{bound_name, Guard};
use crate::context::Context;
use syn::{Expr, Pat};

/// The listed guard a `let` binds, if any: the binding's identifier and the guard, named by
/// the listed path.
pub(super) fn extra_guard(cx: &Context<'_>, pat: &Pat, init: &Expr) -> Option<(syn::Ident, Guard)> {
    let listed = &cx.guard_types;
    if listed.is_empty() {
        return None;
    }
    let (ident, annotated) = bound_name(pat)?;
    let found = annotated
        .and_then(|t| cx.resolve_type(t))
        .and_then(|ty| listed.iter().find(|l| same_type(&ty, l)))
        .or_else(|| {
            let ty = cx.type_of(init)?;
            listed.iter().find(|l| same_type(&ty, l))
        })
        .or_else(|| {
            let (call, peeled) = call_of(init);
            let output = cx.called_fn(call)?.output.clone()?;
            let written = written_type(&output, peeled)?;
            listed.iter().find(|l| last_segment(l) == written)
        })?;
    let guard = Guard {
        lock: found.clone(),
        method: String::new(),
        origin: cx.span(init),
        name: Some(ident.to_string()),
    };
    Some((ident, guard))
}

/// Does the resolved type `ty` name the listed path `listed`? One is the other's tail, path
/// segment by path segment, once `crate::`/`self::`/`super::` are set aside: a type of the
/// linted crate resolves to `crate::db::TxGuard` or `db::TxGuard` (the crate's own name for
/// itself is not known without its manifest); another crate's must match in full.
fn same_type(ty: &str, listed: &str) -> bool {
    let mut ty = ty;
    while let Some(rest) = ["crate::", "self::", "super::"]
        .iter()
        .find_map(|p| ty.strip_prefix(p))
    {
        ty = rest;
    }
    let tail = |long: &str, short: &str| long == short || long.ends_with(&format!("::{short}"));
    tail(listed, ty) || tail(ty, listed)
}

fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The call whose value `init` is, and whether a `Result`/`Option` was peeled on the way
/// (`?`, `.unwrap()`, `.expect(..)`).
fn call_of(init: &Expr) -> (&Expr, bool) {
    let mut e = init;
    let mut peeled = false;
    loop {
        e = match e {
            Expr::Try(t) => {
                peeled = true;
                &t.expr
            }
            Expr::Await(a) => &a.base,
            Expr::Paren(p) => &p.expr,
            Expr::MethodCall(m) if m.method == "unwrap" || m.method == "expect" => {
                peeled = true;
                &m.receiver
            }
            _ => return (e, peeled),
        };
    }
}

/// The last segment of the type a fn's written return type gives the caller: `TxGuard` for
/// `TxGuard`, `db::TxGuard<'a>`, or — when `peeled` — `Result<TxGuard, E>`/`Option<TxGuard>`.
fn written_type(output: &str, peeled: bool) -> Option<&str> {
    let output = output.trim();
    let inner = if peeled {
        let open = output.find('<')?;
        let head = last_segment(output[..open].trim());
        if !head.ends_with("Result") && head != "Option" {
            return None;
        }
        let rest = &output[open + 1..];
        // `Result<TxGuard<'a>, E>`: the argument's own generics follow its name.
        let end = rest.find([',', '>', '<']).unwrap_or(rest.len());
        rest[..end].trim()
    } else {
        output.split('<').next().unwrap_or(output).trim()
    };
    let name = last_segment(inner.trim_start_matches('&').trim());
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_types() {
        assert_eq!(written_type("TxGuard", false), Some("TxGuard"));
        assert_eq!(written_type("db::TxGuard<'a>", false), Some("TxGuard"));
        assert_eq!(
            written_type("Result<TxGuard, Error>", true),
            Some("TxGuard")
        );
        assert_eq!(
            written_type("anyhow::Result<db::TxGuard<'_>>", true),
            Some("TxGuard")
        );
        assert_eq!(written_type("Option<TxGuard>", true), Some("TxGuard"));
        assert_eq!(written_type("Vec<TxGuard>", true), None);
        assert!(same_type("crate::db::TxGuard", "my_crate::db::TxGuard"));
        assert!(same_type("db::TxGuard", "my_crate::db::TxGuard"));
        assert!(!same_type("other_crate::Ticket", "other::Ticket"));
        assert!(same_type("TxGuard", "my_crate::TxGuard"));
        assert!(!same_type("other::TxGuard", "my_crate::TxGuard"));
    }
}
