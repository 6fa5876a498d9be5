//! The catalogue of cancel safety, loaded from `rules/cancel-safety.toml` (embedded at build
//! time): which macros race futures, which calls put a future under a timeout, and what an
//! async operation loses when its future is dropped before it completes.

use serde::Deserialize;
use std::collections::HashMap;

toml_table!(
    CancelSafety from RawCancel,
    include_str!("../../rules/cancel-safety.toml"),
    "rules/cancel-safety.toml"
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCancel {
    #[serde(default)]
    select: Vec<RawSelect>,
    #[serde(default)]
    timeout: Vec<RawTimeout>,
    #[serde(default)]
    operation: Vec<RawOperation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelect {
    paths: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeout {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    future: usize,
    #[serde(default)]
    methods: Vec<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOperation {
    #[serde(default)]
    names: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    receivers: Vec<String>,
    #[serde(default)]
    traits: Vec<String>,
    cancel_safe: bool,
    #[serde(default)]
    lost: Option<String>,
    #[serde(default)]
    kept_in: Option<usize>,
    #[serde(default)]
    moves: Option<usize>,
    #[serde(default)]
    unknown_receiver: Option<String>,
    source: String,
}

/// What a dropped future of one async operation loses.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Types whose inherent method it is (empty for free fns and trait-only methods).
    pub receivers: Vec<String>,
    /// Extension traits that give the method to any receiver implementing their base trait.
    pub traits: Vec<String>,
    pub cancel_safe: bool,
    /// What is thrown away, for messages.
    pub lost: String,
    /// The argument whose place keeps the progress (lost only when it is new each iteration).
    pub kept_in: Option<usize>,
    /// The argument moved into the future and dropped with it.
    pub moves: Option<usize>,
    /// On a receiver of unknown type, a call of this name is taken to be this operation.
    pub on_unknown_receiver: bool,
    /// The library docs' words, in ours.
    pub source: String,
}

/// The loaded catalogue of cancel safety.
#[derive(Debug, Default)]
pub struct CancelSafety {
    select: Vec<String>,
    /// Timeout fn path → the index of its future argument and the docs' words.
    timeouts: HashMap<String, (usize, String)>,
    /// Timeout method name → the docs' words.
    timeout_methods: Vec<(String, String)>,
    methods: HashMap<String, Vec<Operation>>,
    functions: HashMap<String, Operation>,
}

impl CancelSafety {
    /// The table built from its raw form.
    fn from_raw(raw: RawCancel) -> CancelSafety {
        let mut cat = CancelSafety::default();
        for s in raw.select {
            cat.select.extend(s.paths);
        }
        for t in raw.timeout {
            for p in t.paths {
                cat.timeouts.insert(p, (t.future, t.source.clone()));
            }
            for m in t.methods {
                cat.timeout_methods.push((m, t.source.clone()));
            }
        }
        for o in raw.operation {
            let op = Operation {
                receivers: o.receivers,
                traits: o.traits,
                cancel_safe: o.cancel_safe,
                lost: o.lost.unwrap_or_default(),
                kept_in: o.kept_in,
                moves: o.moves,
                on_unknown_receiver: o.unknown_receiver.as_deref() != Some("silent"),
                source: o.source,
            };
            for p in o.paths {
                cat.functions.insert(p, op.clone());
            }
            for n in o.names {
                cat.methods.entry(n).or_default().push(op.clone());
            }
        }
        cat
    }

    /// Is the resolved path a macro whose arms race (`tokio::select`)?
    pub fn is_select(&self, path: &str) -> bool {
        self.select.iter().any(|p| p == path)
    }

    /// The last segments of the racing macros' paths (`select`, `select_biased`, …): the names
    /// they are invoked by, a bare `select!` brought in by a glob or `#[macro_use]` included.
    pub fn select_macro_names(&self) -> impl Iterator<Item = &str> {
        self.select
            .iter()
            .map(|p| p.rsplit("::").next().unwrap_or(p))
    }

    /// Words one of which a file that invokes a racing macro holds, as rustfmt writes it:
    /// `select!`, `select_biased!`, or an import under another name (`select as race`).
    pub fn select_words(&self) -> Vec<String> {
        words(self.select_macro_names(), &["!", " as"])
    }

    /// The index of the future argument of the timeout fn at a resolved path, and how the
    /// docs say it works.
    pub fn timeout_fn(&self, path: &str) -> Option<(usize, &str)> {
        self.timeouts.get(path).map(|(i, s)| (*i, s.as_str()))
    }

    /// How the docs say the method `name` works, when it puts its receiver (a future) under a
    /// timeout.
    pub fn timeout_method(&self, name: &str) -> Option<&str> {
        self.timeout_methods
            .iter()
            .find(|(m, _)| m == name)
            .map(|(_, s)| s.as_str())
    }

    /// The last segments of the timeout fns' paths (`timeout`, `timeout_at`), each once.
    pub fn timeout_fn_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .timeouts
            .keys()
            .map(|p| p.rsplit("::").next().unwrap_or(p))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The names of the timeout methods (`timeout`).
    pub fn timeout_method_names(&self) -> Vec<&str> {
        self.timeout_methods
            .iter()
            .map(|(m, _)| m.as_str())
            .collect()
    }

    /// Words one of which a file that calls a timeout holds, as rustfmt writes it:
    /// `timeout(`, `timeout_at(`, or an import under another name (`timeout as deadline`).
    pub fn timeout_words(&self) -> Vec<String> {
        let names = self.timeout_fn_names().into_iter();
        words(names.chain(self.timeout_method_names()), &["(", " as"])
    }

    /// The operation a free fn at a resolved path is.
    pub fn function(&self, path: &str) -> Option<&Operation> {
        self.functions.get(path)
    }

    /// The operation method `name` is on a receiver of type `receiver`: the entry listing that
    /// type, else an extension trait's (any reader or writer has it). On an unknown receiver,
    /// the first entry that is not cancel safe and may be taken by its name alone.
    pub fn method(&self, name: &str, receiver: Option<&str>) -> Option<&Operation> {
        let entries = self.methods.get(name)?;
        match receiver {
            Some(ty) => entries
                .iter()
                .find(|o| o.receivers.iter().any(|r| r == ty))
                .or_else(|| entries.iter().find(|o| !o.traits.is_empty())),
            None => entries
                .iter()
                .find(|o| !o.cancel_safe && o.on_unknown_receiver),
        }
    }
}

/// Each name followed by each suffix, each once, leaving out words that contain another (the
/// other's presence is what the search finds first either way).
fn words<'a>(names: impl Iterator<Item = &'a str>, suffixes: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = names
        .flat_map(|n| suffixes.iter().map(move |s| format!("{n}{s}")))
        .collect();
    all.sort_by(|a, b| (a.len(), a).cmp(&(b.len(), b)));
    all.dedup();
    let mut out: Vec<String> = Vec::new();
    for w in all {
        if !out.iter().any(|o| w.contains(o.as_str())) {
            out.push(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_cancel_catalogue_loads_and_answers() {
        let c = CancelSafety::builtin();
        assert!(c.is_select("tokio::select") && c.is_select("futures::select_biased"));
        assert_eq!(
            c.select_words(),
            vec!["select!", "select as", "select_biased!", "select_biased as"]
        );
        assert_eq!(
            c.timeout_words(),
            vec!["timeout(", "timeout as", "timeout_at(", "timeout_at as"]
        );
        assert_eq!(c.timeout_fn("tokio::time::timeout").map(|t| t.0), Some(1));
        assert!(c.timeout_method("timeout").is_some());
        assert_eq!(c.timeout_fn_names(), vec!["timeout", "timeout_at"]);
        let op = |n, r| c.method(n, r).map(|o| o.cancel_safe);
        assert_eq!(op("read_exact", None), Some(false));
        assert_eq!(op("read_exact", Some("tokio::net::TcpStream")), Some(false));
        assert_eq!(op("read", None), None, "cancel safe: never flagged");
        assert_eq!(op("send", Some("tokio::net::UdpSocket")), Some(true));
        assert_eq!(op("send", Some("tokio::sync::mpsc::Sender")), Some(false));
        assert_eq!(op("wait", None), None, "a barrier needs its type");
        assert!(c
            .function("tokio::io::copy")
            .is_some_and(|o| !o.cancel_safe));
        assert!(c
            .function("tokio::time::sleep")
            .is_some_and(|o| o.cancel_safe));
    }
}
