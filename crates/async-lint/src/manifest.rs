//! What a package's Cargo.toml tells the driver, read without running cargo: the package id
//! and targets cargo would print in its `compiler-message`s (so that rust-analyzer files
//! async-lint's diagnostics under the same package as the compiler's), and which crates the
//! code of a given target may name (so that `--fix` never writes `tokio::…` into a crate that
//! cannot use tokio).
//!
//! The manifest is read with cargo_toml (workspace inheritance of fields and dependencies).
//! Targets are discovered here, not by cargo_toml's `complete_from_path`: that sorts each kind
//! by name and gives every kind the same `doc`/`test` defaults, while the cargo format must
//! list targets exactly as `cargo metadata` does (order, per-kind defaults). Discovery follows
//! cargo's rules: `[lib]`/`[[bin]]`/`[[test]]`/`[[example]]`/
//! `[[bench]]` entries, then the conventional files (`src/lib.rs`, `src/main.rs`,
//! `src/bin/*.rs`, `src/bin/*/main.rs`, `tests/`, `examples/`, `benches/`, `build.rs`) unless
//! `autobins = false` and the like turn them off.

use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A cargo target as cargo prints it in its JSON messages (field order and names included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub kind: Vec<String>,
    pub crate_types: Vec<String>,
    pub name: String,
    pub src_path: String,
    pub edition: String,
    pub doc: bool,
    pub doctest: bool,
    pub test: bool,
}

/// Which table a dependency is declared in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DepKind {
    Normal,
    Dev,
    Build,
}

#[derive(Debug, Clone)]
struct Dependency {
    /// The name code uses: the key, `-` as `_`.
    name: String,
    kind: DepKind,
    optional: bool,
    /// Features asked for: in the declaration (and the workspace's, when inherited), and
    /// through the package's default features (`default = ["rt"]`, `rt = ["tokio/rt"]`).
    features: Vec<String>,
    default_features: bool,
}

/// A package read from its manifest.
#[derive(Debug, Clone)]
pub struct Package {
    /// The folder of the Cargo.toml (made absolute).
    pub root: PathBuf,
    pub manifest_path: PathBuf,
    pub name: String,
    /// Cargo's package id spec, `path+file:///abs/dir#name@version`.
    pub id: String,
    pub targets: Vec<Target>,
    /// Each target's root file → its index in `targets` (the first when two share one):
    /// packages such as tokio have hundreds of test and example targets.
    roots: HashMap<PathBuf, usize>,
    /// The folders of the targets' root files (custom-build scripts left out), each with the
    /// index of the target that owns the files below it ([`Package::target_of`]).
    folders: Vec<(PathBuf, usize)>,
    deps: Vec<Dependency>,
}

/// Crates that suggestions name and that a package must depend on for a fix to compile.
/// Other leading path segments of a replacement are taken to be the file's own names.
const DEPENDENCY_CRATES: &[&str] = &[
    "tokio",
    "tokio_util",
    "tokio_stream",
    "async_std",
    "smol",
    "async_io",
    "async_fs",
    "async_net",
    "async_process",
    "blocking",
    "futures",
    "futures_util",
    "futures_lite",
    "reqwest",
    "tokio_postgres",
    "diesel_async",
];

impl Package {
    /// Reads `dir/Cargo.toml`; `None` when it has no `[package]` or does not parse.
    pub fn read(dir: &Path) -> Option<Package> {
        let manifest_path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest_path).ok()?;
        let table: toml::Table = toml::from_str(&text).ok()?;
        // cargo_toml resolves `workspace = true` (fields and dependencies) against the
        // workspace's manifest; without one, the fields it would inherit take defaults.
        let manifest = cargo_toml::Manifest::from_path(&manifest_path)
            .or_else(|_| cargo_toml::Manifest::from_str(&text))
            .ok()?;
        let package = manifest.package.as_ref()?;
        let name = package.name.clone();
        let version = package
            .version
            .get()
            .map_or_else(|_| "0.0.0".to_string(), |v| v.to_string());
        let edition = package
            .edition
            .get()
            .map_or_else(|_| "2015".to_string(), |e| e.to_string());
        let id = package_id(dir, &name, &version);
        let targets = discover_targets(dir, &table, &name, &edition);
        let mut roots = HashMap::new();
        // Per folder, the target that wins there: a library over binaries, else the last.
        let mut folders: Vec<(PathBuf, usize)> = Vec::new();
        let not_bin = |t: &Target| t.kind.iter().any(|k| k != "bin");
        for (i, t) in targets.iter().enumerate() {
            roots.entry(PathBuf::from(&t.src_path)).or_insert(i);
            if t.kind.iter().any(|k| k == "custom-build") {
                continue;
            }
            let Some(dir) = Path::new(&t.src_path).parent() else {
                continue;
            };
            match folders.iter_mut().find(|(d, _)| d == dir) {
                Some((_, best)) if not_bin(&targets[*best]) && !not_bin(t) => {}
                Some((_, best)) => *best = i,
                None => folders.push((dir.to_path_buf(), i)),
            }
        }
        Some(Package {
            root: dir.to_path_buf(),
            manifest_path,
            name,
            id,
            targets,
            roots,
            folders,
            deps: dependencies(&manifest),
        })
    }

    /// The target `file` (absolute) is compiled in, where that can be told from the layout:
    /// a target's root file, a module folder of one, or the `src/` of the library (else of the
    /// main binary). `None` for shared helpers such as `tests/common/mod.rs`.
    pub fn target_of(&self, file: &Path) -> Option<&Target> {
        let rel = file.strip_prefix(&self.root).ok()?;
        if let Some(&i) = self.roots.get(file) {
            return self.targets.get(i);
        }
        let first = rel.components().next()?.as_os_str().to_str()?;
        let by_kind_dir = |kind: &str, top: &Path| {
            // `tests/<name>/..` belongs to the target rooted at `tests/<name>/main.rs`.
            let dir = self
                .root
                .join(top)
                .join(rel.strip_prefix(top).ok()?.components().next()?);
            self.targets.iter().find(|t| {
                t.kind.iter().any(|k| k == kind)
                    && Path::new(&t.src_path).parent() == Some(dir.as_path())
            })
        };
        match first {
            "tests" => by_kind_dir("test", Path::new("tests")),
            "examples" => by_kind_dir("example", Path::new("examples")),
            "benches" => by_kind_dir("bench", Path::new("benches")),
            "src" if rel.starts_with("src/bin") => by_kind_dir("bin", Path::new("src/bin")),
            // The deepest folder wins.
            _ => self
                .folders
                .iter()
                .filter(|(dir, _)| file.starts_with(dir))
                .max_by_key(|(dir, _)| dir.components().count())
                .and_then(|(_, i)| self.targets.get(*i)),
        }
    }

    /// May code compiled in `target` (or in an unknown target of this package) use the item
    /// at `path` of the dependency `krate` (`tokio`, `fs::read`)? Only dependencies that are
    /// always present count: optional ones may be off, and dev-dependencies only exist for
    /// tests, examples and benches. The features the item needs must be asked for by the
    /// package itself (others' features may unify in, but nothing promises it).
    pub fn can_use(&self, target: Option<&Target>, krate: &str, path: &str) -> bool {
        let kinds = target.map(|t| t.kind.as_slice()).unwrap_or(&[]);
        let dev = kinds
            .iter()
            .any(|k| matches!(k.as_str(), "test" | "example" | "bench"));
        let build = kinds.iter().any(|k| k == "custom-build");
        let visible: Vec<&Dependency> = self
            .deps
            .iter()
            .filter(|d| {
                d.name == krate
                    && !d.optional
                    && match d.kind {
                        DepKind::Normal => !build,
                        DepKind::Dev => dev,
                        DepKind::Build => build,
                    }
            })
            .collect();
        if visible.is_empty() {
            return false;
        }
        // Cargo unifies the features of every declaration the target sees.
        let has = |f: &str| visible.iter().any(|d| d.features.iter().any(|x| x == f));
        let defaults = visible.iter().any(|d| d.default_features) || has("default");
        match needed_feature(krate, path) {
            Needs::Nothing => true,
            Needs::Defaults => defaults,
            Needs::Feature(f) => has(f) || has("full"),
            Needs::Unknown => false,
        }
    }
}

/// What an item of a runtime crate needs enabled.
enum Needs {
    Nothing,
    /// The crate's default features (async-std's `std` APIs).
    Defaults,
    /// A tokio feature (or `full`).
    Feature(&'static str),
    /// An item this table does not know: not assumed available.
    Unknown,
}

/// The feature `krate::path` is behind, for the crates whose features gate their modules.
fn needed_feature(krate: &str, path: &str) -> Needs {
    const TOKIO: &[(&str, &str)] = &[
        ("fs::", "fs"),
        ("time::", "time"),
        ("net::", "net"),
        ("process::", "process"),
        ("signal::", "signal"),
        ("sync::", "sync"),
        ("io::stdin", "io-std"),
        ("io::stdout", "io-std"),
        ("io::stderr", "io-std"),
        ("io::", "io-util"),
        ("join!", "macros"),
        ("try_join!", "macros"),
        ("select!", "macros"),
        ("task::spawn_blocking", "rt"),
        ("task::", "rt"),
        ("spawn", "rt"),
        ("runtime::", "rt"),
    ];
    match krate {
        "tokio" => TOKIO
            .iter()
            .find(|(prefix, _)| path.starts_with(prefix))
            .map_or(Needs::Unknown, |(_, f)| Needs::Feature(f)),
        "async_std" => Needs::Defaults,
        _ => Needs::Nothing,
    }
}

/// The dependency crates (among [`DEPENDENCY_CRATES`]) that `replacement` names, each with the
/// path that follows it: `tokio::fs::read(p).await` → `("tokio", "fs::read")`.
pub fn crates_named(replacement: &str) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for krate in DEPENDENCY_CRATES {
        let pattern = format!("{krate}::");
        for (i, _) in replacement.match_indices(&pattern) {
            let before = replacement[..i].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &replacement[i + pattern.len()..];
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '!'))
                .collect();
            out.push((*krate, path));
        }
    }
    out
}

/// Cargo's package id spec for a path package: the folder as a `file://` URL, then
/// `#name@version`, or `#version` alone when the folder is named like the package.
pub fn package_id(dir: &Path, name: &str, version: &str) -> String {
    let mut url = String::from("path+file://");
    for comp in dir.components() {
        if let std::path::Component::Normal(c) = comp {
            url.push('/');
            url.push_str(&percent_encode_segment(&c.to_string_lossy()));
        }
    }
    if url.ends_with("file://") {
        url.push('/');
    }
    let last = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    if last.as_deref() == Some(name) {
        format!("{url}#{version}")
    } else {
        format!("{url}#{name}@{version}")
    }
}

/// Percent-encodes a path segment as the `url` crate does for `file://` URLs.
pub fn percent_encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let keep = b.is_ascii_graphic()
            && !matches!(
                b,
                b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'/' | b'%'
            );
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The dependencies of a manifest, `workspace = true` entries already merged with the
/// workspace's (features added, its `default-features` kept) by cargo_toml.
fn dependencies(manifest: &cargo_toml::Manifest) -> Vec<Dependency> {
    let default_on = default_dependency_features(&manifest.features);
    let mut out = Vec::new();
    for (deps, kind) in [
        (&manifest.dependencies, DepKind::Normal),
        (&manifest.dev_dependencies, DepKind::Dev),
        (&manifest.build_dependencies, DepKind::Build),
    ] {
        for (name, dep) in deps {
            let mut features = dep.req_features().to_vec();
            if kind != DepKind::Build {
                features.extend(
                    default_on
                        .iter()
                        .filter(|(d, _)| d == name)
                        .map(|(_, f)| f.clone()),
                );
            }
            out.push(Dependency {
                name: name.replace('-', "_"),
                kind,
                optional: dep.optional(),
                features,
                default_features: dep.detail().is_none_or(|d| d.default_features),
            });
        }
    }
    // `[target.'cfg(..)'.dependencies]` only exist on some platforms; they are not counted as
    // always present.
    out
}

/// `dep/feature` pairs that the package's default features turn on (following `[features]`
/// from `default`).
fn default_dependency_features(
    features: &std::collections::BTreeMap<String, Vec<String>>,
) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    let mut todo = vec!["default".to_string()];
    let mut out = Vec::new();
    while let Some(f) = todo.pop() {
        if !seen.insert(f.clone()) {
            continue;
        }
        for item in features.get(&f).into_iter().flatten() {
            match item.split_once('/') {
                Some((dep, feat)) => {
                    out.push((dep.trim_end_matches('?').to_string(), feat.to_string()))
                }
                None if !item.starts_with("dep:") => todo.push(item.to_string()),
                None => {}
            }
        }
    }
    out
}

/// The targets of a package, as `cargo metadata` lists them.
fn discover_targets(root: &Path, table: &toml::Table, package: &str, edition: &str) -> Vec<Target> {
    let package_table = table.get("package").and_then(|p| p.as_table());
    let auto = |key: &str| {
        package_table
            .and_then(|p| p.get(key))
            .and_then(|v| v.as_bool())
            .unwrap_or(true)
    };
    let abs = |rel: &Path| root.join(rel).to_string_lossy().into_owned();
    let mut targets = Vec::new();

    // The library.
    let lib = table.get("lib").and_then(|l| l.as_table());
    let lib_path = lib
        .and_then(|l| l.get("path"))
        .and_then(|p| p.as_str())
        .map(PathBuf::from)
        .or_else(|| {
            root.join("src/lib.rs")
                .is_file()
                .then(|| PathBuf::from("src/lib.rs"))
        });
    if let Some(path) = lib_path {
        let get_bool = |k: &str, d: bool| {
            lib.and_then(|l| l.get(k))
                .and_then(|v| v.as_bool())
                .unwrap_or(d)
        };
        let proc_macro = get_bool("proc-macro", false) || get_bool("proc_macro", false);
        let crate_types: Vec<String> = if proc_macro {
            vec!["proc-macro".into()]
        } else {
            lib.and_then(|l| l.get("crate-type").or_else(|| l.get("crate_type")))
                .and_then(|c| c.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_else(|| vec!["lib".into()])
        };
        targets.push(Target {
            kind: crate_types.clone(),
            crate_types,
            name: lib
                .and_then(|l| l.get("name"))
                .and_then(|n| n.as_str())
                .map_or_else(|| package.replace('-', "_"), str::to_string),
            src_path: abs(&path),
            edition: target_edition(lib, edition),
            doc: get_bool("doc", true),
            doctest: get_bool("doctest", true),
            test: get_bool("test", true),
        });
    }

    // Binaries, examples, tests and benches: explicit entries, then the conventional files.
    for (section, kind, folder, autokey) in [
        ("bin", "bin", "src/bin", "autobins"),
        ("example", "example", "examples", "autoexamples"),
        ("test", "test", "tests", "autotests"),
        ("bench", "bench", "benches", "autobenches"),
    ] {
        let mut found: Vec<(String, PathBuf, Option<&toml::Table>)> = Vec::new();
        let explicit = table.get(section).and_then(|s| s.as_array());
        for entry in explicit.into_iter().flatten().filter_map(|e| e.as_table()) {
            let Some(name) = entry.get("name").and_then(|n| n.as_str()) else {
                continue;
            };
            let path = entry
                .get("path")
                .and_then(|p| p.as_str())
                .map(PathBuf::from)
                .or_else(|| default_path(root, kind, folder, name, package));
            if let Some(path) = path {
                found.push((name.to_string(), path, Some(entry)));
            }
        }
        if auto(autokey) {
            let mut conventional = conventional_files(root, folder);
            if kind == "bin" && root.join("src/main.rs").is_file() {
                conventional.insert(0, (package.to_string(), PathBuf::from("src/main.rs")));
            }
            for (name, path) in conventional {
                if !found.iter().any(|(n, p, _)| *n == name || *p == path) {
                    found.push((name, path, None));
                }
            }
        }
        for (name, path, entry) in found {
            let flag = |k: &str, d: bool| {
                entry
                    .and_then(|e| e.get(k))
                    .and_then(|v| v.as_bool())
                    .unwrap_or(d)
            };
            let (doc, test) = match kind {
                "bin" => (true, true),
                "test" => (false, true),
                _ => (false, false),
            };
            let crate_types = entry
                .and_then(|e| e.get("crate-type"))
                .and_then(|c| c.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_else(|| vec!["bin".to_string()]);
            targets.push(Target {
                kind: vec![kind.to_string()],
                crate_types,
                name,
                src_path: abs(&path),
                edition: target_edition(entry, edition),
                doc: flag("doc", doc),
                doctest: flag("doctest", false),
                test: flag("test", test),
            });
        }
    }

    // The build script.
    let build = package_table.and_then(|p| p.get("build"));
    let build_path = match build {
        Some(toml::Value::String(p)) => Some(PathBuf::from(p)),
        Some(toml::Value::Boolean(false)) => None,
        _ => root
            .join("build.rs")
            .is_file()
            .then(|| PathBuf::from("build.rs")),
    };
    if let Some(path) = build_path {
        targets.push(Target {
            kind: vec!["custom-build".into()],
            crate_types: vec!["bin".into()],
            name: "build-script-build".into(),
            src_path: abs(&path),
            edition: edition.to_string(),
            doc: false,
            doctest: false,
            test: false,
        });
    }
    targets
}

fn target_edition(entry: Option<&toml::Table>, edition: &str) -> String {
    entry
        .and_then(|e| e.get("edition"))
        .and_then(|e| e.as_str())
        .unwrap_or(edition)
        .to_string()
}

/// Where cargo looks for a target declared without a `path`.
fn default_path(
    root: &Path,
    kind: &str,
    folder: &str,
    name: &str,
    package: &str,
) -> Option<PathBuf> {
    let candidates = [
        Path::new(folder).join(format!("{name}.rs")),
        Path::new(folder).join(name).join("main.rs"),
    ];
    let found = candidates.into_iter().find(|c| root.join(c).is_file());
    match found {
        Some(p) => Some(p),
        None if kind == "bin" && name == package => Some(PathBuf::from("src/main.rs")),
        None => None,
    }
}

/// `folder/*.rs` and `folder/*/main.rs`, sorted by name.
fn conventional_files(root: &Path, folder: &str) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(root.join(folder)) else {
        return Vec::new();
    };
    let mut out: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if path.is_file() {
                let stem = name.strip_suffix(".rs")?;
                Some((stem.to_string(), Path::new(folder).join(&name)))
            } else if path.join("main.rs").is_file() {
                Some((name.clone(), Path::new(folder).join(&name).join("main.rs")))
            } else {
                None
            }
        })
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_ids_follow_cargo() {
        assert_eq!(
            package_id(Path::new("/w/demo"), "demo", "0.1.0"),
            "path+file:///w/demo#0.1.0"
        );
        assert_eq!(
            package_id(Path::new("/w/my dir"), "x-y", "1.2.3"),
            "path+file:///w/my%20dir#x-y@1.2.3"
        );
    }

    #[test]
    fn named_crates_are_leading_path_segments() {
        let named = |r: &str| crates_named(r);
        assert_eq!(
            named("tokio::fs::read(p).await"),
            vec![("tokio", "fs::read".to_string())]
        );
        assert!(named("my_tokio::x()").is_empty());
        assert!(named("self::tokio::x()").is_empty());
        assert_eq!(
            named("futures::join!(a, tokio::time::sleep(d))"),
            vec![
                ("tokio", "time::sleep".to_string()),
                ("futures", "join!".to_string())
            ]
        );
    }

    fn package(manifest: &str) -> (tempfile::TempDir, Package) {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("Cargo.toml"), manifest).expect("write");
        let p = Package::read(dir.path()).expect("package");
        (dir, p)
    }

    #[test]
    fn tokio_items_need_their_features() {
        let head = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n";
        let (_d, p) = package(&format!(
            "{head}[dependencies]\ntokio = {{ version = \"1\", features = [\"sync\", \"time\"] }}\n\
             [dev-dependencies]\ntokio = {{ version = \"1\", features = [\"fs\"] }}\n"
        ));
        let lib = None;
        let test = Target {
            kind: vec!["test".into()],
            crate_types: vec!["bin".into()],
            name: "t".into(),
            src_path: String::new(),
            edition: "2021".into(),
            doc: false,
            doctest: false,
            test: true,
        };
        assert!(p.can_use(lib, "tokio", "time::sleep"));
        assert!(!p.can_use(lib, "tokio", "fs::read"), "fs only for tests");
        assert!(
            p.can_use(Some(&test), "tokio", "fs::read"),
            "dev features unify"
        );
        assert!(!p.can_use(lib, "tokio", "join!"));
        assert!(
            !p.can_use(lib, "tokio", "something::new"),
            "unknown items are not assumed"
        );

        let (_d, p) = package(&format!(
            "{head}[features]\ndefault = [\"io\"]\nio = [\"tokio/fs\"]\n[dependencies]\ntokio = \"1\"\n"
        ));
        assert!(
            p.can_use(None, "tokio", "fs::read"),
            "enabled by a default feature"
        );
        assert!(!p.can_use(None, "tokio", "time::sleep"));
        let (_d, p) = package(&format!(
            "{head}[dependencies]\ntokio = {{ version = \"1\", features = [\"full\"], optional = true }}\n"
        ));
        assert!(!p.can_use(None, "tokio", "fs::read"), "optional");
        let (_d, p) = package(&format!(
            "{head}[dependencies]\nasync-std = {{ version = \"1\", default-features = false }}\n"
        ));
        assert!(!p.can_use(None, "async_std", "fs::read"));
    }

    #[test]
    fn inherited_dependencies_take_the_workspace_features() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[workspace]\nmembers = [\"app\"]\n[workspace.dependencies]\ntokio = { version = \"1\", features = [\"fs\"] }\n",
        )
        .expect("write");
        let app = dir.path().join("app");
        std::fs::create_dir(&app).expect("mkdir");
        std::fs::write(
            app.join("Cargo.toml"),
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\n[dependencies]\ntokio = { workspace = true, features = [\"time\"] }\n",
        )
        .expect("write");
        let p = Package::read(&app).expect("package");
        assert!(p.can_use(None, "tokio", "fs::read"));
        assert!(p.can_use(None, "tokio", "time::sleep"));
        assert!(!p.can_use(None, "tokio", "net::TcpStream"));
    }
}
