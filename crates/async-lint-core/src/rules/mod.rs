//! The rules and their registry. One rule = one file here, one page in `rules/<name>.md`
//! (embedded for `explain`), one folder in `fixtures/<name>/`, and one line in [`RULES`].

/// Declares a rule: its unit struct and its [`RuleMeta`] (`META`), whose docs are the page
/// `rules/<name>.md`; severity defaults to warning, options and the analyses it reads to none.
/// `options:` names the rule's options struct (made with [`crate::rule_options!`]), which
/// the config reads `[rules.<name>]` into and the rule reads with `cx.options::<T>()`.
/// The rule's `impl Rule` then says `rule_meta!();` for its `meta` and `analyses`, and holds
/// its hooks.
///
/// ```text
/// declare_rule! { TinyTask: "tiny-task", triggers: &["spawn"],
///     summary: "a task spawned for work with no await in it",
/// }
/// ```
macro_rules! declare_rule {
    (@or [] $default:expr) => { $default };
    (@or [$given:expr] $default:expr) => { $given };
    (
        $ty:ident: $name:literal, triggers: $triggers:expr,
        $(severity: $severity:expr,)?
        $(options: $options:ty,)?
        $(analyses: $analyses:expr,)?
        summary: $summary:literal $(,)?
    ) => {
        pub struct $ty;

        /// The analyses the rule reads ([`crate::context::Context::get`]).
        static ANALYSES: &[$crate::analyses::Need] = declare_rule!(@or [$($analyses)?] &[]);

        static META: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            name: $name,
            default_severity: declare_rule!(@or [$($severity)?] $crate::finding::Severity::Warning),
            summary: $summary,
            doc: include_str!(concat!("../../rules/", $name, ".md")),
            options: declare_rule!(@or [$($crate::options::OptionsDecl::of::<$options>())?]
                $crate::options::OptionsDecl::NONE),
            triggers: $triggers,
        };

        $(impl $crate::options::OptionsOf for $options {
            const RULE: &'static str = $name;
        })?
    };
}

/// `fn meta` and `fn analyses` of a rule's `impl Rule`: what its [`declare_rule!`] wrote;
/// with `triggers: || words`, also `fn triggers`: words made once, at run time, from a
/// catalogue.
macro_rules! rule_meta {
    () => {
        fn meta(&self) -> &'static $crate::rules::RuleMeta {
            &META
        }

        fn analyses(&self) -> &'static [$crate::analyses::Need] {
            ANALYSES
        }
    };
    (triggers: $words:expr) => {
        rule_meta!();

        fn triggers(&self) -> &'static [&'static str] {
            static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
            $crate::rules::words_once(&WORDS, $words)
        }
    };
}

mod await_in_loop;
mod block_in_place_current_thread;
mod blocking_in_async;
mod busy_wait;
mod cancel_unsafe_select;
mod guard_across_await;
mod lock_across_await;
mod runtime_in_drop;
mod sequential_awaits;
mod swallowed_task_error;
mod sync_logging;
mod timeout_never_fires;
mod tiny_task;
mod unbounded_spawn;

use crate::context::Context;
pub use crate::context::Rule;
pub use crate::declare::{OptionKind, RuleMeta, RuleOption};
use std::sync::OnceLock;

/// Every rule, in the order `async-lint rules` lists them. Adding a rule: one line here.
pub static RULES: &[&dyn Rule] = &[
    &blocking_in_async::BlockingInAsync,
    &sequential_awaits::SequentialAwaits,
    &await_in_loop::AwaitInLoop,
    &unbounded_spawn::UnboundedSpawn,
    &tiny_task::TinyTask,
    &swallowed_task_error::SwallowedTaskError,
    &lock_across_await::LockAcrossAwait,
    &guard_across_await::GuardAcrossAwait,
    &sync_logging::SyncLogging,
    &cancel_unsafe_select::CancelUnsafeSelect,
    &timeout_never_fires::TimeoutNeverFires,
    &busy_wait::BusyWait,
    &block_in_place_current_thread::BlockInPlaceCurrentThread,
    &runtime_in_drop::RuntimeInDrop,
];

/// A call as messages name it: its text when it is one short line, else its chain with the
/// arguments elided (`load_config(..).instrument(..)`, `client.get(..).send()`), shortened to
/// its first and last links when still long.
/// A called path as written, without whitespace (`OnlineClient::<C>::from_rpc_client`); when
/// long, its last two segments; anything else called, `f`.
fn callee_text(cx: &Context<'_>, func: &syn::Expr) -> String {
    let whole: String = cx.text(func).split_whitespace().collect();
    if whole.len() <= 60 {
        return whole;
    }
    match func {
        syn::Expr::Path(p) => {
            let segs: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| cx.text(s).split_whitespace().collect())
                .collect();
            segs[segs.len().saturating_sub(2)..].join("::")
        }
        _ => "f".into(),
    }
}

pub(crate) fn describe_call(cx: &Context<'_>, e: &syn::Expr) -> String {
    let text = cx.text(e);
    if text.len() <= 50 && !text.contains('\n') {
        return text.to_string();
    }
    let mut links = Vec::new();
    let mut cur = e;
    loop {
        match cur {
            syn::Expr::MethodCall(m) => {
                let args = if m.args.is_empty() { "()" } else { "(..)" };
                links.push(format!(".{}{args}", m.method));
                cur = &m.receiver;
            }
            syn::Expr::Call(c) => {
                let f = callee_text(cx, &c.func);
                let args = if c.args.is_empty() { "()" } else { "(..)" };
                links.push(format!("{f}{args}"));
                break;
            }
            syn::Expr::Try(t) => cur = &t.expr,
            syn::Expr::Await(a) => cur = &a.base,
            syn::Expr::Paren(p) => cur = &p.expr,
            other => {
                let t = cx.text(other);
                links.push(if t.len() <= 30 && !t.contains('\n') {
                    t.to_string()
                } else {
                    "..".into()
                });
                break;
            }
        }
    }
    links.reverse();
    let joined = links.concat();
    if joined.len() <= 60 || links.len() <= 2 {
        joined
    } else {
        format!("{}…{}", links[0], links[links.len() - 1])
    }
}

/// Trigger words made once, at run time, from a catalogue: they live as long as the program.
fn words_once(
    cell: &'static OnceLock<Vec<&'static str>>,
    make: fn() -> Vec<String>,
) -> &'static [&'static str] {
    cell.get_or_init(|| make().into_iter().map(|w| &*w.leak()).collect())
}

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}
