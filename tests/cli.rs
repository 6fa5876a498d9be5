//! End-to-end tests of the `async-lint` binary: exit codes, formats, config, suppressions,
//! bad input. Each test builds its own small project in a temporary folder.

mod common;

use common::{check, project};

use std::path::Path;

const BLOCKING: &str = "async fn load() -> Vec<u8> {\n    std::fs::read(\"a\").unwrap()\n}\n";
const CLEAN: &str = "async fn load() -> Vec<u8> {\n    tokio::fs::read(\"a\").await.unwrap()\n}\n";

fn bin() -> assert_cmd::Command {
    common::command()
}

fn json(dir: &Path, args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = check(dir, &all);
    let doc = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("invalid JSON ({e}): {stdout}\n{stderr}"));
    (code, doc)
}

/// Each error of a JSON report as `"path" "message"`.
fn errors_of(doc: &serde_json::Value) -> Vec<String> {
    doc["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| format!("{} {}", e["path"], e["message"]))
        .collect()
}

fn rules_of(doc: &serde_json::Value) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["rule"].as_str().expect("rule").to_string())
        .collect()
}

#[test]
fn exit_codes_follow_findings_and_flags() {
    let dir = project(&[("src/clean.rs", CLEAN.as_bytes())]);
    assert_eq!(check(dir.path(), &[]).0, 0);
    let dir = project(&[("src/lib.rs", BLOCKING.as_bytes())]);
    assert_eq!(check(dir.path(), &[]).0, 1);
    assert_eq!(check(dir.path(), &["--exit-zero"]).0, 0);
    assert_eq!(
        check(dir.path(), &["--fail-level", "error"]).0,
        0,
        "a warning is below the error fail level"
    );
    assert_eq!(check(dir.path(), &["--ignore", "blocking-in-async"]).0, 0);
    assert_eq!(check(dir.path(), &["--select", "no-such-rule"]).0, 2);
    assert_eq!(check(dir.path(), &["--format", "yaml"]).0, 2);
}

#[test]
fn json_output_follows_the_schema() {
    let dir = project(&[("src/lib.rs", BLOCKING.as_bytes())]);
    let (code, doc) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(doc["version"], 1);
    let f = &doc["findings"][0];
    assert_eq!(f["rule"], "blocking-in-async");
    assert_eq!(f["severity"], "warning");
    assert_eq!(
        f["file"], "src/lib.rs",
        "paths are relative to the working directory"
    );
    assert_eq!(f["start"]["line"], 2);
    assert_eq!(f["start"]["column"], 5);
    assert_eq!(f["end"]["column"], 23);
    assert_eq!(f["span"]["start"], 33);
    assert_eq!(
        f["suggestion"]["replacement"],
        "tokio::fs::read(\"a\").await"
    );
    assert_eq!(doc["summary"]["findings"], 1);
    assert_eq!(doc["summary"]["files"], 1);
}

#[test]
fn human_output_is_coloured_only_when_asked_or_on_a_terminal() {
    let dir = project(&[("src/lib.rs", BLOCKING.as_bytes())]);
    let (_, plain, _) = check(dir.path(), &[]);
    assert!(
        !plain.contains('\u{1b}'),
        "piped output has no escape codes"
    );
    assert!(plain.contains("blocking call `std::fs::read` in async fn `load`"));
    assert!(plain.contains("src/lib.rs:2:5"));
    assert!(plain.contains("Found 1 finding (1 warning) in 1 file."));
    let (_, coloured, _) = check(dir.path(), &["--color", "always"]);
    assert!(coloured.contains('\u{1b}'));
    let (_, quiet, _) = check(dir.path(), &["--quiet", "--statistics"]);
    assert!(!quiet.contains("Found"));
    assert!(quiet.contains("1  blocking-in-async"));
}

#[test]
fn config_is_found_upward_and_checked() {
    let dir = project(&[
        (
            "async-lint.toml",
            b"[rules.blocking-in-async]\nlevel = \"error\"\n",
        ),
        ("crate/src/lib.rs", BLOCKING.as_bytes()),
    ]);
    let (code, doc) = json(&dir.path().join("crate"), &["src"]);
    assert_eq!(code, 1);
    assert_eq!(
        doc["findings"][0]["severity"], "error",
        "level from the config found upward"
    );

    let dir = project(&[
        ("async-lint.toml", b"[rules.blocking-in-async]\nlevl = 1\n"),
        ("a.rs", BLOCKING.as_bytes()),
    ]);
    let (code, _, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("async-lint.toml") && stderr.contains("rules.blocking-in-async.levl"),
        "{stderr}"
    );

    let dir = project(&[
        (
            "async-lint.toml",
            b"exclude = [\"gen/**\"]\n[per-path-ignores]\n\"tests/**\" = [\"blocking-in-async\"]\n",
        ),
        ("gen/a.rs", BLOCKING.as_bytes()),
        ("tests/b.rs", BLOCKING.as_bytes()),
        ("src/c.rs", BLOCKING.as_bytes()),
    ]);
    let (_, doc) = json(dir.path(), &[]);
    let files: Vec<&str> = doc["findings"]
        .as_array()
        .expect("array")
        .iter()
        .map(|f| f["file"].as_str().expect("file"))
        .collect();
    assert_eq!(files, vec!["src/c.rs"]);

    let dir = project(&[
        ("Cargo.toml", b"[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[package.metadata.async-lint]\nignore = [\"blocking-in-async\"]\n"),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    assert_eq!(
        check(dir.path(), &[]).0,
        0,
        "config from Cargo.toml metadata"
    );
    let dir = project(&[
        ("cfg.toml", b"select = [\"nope\"]\n"),
        ("a.rs", BLOCKING.as_bytes()),
    ]);
    let (code, _, stderr) = check(dir.path(), &["--config", "cfg.toml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown rule `nope`"), "{stderr}");
    let dir = project(&[
        ("async-lint.toml", b"rules = [[[\n"),
        ("a.rs", BLOCKING.as_bytes()),
    ]);
    let (code, _, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid TOML"), "{stderr}");
}

#[test]
fn suppressions_in_source_silence_findings() {
    let src = "async fn a() {\n    let _ = std::fs::read(\"a\"); // async-lint: allow(blocking-in-async)\n}\n\
               // async-lint: allow(blocking-in-async)\nasync fn b() {\n    let _ = std::fs::read(\"b\");\n}\n";
    let dir = project(&[("src/lib.rs", src.as_bytes())]);
    assert_eq!(check(dir.path(), &[]).0, 0);
}

#[test]
fn bad_files_are_reported_and_the_rest_is_still_linted() {
    let dir = project(&[
        ("src/broken.rs", b"async fn x( {\n"),
        ("src/latin1.rs", b"async fn caf\xe9() {}\n"),
        ("src/empty.rs", b""),
        ("src/ok.rs", BLOCKING.as_bytes()),
        ("src/space dir/été.rs", BLOCKING.as_bytes()),
    ]);
    std::os::unix::fs::symlink(dir.path().join("src"), dir.path().join("src/loop"))
        .expect("symlink");
    std::os::unix::fs::symlink(
        dir.path().join("missing.rs"),
        dir.path().join("src/dangling.rs"),
    )
    .expect("symlink");
    let (code, doc) = json(dir.path(), &[]);
    assert_eq!(code, 2, "unreadable paths make the run fail with 2");
    let rules = rules_of(&doc);
    assert_eq!(
        rules.iter().filter(|r| *r == "parse-error").count(),
        1,
        "{doc}"
    );
    assert_eq!(
        rules.iter().filter(|r| *r == "blocking-in-async").count(),
        2,
        "{doc}"
    );
    let errors = errors_of(&doc);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("latin1.rs") && e.contains("UTF-8")),
        "{errors:?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("loop") && e.contains("loop")),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e.contains("dangling.rs")),
        "{errors:?}"
    );
    let (_, _, stderr) = check(dir.path(), &[]);
    assert!(
        stderr.contains("latin1.rs: not valid UTF-8"),
        "human errors go to stderr: {stderr}"
    );
}

#[test]
fn files_over_the_size_limit_are_errors_not_memory_hogs() {
    let big = "async fn f() {}\n".repeat(70_000);
    let dir = project(&[
        ("gen/big.rs", big.as_bytes()),
        ("src/ok.rs", BLOCKING.as_bytes()),
    ]);
    let (code, doc) = json(dir.path(), &["--max-file-size", "1"]);
    assert_eq!(code, 2);
    assert_eq!(
        doc["summary"]["findings"], 1,
        "the other file is still linted"
    );
    let msg = doc["errors"][0]["message"].as_str().expect("message");
    assert!(doc["errors"][0]["path"]
        .as_str()
        .expect("path")
        .ends_with("big.rs"));
    assert!(msg.contains("1.1 MiB, over the 1 MiB limit"), "{msg}");
    assert_eq!(
        json(dir.path(), &[]).0,
        1,
        "under the default limit it is linted"
    );
}

/// Root reads files whatever their mode says, so as root the binary runs as `nobody`
/// (util-linux's `setpriv`) for the modes to mean something.
#[test]
fn unreadable_file_and_folder_are_errors_naming_them() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[
        ("src/ok.rs", BLOCKING.as_bytes()),
        ("src/secret.rs", BLOCKING.as_bytes()),
        ("src/locked/inner.rs", BLOCKING.as_bytes()),
    ]);
    let at = |p: &str| dir.path().join(p);
    let mode = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    // Everything else readable by another user.
    for d in [dir.path(), &at("src"), &at("src/locked")] {
        mode(d, 0o755);
    }
    mode(&at("src/ok.rs"), 0o644);
    mode(&at("src/locked/inner.rs"), 0o644);
    mode(&at("src/secret.rs"), 0o000);
    mode(&at("src/locked"), 0o000);
    let as_root = std::fs::read(at("src/secret.rs")).is_ok();
    let mut cmd = if as_root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(common::binary());
        c
    } else {
        std::process::Command::new(common::binary())
    };
    let out = cmd
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .output()
        .expect("the binary (or setpriv) runs");
    mode(&at("src/locked"), 0o755);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "invalid JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(
        out.status.code(),
        Some(2),
        "unreadable paths: exit 2 ({doc})"
    );
    assert_eq!(
        doc["summary"]["findings"], 1,
        "ok.rs is still linted: {doc}"
    );
    let errors = errors_of(&doc);
    assert!(errors.iter().any(|e| e.contains("secret.rs")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("locked")), "{errors:?}");
}

#[test]
fn a_50_mb_generated_file_is_refused_at_the_default_limit() {
    // 50 MB of generated code: parsed, it would cost gigabytes of syntax tree.
    let line = "pub async fn generated_fn() -> u64 { 0x0123_4567_89ab_cdef }\n";
    let big = line.repeat(50_000_000 / line.len() + 1);
    let dir = project(&[
        ("src/generated.rs", big.as_bytes()),
        ("src/ok.rs", BLOCKING.as_bytes()),
    ]);
    let (code, doc) = json(dir.path(), &[]);
    assert_eq!(code, 2, "an unlintable file is an error");
    assert_eq!(
        doc["summary"]["findings"], 1,
        "the other file is still linted"
    );
    let error = &doc["errors"][0];
    assert!(error["path"]
        .as_str()
        .expect("path")
        .ends_with("generated.rs"));
    let msg = error["message"].as_str().expect("message");
    assert!(msg.contains("47.7 MiB, over the 8 MiB limit"), "{msg}");
}

#[test]
fn findings_on_minified_lines_render_without_a_snippet() {
    let line: String = (0..3000)
        .map(|i| format!("async fn f{i}() {{ std::thread::sleep(d); }} "))
        .collect();
    let dir = project(&[("src/min.rs", line.as_bytes())]);
    let (code, out, stderr) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    let last = line.rfind("std::thread::sleep").expect("present") + 1;
    let expected =
        format!("src/min.rs:1:{last}: blocking call `std::thread::sleep` in async fn `f2999`");
    assert!(
        out.contains(&expected),
        "{expected} not in {}",
        &out[out.len() - 600..]
    );
    assert!(out.contains("Found 3000 findings"));
}

#[test]
fn missing_path_is_an_error_naming_it() {
    let dir = project(&[("a.rs", BLOCKING.as_bytes())]);
    let (code, _, stderr) = check(dir.path(), &["a.rs", "nope/"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nope"), "{stderr}");
}

#[test]
fn walking_skips_target_hidden_and_gitignored_paths() {
    let dir = project(&[
        (".gitignore", b"generated/\n"),
        ("target/debug/build.rs", BLOCKING.as_bytes()),
        (".hidden/a.rs", BLOCKING.as_bytes()),
        ("generated/b.rs", BLOCKING.as_bytes()),
        ("src/lib.rs", BLOCKING.as_bytes()),
    ]);
    let (_, doc) = json(dir.path(), &[]);
    assert_eq!(doc["summary"]["files"], 1, "{doc}");
    let (_, doc) = json(dir.path(), &["generated/b.rs"]);
    assert_eq!(
        doc["summary"]["findings"], 1,
        "a file named explicitly is linted"
    );
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let one = check(root, &["fixtures", "--format", "json", "-j", "1"]).1;
    let two = check(root, &["fixtures", "--format", "json", "-j", "2"]).1;
    assert!(one.len() > 1000);
    assert_eq!(one, two);
}

#[test]
fn skipping_files_no_rule_can_fire_in_changes_no_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = project(&[
        ("src/broken_async.rs", b"async fn x( {\n"),
        ("src/broken_plain.rs", b"fn x( {\n"),
        ("src/plain.rs", b"fn main() { std::thread::sleep(d); }\n"),
    ]);
    let extra = dir.path().to_str().expect("utf-8 temp path");
    // Without the cache: this compares what the pre-check skips, not what a shared cache
    // holds (tests/cache.rs covers the cache; other tests lint `fixtures` at the same time).
    let args = [
        "fixtures",
        "tests/fix",
        extra,
        "--format",
        "json",
        "--report-unused-allows",
        "--no-cache",
    ];
    let skipping = check(root, &args).1;
    let mut all = args.to_vec();
    all.push("--no-prefilter");
    let parsing_all = check(root, &all).1;
    assert!(skipping.contains("\"rule\": \"unused-allow\""));
    assert!(skipping.contains("broken_async.rs") && !skipping.contains("broken_plain.rs"));
    assert_eq!(skipping, parsing_all);
}

#[test]
fn explain_and_rules_print_the_registry() {
    let out = bin()
        .args(["explain", "blocking-in-async"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# blocking-in-async"));
    let out = bin().args(["explain", "nope"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let out = bin().arg("rules").output().expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("blocking-in-async"));
}

const SLEEPING: &str =
    "async fn nap() {\n    std::thread::sleep(std::time::Duration::from_secs(1));\n}\n";

#[test]
fn human_output_ends_with_notes_docs_and_fixable_counts() {
    let dir = project(&[("src/lib.rs", SLEEPING.as_bytes())]);
    let (code, out, _) = check(dir.path(), &["--color", "never"]);
    assert_eq!(code, 1);
    let help = out.find("\n  help: ").expect("help");
    let note = out
        .find("\n  note: ")
        .expect("note beside the help, not inside it");
    let docs = out
        .find("\n  for further information: `async-lint explain blocking-in-async`\n")
        .expect("where to read more");
    assert!(help < note && note < docs, "{out}");
    assert!(
        out.ends_with(
            "Found 1 finding (1 warning) in 1 file.\n\
             1 more fixable with `--fix --unsafe-fixes` (check those changes).\n"
        ),
        "{out}"
    );
}

#[test]
fn statistics_print_only_the_table() {
    let dir = project(&[
        ("src/a.rs", SLEEPING.as_bytes()),
        ("src/b.rs", SLEEPING.as_bytes()),
    ]);
    for format in ["human", "concise"] {
        let (_, out, _) = check(dir.path(), &["--statistics", "--format", format]);
        assert_eq!(
            out,
            "     2  blocking-in-async\nFound 2 findings (2 warnings) in 2 files.\n\
             2 more fixable with `--fix --unsafe-fixes` (check those changes).\n",
            "{format}"
        );
    }
}

#[test]
fn force_color_and_clicolor_force_colour_a_pipe_unless_no_color() {
    let dir = project(&[("src/lib.rs", SLEEPING.as_bytes())]);
    let run = |vars: &[(&str, &str)]| {
        let mut cmd = bin();
        cmd.current_dir(dir.path())
            .arg("check")
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR")
            .env_remove("CLICOLOR_FORCE");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("runs");
        String::from_utf8_lossy(&out.stdout).contains('\u{1b}')
    };
    assert!(!run(&[]), "a pipe gets no colour");
    assert!(run(&[("FORCE_COLOR", "1")]));
    assert!(run(&[("CLICOLOR_FORCE", "1")]));
    assert!(!run(&[("CLICOLOR_FORCE", "0")]));
    assert!(!run(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
}

#[test]
fn clippy_level_words_are_accepted() {
    let dir = project(&[
        (
            "async-lint.toml",
            b"[rules]\nblocking-in-async = \"deny\"\nsequential-awaits = \"allow\"\n",
        ),
        ("src/lib.rs", SLEEPING.as_bytes()),
    ]);
    let (_, doc) = json(dir.path(), &[]);
    assert_eq!(doc["findings"][0]["severity"], "error");
}

#[test]
fn explain_all_and_a_typo() {
    let out = bin().args(["explain", "--all"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for rule in [
        "# blocking-in-async\n",
        "# await-in-loop\n",
        "# sync-logging\n",
    ] {
        assert!(text.contains(rule), "{rule} in --all");
    }
    assert!(
        text.contains("```"),
        "piped, the Markdown is printed as written"
    );
    let out = bin()
        .args(["explain", "blocking_in_asnyc"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: unknown rule `blocking_in_asnyc`; did you mean `blocking-in-async`? \
         (`async-lint rules` lists them)\n"
    );
    assert_eq!(
        bin().arg("explain").output().expect("runs").status.code(),
        Some(2)
    );
}

#[test]
fn sarif_rules_carry_tags_and_where_to_read_more() {
    let dir = project(&[("src/lib.rs", SLEEPING.as_bytes())]);
    let (_, out, _) = check(dir.path(), &["--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_str(&out).expect("sarif");
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let rule = |id: &str| {
        rules
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} listed"))
    };
    let blocking = rule("blocking-in-async");
    assert_eq!(
        blocking["properties"]["tags"],
        serde_json::json!(["async", "performance", "correctness"])
    );
    assert_eq!(
        rule("swallowed-task-error")["properties"]["tags"],
        serde_json::json!(["async", "correctness"])
    );
    // No repository URL yet: no helpUri, and the help text names the command with the page.
    assert!(blocking.get("helpUri").is_none());
    assert!(
        blocking["help"]["text"].as_str().is_some_and(
            |t| t.ends_with("For further information: `async-lint explain blocking-in-async`")
        ),
        "{}",
        blocking["help"]
    );
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bin().args(["completions", shell]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(
            script.contains("force-exclude") && script.contains("statistics"),
            "{shell}: the options of check"
        );
    }
    // The bash script is valid bash (when bash is there to say so).
    let script = bin()
        .args(["completions", "bash"])
        .output()
        .expect("runs")
        .stdout;
    if let Ok(mut child) = std::process::Command::new("bash")
        .arg("-n")
        .stdin(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(&script)
            .expect("write");
        assert!(child.wait().expect("bash").success(), "bash -n accepts it");
    }
    let out = bin().arg("man").output().expect("runs");
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(page.contains(".TH async-lint 1"), "{page}");
    assert!(page.contains("completions"), "subcommands listed");
    assert_eq!(
        bin()
            .args(["completions", "tcsh"])
            .output()
            .expect("runs")
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn human_output_marks_what_fix_fixes() {
    let dir = project(&[
        (
            "Cargo.toml",
            b"[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
        ),
        ("src/lib.rs", SLEEPING.as_bytes()),
    ]);
    let (_, out, _) = check(dir.path(), &["--color", "never"]);
    assert!(
        out.contains("blocking call `std::thread::sleep` in async fn `nap` [*]\n"),
        "{out}"
    );
    assert!(
        out.ends_with("in 1 file.\n[*] 1 fixable with `--fix`.\n"),
        "{out}"
    );
}
