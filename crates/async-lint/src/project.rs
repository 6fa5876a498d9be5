//! What the driver learns from the project around the linted files: config files and, per
//! file, its crate (nearest Cargo.toml with a
//! `[package]`: name, runtime, module path, the crate's lazily built index of fn signatures,
//! cargo's package id and targets).

use crate::manifest::Package;
use async_lint_core::index::ProjectApis;
use async_lint_core::{module_path, Config, CrateIndex, CrateInfo, Runtime};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A config and where it came from.
pub struct FoundConfig {
    pub config: Config,
    /// The folder globs in the config are relative to.
    pub base: PathBuf,
    pub source: Option<PathBuf>,
}

/// Why no usable config could be had: the file and what is wrong with it.
#[derive(Debug)]
pub enum ConfigProblem {
    Unreadable {
        path: PathBuf,
        message: String,
    },
    Invalid {
        path: PathBuf,
        text: String,
        error: async_lint_core::ConfigError,
    },
}

impl ConfigProblem {
    /// The problem as rustc shows an error: the message, then `file:line:col` of the key at
    /// fault and its line with the key underlined.
    pub fn render(&self) -> String {
        match self {
            ConfigProblem::Unreadable { path, message } => {
                format!("error: cannot read config {}: {message}", path.display())
            }
            ConfigProblem::Invalid { path, text, error } => {
                let mut out = format!("error: invalid config: {}\n", error.message);
                let Some(at) = error.at.clone().filter(|r| r.start <= text.len()) else {
                    out.push_str(&format!("  --> {}\n", error.source_name));
                    return out;
                };
                let line_start = text[..at.start].rfind('\n').map_or(0, |i| i + 1);
                let line_end = text[at.start..]
                    .find('\n')
                    .map_or(text.len(), |i| at.start + i);
                let line_no = text[..at.start].matches('\n').count() + 1;
                let col = text[line_start..at.start].chars().count() + 1;
                let width = text[at.start..at.end.min(line_end)].chars().count().max(1);
                let gutter = " ".repeat(line_no.to_string().len());
                out.push_str(&format!(
                    "{gutter}--> {}:{line_no}:{col}\n{gutter} |\n{line_no} | {}\n{gutter} | {}{}\n",
                    crate::paths::display_path(path).display(),
                    &text[line_start..line_end],
                    " ".repeat(col - 1),
                    "^".repeat(width)
                ));
                out
            }
        }
    }
}

/// Loads `--config PATH` (a Cargo.toml without async-lint metadata gives the defaults).
pub fn explicit_config(path: &Path) -> Result<FoundConfig, ConfigProblem> {
    load_config(path)
        .map(|c| c.unwrap_or_else(|| empty_config(path.parent().unwrap_or(Path::new(".")))))
}

/// The config file in `dir` itself: `async-lint.toml`, `.async-lint.toml`, or a Cargo.toml
/// with `[workspace|package.metadata.async-lint]`, in that order.
pub fn config_in(dir: &Path) -> Result<Option<FoundConfig>, ConfigProblem> {
    for name in ["async-lint.toml", ".async-lint.toml", "Cargo.toml"] {
        let candidate = dir.join(name);
        if candidate.is_file() {
            if let Some(found) = load_config(&candidate)? {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}

/// The defaults, with globs relative to `base`.
pub fn empty_config(base: &Path) -> FoundConfig {
    FoundConfig {
        config: Config::default(),
        base: base.to_path_buf(),
        source: None,
    }
}

/// Reads one config file; `Ok(None)` for a Cargo.toml without async-lint metadata.
fn load_config(path: &Path) -> Result<Option<FoundConfig>, ConfigProblem> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigProblem::Unreadable {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let name = path.display().to_string();
    let is_manifest = path.file_name().is_some_and(|n| n == "Cargo.toml");
    let invalid = |error| ConfigProblem::Invalid {
        path: path.to_path_buf(),
        text: text.clone(),
        error,
    };
    if !is_manifest {
        let config = Config::from_toml(&text, &name).map_err(invalid)?;
        return Ok(Some(FoundConfig {
            config,
            base,
            source: Some(path.to_path_buf()),
        }));
    }
    if !text.contains("async-lint") {
        return Ok(None);
    }
    let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigProblem::Unreadable {
        path: path.to_path_buf(),
        message: e.message().to_string(),
    })?;
    for section in ["workspace", "package"] {
        let meta = table
            .get(section)
            .and_then(|s| s.get("metadata"))
            .and_then(|m| m.get("async-lint"));
        if meta.is_some() {
            let label = format!("{name} [{section}.metadata.async-lint]");
            let at = [section, "metadata", "async-lint"];
            let config = Config::from_document(&text, &at, &label).map_err(invalid)?;
            return Ok(Some(FoundConfig {
                config,
                base,
                source: Some(path.to_path_buf()),
            }));
        }
    }
    Ok(None)
}

/// Crate facts per Cargo.toml folder, computed once and shared between threads.
pub struct Crates {
    by_dir: Mutex<HashMap<PathBuf, Option<Arc<Crate>>>>,
    /// The project's blocking and trusted APIs, for the crate indexes' summaries.
    apis: Apis,
}

type Apis = Arc<ProjectApis>;

/// One crate: its folder, what the engine is told about it, its index, and what cargo
/// knows of it (package id, targets, dependencies).
pub struct Crate {
    pub root: PathBuf,
    pub info: CrateInfo,
    pub index: CrateIndex,
    pub package: Package,
    /// The modules its files declare, read on first need (a file that does not parse).
    pub declared: std::sync::OnceLock<crate::modules::Declared>,
}

/// Where a file sits: its crate (if any), its module path, and whether it belongs to the
/// module tree of `src/` the index covers (tests, examples, benches and `src/bin` do not).
pub struct Placement {
    pub krate: Option<Arc<Crate>>,
    pub module: Vec<String>,
    /// The canonical path of the file, when it is in the index's module tree.
    pub in_tree: Option<PathBuf>,
}

impl Placement {
    pub fn info(&self) -> CrateInfo {
        self.krate
            .as_ref()
            .map(|k| k.info.clone())
            .unwrap_or_default()
    }

    pub fn index(&self) -> &CrateIndex {
        self.krate
            .as_ref()
            .map_or_else(|| CrateIndex::detached(), |k| &k.index)
    }
}

impl Crates {
    /// No crate known yet; indexes will summarize with the project's `apis`
    /// ([`async_lint_core::Engine::project_apis`]).
    pub fn new(apis: Apis) -> Crates {
        Crates {
            by_dir: Mutex::default(),
            apis,
        }
    }

    /// The crate of `file`, the file's module path in it, and whether it is in its tree.
    pub fn of(&self, file: &Path) -> Placement {
        let abs = absolute(file);
        for dir in abs.ancestors().skip(1) {
            let found = {
                let mut cache = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
                cache
                    .entry(dir.to_path_buf())
                    .or_insert_with(|| read_manifest(dir, &self.apis).map(Arc::new))
                    .clone()
            };
            if let Some(krate) = found {
                let src = krate.root.join("src");
                let (module, in_tree) = match abs.strip_prefix(&src) {
                    Ok(rel) if !rel.starts_with("bin") => (module_path(rel), Some(abs.clone())),
                    _ => (vec!["crate".to_string()], None),
                };
                return Placement {
                    krate: Some(krate),
                    module,
                    in_tree,
                };
            }
        }
        Placement {
            krate: None,
            module: vec!["crate".to_string()],
            in_tree: None,
        }
    }
}

impl Crates {
    /// `file` (absolute) changed: `Some(text)` is an editor's unsaved buffer, `None` means
    /// read the disk again. The crate that holds it gets an index in which only that file's
    /// summary is remade (see [`CrateIndex::with_changed_file`]); lints already running keep
    /// the old one. A crate not read yet is left to be read when first needed.
    pub fn file_changed(&self, file: &Path, text: Option<Arc<str>>) {
        let mut cache = self.by_dir.lock().unwrap_or_else(|e| e.into_inner());
        let Some((dir, krate)) = file
            .ancestors()
            .skip(1)
            .find_map(|d| Some((d.to_path_buf(), cache.get(d)?.clone()?)))
        else {
            return;
        };
        let changed = Crate {
            root: krate.root.clone(),
            info: krate.info.clone(),
            index: krate.index.with_changed_file(file, text),
            package: krate.package.clone(),
            declared: std::sync::OnceLock::new(),
        };
        cache.insert(dir, Some(Arc::new(changed)));
    }
}

/// `path` made absolute with symlinks resolved; for a path that does not exist (a buffer
/// named by `--stdin-filename`), its folder is resolved instead.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    match (joined.parent(), joined.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or(joined),
        _ => joined,
    }
}

/// The crate whose manifest is in `dir`, if it has a `[package]`.
fn read_manifest(dir: &Path, apis: &Apis) -> Option<Crate> {
    let package = Package::read(dir)?;
    let text = std::fs::read_to_string(&package.manifest_path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let name = Some(package.name.clone());
    let mut deps: Vec<String> = Vec::new();
    let mut collect = |t: &toml::Value| {
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(d) = t.get(key).and_then(|d| d.as_table()) {
                deps.extend(d.keys().cloned());
            }
        }
    };
    collect(&toml::Value::Table(table.clone()));
    if let Some(targets) = table.get("target").and_then(|t| t.as_table()) {
        targets.values().for_each(&mut collect);
    }
    let has = |n: &str| deps.iter().any(|d| d == n);
    let runtime = if has("tokio") {
        Runtime::Tokio
    } else if has("async-std") {
        Runtime::AsyncStd
    } else if has("smol") {
        Runtime::Smol
    } else {
        Runtime::Unknown
    };
    let lib = table
        .get("lib")
        .and_then(|l| l.get("name"))
        .and_then(|n| n.as_str());
    let index = CrateIndex::new(dir, name.as_deref(), lib).with_project_apis(apis.clone());
    Some(Crate {
        root: dir.to_path_buf(),
        info: CrateInfo {
            name,
            runtime,
            edition: package_edition(&package),
        },
        index,
        package,
        declared: std::sync::OnceLock::new(),
    })
}

/// The edition of a package's library target (or its first target): what its `src/` uses.
fn package_edition(package: &Package) -> Option<u16> {
    let lib = package
        .targets
        .iter()
        .find(|t| t.kind.iter().any(|k| k == "lib"));
    lib.or(package.targets.first())?.edition.parse().ok()
}
