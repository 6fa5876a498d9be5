//! The rules and their registry. One rule = one file here, one page in `rules/<name>.md`
//! (embedded for `explain`), one folder in `fixtures/<name>/`, and one line in [`RULES`].

mod await_in_loop;
mod block_in_place_current_thread;
mod blocking_in_async;
mod cancel_unsafe_select;
mod lock_across_await;
mod runtime_in_drop;
mod sequential_awaits;
mod swallowed_task_error;
mod sync_logging;
mod timeout_never_fires;
mod tiny_task;
mod unbounded_spawn;

use crate::context::Context;
use crate::finding::{Finding, Severity};

/// The value type of a rule option in the config file (`[rules.<name>]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionKind {
    Bool,
    /// A string from a fixed set.
    Choice(&'static [&'static str]),
    StringList,
    Integer,
}

/// One documented option of a rule.
#[derive(Debug, Clone, Copy)]
pub struct RuleOption {
    pub key: &'static str,
    pub kind: OptionKind,
    pub help: &'static str,
}

/// What the registry knows about a rule without running it.
#[derive(Debug)]
pub struct RuleMeta {
    /// kebab-case name used everywhere a user names the rule.
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line for `async-lint rules` and SARIF's shortDescription.
    pub summary: &'static str,
    /// The user page, `rules/<name>.md`.
    pub doc: &'static str,
    pub options: &'static [RuleOption],
    /// Substrings of which at least one must occur in a file for the rule to be able to fire
    /// in it. Lets the driver skip parsing files that cannot matter; must be sound.
    pub triggers: &'static [&'static str],
}

/// A rule: a set of hooks called by the one visitor per file ([`crate::context`]) with the
/// context at that point. Rules keep no state of their own; they ask the context.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// The trigger words the driver's pre-check uses: [`RuleMeta::triggers`], unless the rule
    /// takes them from a catalogue at run time.
    fn triggers(&self) -> &'static [&'static str] {
        self.meta().triggers
    }

    /// Does the rule report in test code when the config does not say (`check-tests`)? Rules
    /// about code that panics do: a test is where such a mistake shows first.
    fn checks_tests(&self) -> bool {
        false
    }

    /// Called for every expression, before its children are visited.
    fn check_expr(&self, _cx: &Context<'_>, _expr: &syn::Expr, _out: &mut Vec<Finding>) {}

    /// Called for every block, before its statements are visited.
    fn check_block(&self, _cx: &Context<'_>, _block: &syn::Block, _out: &mut Vec<Finding>) {}

    /// Called for every statement of a block before it is visited, with the statements after
    /// it: the locals bound by earlier statements are known, the statement's own are not yet.
    fn check_stmt(
        &self,
        _cx: &Context<'_>,
        _stmt: &syn::Stmt,
        _rest: &[syn::Stmt],
        _out: &mut Vec<Finding>,
    ) {
    }

    /// Called for every macro invocation (expression, statement or item position), before the
    /// arguments the engine understands are visited.
    fn check_macro(&self, _cx: &Context<'_>, _mac: &syn::Macro, _out: &mut Vec<Finding>) {}
}

/// Every rule, in the order `async-lint rules` lists them. Adding a rule: one line here.
pub static RULES: &[&dyn Rule] = &[
    &blocking_in_async::BlockingInAsync,
    &sequential_awaits::SequentialAwaits,
    &await_in_loop::AwaitInLoop,
    &unbounded_spawn::UnboundedSpawn,
    &tiny_task::TinyTask,
    &swallowed_task_error::SwallowedTaskError,
    &lock_across_await::LockAcrossAwait,
    &sync_logging::SyncLogging,
    &cancel_unsafe_select::CancelUnsafeSelect,
    &timeout_never_fires::TimeoutNeverFires,
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

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}
