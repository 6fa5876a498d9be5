//! The `guard-across-await` rule; its docs are one page, `rules/guard-across-await.md`.

use super::lock_across_await::first_await;
use super::Rule;
use crate::analyses::Guard;
use crate::analyses::{Guards, GUARDS};
use crate::catalog::guards::AwaitGuards;
use crate::config::RuleSettings;
use crate::context::Context;
use crate::finding::Finding;
use crate::source::Span;
use syn::Expr;

// As lock-across-await: await points only count in async bodies.
declare_rule! { GuardAcrossAwait: "guard-across-await", triggers: &["async", "stream!"],
    options: GuardAcrossAwaitOptions,
    analyses: &[GUARDS],
    summary: "a `tracing` span guard (`span.enter()`, `span.entered()`) or a type listed in `extra-guards` held across an `.await`",
}

crate::rule_options! {
    /// `[rules.guard-across-await]`.
    pub struct GuardAcrossAwaitOptions {
        /// paths of types whose values must not be alive at an `.await`
        /// (`["my_crate::db::TxGuard"]`); a type of the linted crate matches by its last
        /// segment
        pub extra_guards: Vec<String>,
    }
}

impl Rule for GuardAcrossAwait {
    rule_meta!();

    fn guard_types(&self, settings: Option<&RuleSettings>) -> Vec<String> {
        settings.map_or_else(Vec::new, |s| {
            s.options::<GuardAcrossAwaitOptions>().extra_guards.clone()
        })
    }

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        let Expr::Await(aw) = expr else { return };
        let mut held = cx.get::<Guards>().across_await(cx, aw);
        held.retain(|g| !g.is_lock());
        if held.is_empty() {
            return;
        }
        let span_of = |a: &syn::ExprAwait| cx.span(&a.dot_token).to(cx.span(&a.await_token));
        let (outer, first) = (span_of(aw), span_of(first_await(aw)));
        for g in held {
            let at = if g.origin.end <= first.start {
                first
            } else {
                outer
            };
            if let Some(f) = report(cx, &g, at, "the `.await`") {
                out.push(f);
            }
        }
    }

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let mut held = cx.get::<Guards>().across_macro(cx, mac);
        held.retain(|g| !g.is_lock());
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
            if let Some(f) = report(cx, &g, at, &what) {
                out.push(f);
            }
        }
    }
}

fn report(cx: &Context<'_>, g: &Guard, at: Span, what: &str) -> Option<Finding> {
    let name = g.name.as_deref();
    if let Some(api) = AwaitGuards::builtin().by_type(&g.lock) {
        let held = match name {
            Some(n) => format!("{} `{n}`", api.what),
            None => format!("temporary {}", api.what),
        };
        let f = Finding::new(
            META.name,
            g.origin,
            format!("{held} (`{}::{}`) is held across {what}", g.lock, g.method),
        )
        .label("entered here, still entered at the await")
        .secondary(at, "the task can be suspended here with the guard alive")
        .help(api.help.clone())
        .note(api.why.clone());
        return Some(f);
    }
    // A type listed in `extra-guards`; clippy's lint for it may be allowed on the item.
    if cx.lint_allowed("clippy::await_holding_invalid_type") {
        return None;
    }
    let n = name?;
    let f = Finding::new(
        META.name,
        g.origin,
        format!("`{}` `{n}` is held across {what}", g.lock),
    )
    .label("made here, still alive at the await")
    .secondary(at, "the task can be suspended here with it alive")
    .help(format!(
        "end it before the await: scope it in a block, or `drop({n})`"
    ))
    .note(format!(
        "the config lists `{}` in `extra-guards`: a value that must not be alive while the task is suspended",
        g.lock
    ));
    Some(f)
}
