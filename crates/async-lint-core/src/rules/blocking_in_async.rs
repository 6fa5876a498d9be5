//! The `blocking-in-async` rule; its docs are one page, `rules/blocking-in-async.md`.

mod closure;
mod scope;
mod statement;
mod value_use;

use super::Rule;
use crate::analyses::{guards, Guards, CLOSURE_BLOCKS, GUARDS};
use crate::catalog::BlockingApi;
use crate::context::blocking::{blocking_call, listed};
use crate::context::cfg;
use crate::context::Context;
use crate::finding::{Applicability, Finding, Severity, Suggestion};
use crate::index::{display_name, diverges, BlockingInAsyncOptions};
use crate::Runtime;
use syn::Expr;

declare_rule! { BlockingInAsync: "blocking-in-async", triggers: &["async", "stream!"],
    options: BlockingInAsyncOptions,
    analyses: &[GUARDS, CLOSURE_BLOCKS],
    summary: "a blocking call (file system, sleep, std sockets, processes, block_on…) inside async code",
}

impl Rule for BlockingInAsync {
    rule_meta!();

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !cx.in_async() || cx.is_awaited(expr) {
            return;
        }
        if let Some(b) = blocking_call(cx, expr) {
            let args: Option<Vec<&str>> = match expr {
                Expr::Call(call) if b.is_path => {
                    Some(call.args.iter().map(|a| cx.text(a)).collect())
                }
                _ => None,
            };
            let f = report(cx, expr, &b.shown, &b.api, args.as_deref());
            if let Some(f) = scoped(cx, expr, f, b.api.cheap) {
                statement::push_merged(cx, expr, &b.shown, f, out);
            }
            return;
        }
        if let Some((f, cheap_once, site)) = closure::run_closure(cx, expr) {
            out.extend(scoped(cx, site, f, cheap_once));
            return;
        }
        if cx.options::<BlockingInAsyncOptions>().transitive
            && matches!(expr, Expr::Call(_) | Expr::MethodCall(_))
        {
            if let Some((f, cheap_once)) = through_helper(cx, expr) {
                out.extend(scoped(cx, expr, f, cheap_once));
            }
        }
    }
}

/// The finding at its severity: a low-value one (see [`scope`]) at the `low-value` level with
/// the reason as a note, or `None` when that level is `off`. Calls that panic or deadlock
/// (severity error) are never low-value.
fn scoped(cx: &Context<'_>, site: &Expr, f: Finding, cheap_once: bool) -> Option<Finding> {
    if f.severity == Severity::Error {
        return Some(f);
    }
    match scope::reason(cx, site, cheap_once) {
        None => Some(f),
        Some(why) => Some(f.severity(scope::severity(cx)?).note(why)),
    }
}

/// A call of a sync fn of the crate that blocks, directly or through further sync fns; with
/// whether it blocks through one metadata call made once.
fn through_helper(cx: &Context<'_>, expr: &Expr) -> Option<(Finding, bool)> {
    let f = cx.called_sync_fn(expr)?;
    if diverges(&f) || listed(cx, |o| &o.trusted, &f.path) {
        return None;
    }
    let chain = cx.blocking_chain(&f)?;
    // A chain through code no build compiles together with the call is no path at all.
    if cfg::exclusive(cx.cfgs(), &chain.cfgs) {
        return None;
    }
    let under = cfg::unstated(&chain.cfgs, cx.cfgs())
        .iter()
        .map(|c| format!("`cfg({})`", c.replace('=', " = ")))
        .collect::<Vec<_>>();
    let under = if under.is_empty() {
        String::new()
    } else {
        format!(", with {}", under.join(", "))
    };
    let frame = cx
        .frame()
        .map(|fr| fr.describe())
        .unwrap_or_else(|| "async code".into());
    let in_this_file = cx.own_summary().is_some_and(|own| own.path == chain.file);
    let place = if in_this_file {
        format!("line {}", chain.line)
    } else {
        let shown = cx.crate_index().display_path(&chain.file);
        format!("{}:{}", shown.display(), chain.line)
    };
    let called = display_name(&f.path);
    let last = chain.last_fn().trim_end_matches("()");
    let finding = Finding::new(
            META.name,
            cx.span(expr),
        format!(
            "blocking call `{called}` in {frame}: {} ({place}{under})",
            chain.trail()
        ),
    )
    .label("blocks the executor thread")
        .note(chain.why.clone())
        .help(format!(
            "run it on the blocking pool (`tokio::task::spawn_blocking(move || ..).await`), or make `{last}` async and use an async replacement of `{}`",
            chain.api
        ));
    let finding = if in_this_file {
        finding.secondary(chain.span, format!("`{}` blocks here", chain.api))
    } else {
        finding
    };
    Some((finding, chain.cheap_once))
}

/// The same-arguments async fn for the crate's runtime (tokio's when the runtime is unknown),
/// with `{name}`/`{type}` filled from the blocking path.
fn replacement(cx: &Context<'_>, api: &BlockingApi, path: &str) -> Option<String> {
    let r = &api.replacement;
    let text = match cx.krate.runtime {
        Runtime::AsyncStd => r.async_std.as_ref().or(r.tokio.as_ref()),
        Runtime::Smol => r
            .smol
            .as_ref()
            .or(r.async_std.as_ref())
            .or(r.tokio.as_ref()),
        _ => r.tokio.as_ref(),
    }?;
    let mut segs = path.rsplit("::");
    let name = segs.next().unwrap_or(path);
    let ty = segs.next().unwrap_or("");
    Some(text.replace("{name}", name).replace("{type}", ty))
}

fn report(
    cx: &Context<'_>,
    expr: &Expr,
    shown: &str,
    api: &BlockingApi,
    args: Option<&[&str]>,
) -> Finding {
    let frame = cx
        .frame()
        .map(|f| f.describe())
        .unwrap_or_else(|| "async code".into());
    let span = cx.span(expr);
    let mut f = Finding::new(
        META.name,
        span,
        format!("blocking call `{shown}` in {frame}"),
    )
    .label("blocks the executor thread")
    .severity(api.severity)
    .note(api.why.clone());
    let repl = replacement(cx, api, shown);
    f = match (&repl, &api.replacement.instead) {
        (Some(r), _) => f.help(format!("use `{r}(..).await` instead")),
        (None, Some(words)) => f.help(words.clone()),
        (None, None) => f.help("move the blocking work into `tokio::task::spawn_blocking` (or your runtime's equivalent) and `.await` it"),
    };
    // A drop-in replacement is only offered where `.await` is legal: directly in the async body.
    let awaitable = cx.innermost_frame().is_some_and(|fr| fr.kind.is_async());
    if let (Some(r), Some(args), true) = (repl, args, awaitable) {
        // An async twin of another type only fits where the value is thrown away.
        if !api.safe_fix && !value_use::discarded(cx, expr) {
            return f.note(
                "no automatic fix: the async twin returns another type and the value is used \
                 after the call; port those uses too, or wrap the synchronous work in \
                 `spawn_blocking`",
            );
        }
        // The `.await` the fix adds must not meet a guard or a `!Send` value still in scope:
        // the future would stop being `Send` (or hold a lock across the await).
        let alive = cx.get::<Guards>().not_send_alive(cx);
        if let Some(g) = alive.first() {
            let line = cx.file.lines.line_of(g.origin.start) + 1;
            f = f.note(format!(
                "not fixed automatically: {} (line {line}) is still in scope here, and an `.await` \
                 while it is would make the future `!Send` or hold it across the await; end its \
                 scope first",
                guards::describe(g)
            ));
        }
        let applicability =
            if api.safe_fix && cx.krate.runtime != Runtime::Unknown && alive.is_empty() {
                Applicability::MachineApplicable
            } else {
                Applicability::MaybeIncorrect
            };
        f = f.suggest(Suggestion {
            message: format!("use `{r}`"),
            span,
            replacement: format!("{r}({}).await", args.join(", ")),
            applicability,
        });
    }
    f
}
