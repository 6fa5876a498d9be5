//! The configuration: `async-lint.toml`, or `[workspace.metadata.async-lint]` /
//! `[package.metadata.async-lint]` in Cargo.toml. Finding the file is the driver's job; this
//! module turns its table into a checked [`Config`], naming the key of any error.

use crate::finding::Severity;
use crate::rules::{self, OptionKind};
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
        let table: toml::Table = toml::from_str(text).map_err(|e| ConfigError {
            source_name: source_name.to_string(),
            message: format!("invalid TOML: {}", e.message()),
        })?;
        Config::from_table(&table, source_name)
    }

    /// Checks a config table (an `async-lint.toml`, or a Cargo.toml metadata table).
    pub fn from_table(table: &toml::Table, source_name: &str) -> Result<Config, ConfigError> {
        let err = |message: String| ConfigError {
            source_name: source_name.to_string(),
            message,
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

fn parse_level(s: &str) -> Result<Level, String> {
    match s {
        "off" | "allow" => Ok(Level::Off),
        _ => Severity::parse(s).map(Level::On).ok_or_else(|| {
            format!("invalid level \"{s}\" (expected \"off\", \"info\", \"warning\" or \"error\")")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_key() {
        let e = Config::from_toml("exclud = []", "a.toml").unwrap_err();
        assert!(e.to_string().contains("unknown key `exclud`"), "{e}");
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
        assert!(e.to_string().contains("`exclude` must be"), "{e}");
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
        assert_eq!(
            c.per_path_ignores["tests/**"],
            vec!["blocking-in-async".to_string()]
        );
    }
}
