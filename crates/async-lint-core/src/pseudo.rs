//! The pseudo-rules: findings the pipeline makes itself rather than a rule's hooks. They are
//! declared as the rules are (a [`RuleMeta`]), so everything that lists, describes or checks
//! rule names ([`meta`], [`is_rule_name`]) treats them alike: the config's `select`,
//! `ignore`, `per-path-ignores` and `[rules.<name>] level` take them as any rule.

use crate::declare::{OptionsDecl, RuleMeta};
use crate::finding::{Severity, PARSE_ERROR};

/// Name of the pseudo-rule for allow comments that name no rule or suppress nothing.
pub const UNUSED_ALLOW: &str = "unused-allow";

/// A file that does not parse (stage 1 of the pipeline).
pub static PARSE_ERROR_RULE: RuleMeta = RuleMeta {
    name: PARSE_ERROR,
    default_severity: Severity::Error,
    summary: "a file that does not parse, and so was not linted",
    doc: "# parse-error\n\nThe file is not valid Rust syntax (or is nested too deeply), so \
          async-lint could not lint it. Fix the syntax error, or exclude the file \
          (generated code, templates) with `exclude` in async-lint.toml.\n",
    options: OptionsDecl::NONE,
    triggers: &[],
};

/// An allow comment that names no rule, or (with `--report-unused-allows`) suppresses
/// nothing (stage 2 of the pipeline).
pub static UNUSED_ALLOW_RULE: RuleMeta = RuleMeta {
    name: UNUSED_ALLOW,
    default_severity: Severity::Warning,
    summary: "an `// async-lint: allow(..)` comment that suppresses nothing",
    doc: "# unused-allow\n\nReported with `--report-unused-allows`: an allow comment \
          that suppressed no finding in this run, or that names no rule. A suppression \
          that is no longer needed would hide a future finding; `--fix` removes it.\n",
    options: OptionsDecl::NONE,
    triggers: &[],
};

/// Every pseudo-rule.
pub static PSEUDO_RULES: &[&RuleMeta] = &[&PARSE_ERROR_RULE, &UNUSED_ALLOW_RULE];

/// The declaration of a rule or pseudo-rule.
pub fn meta(name: &str) -> Option<&'static RuleMeta> {
    crate::rules::find(name)
        .map(|r| r.meta())
        .or_else(|| PSEUDO_RULES.iter().copied().find(|m| m.name == name))
}

/// Is `name` a rule or a pseudo-rule?
pub fn is_rule_name(name: &str) -> bool {
    meta(name).is_some()
}
