//! The catalogue of runtimes, loaded from `rules/runtimes.toml` (embedded at build time): the
//! attributes and builders that run code on a runtime of a known flavor, the fns that panic
//! on a current-thread one, and the calls that need a runtime on the calling thread.

use serde::Deserialize;

toml_table!(
    Runtimes from RawRuntimes,
    include_str!("../../rules/runtimes.toml"),
    "rules/runtimes.toml"
);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawRuntimes {
    #[serde(default)]
    attribute: Vec<RawAttribute>,
    #[serde(default)]
    builder: Vec<RawBuilder>,
    #[serde(default)]
    block_in_place: Vec<RawPaths>,
    #[serde(default)]
    needs_runtime: Vec<RawNeeds>,
    #[serde(default)]
    probe: Vec<RawPaths>,
    #[serde(default)]
    catch_panics: Vec<RawPaths>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttribute {
    paths: Vec<String>,
    flavor: Flavor,
    #[serde(default)]
    fixed: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuilder {
    paths: Vec<String>,
    flavor: Flavor,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPaths {
    paths: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNeeds {
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    methods: Vec<String>,
    kind: NeedKind,
    why: String,
}

/// The flavor of a tokio runtime: whether its tasks all run on the thread that drives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavor {
    CurrentThread,
    MultiThread,
}

impl Flavor {
    /// The flavor a `flavor = ".."` argument names (tokio-macros' spellings).
    pub fn named(name: &str) -> Option<Flavor> {
        match name {
            "current_thread" | "local" => Some(Flavor::CurrentThread),
            "multi_thread" => Some(Flavor::MultiThread),
            _ => None,
        }
    }
}

/// How a call needs a runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedKind {
    /// Panics when the calling thread runs no runtime (`tokio::spawn`, `Handle::current`).
    Context,
    /// Blocks the calling thread on a future (`Runtime::block_on`, `futures::executor::block_on`).
    Blocks,
}

/// A call that needs a runtime, as the catalogue describes it.
#[derive(Debug, Clone)]
pub struct NeedsRuntime {
    pub kind: NeedKind,
    pub why: String,
}

/// An attribute macro that runs its async fn on a runtime.
#[derive(Debug, Clone)]
pub struct RuntimeAttribute {
    /// The flavor when the attribute names none.
    pub flavor: Flavor,
    /// The attribute takes no `flavor` argument.
    pub fixed: bool,
}

/// The loaded catalogue of runtimes.
#[derive(Debug, Default)]
pub struct Runtimes {
    attributes: Vec<(String, RuntimeAttribute)>,
    builders: Vec<(String, Flavor)>,
    block_in_place: Vec<String>,
    needs: Vec<(String, NeedsRuntime)>,
    needs_methods: Vec<(String, NeedsRuntime)>,
    probes: Vec<String>,
    catch_panics: Vec<String>,
}

impl Runtimes {
    /// The table built from its raw form.
    fn from_raw(raw: RawRuntimes) -> Runtimes {
        let mut cat = Runtimes::default();
        for a in raw.attribute {
            let attr = RuntimeAttribute {
                flavor: a.flavor,
                fixed: a.fixed,
            };
            cat.attributes.extend(each_name(a.paths, &attr));
        }
        for b in raw.builder {
            cat.builders.extend(each_name(b.paths, &b.flavor));
        }
        for b in raw.block_in_place {
            cat.block_in_place.extend(b.paths);
        }
        for n in raw.needs_runtime {
            let need = NeedsRuntime {
                kind: n.kind,
                why: n.why,
            };
            cat.needs.extend(each_name(n.paths, &need));
            cat.needs_methods.extend(each_name(n.methods, &need));
        }
        for p in raw.probe {
            cat.probes.extend(p.paths);
        }
        for p in raw.catch_panics {
            cat.catch_panics.extend(p.paths);
        }
        cat
    }

    /// The runtime attribute at a resolved path (`tokio::test`).
    pub fn attribute(&self, path: &str) -> Option<&RuntimeAttribute> {
        self.attributes
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, a)| a)
    }

    /// The last segments of the runtime attributes' paths (`test`, `main`), each once.
    pub fn attribute_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.attributes.iter().map(|(p, _)| last(p)).collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The flavor of the runtime that the call at a resolved path makes or builds.
    pub fn builder(&self, path: &str) -> Option<Flavor> {
        self.builders
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, f)| *f)
    }

    /// The words one of which a file that builds a current-thread runtime holds: the builder
    /// fn's name, or its type's when the fn is a plain `new` (`LocalRuntime`).
    pub fn current_thread_words(&self) -> Vec<&str> {
        self.builders
            .iter()
            .filter(|(_, f)| *f == Flavor::CurrentThread)
            .map(|(p, _)| {
                let mut segs = p.rsplit("::");
                let name = segs.next().unwrap_or(p);
                match segs.next() {
                    Some(ty) if name == "new" => ty,
                    _ => name,
                }
            })
            .collect()
    }

    /// Does the fn at a resolved path panic on a current-thread runtime?
    pub fn is_block_in_place(&self, path: &str) -> bool {
        self.block_in_place.iter().any(|p| p == path)
    }

    /// How the fn at a resolved path needs a runtime.
    pub fn needs_runtime(&self, path: &str) -> Option<&NeedsRuntime> {
        self.needs.iter().find(|(p, _)| p == path).map(|(_, n)| n)
    }

    /// How the method `name` needs a runtime, on any receiver (`block_on`).
    pub fn method_needs_runtime(&self, name: &str) -> Option<&NeedsRuntime> {
        self.needs_methods
            .iter()
            .find(|(m, _)| m == name)
            .map(|(_, n)| n)
    }

    /// The last segments of the paths and the method names that need a runtime, as rustfmt
    /// writes a call of them (`spawn(`, `current(`): a file that holds none of them cannot
    /// call one directly.
    pub fn needs_runtime_words(&self) -> Vec<String> {
        let mut words: Vec<String> = self
            .needs
            .iter()
            .map(|(p, _)| last(p))
            .chain(self.needs_methods.iter().map(|(m, _)| m.as_str()))
            .map(|n| format!("{n}("))
            .collect();
        words.sort_unstable();
        words.dedup();
        words
    }

    /// The names the fns that panic on a current-thread runtime are called by.
    pub fn block_in_place_names(&self) -> impl Iterator<Item = &str> {
        self.block_in_place.iter().map(|p| last(p))
    }

    /// Does the call at a resolved path ask whether a runtime runs, without panicking?
    pub fn is_probe(&self, path: &str) -> bool {
        self.probes.iter().any(|p| p == path)
    }

    /// Does the fn at a resolved path catch the panics of the closure it is given?
    pub fn catches_panics(&self, path: &str) -> bool {
        self.catch_panics.iter().any(|p| p == path)
    }
}

fn last(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// Each name an entry lists, paired with what the entry says of them.
fn each_name<T: Clone>(names: Vec<String>, value: &T) -> impl Iterator<Item = (String, T)> + '_ {
    names.into_iter().map(move |n| (n, value.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_runtime_catalogue_loads_and_answers() {
        let c = Runtimes::builtin();
        let test = c.attribute("tokio::test").map(|a| (a.flavor, a.fixed));
        assert_eq!(test, Some((Flavor::CurrentThread, false)));
        let main = c.attribute("tokio::main").map(|a| a.flavor);
        assert_eq!(main, Some(Flavor::MultiThread));
        assert!(c.attribute("actix_web::main").is_some_and(|a| a.fixed));
        assert_eq!(c.attribute_names(), vec!["main", "test"]);
        assert_eq!(
            c.builder("tokio::runtime::Builder::new_current_thread"),
            Some(Flavor::CurrentThread)
        );
        assert_eq!(
            c.builder("tokio::runtime::Runtime::new"),
            Some(Flavor::MultiThread)
        );
        assert_eq!(
            c.current_thread_words(),
            vec!["new_current_thread", "LocalRuntime"]
        );
        assert!(c.is_block_in_place("tokio::task::block_in_place"));
        let kind = |p| c.needs_runtime(p).map(|n| n.kind);
        assert_eq!(kind("tokio::spawn"), Some(NeedKind::Context));
        assert_eq!(
            kind("tokio::runtime::Handle::current"),
            Some(NeedKind::Context)
        );
        assert_eq!(
            kind("tokio::runtime::Runtime::block_on"),
            Some(NeedKind::Blocks)
        );
        // An executor that needs no runtime panics nowhere: not listed.
        assert_eq!(kind("futures::executor::block_on"), None);
        assert!(c.catches_panics("std::panic::catch_unwind"));
        assert_eq!(kind("tokio::runtime::Handle::try_current"), None);
        assert!(c.method_needs_runtime("block_on").is_some());
        assert_eq!(
            c.needs_runtime_words(),
            vec![
                "block_on(",
                "current(",
                "spawn(",
                "spawn_blocking(",
                "spawn_local("
            ]
        );
        assert!(c.is_probe("tokio::runtime::Handle::try_current"));
        assert_eq!(Flavor::named("local"), Some(Flavor::CurrentThread));
    }
}
