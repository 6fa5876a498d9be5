//! The `guard-across-await` rule; its docs are one page, `rules/guard-across-await.md`.

use super::Rule;
use crate::analyses::{AwaitPoint, Crossing, Guards, GUARDS};
use crate::catalog::guards::AwaitGuards;
use crate::config::RuleSettings;
use crate::context::Context;
use crate::finding::Finding;
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
        let held = cx
            .get::<Guards>()
            .crossings(cx, AwaitPoint::Expr(expr), |g| !g.is_lock());
        out.extend(held.iter().filter_map(|c| report(cx, c)));
    }

    fn check_macro(&self, cx: &Context<'_>, mac: &syn::Macro, out: &mut Vec<Finding>) {
        let held = cx
            .get::<Guards>()
            .crossings(cx, AwaitPoint::Macro(mac), |g| !g.is_lock());
        out.extend(held.iter().filter_map(|c| report(cx, c)));
    }
}

fn report(cx: &Context<'_>, c: &Crossing) -> Option<Finding> {
    let (g, at, what) = (&c.guard, c.at, &c.what);
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
