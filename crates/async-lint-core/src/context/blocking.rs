//! Is a call blocking per the catalogue (`rules/blocking-apis.toml`) and the config's
//! `extra-blocking` / `trusted` lists? One answer, used both by the `blocking-in-async` rule at
//! the call it sees and by the crate index's summaries (which sync fns of the crate block), so
//! a helper blocks exactly when the same call written in async code would be flagged.

use super::Context;
use crate::catalog::BlockingApi;
use crate::finding::Severity;
use std::borrow::Cow;
use syn::Expr;

use crate::index::{same_item, BlockingInAsyncOptions};

/// A call that blocks.
#[derive(Debug, Clone)]
pub struct BlockingCall<'c> {
    /// How messages name the API: `std::fs::read`, `std::fs::File::read`,
    /// `load(&mut diesel::PgConnection)`, `.block_on()`.
    pub shown: String,
    /// A path call (`f(args)`), whose arguments a same-arguments replacement can take.
    pub is_path: bool,
    pub api: Cow<'c, BlockingApi>,
}

impl BlockingCall<'_> {
    /// The call as a crate summary keeps it.
    pub fn leaf(&self) -> crate::index::BlockingLeaf {
        crate::index::BlockingLeaf {
            api: self.shown.clone(),
            why: self.api.why.clone(),
            cheap: self.api.cheap,
        }
    }
}

/// The blocking API `expr` calls, if it is a call (`f(..)` or `x.m(..)`) the catalogue or the
/// config lists and the config does not trust. Awaited or not, async or not: the caller
/// decides whether the place matters.
pub fn blocking_call<'c>(cx: &Context<'c>, expr: &Expr) -> Option<BlockingCall<'c>> {
    match expr {
        Expr::Call(call) => {
            let Expr::Path(p) = &*call.func else {
                return None;
            };
            let known =
                |c: &str| cx.catalog.function(c).is_some() || listed(cx, |o| &o.extra_blocking, c);
            let path = cx.resolve_callee(&p.path, known)?;
            let path = cx.catalog.canonical(&path);
            if listed(cx, |o| &o.trusted, &path) {
                return None;
            }
            let api = match cx.catalog.function(&path) {
                Some(api) => Cow::Borrowed(api),
                None if listed(cx, |o| &o.extra_blocking, &path) => Cow::Owned(configured_api()),
                None => return None,
            };
            Some(BlockingCall {
                shown: path,
                is_path: true,
                api,
            })
        }
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            let recv_ty = if cx.catalog.method_on_argument(&name) {
                m.args.first().and_then(|a| cx.type_of(a))
            } else {
                cx.type_of(&m.receiver)
            };
            let qualified = recv_ty.as_ref().map(|t| format!("{t}::{name}"));
            if qualified
                .as_deref()
                .is_some_and(|q| listed(cx, |o| &o.trusted, q))
            {
                return None;
            }
            let api = match cx.catalog.method(&name, recv_ty.as_deref()) {
                Some(api) => Cow::Borrowed(api),
                None if qualified
                    .as_deref()
                    .is_some_and(|q| listed(cx, |o| &o.extra_blocking, q)) =>
                {
                    Cow::Owned(configured_api())
                }
                None => return None,
            };
            let shown = match (&recv_ty, api.on_argument) {
                (Some(ty), true) => format!("{name}(&mut {ty})"),
                _ => qualified.unwrap_or_else(|| format!(".{name}()")),
            };
            Some(BlockingCall {
                shown,
                is_path: false,
                api,
            })
        }
        _ => None,
    }
}

/// A list of `blocking-in-async`'s options (`extra-blocking`, `trusted`).
pub type List = fn(&BlockingInAsyncOptions) -> &[String];

/// Is `path` in the config's `list` (`|o| &o.trusted`)? The crate's own items match by
/// `crate::x` and by the library's name (`my_crate::x`), the way users write them.
pub fn listed(cx: &Context<'_>, list: List, path: &str) -> bool {
    let list = list(cx.options::<BlockingInAsyncOptions>());
    if list.is_empty() {
        return false;
    }
    let lib = cx.crate_index().lib_name();
    list.iter().any(|p| same_item(p, path, lib))
}

fn configured_api() -> BlockingApi {
    BlockingApi {
        why: "listed as blocking in the project's async-lint configuration (`extra-blocking`)"
            .into(),
        replacement: Default::default(),
        safe_fix: false,
        severity: Severity::Warning,
        on_argument: false,
        cheap: false,
    }
}
