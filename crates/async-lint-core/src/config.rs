//! The configuration: `async-lint.toml`, or `[workspace.metadata.async-lint]` /
//! `[package.metadata.async-lint]` in Cargo.toml. Finding the file is the driver's job; this
//! module turns its table into a checked [`Config`], naming the key of any error.

use crate::finding::Severity;
use crate::rules::{self, OptionKind};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A rule's level from the config: off, or the severity its findings get.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    On(Severity),
}

/// `[rules.<name>]`: the level and the rule's own options (already checked against the rule's
/// declared options).
#[derive(Debug, Clone, Default)]
pub struct RuleSettings {
    pub level: Option<Level>,
    /// Also report in test code (`check-tests`, accepted by every rule; default: the
    /// top-level `check-tests`, else false).
    pub check_tests: Option<bool>,
    pub options: toml::Table,
}

impl RuleSettings {
    /// A string-list option (empty when unset).
    pub fn string_list(&self, key: &str) -> Vec<String> {
        self.options
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A string option.
    pub fn string(&self, key: &str) -> Option<&str> {
        self.options.get(key).and_then(|v| v.as_str())
    }

    pub fn bool(&self, key: &str) -> Option<bool> {
        self.options.get(key).and_then(|v| v.as_bool())
    }

    pub fn integer(&self, key: &str) -> Option<i64> {
        self.options.get(key).and_then(|v| v.as_integer())
    }
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
struct TopLevel {
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

const TOP_KEYS: &[&str] = &[
    "exclude",
    "per-path-ignores",
    "select",
    "ignore",
    "check-tests",
    "rules",
];

impl Config {
    /// Parses the text of an `async-lint.toml`.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Config, ConfigError> {
        Config::from_document(text, &[], source_name)
    }

    /// Parses the config table at `table` (e.g. `["package", "metadata", "async-lint"]`, or
    /// none for the whole file) of a TOML document; errors carry the position of the key at
    /// fault.
    pub fn from_document(
        text: &str,
        table: &[&str],
        source_name: &str,
    ) -> Result<Config, ConfigError> {
        let err = |message: String, at| ConfigError {
            source_name: source_name.to_string(),
            message,
            at,
        };
        let doc: toml::Table = toml::from_str(text).map_err(|e| {
            err(
                format!("invalid TOML: {}", e.message().trim_end()),
                e.span(),
            )
        })?;
        let mut value = toml::Value::Table(doc);
        for key in table {
            value = value
                .get(key)
                .cloned()
                .ok_or_else(|| err(format!("no table `{}`", table.join(".")), None))?;
        }
        let t = value
            .as_table()
            .ok_or_else(|| err(format!("`{}` must be a table", table.join(".")), None))?;
        let locate = |e: ConfigError| ConfigError {
            at: e.at.or_else(|| locate_key(text, table, &e.message)),
            ..e
        };
        // Straight from the text when the config is the whole file: serde's errors then carry
        // the position of the value at fault.
        let checked = if table.is_empty() {
            toml::from_str::<TopLevel>(text).map_err(|e| (e.message().to_string(), e.span()))
        } else {
            TopLevel::deserialize(toml::Value::Table(t.clone()))
                .map_err(|e| (e.message().to_string(), None))
        };
        if let Err((message, at)) = checked {
            return Err(locate(err(message.trim_end().to_string(), at)));
        }
        Config::from_table(t, source_name).map_err(locate)
    }

    /// Checks a config table (an `async-lint.toml`, or a Cargo.toml metadata table).
    pub fn from_table(table: &toml::Table, source_name: &str) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            source_name: source_name.to_string(),
            message,
            at: None,
        };
        let mut cfg = Config::default();
        for (key, value) in table {
            match key.as_str() {
                "check-tests" => {
                    cfg.check_tests = value
                        .as_bool()
                        .ok_or_else(|| err(expected("check-tests", "true or false")))?;
                }
                "exclude" => {
                    cfg.exclude = string_list(value)
                        .ok_or_else(|| err(expected("exclude", "a list of glob strings")))?
                }
                "select" | "ignore" => {
                    let list = string_list(value)
                        .ok_or_else(|| err(expected(key, "a list of rule names")))?;
                    for name in &list {
                        check_rule_name(name).map_err(|m| err(format!("`{key}`: {m}")))?;
                    }
                    if key == "select" {
                        cfg.select = list;
                    } else {
                        cfg.ignore = list;
                    }
                }
                "per-path-ignores" => {
                    let t = value
                        .as_table()
                        .ok_or_else(|| err(expected(key, "a table of glob = [rule names]")))?;
                    for (glob, rules) in t {
                        let key = format!("per-path-ignores.\"{glob}\"");
                        let list = string_list(rules)
                            .ok_or_else(|| err(expected(&key, "a list of rule names")))?;
                        for name in &list {
                            check_rule_name(name).map_err(|m| err(format!("`{key}`: {m}")))?;
                        }
                        globset::Glob::new(glob)
                            .map_err(|e| err(format!("`{key}`: invalid glob: {e}")))?;
                        cfg.per_path_ignores.insert(glob.clone(), list);
                    }
                }
                "rules" => {
                    let t = value
                        .as_table()
                        .ok_or_else(|| err(expected("rules", "a table of [rules.<rule-name>]")))?;
                    for (name, settings) in t {
                        let parsed = rule_settings(name, settings).map_err(err)?;
                        cfg.rules.insert(name.clone(), parsed);
                    }
                }
                other => {
                    return Err(err(format!(
                        "unknown key `{other}` (expected one of: {})",
                        TOP_KEYS.join(", ")
                    )));
                }
            }
        }
        for glob in &cfg.exclude {
            globset::Glob::new(glob)
                .map_err(|e| err(format!("`exclude`: invalid glob `{glob}`: {e}")))?;
        }
        Ok(cfg)
    }
}

/// The position of the deepest key of `table` + the first `` `dotted.key` `` named in
/// `message` (or the first key that a serde message names as unknown) in the document.
fn locate_key(text: &str, table: &[&str], message: &str) -> Option<std::ops::Range<usize>> {
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
fn split_key(key: &str) -> Vec<String> {
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

fn expected(key: &str, what: &str) -> String {
    format!("`{key}` must be {what}")
}

fn string_list(v: &toml::Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn check_rule_name(name: &str) -> Result<(), String> {
    if rules::find(name).is_some() || name == crate::finding::PARSE_ERROR {
        Ok(())
    } else {
        Err(format!("unknown rule `{name}` (see `async-lint rules`)"))
    }
}

fn rule_settings(name: &str, value: &toml::Value) -> Result<RuleSettings, String> {
    let rule = rules::find(name)
        .ok_or_else(|| format!("`rules.{name}`: unknown rule `{name}` (see `async-lint rules`)"))?;
    let meta = rule.meta();
    let mut out = RuleSettings::default();
    match value {
        toml::Value::String(level) => {
            out.level = Some(parse_level(level).map_err(|m| format!("`rules.{name}`: {m}"))?)
        }
        toml::Value::Table(t) => {
            for (key, v) in t {
                let at = format!("rules.{name}.{key}");
                if key == "level" {
                    let s = v.as_str().ok_or_else(|| expected(&at, "a string"))?;
                    out.level = Some(parse_level(s).map_err(|m| format!("`{at}`: {m}"))?);
                    continue;
                }
                if key == "check-tests" {
                    out.check_tests =
                        Some(v.as_bool().ok_or_else(|| expected(&at, "true or false"))?);
                    continue;
                }
                let opt = meta.options.iter().find(|o| o.key == key).ok_or_else(|| {
                    let mut known: Vec<&str> = meta.options.iter().map(|o| o.key).collect();
                    known.splice(0..0, ["level", "check-tests"]);
                    format!("unknown key `{at}` (expected one of: {})", known.join(", "))
                })?;
                let ok = match opt.kind {
                    OptionKind::Bool => v.is_bool(),
                    OptionKind::Integer => v.is_integer(),
                    OptionKind::StringList => string_list(v).is_some(),
                    OptionKind::Choice(choices) => v.as_str().is_some_and(|s| choices.contains(&s)),
                };
                if !ok {
                    let what = match opt.kind {
                        OptionKind::Bool => "true or false".to_string(),
                        OptionKind::Integer => "an integer".to_string(),
                        OptionKind::StringList => "a list of strings".to_string(),
                        OptionKind::Choice(c) => format!(
                            "one of {}",
                            c.iter()
                                .map(|s| format!("\"{s}\""))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    return Err(expected(&at, &what));
                }
                out.options.insert(key.clone(), v.clone());
            }
        }
        _ => {
            return Err(expected(
                &format!("rules.{name}"),
                "a level string or a table",
            ))
        }
    }
    Ok(out)
}

/// A level: `off`, `info`, `warning`, `error`, or clippy's words for them (`allow`, `warn`,
/// `deny`).
fn parse_level(s: &str) -> Result<Level, String> {
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
        assert_eq!(
            r.string_list("extra-blocking"),
            vec!["my::io::read".to_string()]
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
