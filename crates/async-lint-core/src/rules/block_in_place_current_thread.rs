//! `block-in-place-current-thread`: `tokio::task::block_in_place` reached on a current-thread
//! runtime, where it panics. The user documentation is `rules/block-in-place-current-thread.md`.

use super::Rule;
use crate::catalog::runtime::{Flavor, Runtimes};
use crate::context::cfg;
use crate::context::runtime::{runtime_of, RuntimeRoot};
use crate::context::Context;
use crate::finding::{Finding, Severity};
use crate::index::{display_name, diverges, followed, BlockingChain, FnRef, Target};
use syn::Expr;

// A runtime attribute sits on an async fn (`async`); a runtime built in sight is named by its
// builder (`new_current_thread`, `LocalRuntime`): from the runtimes catalogue at run time.
declare_rule! { BlockInPlaceCurrentThread: "block-in-place-current-thread", triggers: &[],
    severity: Severity::Error,
    options: BlockInPlaceCurrentThreadOptions,
    summary: "`tokio::task::block_in_place` reached on a current-thread runtime, where it panics",
}

crate::rule_options! {
    /// `[rules.block-in-place-current-thread]`.
    pub struct BlockInPlaceCurrentThreadOptions {
        /// also report a chain of calls that reaches `block_in_place` only under a branch (an
        /// `if`, a `match` arm, a `for` loop) of some fn on the way, at `warning`: whether it is
        /// taken depends on values the linter does not see
        pub conditional_paths: bool,
    }
}

impl Rule for BlockInPlaceCurrentThread {
    rule_meta!(triggers: || {
        let mut words = vec!["async".to_string()];
        words.extend(Runtimes::builtin().current_thread_words().into_iter().map(str::to_string));
        words
    });

    /// `#[tokio::test]` is where this mistake shows first: the rule reports in test code
    /// whatever `check-tests` says.
    fn checks_test_code(&self) -> bool {
        true
    }

    fn check_expr(&self, cx: &Context<'_>, expr: &Expr, out: &mut Vec<Finding>) {
        if !matches!(expr, Expr::Call(_) | Expr::MethodCall(_))
            || cx.expects_panic()
            || panic_caught(cx)
        {
            return;
        }
        // `rt.block_on(run())` on a current-thread runtime built in sight: `run` runs there.
        if let Expr::MethodCall(m) = expr {
            if m.method == "block_on" {
                let root = runtime_of(cx, &m.receiver).filter(|r| current(r));
                if let (Some(root), Some(arg)) = (root, m.args.first()) {
                    if let Some(f) = through_helper(cx, arg, &root) {
                        out.push(f);
                    }
                }
            }
        }
        let Some(root) = cx.runtime().filter(|r| current(r)) else {
            return;
        };
        if let Expr::Call(c) = expr {
            if let Expr::Path(p) = &*c.func {
                let runtimes = Runtimes::builtin();
                let path = cx.resolve_callee(&p.path, |c| runtimes.is_block_in_place(c));
                if path.is_some_and(|p| runtimes.is_block_in_place(&p)) {
                    out.push(direct(cx, expr, root));
                    return;
                }
            }
        }
        if let Some(f) = through_helper(cx, expr, root) {
            out.push(f);
        }
    }
}

fn current(r: &RuntimeRoot) -> bool {
    r.flavor == Some(Flavor::CurrentThread)
}

/// The name a call is made by (`helper` of `a::helper(..)`, `m` of `x.m(..)`).
fn called_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => Some(p.path.segments.last()?.ident.to_string()),
            _ => None,
        },
        Expr::MethodCall(m) => Some(m.method.to_string()),
        _ => None,
    }
}

/// A call of a fn of the crate from which a chain of calls reaches `block_in_place`.
fn through_helper(cx: &Context<'_>, expr: &Expr, root: &RuntimeRoot) -> Option<Finding> {
    if !followed(&called_name(expr)?) {
        return None;
    }
    // No chain can end at `block_in_place` in a crate that never names it.
    let named = |n: &str| cx.file.text.contains(n) || cx.crate_index().mentions(n);
    if !Runtimes::builtin().block_in_place_names().any(named) {
        return None;
    }
    let f: FnRef = cx.called_fn(expr)?;
    if diverges(&f) {
        return None;
    }
    // Every call on the way made each time its fn runs: the panic is certain. Under a branch
    // it depends on values not seen here (a `run(opts)` that dispatches on its options).
    let every_time = if cx.conditional() {
        None
    } else {
        cx.chain_to(&f, Target::BlockInPlace { conditional: false })
    };
    let (chain, severity) = match every_time {
        Some(chain) => (chain, Severity::Error),
        None if cx
            .options::<BlockInPlaceCurrentThreadOptions>()
            .conditional_paths =>
        {
            (
                cx.chain_to(&f, Target::BlockInPlace { conditional: true })?,
                Severity::Warning,
            )
        }
        None => return None,
    };
    if cfg::exclusive(cx.cfgs(), &chain.cfgs) {
        return None;
    }
    let called = display_name(&f.path);
    let place = place(cx, &chain);
    let finding = Finding::new(
        META.name,
        cx.call_span(expr),
        format!(
            "`{called}` calls `block_in_place` on the current-thread runtime of {}: {} ({place})",
            root.shown,
            chain.trail()
        ),
    )
    .label("panics: `block_in_place` needs the multi-thread runtime")
    .severity(severity)
    .secondary(root.span, "a current-thread runtime");
    let finding = if cx.own_summary().is_some_and(|own| own.path == chain.file) {
        finding.secondary(chain.span, "`block_in_place` is called here")
    } else {
        finding
    };
    Some(explained(finding, root))
}

/// Where the chain's last call is: `line 12` in this file, else `src/db.rs:12`.
fn place(cx: &Context<'_>, chain: &BlockingChain) -> String {
    if cx.own_summary().is_some_and(|own| own.path == chain.file) {
        format!("line {}", chain.line)
    } else {
        let shown = cx.crate_index().display_path(&chain.file);
        format!("{}:{}", shown.display(), chain.line)
    }
}

fn direct(cx: &Context<'_>, expr: &Expr, root: &RuntimeRoot) -> Finding {
    let f = Finding::new(
        META.name,
        cx.call_span(expr),
        format!(
            "`block_in_place` on the current-thread runtime of {}",
            root.shown
        ),
    )
    .label("panics: `block_in_place` needs the multi-thread runtime")
    .severity(META.default_severity)
    .secondary(root.span, "a current-thread runtime");
    explained(f, root)
}

/// The note and the help every finding carries: what tokio does, and the two ways out.
fn explained(f: Finding, root: &RuntimeRoot) -> Finding {
    let multi = if root.shown.starts_with("`#[tokio::test") {
        ", or run the test on the multi-thread runtime: `#[tokio::test(flavor = \"multi_thread\")]`"
    } else if root.shown.starts_with("`#[tokio::main") {
        ", or run on the multi-thread runtime: `#[tokio::main]` (its default flavor)"
    } else if !root.shown.starts_with("`#[") {
        ", or build a multi-thread runtime: `tokio::runtime::Builder::new_multi_thread()`"
    } else {
        ""
    };
    f.note(
        "tokio panics with \"can call blocking only when running on the multi-threaded runtime\": \
         on a current-thread runtime there is no other worker to hand the runtime's tasks to",
    )
    .help(format!(
        "move the blocking work to the blocking pool with `tokio::task::spawn_blocking(..).await`{multi}"
    ))
}

/// Is the code here in a closure handed to a fn that catches its panic: `catch_unwind`
/// itself (per the runtimes catalogue), or a fn of the crate that calls it? Then the panic
/// is expected (a test of it). A closure handed to a fn of the crate the index cannot find
/// is given the benefit of the doubt: what that fn does with it is unknown.
fn panic_caught(cx: &Context<'_>) -> bool {
    let runtimes = Runtimes::builtin();
    let catches = |path: &str| {
        if runtimes.catches_panics(path) {
            return true;
        }
        match cx.fn_sig(path) {
            Some(f) => f
                .calls
                .iter()
                .any(|c| c.target_path().is_some_and(|p| runtimes.catches_panics(&p))),
            None => path.starts_with("crate::"),
        }
    };
    cx.enclosing_callers().any(catches)
}
