//! The async vocabulary shared by several layers (`rules/async-vocabulary.toml`): which macros
//! await by themselves, which ones log.

use serde::Deserialize;
use std::sync::OnceLock;

const BUILTIN: &str = include_str!("../../rules/async-vocabulary.toml");

/// The lists of `rules/async-vocabulary.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Vocabulary {
    /// Macros that poll the futures given to them to completion.
    pub awaiting_macros: Vec<String>,
    /// The logging macros of `log` and `tracing`, by level.
    pub logging_macros: Vec<String>,
}

impl Vocabulary {
    /// Does the macro called `name` (last segment) await by itself?
    pub fn is_awaiting_macro(&self, name: &str) -> bool {
        self.awaiting_macros.iter().any(|m| m == name)
    }

    /// Is the macro called `name` (last segment) a logging macro?
    pub fn is_logging_macro(&self, name: &str) -> bool {
        self.logging_macros.iter().any(|m| m == name)
    }
}

/// The built-in vocabulary, parsed once.
pub fn vocabulary() -> &'static Vocabulary {
    static PARSED: OnceLock<Vocabulary> = OnceLock::new();
    PARSED.get_or_init(|| {
        toml::from_str(BUILTIN).expect("the built-in rules/async-vocabulary.toml is valid")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_vocabulary_parses() {
        let v = vocabulary();
        assert!(v.is_awaiting_macro("select") && v.is_awaiting_macro("pending"));
        assert!(v.is_logging_macro("warn") && !v.is_logging_macro("println"));
    }
}
