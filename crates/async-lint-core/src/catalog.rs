//! The catalogue of blocking APIs and of what calls return, loaded from
//! `rules/blocking-apis.toml` (embedded at build time) plus the project's config.
//!
//! The `returns` tables are what lets the context follow a receiver's type through `let`
//! bindings (`let f = File::open(p)?; f.read_to_string(..)`), so they are shared by all rules.

#[macro_use]
mod table;
pub mod busy_wait;
pub mod cancel;
pub mod guards;
mod vocabulary;
pub use vocabulary::{covering_words, vocabulary, SpawnerKind, Vocabulary};
pub mod runtime;

use crate::finding::Severity;
use serde::Deserialize;
use std::collections::HashMap;

toml_table!(
    Catalog from RawCatalog,
    include_str!("../rules/blocking-apis.toml"),
    "rules/blocking-apis.toml"
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    #[serde(default)]
    function: Vec<RawFunction>,
    #[serde(default)]
    method: Vec<RawMethod>,
    #[serde(default)]
    returns: Vec<RawReturns>,
    #[serde(default)]
    alias: Vec<RawAlias>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFunction {
    paths: Vec<String>,
    why: String,
    #[serde(flatten)]
    replacement: Replacement,
    #[serde(default)]
    fix: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    cheap: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawMethod {
    receivers: Vec<String>,
    names: Vec<String>,
    why: String,
    #[serde(flatten)]
    replacement: Replacement,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    on: Option<String>,
    #[serde(default)]
    cheap: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReturns {
    #[serde(default)]
    call: Vec<String>,
    #[serde(default)]
    receiver: Option<String>,
    #[serde(default)]
    methods: Vec<String>,
    #[serde(rename = "type", default)]
    ty: Option<String>,
    #[serde(default)]
    tuple: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAlias {
    canonical: String,
    paths: Vec<String>,
}

/// What to use instead of a blocking API: an async fn taking the same arguments, per runtime,
/// or advice in words.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", default)]
pub struct Replacement {
    pub instead: Option<String>,
    pub tokio: Option<String>,
    pub async_std: Option<String>,
    pub smol: Option<String>,
}

/// A blocking API.
#[derive(Debug, Clone)]
pub struct BlockingApi {
    pub why: String,
    pub replacement: Replacement,
    /// `replacement(same args).await` is a drop-in.
    pub safe_fix: bool,
    pub severity: Severity,
    /// For methods: the blocking receiver is the first argument (diesel's `query.load(&mut conn)`).
    pub on_argument: bool,
    /// One metadata system call (`stat`, `mkdir`, `unlink`): microseconds from the OS cache,
    /// so worth moving only when repeated (see `blocking-in-async`'s `low-value` option).
    pub cheap: bool,
}

/// What a call evaluates to, as far as the engine follows types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Returns {
    Type(String),
    Tuple(Vec<String>),
}

/// The loaded catalogue.
#[derive(Debug, Default)]
pub struct Catalog {
    functions: HashMap<String, BlockingApi>,
    /// method name → (receiver type or `*`, api)
    methods: HashMap<String, Vec<(String, BlockingApi)>>,
    call_returns: HashMap<String, Returns>,
    method_returns: HashMap<(String, String), Returns>,
    aliases: HashMap<String, String>,
}

impl Catalog {
    /// The table built from its raw form.
    fn from_raw(raw: RawCatalog) -> Catalog {
        let mut cat = Catalog::default();
        for a in raw.alias {
            for p in a.paths {
                cat.aliases.insert(p, a.canonical.clone());
            }
        }
        for f in raw.function {
            let api = BlockingApi {
                why: f.why,
                replacement: f.replacement,
                safe_fix: f.fix.as_deref() == Some("safe"),
                severity: severity(f.severity.as_deref()),
                on_argument: false,
                cheap: f.cheap,
            };
            for p in f.paths {
                cat.functions.insert(p, api.clone());
            }
        }
        for m in raw.method {
            let api = BlockingApi {
                why: m.why,
                replacement: m.replacement,
                safe_fix: false,
                severity: severity(m.severity.as_deref()),
                on_argument: m.on.as_deref() == Some("argument"),
                cheap: m.cheap,
            };
            for name in &m.names {
                for r in &m.receivers {
                    cat.methods
                        .entry(name.clone())
                        .or_default()
                        .push((r.clone(), api.clone()));
                }
            }
        }
        for r in raw.returns {
            let ret = match r.ty {
                Some(t) => Returns::Type(t),
                None => Returns::Tuple(r.tuple),
            };
            for c in r.call {
                cat.call_returns.insert(c, ret.clone());
            }
            if let Some(recv) = r.receiver {
                for m in r.methods {
                    cat.method_returns.insert((recv.clone(), m), ret.clone());
                }
            }
        }
        cat
    }

    /// The canonical name of a resolved path: a type alias, or a path through one
    /// (`diesel::pg::PgConnection::establish` → `diesel::PgConnection::establish`).
    pub fn canonical(&self, path: &str) -> String {
        if let Some(c) = self.aliases.get(path) {
            return c.clone();
        }
        if let Some((head, last)) = path.rsplit_once("::") {
            if let Some(c) = self.aliases.get(head) {
                return format!("{c}::{last}");
            }
        }
        path.to_string()
    }

    /// The blocking function at a resolved path.
    pub fn function(&self, path: &str) -> Option<&BlockingApi> {
        self.functions.get(&self.canonical(path))
    }

    /// The blocking method `name` on a receiver of type `receiver` (`None`: unknown type; only
    /// `*` entries, whose names no async API shares, match it).
    pub fn method(&self, name: &str, receiver: Option<&str>) -> Option<&BlockingApi> {
        let entries = self.methods.get(name)?;
        let recv = receiver.map(|r| self.canonical(r));
        entries
            .iter()
            .find(|(r, _)| r == "*" || Some(r.as_str()) == recv.as_deref())
            .map(|(_, api)| api)
    }

    /// Whether some method entry needs the type of the first argument.
    pub fn method_on_argument(&self, name: &str) -> bool {
        self.methods
            .get(name)
            .is_some_and(|v| v.iter().any(|(_, a)| a.on_argument))
    }

    /// What a call of the resolved path returns.
    pub fn call_returns(&self, path: &str) -> Option<&Returns> {
        self.call_returns.get(&self.canonical(path))
    }

    /// What method `name` on a receiver of type `receiver` returns.
    pub fn method_returns(&self, receiver: &str, name: &str) -> Option<&Returns> {
        self.method_returns
            .get(&(self.canonical(receiver), name.to_string()))
    }
}

fn severity(s: Option<&str>) -> Severity {
    s.and_then(Severity::parse).unwrap_or(Severity::Warning)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_loads_and_answers() {
        let c = Catalog::builtin();
        assert!(c.function("std::thread::sleep").is_some_and(|a| a.safe_fix));
        assert!(c.function("tokio::time::sleep").is_none());
        assert!(c.function("diesel::pg::PgConnection::establish").is_some());
        assert!(
            c.method("recv", None).is_none(),
            "recv is common: needs a known receiver"
        );
        assert!(c
            .method("recv", Some("std::sync::mpsc::Receiver"))
            .is_some());
        assert_eq!(
            c.method("block_on", None).map(|a| a.severity),
            Some(Severity::Error)
        );
        assert_eq!(
            c.call_returns("std::sync::mpsc::channel"),
            Some(&Returns::Tuple(vec![
                "std::sync::mpsc::Sender".into(),
                "std::sync::mpsc::Receiver".into()
            ]))
        );
    }
}
