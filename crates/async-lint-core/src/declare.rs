//! What a rule declares about itself, read without running it: its name, default severity,
//! summary, page, options and trigger words. Below the config (which checks a rule's table
//! against its options) and the context (whose visitor runs the rules).

use crate::finding::Severity;
pub use crate::options::{OptionKind, OptionsDecl, RuleOption};

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
    /// Its options: the fields of its options struct ([`crate::options`]).
    pub options: OptionsDecl,
    /// Substrings of which at least one must occur in a file for the rule to be able to fire
    /// in it. Lets the driver skip parsing files that cannot matter; must be sound.
    pub triggers: &'static [&'static str],
}
