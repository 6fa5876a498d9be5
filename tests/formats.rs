//! Each output format checked against the rules of its consumer: `cargo` against cargo's own
//! messages for the same package, `github` through a parser that follows the Actions runner,
//! `json-lines` against `json`, `concise` line by line; plus `--stdin-filename`, `flycheck`
//! and `cargo async-lint` (`sarif` is in tests/sarif.rs).

mod common;

use common::check;

/// A temporary project of text files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    common::project(&bytes)
}

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

const BLOCKING_FN: &str = "pub async fn f() { let unused = 1; std::thread::sleep(std::time::Duration::from_millis(1)); }\n";

/// A package with every kind of target, each file with a blocking call (for async-lint) and
/// an unused variable (for rustc).
fn every_target_kind() -> tempfile::TempDir {
    let body = |name: &str| {
        format!("pub async fn {name}() {{ let unused = 1; std::thread::sleep(std::time::Duration::from_millis(1)); }}\n")
    };
    project(&[
        ("Cargo.toml", "[package]\nname = \"multi-kind\"\nversion = \"0.3.1\"\nedition = \"2021\"\n\n[workspace]\n"),
        ("src/lib.rs", &format!("mod net;\n{}", body("lib"))),
        ("src/net/mod.rs", &body("net")),
        ("src/main.rs", &format!("{}fn main() {{}}\n", body("run"))),
        ("src/bin/tool.rs", &format!("{}fn main() {{}}\n", body("tool"))),
        ("src/bin/multi/main.rs", &format!("mod helper;\n{}fn main() {{}}\n", body("multi"))),
        ("src/bin/multi/helper.rs", &body("helper")),
        ("tests/it.rs", &format!("mod common;\n{}", body("it"))),
        ("tests/common/mod.rs", &body("common")),
        ("examples/demo.rs", &format!("{}fn main() {{}}\n", body("demo"))),
        ("benches/speed.rs", &format!("{}fn main() {{}}\n", body("speed"))),
        ("build.rs", &format!("{}fn main() {{}}\n", body("build"))),
        // Tests, examples and benches are test code, linted only when asked.
        ("async-lint.toml", "check-tests = true\n"),
    ])
}

#[test]
fn cargo_format_names_packages_and_targets_as_cargo_does() {
    let dir = every_target_kind();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(dir.path())
        .args([
            "check",
            "--offline",
            "--all-targets",
            "--message-format=json",
            "--quiet",
        ])
        .env("CARGO_TARGET_DIR", dir.path().join("target"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // cargo's view: file → (package_id, manifest_path, target) from its unused-variable warnings.
    let mut cargo_units = std::collections::BTreeMap::new();
    let mut rustc_keys = None;
    for m in json_lines(&String::from_utf8_lossy(&out.stdout)) {
        if m["reason"] != "compiler-message" || m["message"]["code"]["code"] != "unused_variables" {
            continue;
        }
        let file = m["message"]["spans"][0]["file_name"]
            .as_str()
            .expect("file")
            .to_string();
        rustc_keys.get_or_insert_with(|| shape(&m["message"]));
        cargo_units.entry(file).or_insert((
            m["package_id"].clone(),
            m["manifest_path"].clone(),
            m["target"].clone(),
        ));
    }
    assert!(cargo_units.len() >= 10, "cargo reported {cargo_units:?}");

    let (code, stdout, stderr) = check(dir.path(), &["--format", "cargo"]);
    assert_eq!(code, 1, "{stderr}");
    let ours = json_lines(&stdout);
    assert_eq!(ours.last().expect("last")["reason"], "build-finished");
    assert_eq!(
        ours.iter()
            .filter(|m| m["reason"] == "build-finished")
            .count(),
        1
    );
    let mut seen_packaged = false;
    for m in &ours[..ours.len() - 1] {
        let diag = if m["reason"] == "compiler-message" {
            &m["message"]
        } else {
            m
        };
        let file = diag["spans"][0]["file_name"].as_str().expect("file");
        assert_eq!(diag["code"]["code"], "async_lint::blocking-in-async");
        assert_eq!(
            shape(diag),
            *rustc_keys.as_ref().expect("rustc message"),
            "same fields as rustc's diagnostics"
        );
        if m["reason"] == "compiler-message" {
            seen_packaged = true;
            let (package_id, manifest, target) = &cargo_units[file];
            assert_eq!(&m["package_id"], package_id, "{file}");
            assert_eq!(&m["manifest_path"], manifest, "{file}");
            assert_eq!(&m["target"], target, "{file}");
        } else {
            assert!(
                !seen_packaged,
                "bare diagnostics come before compiler-messages"
            );
            assert_eq!(
                file, "tests/common/mod.rs",
                "only a shared test helper has no known target"
            );
        }
    }
    assert_eq!(ours.len() - 1, 11, "one finding per file: {stdout}");
}

/// The field names of a diagnostic, its spans, span lines and children (recursively).
fn shape(v: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    fn walk(prefix: &str, v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let path = format!("{prefix}.{k}");
                    out.insert(path.clone());
                    if matches!(k.as_str(), "spans" | "text" | "children") {
                        walk(&path, x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(prefix, x, out)),
            _ => {}
        }
    }
    walk("", v, &mut out);
    out
}

#[test]
fn cargo_format_fills_span_text_and_suggestions() {
    let src = "async fn a() {\n    let s = \"é\"; std::fs::read(s).unwrap();\n}\n";
    let dir = project(&[
        ("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n"),
        ("src/lib.rs", src),
    ]);
    let (_, stdout, _) = check(dir.path(), &["--format", "cargo"]);
    let m = &json_lines(&stdout)[0];
    let span = &m["message"]["spans"][0];
    assert_eq!(span["file_name"], "src/lib.rs");
    assert_eq!(
        span["text"][0]["text"],
        "    let s = \"é\"; std::fs::read(s).unwrap();"
    );
    let line = src.lines().nth(1).expect("line");
    let column = line[..line.find("std::fs").expect("call")].chars().count() + 1;
    assert_eq!(column, 18);
    assert_eq!(
        span["column_start"], column,
        "columns count chars, not bytes"
    );
    assert_eq!(span["text"][0]["highlight_start"], column);
    assert_eq!(span["byte_start"], src.find("std::fs").expect("call"));
    let help = m["message"]["children"]
        .as_array()
        .expect("children")
        .iter()
        .find(|c| c["level"] == "help")
        .expect("help child");
    assert_eq!(
        help["spans"][0]["suggested_replacement"],
        "tokio::fs::read(s).await"
    );
    assert_eq!(
        help["spans"][0]["suggestion_applicability"],
        "MachineApplicable"
    );
    let notes: Vec<&str> = m["message"]["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter(|c| c["level"] == "note")
        .map(|c| c["message"].as_str().expect("text"))
        .collect();
    assert!(
        notes.iter().any(|n| n.contains("blocking-in-async")),
        "a note names the rule's page: {notes:?}"
    );
    assert!(m["message"]["rendered"]
        .as_str()
        .expect("rendered")
        .contains("--> src/lib.rs:2:18"));
}

/// A workflow command parsed as the Actions runner does (ActionCommand.TryParseV2): the
/// command up to the first space, properties split on `,` then on the first `=`, the message
/// after the first `::` that follows the opening one; then unescaped.
fn parse_workflow_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let end = rest.find("::").expect("closing ::");
    let (info, data) = (&rest[..end], &rest[end + 2..]);
    let (command, props) = info.split_once(' ').unwrap_or((info, ""));
    let unescape_data = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let unescape_property = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape_property(v))
        })
        .collect();
    (command.to_string(), props, unescape_data(data))
}

#[test]
fn github_annotations_survive_the_runners_parser() {
    let awkward = "src/100%,odd:name.rs";
    let dir = project(&[
        (awkward, BLOCKING_FN),
        (
            "src/b.rs",
            "async fn b() -> u8 { std::process::Command::new(\"x\").output(); 1 }\n",
        ),
    ]);
    let (code, stdout, stderr) = check(dir.path(), &["--format", "github"]);
    assert_eq!(code, 1);
    assert!(
        stderr.is_empty(),
        "no warning below the display limit: {stderr}"
    );
    let (_, json, _) = check(dir.path(), &["--format", "json"]);
    let json: Value = serde_json::from_str(&json).expect("json");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        json["findings"].as_array().expect("findings").len()
    );
    for (line, f) in lines
        .iter()
        .zip(json["findings"].as_array().expect("findings"))
    {
        let (command, props, message) = parse_workflow_command(line);
        assert_eq!(command, "warning");
        let prop = |k: &str| {
            props
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("{k} in {line}"))
        };
        assert_eq!(prop("file"), f["file"].as_str().expect("file"));
        assert_eq!(prop("line"), f["start"]["line"].to_string());
        assert_eq!(prop("col"), f["start"]["column"].to_string());
        assert_eq!(prop("endLine"), f["end"]["line"].to_string());
        assert_eq!(prop("endColumn"), f["end"]["column"].to_string());
        assert_eq!(prop("title"), "async-lint: blocking-in-async");
        assert_eq!(
            message,
            format!(
                "{}\nhelp: {}",
                f["message"].as_str().expect("m"),
                f["help"].as_str().expect("h")
            )
        );
    }
    assert!(
        stdout.contains("file=src/100%25%2Codd%3Aname.rs,"),
        "{stdout}"
    );

    let many: String = (0..11)
        .map(|i| format!("async fn f{i}() {{ std::thread::sleep(d()); }}\n"))
        .collect();
    let dir = project(&[("src/many.rs", &many)]);
    let (_, stdout, stderr) = check(dir.path(), &["--format", "github"]);
    assert_eq!(stdout.lines().count(), 11, "every finding is still printed");
    assert!(
        stderr.contains("11 warning annotations") && stderr.contains("only 10"),
        "{stderr}"
    );
}

#[test]
fn json_lines_are_the_json_findings() {
    let dir = project(&[("src/a.rs", BLOCKING_FN), ("src/b.rs", BLOCKING_FN)]);
    let (code, stdout, _) = check(dir.path(), &["--format", "json-lines"]);
    assert_eq!(code, 1);
    let (_, json, _) = check(dir.path(), &["--format", "json"]);
    let json: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(Value::Array(json_lines(&stdout)), json["findings"]);
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    let dir = project(&[
        ("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n\n[package.metadata.async-lint.per-path-ignores]\n\"src/ignored/**\" = [\"blocking-in-async\"]\n"),
        ("src/lib.rs", "pub async fn on_disk() {}\n"),
    ]);
    let run = |args: &[&str], input: &str| {
        let out = common::command()
            .current_dir(dir.path())
            .arg("check")
            .args(args)
            .write_stdin(input)
            .output()
            .expect("runs");
        (
            out.status.code().expect("code"),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let unsaved = "pub async fn edited() {\n    std::thread::sleep(d());\n}\n";
    let (code, out) = run(
        &[
            "--stdin-filename",
            "src/lib.rs",
            "--format",
            "json-lines",
            "-",
        ],
        unsaved,
    );
    assert_eq!(code, 1);
    let f = &json_lines(&out)[0];
    assert_eq!(f["file"], "src/lib.rs");
    assert_eq!(f["start"]["line"], 2);
    assert_eq!(
        f["suggestion"]["applicability"], "machine-applicable",
        "the crate of the named path (tokio)"
    );
    // The path itself is not read: the buffer is what counts; no path means `-`.
    let (code, _) = run(
        &["--stdin-filename", "src/lib.rs"],
        "pub async fn fine() {}\n",
    );
    assert_eq!(code, 0);
    // Its suppressions and the config's per-path ignores apply.
    let (code, _) = run(&["--stdin-filename", "src/lib.rs", "-"], "pub async fn e() {\n    std::thread::sleep(d()); // async-lint: allow(blocking-in-async)\n}\n");
    assert_eq!(code, 0);
    let (code, _) = run(&["--stdin-filename", "src/ignored/new.rs", "-"], unsaved);
    assert_eq!(code, 0);
    // `--fix` with stdin prints the fixed buffer.
    let (_, out) = run(&["--stdin-filename", "src/lib.rs", "--fix", "-"], unsaved);
    assert_eq!(
        out,
        "pub async fn edited() {\n    tokio::time::sleep(d()).await;\n}\n"
    );
    let (code, _) = run(&["--stdin-filename", "src/lib.rs", "src"], unsaved);
    assert_eq!(
        code, 2,
        "--stdin-filename with other paths is a usage error"
    );
}

#[test]
fn flycheck_forwards_the_command_and_ends_with_one_build_finished() {
    let dir = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"fly\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        ),
        ("src/lib.rs", BLOCKING_FN),
    ]);
    let flycheck_cargo_check = || {
        common::command()
            .current_dir(dir.path())
            .args([
                "flycheck",
                "--",
                "cargo",
                "check",
                "--offline",
                "--message-format=json",
                "--quiet",
            ])
            .env("CARGO_TARGET_DIR", dir.path().join("target"))
            .output()
            .expect("runs")
    };
    let out = flycheck_cargo_check();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let messages = json_lines(&String::from_utf8_lossy(&out.stdout));
    let codes: Vec<&str> = messages
        .iter()
        .filter_map(|m| m["message"]["code"]["code"].as_str())
        .collect();
    assert_eq!(
        codes.first(),
        Some(&"async_lint::blocking-in-async"),
        "async-lint's messages come first: {codes:?}"
    );
    assert!(
        codes.contains(&"unused_variables"),
        "rustc's are forwarded: {codes:?}"
    );
    let finished: Vec<&Value> = messages
        .iter()
        .filter(|m| m["reason"] == "build-finished")
        .collect();
    assert_eq!(finished.len(), 1);
    assert_eq!(messages.last().expect("last")["reason"], "build-finished");
    assert_eq!(finished[0]["success"], true);

    // A failing build keeps its exit code and says so; async-lint's messages are still there.
    std::fs::write(
        dir.path().join("src/lib.rs"),
        format!("{BLOCKING_FN}fn broken() -> u8 {{ \"no\" }}\n"),
    )
    .expect("write");
    let out = flycheck_cargo_check();
    assert_eq!(out.status.code(), Some(101));
    let messages = json_lines(&String::from_utf8_lossy(&out.stdout));
    assert_eq!(messages.last().expect("last")["success"], false);
    assert!(messages.iter().any(|m| m["message"]["level"] == "error"));
    assert!(messages
        .iter()
        .any(|m| m["message"]["code"]["code"] == "async_lint::blocking-in-async"));

    let out = common::command()
        .current_dir(dir.path())
        .args(["flycheck", "--", "no-such-program-here"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot run `no-such-program-here`"));
}

#[test]
fn cargo_subcommand_binary_runs_check() {
    let dir = project(&[("src/lib.rs", BLOCKING_FN)]);
    let bin = common::binary()
        .with_file_name(format!("cargo-async-lint{}", std::env::consts::EXE_SUFFIX));
    // As cargo calls it: `cargo async-lint --format json` → `cargo-async-lint async-lint --format json`.
    let out = Command::new(&bin)
        .current_dir(dir.path())
        .args(["async-lint", "--format", "json"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["findings"][0]["file"], "src/lib.rs");
    let out = Command::new(&bin)
        .args(["async-lint", "rules"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&out.stdout).contains("blocking-in-async"));
}

#[test]
fn every_format_names_files_relative_to_the_working_directory() {
    let dir = project(&[("src/lib.rs", BLOCKING_FN)]);
    let abs = std::fs::canonicalize(dir.path())
        .expect("canonical")
        .join("src");
    let abs = abs.to_str().expect("utf-8");
    for format in [
        "human",
        "concise",
        "json",
        "json-lines",
        "cargo",
        "sarif",
        "github",
    ] {
        let (_, stdout, _) = check(dir.path(), &["--format", format, abs]);
        assert!(stdout.contains("src/lib.rs"), "{format}: {stdout}");
        assert!(
            !stdout.contains(&format!("{abs}/lib.rs")),
            "{format} names the file relative to the working directory: {stdout}"
        );
    }
}

/// The `async-lint` commands the README's CI workflow and `.pre-commit-hooks.yaml` run.
fn documented_commands() -> Vec<Vec<String>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README");
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).expect("hooks");
    let from = |text: &str, key: &str| -> Vec<Vec<String>> {
        text.lines()
            .filter_map(|l| l.trim().strip_prefix(key))
            .map(str::trim)
            // The hooks run the same program under the name pre-commit's rust build installs.
            .filter(|c| c.starts_with("async-lint ") || c.starts_with("async-lint-pre-commit "))
            .map(|c| {
                let command = c.split('>').next().unwrap_or(c);
                command
                    .split_whitespace()
                    .skip(1)
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    };
    let mut all = from(&readme, "run:");
    all.extend(from(&hooks, "entry:"));
    all
}

#[test]
fn the_documented_ci_and_pre_commit_commands_run() {
    let commands = documented_commands();
    assert!(commands.len() >= 4, "{commands:?}");
    for args in commands {
        let dir = project(&[
            (
                "Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
            ),
            ("src/lib.rs", BLOCKING_FN),
        ]);
        let out = common::command()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .expect("runs");
        let code = out.status.code().expect("code");
        assert!(
            code == 0 || code == 1,
            "`async-lint {}` exits {code}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        if args.contains(&"sarif".to_string()) {
            assert_eq!(code, 0, "the SARIF step never fails the job");
            serde_json::from_slice::<Value>(&out.stdout).expect("SARIF on stdout");
        }
        if args.contains(&"--fix".to_string()) {
            let fixed = std::fs::read_to_string(dir.path().join("src/lib.rs")).expect("read");
            assert!(fixed.contains("tokio::time::sleep"), "the fix hook fixes");
        }
    }
}

#[test]
fn concise_format_is_one_line_per_finding_with_fixable_marks() {
    let dir = project(&[
        (
            "Cargo.toml",
            "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
        ),
        (
            "src/lib.rs",
            "pub async fn nap() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n\npub async fn both() -> u8 {\n    let a = one().await;\n    let b = two().await;\n    a + b\n}\n\nasync fn one() -> u8 { 1 }\nasync fn two() -> u8 { 2 }\n",
        ),
    ]);
    let (code, stdout, _) = check(dir.path(), &["--format", "concise"]);
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    // The messages are the rules' own (checked in fixtures); here: place, level, rule, mark.
    assert!(
        lines[0].starts_with("src/lib.rs:2:5: warning[blocking-in-async]: ")
            && lines[0].contains("std::thread::sleep")
            && lines[0].ends_with(" [*]"),
        "{stdout}"
    );
    assert!(
        lines[1].starts_with("src/lib.rs:6:5: warning[sequential-awaits]: ")
            && !lines[1].ends_with("[*]"),
        "{stdout}"
    );
    assert_eq!(
        lines[2..],
        [
            "Found 2 findings (2 warnings) in 1 file.",
            "[*] 1 fixable with `--fix`.",
            "1 more fixable with `--fix --unsafe-fixes` (check those changes).",
        ]
    );
    let (_, quiet, _) = check(dir.path(), &["--format", "concise", "--quiet"]);
    assert_eq!(quiet, lines[..2].join("\n") + "\n");
}
