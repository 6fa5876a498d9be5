//! The async vocabulary shared by several layers (`rules/async-vocabulary.toml`): which macros
//! await by themselves and which ones log, which calls spawn a task, push a future, hand a
//! closure to another thread or run it per item, which ones wait for a timer, and which types
//! are locks. The words of the prefilters that skip code which spawns nothing are derived
//! from the spawners here.
//!
//! What stays in code: word lists one module keeps for its own heuristic (the loop bounds'
//! acquire/accept/budget words, the failure analysis' non-returning macros, the crate index's
//! server and logger-setup needles, a rule's own lists): no other layer asks them.

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
    /// Crates whose awaiting macros await when named by path.
    pub awaiting_macro_crates: Vec<String>,
    /// Calls that run a sync closure argument on another thread or a blocking pool.
    pub offloading_calls: Vec<String>,
    /// Combinators that run their closure argument in place, once per item.
    pub per_item_adapters: Vec<String>,
    /// Combinators that run their closure argument in place, at most once.
    pub inline_once_adapters: Vec<String>,
    /// Methods and fns whose future completes after a delay.
    pub timers: Vec<String>,
    /// Fns that make a timer future (`Timer::after`).
    pub timer_constructors: Vec<String>,
    /// Methods that add a future to a `FuturesUnordered`/`FuturesOrdered`.
    pub push_methods: Vec<String>,
    /// Calls that start a task.
    #[serde(rename = "spawner")]
    pub spawners: Vec<Spawner>,
    /// Locks whose guards are tracked.
    #[serde(rename = "lock")]
    pub locks: Vec<Lock>,
}

/// Lock types with the same guard-producing methods.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Resolved paths of the types.
    pub types: Vec<String>,
    /// Methods that hand out the guard itself.
    #[serde(default)]
    pub guard: Vec<String>,
    /// Methods that hand it out wrapped (`LockResult`, `Option`).
    #[serde(default)]
    pub wrapped: Vec<String>,
}

/// What kind of task a spawner starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpawnerKind {
    /// An async task on the runtime.
    Task,
    /// A `!Send` task on the current thread.
    Local,
    /// A closure on the blocking pool.
    Blocking,
}

/// Spawners of one kind of task.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spawner {
    pub kind: SpawnerKind,
    /// Free fns, by resolved path.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Method names.
    #[serde(default)]
    pub methods: Vec<String>,
}

fn has(list: &[String], name: &str) -> bool {
    list.iter().any(|m| m == name)
}

impl Vocabulary {
    /// Does the macro called `name` (last segment) await by itself?
    pub fn is_awaiting_macro(&self, name: &str) -> bool {
        has(&self.awaiting_macros, name)
    }

    /// Is the macro called `name` (last segment) a logging macro?
    pub fn is_logging_macro(&self, name: &str) -> bool {
        has(&self.logging_macros, name)
    }

    /// Do the awaiting macros of the crate `name` await?
    pub fn is_awaiting_macro_crate(&self, name: &str) -> bool {
        has(&self.awaiting_macro_crates, name)
    }

    /// Does a call named `name` (last segment or method) run a sync closure elsewhere?
    pub fn is_offloading(&self, name: &str) -> bool {
        has(&self.offloading_calls, name)
    }

    /// Does the combinator `name` run its closure once per item?
    pub fn is_per_item_adapter(&self, name: &str) -> bool {
        has(&self.per_item_adapters, name)
    }

    /// Does the combinator `name` run its closure in place, at most once?
    pub fn is_inline_once(&self, name: &str) -> bool {
        has(&self.inline_once_adapters, name)
    }

    /// Is a method or fn called `name` a timer?
    pub fn is_timer(&self, name: &str) -> bool {
        has(&self.timers, name)
    }

    /// Does a fn called `name` make a timer future?
    pub fn is_timer_constructor(&self, name: &str) -> bool {
        has(&self.timer_constructors, name)
    }

    /// Does a method called `name` push a future into a set of futures?
    pub fn is_push_method(&self, name: &str) -> bool {
        has(&self.push_methods, name)
    }

    /// Is the resolved type `ty` one of the locks?
    pub fn is_lock(&self, ty: &str) -> bool {
        self.locks.iter().any(|l| has(&l.types, ty))
    }

    /// Is `name` a guard-producing method of some lock?
    pub fn is_lock_method(&self, name: &str) -> bool {
        self.locks
            .iter()
            .any(|l| has(&l.guard, name) || has(&l.wrapped, name))
    }

    /// Does the method `name` of the lock type `ty` hand out a guard, and is it wrapped
    /// (`Some(true)`: in a `LockResult` or an `Option`)?
    pub fn lock_method(&self, ty: &str, name: &str) -> Option<bool> {
        let lock = self.locks.iter().find(|l| has(&l.types, ty))?;
        if has(&lock.guard, name) {
            return Some(false);
        }
        has(&lock.wrapped, name).then_some(true)
    }

    /// The kind of task the free fn at the resolved `path` spawns.
    pub fn spawn_fn(&self, path: &str) -> Option<SpawnerKind> {
        self.spawners
            .iter()
            .find(|s| has(&s.paths, path))
            .map(|s| s.kind)
    }

    /// The kind of task a method called `name` spawns, when it is a spawner's.
    pub fn spawn_method(&self, name: &str) -> Option<SpawnerKind> {
        self.spawners
            .iter()
            .find(|s| has(&s.methods, name))
            .map(|s| s.kind)
    }

    /// Every name a spawn is called by: the last segment of each spawner path and each
    /// spawner method.
    pub fn spawner_names(&self) -> impl Iterator<Item = &str> {
        self.spawners.iter().flat_map(|s| {
            let fns = s.paths.iter().filter_map(|p| p.rsplit("::").next());
            fns.chain(s.methods.iter().map(String::as_str))
        })
    }

    /// The words one of which every spawner's name holds (`spawn`): code whose text has none
    /// of them (nor a renamed import) starts no task.
    pub fn spawner_words(&self) -> Vec<&str> {
        covering_words(self.spawner_names())
    }

    /// The words one of which every spawner's and every push method's name holds (`push`,
    /// `spawn`): code whose text has none of them starts no task and pushes no future.
    pub fn spawn_words(&self) -> Vec<&str> {
        covering_words(
            self.spawner_names()
                .chain(self.push_methods.iter().map(String::as_str)),
        )
    }
}

/// The fewest of `names` that every name contains: those that contain no other one, sorted.
/// A text holding none of them holds none of `names`.
pub fn covering_words<'a>(names: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut names: Vec<&str> = names.collect();
    names.sort_unstable();
    names.dedup();
    let covering: Vec<&str> = names
        .iter()
        .filter(|n| !names.iter().any(|m| m != *n && n.contains(m)))
        .copied()
        .collect();
    covering
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
        assert_eq!(v.spawn_fn("tokio::spawn"), Some(SpawnerKind::Task));
        assert_eq!(
            v.spawn_method("spawn_blocking"),
            Some(SpawnerKind::Blocking)
        );
        assert!(v.is_push_method("push_back") && v.is_per_item_adapter("for_each"));
        assert_eq!(v.lock_method("std::sync::Mutex", "lock"), Some(true));
        assert_eq!(v.lock_method("parking_lot::RwLock", "write"), Some(false));
        assert_eq!(v.lock_method("std::sync::Mutex", "read"), None);
    }

    #[test]
    fn derived_words_cover_every_name() {
        let v = vocabulary();
        assert_eq!(v.spawner_words(), ["spawn"]);
        assert_eq!(v.spawn_words(), ["push", "spawn"]);
        let words = v.spawn_words();
        for name in v
            .spawner_names()
            .chain(v.push_methods.iter().map(String::as_str))
        {
            assert!(words.iter().any(|w| name.contains(w)), "{name}");
        }
        assert_eq!(
            covering_words(["ab", "b", "abc", "cd", "b"].into_iter()),
            ["b", "cd"]
        );
    }
}
