//! The configuration: `async-lint.toml`, or `[workspace.metadata.async-lint]` /
//! `[package.metadata.async-lint]` in Cargo.toml. Finding the file is the driver's job; this
//! module turns its table into a checked [`Config`], naming the key of any error.

use crate::finding::Severity;
use crate::options::{Options, OptionsOf, RuleOptions};
use std::collections::{BTreeMap, HashMap};

/// A rule's level from the config: off, or the severity its findings get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

/// `[rules.<name>]`: the level and the rule's own options (read into its options struct).
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    pub level: Option<Level>,
    /// Also report in test code (`check-tests`, accepted by every rule; default: the
    /// top-level `check-tests`, else false).
    pub check_tests: Option<bool>,
    /// The options the config sets (`None`: the rule's defaults).
    pub options: Option<Options>,
}

impl RuleSettings {
    /// The rule's options as `T`, its options struct (the defaults when the config sets
    /// none).
    pub fn options<T: RuleOptions>(&self) -> &T {
        self.options
            .as_ref()
            .and_then(Options::get)
            .unwrap_or_else(|| T::defaults())
    }
}

/// The options of the rule `T` belongs to, in the settings of every rule.
pub fn options_of<'s, T: OptionsOf>(settings: &'s HashMap<&'static str, RuleSettings>) -> &'s T {
    settings
        .get(T::RULE)
        .map_or_else(|| T::defaults(), RuleSettings::options)
}

/// A checked configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Glob patterns of paths not to lint (relative to the config's folder).
    pub exclude: Vec<String>,
    /// Glob pattern → rules not reported for matching paths.
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    /// Only these rules (all when empty).
    pub select: Vec<String>,
    /// Not these rules.
    pub ignore: Vec<String>,
    /// Report in test code too (every rule; `[rules.<name>] check-tests` overrides).
    pub check_tests: bool,
    pub rules: BTreeMap<String, RuleSettings>,
}

/// A config that cannot be used, with the key at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{source_name}: {message}")]
pub struct ConfigError {
    /// The file (and table) the config came from.
    pub source_name: String,
    pub message: String,
    /// The byte range of the bad key (or value) in the file, when known.
    pub at: Option<std::ops::Range<usize>>,
}

/// The top level of a config, for serde to reject unknown keys and wrong types with their
/// position; the rules' tables are checked against each rule's declared options afterwards.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(
    dead_code,
    reason = "read for its checks; Config::from_table keeps the values"
)]
pub(crate) struct TopLevel {
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    per_path_ignores: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    select: Vec<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    check_tests: bool,
    #[serde(default)]
    rules: toml::Table,
}

pub(crate) const TOP_KEYS: &[&str] = &[
    "exclude",
    "per-path-ignores",
    "select",
    "ignore",
    "check-tests",
    "rules",
];

/// The position of the deepest key of `table` + the first `` `dotted.key` `` named in
/// `message` (or the first key that a serde message names as unknown) in the document.
pub(crate) fn locate_key(
    text: &str,
    table: &[&str],
    message: &str,
) -> Option<std::ops::Range<usize>> {
    let quoted = message.split('`').nth(1)?;
    let mut path: Vec<String> = table.iter().map(|k| k.to_string()).collect();
    path.extend(split_key(quoted));
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut current = doc.get_ref();
    let mut found = None;
    for key in &path {
        let Some((k, v)) = current.iter().find(|(k, _)| k.get_ref() == key) else {
            break;
        };
        found = Some(k.span());
        match v.get_ref().as_table() {
            Some(t) => current = t,
            None => break,
        }
    }
    found
}

/// `a.b."c.d"` → `a`, `b`, `c.d`.
pub(crate) fn split_key(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in key.chars() {
        match c {
            '"' => quoted = !quoted,
            '.' if !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

pub(crate) fn expected(key: &str, what: &str) -> String {
    format!("`{key}` must be {what}")
}

pub(crate) fn string_list(v: &toml::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

/// A level: `off`, `info`, `warning`, `error`, or clippy's words for them (`allow`, `warn`,
/// `deny`).
pub(crate) fn parse_level(s: &str) -> Result<Level, String> {
    match s {
        "off" | "allow" => Ok(Level::Off),
        "deny" => Ok(Level::On(Severity::Error)),
        _ => Severity::parse(s).map(Level::On).ok_or_else(|| {
            format!(
                "invalid level \"{s}\" (expected \"off\", \"info\", \"warning\" or \"error\"; \
                 clippy's \"allow\", \"warn\" and \"deny\" work too)"
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_key() {
        let e = Config::from_toml("exclud = []", "a.toml").unwrap_err();
        assert!(e.to_string().contains("unknown field `exclud`"), "{e}");
        let e =
            Config::from_toml("[rules.blocking-in-async]\nlevel = \"loud\"", "a.toml").unwrap_err();
        assert!(
            e.to_string().contains("rules.blocking-in-async.level"),
            "{e}"
        );
        let e = Config::from_toml("[rules.blocking-in-async]\ncolour = 1", "a.toml").unwrap_err();
        assert!(
            e.to_string()
                .contains("unknown key `rules.blocking-in-async.colour`"),
            "{e}"
        );
        let e = Config::from_toml("[rules.no-such-rule]\nlevel = \"off\"", "a.toml").unwrap_err();
        assert!(e.to_string().contains("unknown rule `no-such-rule`"), "{e}");
        let e = Config::from_toml("exclude = [1]", "a.toml").unwrap_err();
        assert!(e.to_string().contains("expected a string"), "{e}");
        assert_eq!(e.at, Some(11..12), "the bad value");
    }

    #[test]
    fn rule_options_of_the_wrong_type_name_the_key_and_what_it_takes() {
        for (text, message) in [
            (
                "[rules.blocking-in-async]\ntransitive = \"yes\"\n",
                "`rules.blocking-in-async.transitive` must be true or false",
            ),
            (
                "[rules.blocking-in-async]\ntrusted = [\"a\", 2]\n",
                "`rules.blocking-in-async.trusted` must be a list of strings",
            ),
            (
                "[rules.unbounded-spawn]\naccept-loops = \"sometimes\"\n",
                "`rules.unbounded-spawn.accept-loops` must be one of \"warn\", \"allow\"",
            ),
            (
                "[rules.sync-logging]\nscope = \"all\"\n",
                "`rules.sync-logging.scope` must be one of \"servers\", \"serving\", \
                 \"hot-paths\", \"all-async\"",
            ),
        ] {
            let e = Config::from_toml(text, "a.toml").unwrap_err();
            assert_eq!(e.message, message);
            let key = text.lines().nth(1).and_then(|l| l.split(' ').next());
            assert_eq!(e.at.clone().map(|r| &text[r]), key, "{e}");
        }
        let e = Config::from_toml("[rules.tiny-task]\nscope = \"all\"\n", "a.toml").unwrap_err();
        assert_eq!(
            e.message,
            "unknown key `rules.tiny-task.scope` (expected one of: level, check-tests)"
        );
        let e =
            Config::from_toml("[rules.unused-allow]\ncheck-tests = true\n", "a.toml").unwrap_err();
        assert_eq!(
            e.message,
            "unknown key `rules.unused-allow.check-tests` (expected one of: level)"
        );
    }

    #[test]
    fn errors_point_at_the_key() {
        let text = "exclude = []\n\n[rules.blocking-in-async]\nlevl = \"error\"\n";
        let e = Config::from_toml(text, "a.toml").unwrap_err();
        assert_eq!(e.at.clone().map(|r| &text[r]), Some("levl"), "{e}");
        let e = Config::from_toml("select = []\nexclud = []\n", "a.toml").unwrap_err();
        assert!(e.message.contains("unknown field `exclud`"), "{e}");
        assert_eq!(e.at.clone().map(|r| r.start), Some(12), "{e}");
        let e = Config::from_toml("check-tests = 1\n", "a.toml").unwrap_err();
        assert!(e.at.is_some(), "{e}");
        let cargo = "[package]\nname = \"x\"\n[package.metadata.async-lint]\nselect = [\"nope\"]\n";
        let e = Config::from_document(cargo, &["package", "metadata", "async-lint"], "Cargo.toml")
            .unwrap_err();
        assert_eq!(e.at.clone().map(|r| &cargo[r]), Some("select"), "{e}");
    }

    #[test]
    fn valid_config_round_trips() {
        let c = Config::from_toml(
            "exclude = [\"gen/**\"]\n[per-path-ignores]\n\"tests/**\" = [\"blocking-in-async\"]\n\
             [rules.blocking-in-async]\nlevel = \"error\"\nextra-blocking = [\"my::io::read\"]",
            "a.toml",
        )
        .expect("valid config");
        let r = &c.rules["blocking-in-async"];
        assert_eq!(r.level, Some(Level::On(Severity::Error)));
        let options = r.options.as_ref().expect("options set");
        assert_eq!(
            options.to_table()["extra-blocking"],
            toml::Value::Array(vec!["my::io::read".into()])
        );
        for (word, level) in [
            ("allow", Level::Off),
            ("warn", Level::On(Severity::Warning)),
            ("deny", Level::On(Severity::Error)),
        ] {
            let c = Config::from_toml(
                &format!("[rules]\nblocking-in-async = \"{word}\""),
                "a.toml",
            )
            .expect("clippy's level words");
            assert_eq!(c.rules["blocking-in-async"].level, Some(level));
        }
        assert_eq!(
            c.per_path_ignores["tests/**"],
            vec!["blocking-in-async".to_string()]
        );
    }
}
