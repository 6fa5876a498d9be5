//! The hooks a rule implements: the one visitor per file calls them with the [`Context`] at
//! each point. The rules themselves live in [`crate::rules`], above the context.

use super::{Context, Need};
use crate::config::RuleSettings;
use crate::declare::RuleMeta;
use crate::finding::Finding;

/// A rule: a set of hooks called by the one visitor per file ([`crate::context`]) with the
/// context at that point. Rules keep no state of their own; they ask the context.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// The trigger words the driver's pre-check uses: [`RuleMeta::triggers`], unless the rule
    /// takes them from a catalogue at run time.
    fn triggers(&self) -> &'static [&'static str] {
        self.meta().triggers
    }

    /// A word that every file the rule can fire in holds besides one of its [`triggers`]
    /// (`Self::triggers`): the pre-check then asks for both.
    fn required_word(&self) -> Option<&'static str> {
        None
    }

    /// Does the rule look at test code? The engine calls the hooks of a rule that does not
    /// only outside test code (or everywhere when the config's `check-tests` asks for it).
    fn checks_test_code(&self) -> bool {
        false
    }

    /// The analyses and on-demand facts the rule reads ([`Context::get`]): the visitor runs
    /// only those an enabled rule declares.
    fn analyses(&self) -> &'static [Need] {
        &[]
    }

    /// Types (paths, as the user wrote them) whose values the guard tracker treats as guards
    /// that must not be alive at an `.await`, from the rule's own settings (a project's
    /// transaction guards, thread-bound handles). The engine asks every enabled rule.
    fn guard_types(&self, _settings: Option<&RuleSettings>) -> Vec<String> {
        Vec::new()
    }

    /// The project's own blocking APIs and the fns it trusts not to block, from the rule's own
    /// settings: the engine gathers them from every rule, enabled or not, for the context's
    /// and the crate index's answer to "does this call block?".
    fn project_apis(&self, _settings: Option<&RuleSettings>) -> crate::index::ProjectApis {
        crate::index::ProjectApis::default()
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
