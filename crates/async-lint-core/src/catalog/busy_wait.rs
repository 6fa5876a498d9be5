//! The vocabulary of `busy-wait`, loaded from `rules/busy-wait.toml` (embedded at build time):
//! reads of state that only this process changes, awaits that only pass time, and what a
//! waiting loop may do besides.

use serde::Deserialize;

toml_table!(
    BusyWait from RawBusyWait,
    include_str!("../../rules/busy-wait.toml"),
    "rules/busy-wait.toml"
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBusyWait {
    #[serde(default)]
    state: Vec<StateRead>,
    timers: Names,
    idle: Names,
}

/// A family of reads of local state.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct StateRead {
    #[serde(default)]
    pub receivers: Vec<String>,
    #[serde(default)]
    pub methods: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub unknown_receiver: bool,
    #[serde(default)]
    pub ordering_arg: bool,
    #[serde(default)]
    pub messages: bool,
    pub what: String,
    pub help: String,
}

/// Fns, methods and macros, by resolved path or by name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Names {
    pub paths: Vec<String>,
    pub methods: Vec<String>,
    pub macros: Vec<String>,
}

impl Names {
    pub fn has_path(&self, path: &str) -> bool {
        self.paths.iter().any(|p| p == path)
    }

    pub fn has_method(&self, name: &str) -> bool {
        self.methods.iter().any(|m| m == name)
    }

    pub fn has_macro(&self, name: &str) -> bool {
        self.macros.iter().any(|m| m == name)
    }
}

/// The loaded vocabulary.
#[derive(Debug)]
pub struct BusyWait {
    pub state: Vec<StateRead>,
    pub timers: Names,
    pub idle: Names,
}

impl BusyWait {
    /// The table built from its raw form.
    fn from_raw(raw: RawBusyWait) -> BusyWait {
        BusyWait {
            state: raw.state,
            timers: raw.timers,
            idle: raw.idle,
        }
    }

    /// Is `name` a method of some state read? (A cheap check before types are looked up.)
    pub fn is_read_method(&self, name: &str) -> bool {
        self.state
            .iter()
            .any(|s| s.methods.iter().any(|m| m == name))
    }

    /// The read that method `name` is on a receiver of type `receiver` (`None`: unknown),
    /// `ordering` telling whether its one argument is an atomic `Ordering`.
    pub fn method_read(
        &self,
        name: &str,
        receiver: Option<&str>,
        ordering: bool,
    ) -> Option<&StateRead> {
        let mut family = self
            .state
            .iter()
            .filter(|s| s.methods.iter().any(|m| m == name));
        match receiver {
            Some(ty) => {
                family.find(|s| s.receivers.iter().any(|r| r == ty) || (ordering && s.ordering_arg))
            }
            None => family.find(|s| s.unknown_receiver || (ordering && s.ordering_arg)),
        }
    }

    /// The read that the fn at a resolved path is.
    pub fn path_read(&self, path: &str) -> Option<&StateRead> {
        self.state
            .iter()
            .find(|s| s.paths.iter().any(|p| p == path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_busy_wait_vocabulary_loads_and_answers() {
        let b = BusyWait::builtin();
        // (method, receiver type, `Ordering` argument, the read it is, why)
        let cases = [
            (
                "load",
                None,
                true,
                Some("an atomic to change"),
                "an atomic load",
            ),
            (
                "load",
                None,
                false,
                None,
                "an unknown `load` needs its type",
            ),
            (
                "load",
                Some("std::sync::atomic::AtomicBool"),
                false,
                Some("an atomic to change"),
                "a typed atomic",
            ),
            ("try_recv", None, false, Some("a message"), "a channel"),
            ("is_closed", None, false, None, "a connection's is remote"),
            (
                "lock",
                Some("std::sync::Mutex"),
                false,
                Some("state behind a lock to change"),
                "a lock",
            ),
        ];
        for (method, receiver, ordering, read, why) in cases {
            let got = b
                .method_read(method, receiver, ordering)
                .map(|s| s.what.as_str());
            assert_eq!(got, read, "{why}");
        }
        assert!(b.path_read("std::sync::Arc::strong_count").is_some());
        assert!(b.timers.has_path("tokio::time::sleep") && b.timers.has_method("tick"));
        assert!(b.idle.has_macro("debug") && b.idle.has_method("elapsed"));
        assert!(b.is_read_method("is_finished") && !b.is_read_method("recv"));
    }
}
