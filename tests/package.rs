//! Both crates can be packaged for crates.io, and pre-commit's `language: rust` build
//! installs the program the hooks run.

use std::path::Path;
use std::process::Command;

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// The files `cargo package` would put in `package`'s crate.
fn packaged_files(package: &str) -> Vec<String> {
    let out = cargo()
        .args([
            "package",
            "--list",
            "--allow-dirty",
            "--offline",
            "-p",
            package,
        ])
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn both_crates_package() {
    let target = tempfile::tempdir().expect("tempdir");
    // Without verifying (which would build both again): the manifests are publishable, and the
    // path dependency on async-lint-core carries the version crates.io needs.
    let out = cargo()
        .args([
            "package",
            "--workspace",
            "--exclude",
            "async-lint-tests",
            "--no-verify",
            "--allow-dirty",
            "--offline",
        ])
        .env("CARGO_TARGET_DIR", target.path())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for krate in ["async-lint-core-", "async-lint-"] {
        assert!(
            stderr.contains(&format!("Packaging {}", krate.trim_end_matches('-'))),
            "{stderr}"
        );
    }
    assert!(packaged_files("async-lint").contains(&"src/main.rs".to_string()));
}

/// Every file that the core crate's sources `include_str!` must be inside its package, or the
/// published crate does not build. The rule pages and catalogues live in the repository's
/// `rules/`; the core crate reaches them through its `rules` symlink, which `cargo package`
/// follows.
#[test]
fn the_core_crate_holds_every_file_it_includes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let core = root.join("crates/async-lint-core");
    let files = packaged_files("async-lint-core");
    let mut missing = Vec::new();
    for entry in walk(&core.join("src")) {
        let text = std::fs::read_to_string(&entry).expect("read");
        for (at, _) in text.match_indices("include_str!(\"") {
            let rest = &text[at + 14..];
            let Some(end) = rest.find('"') else { continue };
            let target = entry.parent().expect("folder").join(&rest[..end]);
            let inside = std::path::absolute(&target)
                .ok()
                .and_then(|t| {
                    normalize(&t)
                        .strip_prefix(&core)
                        .ok()
                        .map(Path::to_path_buf)
                })
                .map(|rel| rel.to_string_lossy().replace('\\', "/"));
            if !inside.is_some_and(|rel| files.contains(&rel)) {
                missing.push(format!("{} includes {}", entry.display(), &rest[..end]));
            }
        }
    }
    assert!(missing.is_empty(), "{missing:#?}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// `a/b/../c` → `a/c`.
fn normalize(p: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn the_pre_commit_hooks_run_the_binary_their_rust_build_installs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).expect("hooks");
    let out = cargo()
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .expect("cargo runs");
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata");
    // pre-commit runs `cargo install --bins --path .`: the bins of the root package.
    let root_manifest = root.join("Cargo.toml");
    let root_package = meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["manifest_path"].as_str().map(Path::new) == Some(root_manifest.as_path()))
        .expect("a root package");
    let bins: Vec<&str> = root_package["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter(|t| t["kind"] == serde_json::json!(["bin"]))
        .filter_map(|t| t["name"].as_str())
        .collect();
    let languages: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("language:"))
        .map(str::trim)
        .collect();
    let programs: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry:"))
        .filter_map(|e| e.split_whitespace().next())
        .collect();
    assert!(!programs.is_empty());
    assert!(languages.iter().all(|l| *l == "rust"), "{languages:?}");
    for p in programs {
        assert!(
            bins.contains(&p),
            "`{p}` is not a bin of the root package: {bins:?}"
        );
    }
    assert!(
        hooks
            .lines()
            .filter(|l| l.trim().starts_with("entry:"))
            .all(|l| l.contains(" --force-exclude")),
        "pre-commit passes file names: every hook keeps `exclude` in force"
    );
}
