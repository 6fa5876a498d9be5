//! The cache of results (`.async-lint-cache/`): a run through it never differs from a run
//! without it (`--no-cache`), on the fixtures and on a crate edited between runs, including
//! when the edit is in another file than the finding (a callee); it is reused when nothing
//! changed; concurrent runs leave it valid.

mod common;

use std::path::Path;

/// `check <args> --format json --cache-stats` in `dir` with the cache in `cache`: stdout and
/// the (hits, misses) the run reported.
fn cached(dir: &Path, cache: &Path, args: &[&str]) -> (String, (usize, usize)) {
    let out = common::command()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--format", "json", "--cache-stats", "--cache-dir"])
        .arg(cache)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stats = stderr
        .lines()
        .find_map(|l| l.strip_prefix("cache: "))
        .unwrap_or_else(|| panic!("no cache statistics in: {stderr}"));
    let numbers: Vec<usize> = stats
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|n| n.parse().expect("a count"))
        .collect();
    (
        String::from_utf8(out.stdout).expect("utf-8"),
        (numbers[0], numbers[1]),
    )
}

/// The same run without the cache.
fn uncached(dir: &Path, args: &[&str]) -> String {
    let out = common::command()
        .current_dir(dir)
        .arg("check")
        .args(args)
        .args(["--format", "json", "--no-cache"])
        .output()
        .expect("runs");
    String::from_utf8(out.stdout).expect("utf-8")
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(p, text).expect("write");
}

fn findings(json: &str) -> Vec<String> {
    let doc: serde_json::Value = serde_json::from_str(json).expect("json");
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| format!("{}:{} {}", f["file"], f["start"]["line"], f["rule"]))
        .collect()
}

#[test]
fn cached_runs_equal_uncached_runs_on_the_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().expect("tempdir");
    let expected = uncached(root, &["fixtures"]);
    assert!(
        findings(&expected).len() > 100,
        "the fixtures have findings"
    );
    let (cold, (hits, misses)) = cached(root, cache.path(), &["fixtures"]);
    assert_eq!(cold, expected, "cold cache");
    assert_eq!(hits, 0);
    assert!(misses > 100);
    let (warm, (hits, misses)) = cached(root, cache.path(), &["fixtures"]);
    assert_eq!(warm, expected, "warm cache");
    assert_eq!(misses, 0, "nothing changed: every file from the cache");
    assert!(hits > 100);
    // Another config (a rule off on the command line) is another key.
    let expected = uncached(root, &["fixtures", "--ignore", "blocking-in-async"]);
    let (other, (hits, _)) = cached(
        root,
        cache.path(),
        &["fixtures", "--ignore", "blocking-in-async"],
    );
    assert_eq!(other, expected);
    assert_eq!(hits, 0, "results of another config are not reused");
}

const LIB: &str = "mod util;\n\npub async fn handler() {\n    util::helper();\n}\n";
const HELPER: &str = "pub fn helper() {\n    let x = 1 + 1;\n    let _ = x;\n}\n";
const BLOCKING_HELPER: &str =
    "pub fn helper() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
const MANIFEST: &str = "[package]\nname = \"edited\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n";

#[test]
fn a_callee_that_starts_blocking_in_another_file_invalidates_its_caller() {
    let dir = common::project(&[
        ("Cargo.toml", MANIFEST.as_bytes()),
        ("src/lib.rs", LIB.as_bytes()),
        ("src/util.rs", HELPER.as_bytes()),
        // No rule's trigger word: judged by its text alone, so it stays cached below.
        ("src/plain.rs", b"pub fn plain() -> u8 {\n    1\n}\n"),
    ]);
    let cache = tempfile::tempdir().expect("tempdir");
    let (first, _) = cached(dir.path(), cache.path(), &[]);
    assert!(findings(&first).is_empty(), "{first}");
    let (_, (hits, misses)) = cached(dir.path(), cache.path(), &[]);
    assert_eq!((hits, misses), (3, 0));

    // Only util.rs changes; the finding is in lib.rs, whose text did not.
    write(dir.path(), "src/util.rs", BLOCKING_HELPER);
    let (after, (hits, misses)) = cached(dir.path(), cache.path(), &[]);
    assert_eq!(
        findings(&after),
        vec!["\"src/lib.rs\":4 \"blocking-in-async\"".to_string()]
    );
    assert_eq!(after, uncached(dir.path(), &[]));
    assert_eq!(
        (hits, misses),
        (1, 2),
        "the crate changed: the parsed file and the edited one linted again"
    );
    let (again, (hits, _)) = cached(dir.path(), cache.path(), &[]);
    assert_eq!(again, after);
    assert_eq!(hits, 3);

    // And back: the finding goes away although lib.rs is unchanged.
    write(dir.path(), "src/util.rs", HELPER);
    let (fixed, _) = cached(dir.path(), cache.path(), &[]);
    assert!(findings(&fixed).is_empty(), "{fixed}");
}

#[test]
fn an_edited_crate_gives_the_uncached_result_after_every_edit() {
    let dir = common::project(&[
        ("Cargo.toml", MANIFEST.as_bytes()),
        ("src/lib.rs", LIB.as_bytes()),
        ("src/util.rs", BLOCKING_HELPER.as_bytes()),
        (
            "tests/it.rs",
            b"#[tokio::test]\nasync fn t() { std::thread::sleep(std::time::Duration::ZERO); }\n",
        ),
        // Another crate in the same run: its results stay cached while the first changes.
        (
            "other/Cargo.toml",
            b"[package]\nname = \"other\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        ),
        (
            "other/src/lib.rs",
            b"pub async fn f() { std::fs::read(\"a\").ok(); }\n",
        ),
    ]);
    let cache = tempfile::tempdir().expect("tempdir");
    let edits: [(&str, Option<&str>); 8] = [
        // A module file appears: the index finds `crate::util::slow` now.
        (
            "src/util.rs",
            Some("mod deep;\npub fn helper() { deep::slow(); }\n"),
        ),
        (
            "src/util/deep.rs",
            Some("pub fn slow() { std::fs::read(\"x\").ok(); }\n"),
        ),
        // It is removed again.
        ("src/util/deep.rs", None),
        // A file that does not parse (reported: it is declared as a module).
        ("src/util.rs", Some("pub fn helper( {\n")),
        ("src/util.rs", Some(BLOCKING_HELPER)),
        // The config turns a rule off.
        (
            "async-lint.toml",
            Some("[rules.blocking-in-async]\nlevel = \"off\"\n"),
        ),
        ("async-lint.toml", None),
        // The manifest names another runtime (suggestions follow it).
        (
            "Cargo.toml",
            Some("[package]\nname = \"edited\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        ),
    ];
    let (first, _) = cached(dir.path(), cache.path(), &[]);
    assert_eq!(first, uncached(dir.path(), &[]));
    for (i, (path, text)) in edits.iter().enumerate() {
        match text {
            Some(t) => write(dir.path(), path, t),
            None => std::fs::remove_file(dir.path().join(path)).expect("remove"),
        }
        let expected = uncached(dir.path(), &[]);
        let (got, (hits, _)) = cached(dir.path(), cache.path(), &[]);
        assert_eq!(got, expected, "after edit {i} ({path})");
        if !path.ends_with(".toml") {
            assert!(
                hits >= 1,
                "edit {i}: the other crate's file is still cached"
            );
        }
        let (again, (_, misses)) = cached(dir.path(), cache.path(), &[]);
        assert_eq!(again, expected, "after edit {i}, warm");
        assert_eq!(misses, 0, "after edit {i}, warm");
    }
}

#[test]
fn concurrent_runs_agree_and_leave_a_valid_cache() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cache = tempfile::tempdir().expect("tempdir");
    let expected = uncached(root, &["fixtures"]);
    let children: Vec<std::process::Child> = (0..4)
        .map(|_| {
            std::process::Command::new(common::binary())
                .current_dir(root)
                .args(["check", "fixtures", "--format", "json", "--cache-dir"])
                .arg(cache.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawns")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("waits");
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    }
    let version = std::fs::read_dir(cache.path())
        .expect("cache folder")
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with('v'))
        .expect("a version folder");
    for shard in std::fs::read_dir(version.path()).expect("shards").flatten() {
        let text = std::fs::read(shard.path()).expect("readable");
        serde_json::from_slice::<serde_json::Value>(&text)
            .unwrap_or_else(|e| panic!("{} is not whole: {e}", shard.path().display()));
    }
    let (warm, (_, misses)) = cached(root, cache.path(), &["fixtures"]);
    assert_eq!(warm, expected);
    assert_eq!(misses, 0);
}

#[test]
fn the_cache_folder_is_ignored_by_git_and_a_damaged_shard_is_a_miss() {
    let dir = common::project(&[
        ("Cargo.toml", MANIFEST.as_bytes()),
        ("src/lib.rs", LIB.as_bytes()),
        ("src/util.rs", BLOCKING_HELPER.as_bytes()),
    ]);
    // --no-cache writes nothing.
    uncached(dir.path(), &[]);
    assert!(!dir.path().join(".async-lint-cache").exists());
    // By default the cache is at the project root, with a .gitignore of `*`.
    let (code, first, _) = common::check(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let folder = dir.path().join(".async-lint-cache");
    let ignore = std::fs::read_to_string(folder.join(".gitignore")).expect(".gitignore");
    assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
    // Every shard damaged: the run lints again and gives the same output.
    for version in std::fs::read_dir(&folder).expect("folder").flatten() {
        if version.path().is_dir() {
            for shard in std::fs::read_dir(version.path()).expect("shards").flatten() {
                std::fs::write(shard.path(), "{\"entries\": {\"trunc").expect("damage");
            }
        }
    }
    let (code, again, stderr) = common::check(dir.path(), &["--format", "json"]);
    assert_eq!((code, again), (1, first), "{stderr}");
}

#[test]
fn reporting_unused_allows_is_part_of_the_cache_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = tempfile::tempdir().expect("tempdir");
    write(
        dir.path(),
        "src/lib.rs",
        "async fn f() {\n    // async-lint: allow(blocking-in-async)\n    g().await;\n}\n",
    );
    let (plain, _) = cached(dir.path(), cache.path(), &["src"]);
    let (reporting, _) = cached(dir.path(), cache.path(), &["src", "--report-unused-allows"]);
    assert_eq!(plain, uncached(dir.path(), &["src"]));
    assert_eq!(
        reporting,
        uncached(dir.path(), &["src", "--report-unused-allows"])
    );
    assert!(
        findings(&reporting)
            .iter()
            .any(|f| f.ends_with("\"unused-allow\"")),
        "the unused allow is reported: {reporting}"
    );
}
