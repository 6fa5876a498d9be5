//! The catalogue of guards that must not cross an await besides lock guards, loaded from
//! `rules/await-guards.toml` (embedded at build time): which methods hand them out, on which
//! receivers, and how messages explain them.

use serde::Deserialize;

toml_table!(
    AwaitGuards from RawGuards,
    include_str!("../../rules/await-guards.toml"),
    "rules/await-guards.toml"
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuards {
    #[serde(default)]
    guard: Vec<GuardApi>,
}

/// One kind of guard: the methods that hand it out and what to say about it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardApi {
    pub receivers: Vec<String>,
    pub methods: Vec<String>,
    #[serde(default)]
    pub releases: Vec<String>,
    pub what: String,
    pub why: String,
    pub help: String,
    pub source: String,
}

impl GuardApi {
    /// The type that names the guard in messages and in [`crate::context::Guard::lock`].
    pub fn receiver(&self) -> &str {
        self.receivers.first().map_or("", String::as_str)
    }
}

/// The loaded catalogue.
#[derive(Debug, Default)]
pub struct AwaitGuards {
    guards: Vec<GuardApi>,
}

impl AwaitGuards {
    /// The table built from its raw form.
    fn from_raw(raw: RawGuards) -> AwaitGuards {
        AwaitGuards { guards: raw.guard }
    }

    /// Does any catalogued guard come from a method of this name? (A cheap check before
    /// the receiver's type is looked up.)
    pub fn is_guard_method(&self, method: &str) -> bool {
        self.guards
            .iter()
            .any(|g| g.methods.iter().any(|m| m == method))
    }

    /// The guard that method `method` hands out on a receiver of type `receiver`.
    pub fn by_method(&self, receiver: &str, method: &str) -> Option<&GuardApi> {
        self.guards.iter().find(|g| {
            g.receivers.iter().any(|r| r == receiver) && g.methods.iter().any(|m| m == method)
        })
    }

    /// The guard named by its receiver type (as [`GuardApi::receiver`] gives it).
    pub fn by_type(&self, ty: &str) -> Option<&GuardApi> {
        self.guards.iter().find(|g| g.receiver() == ty)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_guard_catalogue_loads_and_answers() {
        let c = AwaitGuards::builtin();
        assert!(c.is_guard_method("enter") && c.is_guard_method("entered"));
        assert!(!c.is_guard_method("lock"));
        let span = c.by_method("tracing::span::Span", "entered").expect("span");
        assert_eq!(span.receiver(), "tracing::Span");
        assert!(span.releases.iter().any(|r| r == "exit"));
        assert!(c.by_method("tokio::runtime::Handle", "enter").is_none());
        assert!(c.by_type("tracing::Span").is_some());
        assert!(AwaitGuards::parse("[[guard]]\nreceivers = []\n").is_err());
    }
}
