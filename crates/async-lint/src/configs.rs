//! The config of each linted file: the nearest `async-lint.toml`, `.async-lint.toml` or
//! Cargo.toml with async-lint metadata above the file, as ruff uses the nearest config. So
//! `check a b` and `check b a` lint each file the same way when `a` and `b` have their own
//! configs. `--config PATH` replaces the search: every file then uses that one.
//!
//! Configs are loaded on first use (from the walk, which needs each folder's `exclude`) and
//! shared between threads; a config that cannot be used is reported once.

use crate::cli::LintArgs;
use crate::paths;
use crate::project::{self, ConfigProblem, FoundConfig};

use async_lint_core::{engine, Engine, Selection};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

/// One config made ready to lint with: the engine, its globs, and where it came from.
pub struct Setup {
    /// Distinct per config of a run (the order configs were met in).
    pub id: usize,
    pub engine: Engine,
    pub excludes: paths::Excludes,
    pub found: FoundConfig,
}

impl Setup {
    fn new(id: usize, found: FoundConfig, run: &RunSelection) -> Result<Setup, String> {
        let excludes = paths::Excludes::new(&found.config.exclude, &found.base);
        let engine = Engine::new(&found.config, &run.selection)
            .report_unused_allows(run.report_unused_allows)
            .with_path_ignores(&found.config.per_path_ignores, &found.base);
        let (Ok(excludes), Ok(engine)) = (excludes, engine) else {
            return Err(format!(
                "error: invalid glob in config {}",
                found
                    .source
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            ));
        };
        Ok(Setup {
            id,
            engine,
            excludes,
            found,
        })
    }
}

/// What the command line sets for every config's engine.
struct RunSelection {
    selection: Selection,
    report_unused_allows: bool,
}

/// The configs of a run, found per folder and cached.
pub struct Configs {
    selection: RunSelection,
    /// `--config PATH`: used for every file.
    explicit: Option<Arc<Setup>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Absolute folder → the config of the files in it (`None`: that config is unusable).
    by_dir: HashMap<PathBuf, Option<Arc<Setup>>>,
    /// Config file (`None`: the defaults) → its setup, so that folders share one.
    by_source: HashMap<Option<PathBuf>, Option<Arc<Setup>>>,
    /// Every setup made, in order.
    setups: Vec<Arc<Setup>>,
    /// What was wrong with the configs that could not be used, each once, in order.
    problems: Vec<String>,
}

impl Configs {
    /// Checks the command line's rule names and loads `--config`; on failure the message is
    /// printed and `Err` returned.
    pub fn new(lint: &LintArgs) -> Result<Configs, ()> {
        for name in lint.select.iter().chain(&lint.ignore) {
            if !engine::pseudo::is_rule_name(name) {
                let hint = engine::names::did_you_mean(name);
                eprintln!("error: unknown rule `{name}`{hint} (see `async-lint rules`)");
                return Err(());
            }
        }
        let mut configs = Configs {
            selection: RunSelection {
                selection: Selection {
                    select: lint.select.clone(),
                    ignore: lint.ignore.clone(),
                },
                report_unused_allows: lint.report_unused_allows,
            },
            explicit: None,
            state: Mutex::default(),
        };
        if let Some(path) = &lint.config {
            let found = project::explicit_config(path).map_err(print_problem)?;
            let setup = Setup::new(0, found, &configs.selection).map_err(|m| eprintln!("{m}"))?;
            let setup = Arc::new(setup);
            configs.state_mut().setups.push(setup.clone());
            configs.explicit = Some(setup);
        }
        Ok(configs)
    }

    fn state_mut(&mut self) -> &mut State {
        self.state.get_mut().unwrap_or_else(|e| e.into_inner())
    }

    /// The config of the file (or folder's content) at `path`; `None` when that config
    /// cannot be used (the problem is recorded).
    pub fn for_file(&self, path: &Path) -> Option<Arc<Setup>> {
        let abs = lexical_absolute(path);
        let dir = if abs.is_dir() {
            abs.as_path()
        } else {
            abs.parent().unwrap_or(&abs)
        };
        self.for_dir(dir)
    }

    /// The config of the files in the absolute folder `dir`.
    pub fn for_dir(&self, dir: &Path) -> Option<Arc<Setup>> {
        if let Some(s) = &self.explicit {
            return Some(s.clone());
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        self.resolve(&mut state, dir)
    }

    fn resolve(&self, state: &mut State, dir: &Path) -> Option<Arc<Setup>> {
        if let Some(known) = state.by_dir.get(dir) {
            return known.clone();
        }
        let found = match project::config_in(dir) {
            Ok(Some(found)) => Some(self.setup_for(state, Ok(found))),
            Ok(None) => None,
            Err(problem) => Some(self.setup_for(state, Err((dir.to_path_buf(), problem)))),
        };
        let setup = match found {
            Some(s) => s,
            None => match dir.parent() {
                Some(parent) => self.resolve(state, parent),
                None => {
                    let base = std::env::current_dir().unwrap_or_default();
                    self.setup_for(state, Ok(project::empty_config(&base)))
                }
            },
        };
        state.by_dir.insert(dir.to_path_buf(), setup.clone());
        setup
    }

    /// The setup of a found config (made once per config file), or `None` after recording
    /// the problem.
    fn setup_for(
        &self,
        state: &mut State,
        found: Result<FoundConfig, (PathBuf, ConfigProblem)>,
    ) -> Option<Arc<Setup>> {
        let key = match &found {
            Ok(f) => f.source.clone(),
            Err((dir, _)) => Some(dir.clone()),
        };
        if let Some(known) = state.by_source.get(&key) {
            return known.clone();
        }
        let made = match found {
            Ok(f) => match Setup::new(state.setups.len(), f, &self.selection) {
                Ok(s) => Some(Arc::new(s)),
                Err(m) => {
                    state.problems.push(m);
                    None
                }
            },
            Err((_, problem)) => {
                state.problems.push(render_problem(problem));
                None
            }
        };
        if let Some(s) = &made {
            state.setups.push(s.clone());
        }
        state.by_source.insert(key, made.clone());
        made
    }

    /// Every config used so far, in the order met.
    pub fn setups(&self) -> Vec<Arc<Setup>> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .setups
            .clone()
    }

    /// The problems of the configs that could not be used, rendered, in the order met.
    pub fn problems(&self) -> Vec<String> {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.problems.clone()
    }

    /// Prints the problems of the configs that could not be used; `true` when there were any.
    pub fn report_problems(&self) -> bool {
        let state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        for p in &state.problems {
            eprintln!("{p}");
        }
        !state.problems.is_empty()
    }
}

fn render_problem(problem: ConfigProblem) -> String {
    problem.render().trim_end().to_string()
}

fn print_problem(problem: ConfigProblem) {
    eprintln!("{}", render_problem(problem));
}

/// `path` made absolute without touching the file system beyond the working directory, with
/// `.` dropped and `..` applied, so that folders compare equal however they were named.
pub fn lexical_absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What `--show-settings` prints for `path`: its config file and the settings in force.
pub fn describe(path: &Path, setup: &Setup) -> String {
    use std::fmt::Write;
    let cfg = &setup.found.config;
    let mut out = String::new();
    let source = setup
        .found
        .source
        .as_ref()
        .map_or("none (the defaults)".to_string(), |s| {
            s.display().to_string()
        });
    let _ = writeln!(out, "path: {}", path.display());
    let _ = writeln!(out, "config: {source}");
    let _ = writeln!(out, "base: {}", setup.found.base.display());
    let _ = writeln!(out, "exclude: {:?}", cfg.exclude);
    for (glob, rules) in &cfg.per_path_ignores {
        let _ = writeln!(out, "per-path-ignores: {glob:?} = {rules:?}");
    }
    let _ = writeln!(out, "check-tests: {}", cfg.check_tests);
    let _ = writeln!(out, "rules:");
    let settings = setup.engine.settings();
    for rule in setup.engine.rules() {
        let meta = rule.meta();
        let level = match settings.get(meta.name).and_then(|s| s.level) {
            Some(async_lint_core::Level::On(s)) => s,
            _ => meta.default_severity,
        };
        let _ = write!(out, "  {:<24} {}", meta.name, level.as_str());
        // Every option in force, set or default, in the order the rule declares them.
        let options = settings
            .get(meta.name)
            .and_then(|s| s.options.clone())
            .unwrap_or_else(|| meta.options.default_options())
            .to_table();
        for o in meta.options.describe() {
            if let Some(v) = options.get(o.key) {
                let _ = write!(out, " {}={v}", o.key);
            }
        }
        out.push('\n');
    }
    out.push('\n');
    out
}
