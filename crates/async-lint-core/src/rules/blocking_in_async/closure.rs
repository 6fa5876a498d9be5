//! Calls of a sync closure bound to a local whose body blocks (see
//! [`crate::analyses::closures`]): `load(p)`, or `load` handed by name to an adapter that runs
//! it in place (`paths.iter().map(load)`).

use super::META;
use crate::analyses::closures::{bound_closure, ClosureBlocks};
use crate::catalog::vocabulary;
use crate::context::Context;
use crate::finding::Finding;
use std::sync::Arc;
use syn::Expr;

/// The finding for `expr` when it runs a blocking closure bound to a local, with whether it
/// blocks through one metadata call made once; and the expression to report at.
pub fn run_closure<'e>(cx: &Context<'_>, expr: &'e Expr) -> Option<(Finding, bool, &'e Expr)> {
    let (site, name, c, once) = match expr {
        Expr::Call(call) => {
            let (name, c) = bound_closure(cx, &call.func)?;
            (expr, name, c, true)
        }
        Expr::MethodCall(m) => {
            let method = m.method.to_string();
            let per_item = vocabulary().is_per_item_adapter(&method);
            if !per_item && !vocabulary().is_inline_once(&method) {
                return None;
            }
            let (arg, (name, c)) = m
                .args
                .iter()
                .find_map(|a| bound_closure(cx, a).map(|b| (a, b)))?;
            (arg, name, c, !per_item)
        }
        _ => return None,
    };
    Some((finding(cx, site, &name, &c), once && c.cheap, site))
}

fn finding(cx: &Context<'_>, site: &Expr, name: &str, c: &Arc<ClosureBlocks>) -> Finding {
    let frame = cx
        .frame()
        .map(|fr| fr.describe())
        .unwrap_or_else(|| "async code".into());
    let line = cx.file.lines.line_of(c.span.start) + 1;
    Finding::new(
        META.name,
        cx.span(site),
        format!(
            "blocking call `{name}` in {frame}: closure `{name}` → {} (line {line})",
            c.api
        ),
    )
    .label("runs a blocking closure on the executor thread")
    .secondary(c.span, format!("`{}` blocks here", c.api))
    .note(c.why.clone())
    .help(format!(
        "call it on the blocking pool (`tokio::task::spawn_blocking(move || {name}(..)).await`), or use an async replacement of `{}` in it",
        c.api
    ))
}
