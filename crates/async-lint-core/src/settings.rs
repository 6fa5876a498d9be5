//! Reading a config against the declared rules: [`Config`]'s constructors check every rule
//! name and every `[rules.<name>]` table against the options the rule declares, naming the
//! key of any error. Above the rules, so that the config itself stays below the context.

use crate::config::{
    expected, locate_key, parse_level, string_list, Config, ConfigError, RuleSettings, TopLevel,
    TOP_KEYS,
};
use crate::pseudo;
use crate::rules;
use serde::Deserialize;

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

fn check_rule_name(name: &str) -> Result<(), String> {
    if pseudo::is_rule_name(name) {
        Ok(())
    } else {
        Err(format!("unknown rule `{name}` (see `async-lint rules`)"))
    }
}

fn rule_settings(name: &str, value: &toml::Value) -> Result<RuleSettings, String> {
    let meta = pseudo::meta(name)
        .ok_or_else(|| format!("`rules.{name}`: unknown rule `{name}` (see `async-lint rules`)"))?;
    // A pseudo-rule has a level only: the pipeline makes its findings, in test code or not.
    let is_rule = rules::find(name).is_some();
    let mut out = RuleSettings::default();
    match value {
        toml::Value::String(level) => {
            out.level = Some(parse_level(level).map_err(|m| format!("`rules.{name}`: {m}"))?)
        }
        toml::Value::Table(t) => {
            let mut options = toml::Table::new();
            for (key, v) in t {
                let at = format!("rules.{name}.{key}");
                if key == "level" {
                    let s = v.as_str().ok_or_else(|| expected(&at, "a string"))?;
                    out.level = Some(parse_level(s).map_err(|m| format!("`{at}`: {m}"))?);
                } else if key == "check-tests" && is_rule {
                    out.check_tests =
                        Some(v.as_bool().ok_or_else(|| expected(&at, "true or false"))?);
                } else {
                    options.insert(key.clone(), v.clone());
                }
            }
            if !options.is_empty() {
                out.options = Some(meta.options.parse(options).map_err(|e| {
                    let at = format!("rules.{name}.{}", e.key);
                    match e.kind {
                        Some(kind) => expected(&at, &kind.expected()),
                        None if e.key.is_empty() => {
                            format!("`rules.{name}`: {}", e.whole)
                        }
                        None => {
                            let mut known: Vec<&str> =
                                meta.options.describe().iter().map(|o| o.key).collect();
                            known.insert(0, "level");
                            if is_rule {
                                known.insert(1, "check-tests");
                            }
                            format!("unknown key `{at}` (expected one of: {})", known.join(", "))
                        }
                    }
                })?);
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
