//! The rules and their registry. One rule = one file here, one page in `rules/<name>.md`
//! (embedded for `explain`), one folder in `fixtures/<name>/`, and one line in [`RULES`].

mod blocking_in_async;

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

    /// Called for every expression, before its children are visited.
    fn check_expr(&self, _cx: &Context<'_>, _expr: &syn::Expr, _out: &mut Vec<Finding>) {}

    /// Called for every block, before its statements are visited.
    fn check_block(&self, _cx: &Context<'_>, _block: &syn::Block, _out: &mut Vec<Finding>) {}

    /// Called for every macro invocation (expression, statement or item position), before the
    /// arguments the engine understands are visited.
    fn check_macro(&self, _cx: &Context<'_>, _mac: &syn::Macro, _out: &mut Vec<Finding>) {}
}

/// Every rule, in the order `async-lint rules` lists them. Adding a rule: one line here.
pub static RULES: &[&dyn Rule] = &[&blocking_in_async::BlockingInAsync];

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().name == name)
}
