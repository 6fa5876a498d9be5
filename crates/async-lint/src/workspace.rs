//! `cargo async-lint`'s package selection, as `cargo clippy` has it: `-p/--package NAME`,
//! `--workspace`, `--manifest-path PATH`, and by default the package of the current folder
//! (the workspace's default members at a virtual manifest). Paths are then reported relative
//! to the workspace root, from whichever folder inside it the command ran.
//!
//! The workspace is read with `cargo metadata --no-deps` (cargo is there: it runs the
//! subcommand), so members' globs, `exclude` and `default-members` mean what cargo says.

use serde::Deserialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What to lint: the workspace root (the folder to report paths from) and the packages'
/// folders relative to it.
#[derive(Debug)]
pub struct Scope {
    pub root: PathBuf,
    pub packages: Vec<PathBuf>,
}

/// The packages the options select.
pub struct Selection<'a> {
    pub packages: &'a [String],
    pub workspace: bool,
    pub manifest_path: Option<&'a Path>,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MetaPackage>,
    workspace_members: Vec<String>,
    #[serde(default)]
    workspace_default_members: Option<Vec<String>>,
    workspace_root: PathBuf,
}

#[derive(Deserialize)]
struct MetaPackage {
    id: String,
    name: String,
    manifest_path: PathBuf,
}

/// Resolves the selection; `Ok(None)` when nothing was asked for and no Cargo.toml is above
/// the current folder (the folder itself is linted then).
pub fn resolve(sel: &Selection<'_>) -> Result<Option<Scope>, String> {
    let explicit = !sel.packages.is_empty() || sel.workspace || sel.manifest_path.is_some();
    let cwd = std::env::current_dir().map_err(|e| format!("no current folder: {e}"))?;
    let manifest = match sel.manifest_path {
        Some(p) => Some(cwd.join(p)),
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|m| m.is_file()),
    };
    let Some(manifest) = manifest else {
        if explicit {
            return Err(format!(
                "could not find `Cargo.toml` in `{}` or any parent folder",
                cwd.display()
            ));
        }
        return Ok(None);
    };
    let meta = metadata(&manifest)?;
    let members: HashSet<&str> = meta.workspace_members.iter().map(String::as_str).collect();
    let in_workspace: Vec<&MetaPackage> = meta
        .packages
        .iter()
        .filter(|p| members.contains(p.id.as_str()))
        .collect();
    let chosen: Vec<&MetaPackage> = if !sel.packages.is_empty() {
        let mut chosen = Vec::new();
        for name in sel.packages {
            match in_workspace.iter().find(|p| &p.name == name) {
                Some(p) => chosen.push(*p),
                None => {
                    let known: Vec<&str> = in_workspace.iter().map(|p| p.name.as_str()).collect();
                    return Err(format!(
                        "package `{name}` is not a member of the workspace (members: {})",
                        known.join(", ")
                    ));
                }
            }
        }
        chosen
    } else if sel.workspace {
        in_workspace
    } else {
        let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let manifest = canonical(&manifest);
        match in_workspace
            .iter()
            .find(|p| canonical(&p.manifest_path) == manifest)
        {
            Some(p) => vec![*p],
            None => {
                let defaults: HashSet<&str> = meta
                    .workspace_default_members
                    .iter()
                    .flatten()
                    .map(String::as_str)
                    .collect();
                let default: Vec<&MetaPackage> = in_workspace
                    .iter()
                    .copied()
                    .filter(|p| defaults.contains(p.id.as_str()))
                    .collect();
                if default.is_empty() {
                    in_workspace
                } else {
                    default
                }
            }
        }
    };
    let root = meta.workspace_root;
    let mut packages: Vec<PathBuf> = chosen
        .iter()
        .filter_map(|p| p.manifest_path.parent())
        .map(|dir| {
            dir.strip_prefix(&root)
                .map(|rel| {
                    if rel.as_os_str().is_empty() {
                        PathBuf::from(".")
                    } else {
                        rel.to_path_buf()
                    }
                })
                .unwrap_or_else(|_| dir.to_path_buf())
        })
        .collect();
    packages.sort();
    packages.dedup();
    Ok(Some(Scope { root, packages }))
}

/// `cargo metadata --no-deps` for `manifest`.
fn metadata(manifest: &Path) -> Result<Metadata, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo metadata` failed:\n{}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("unexpected `cargo metadata` output: {e}"))
}

/// Is `file` (absolute) in one of the packages at `roots` (absolute) rather than in a package
/// nested in one of their folders? Its nearest folder with a Cargo.toml decides.
pub fn in_packages(file: &Path, roots: &HashSet<PathBuf>) -> bool {
    file.ancestors()
        .skip(1)
        .find(|d| d.join("Cargo.toml").is_file())
        .is_some_and(|d| roots.contains(d))
}
