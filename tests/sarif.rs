//! `--format sarif` checked against the SARIF 2.1.0 schema that serde-sarif ships and against
//! GitHub code scanning's constraints.

mod common;

use common::check;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// A temporary project of text files.
fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let bytes: Vec<(&str, &[u8])> = files.iter().map(|(p, t)| (*p, t.as_bytes())).collect();
    common::project(&bytes)
}

const BLOCKING_FN: &str = "pub async fn f() { let unused = 1; std::thread::sleep(std::time::Duration::from_millis(1)); }\n";

/// The SARIF 2.1.0 schema as shipped in the serde-sarif package (the version in Cargo.lock),
/// from cargo's registry cache: no network.
fn sarif_schema() -> Value {
    let lock = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.lock"))
        .expect("Cargo.lock");
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"serde-sarif\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .and_then(|v| v.strip_suffix('"'))
        .expect("serde-sarif in Cargo.lock");
    let home = std::env::var_os("CARGO_HOME").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cargo"),
        PathBuf::from,
    );
    let registries =
        std::fs::read_dir(home.join("registry/src")).expect("cargo's registry sources");
    let path = registries
        .flatten()
        .map(|r| {
            r.path()
                .join(format!("serde-sarif-{version}/src/schema.json"))
        })
        .find(|p| p.is_file())
        .unwrap_or_else(|| {
            panic!(
                "serde-sarif {version}'s schema.json not found under {}",
                home.display()
            )
        });
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("schema"))
        .expect("schema is JSON");
    assert_eq!(
        schema["title"],
        "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    );
    // The official schema's `language` patterns have a stray `]`, a literal in ECMA-262 regular
    // expressions (which JSON Schema uses) but an error for Rust's regex engines, which then
    // reject the whole schema. Escaped, they mean the same; nothing else is touched.
    fn escape_stray_bracket(v: &mut Value) -> usize {
        const STRAY: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
        match v {
            Value::Object(m) => m
                .iter_mut()
                .map(|(k, x)| {
                    if k == "pattern" && *x == STRAY {
                        *x = Value::from(STRAY.replace("}]", "}\\]"));
                        1
                    } else {
                        escape_stray_bracket(x)
                    }
                })
                .sum(),
            Value::Array(a) => a.iter_mut().map(escape_stray_bracket).sum(),
            _ => 0,
        }
    }
    assert!(
        escape_stray_bracket(&mut schema) >= 1,
        "the schema's ECMA-only patterns"
    );
    schema
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_for_github() {
    // `mod broken;` makes the file that does not parse a module: its error is reported.
    let lib =
        "async fn a() {\n    let _crab = \"🦀\"; let _ = std::fs::read(\"a\");\n}\nmod broken;\n";
    let dir = project(&[
        ("Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n"),
        ("src/lib.rs", lib),
        ("src/dir with space/a.rs", BLOCKING_FN),
        ("src/broken.rs", "async fn x( {\n"),
        ("src/unused.rs", "// async-lint: allow(blocking-in-async)\nfn quiet() {}\nasync fn y() {}\n"),
    ]);
    std::fs::write(dir.path().join("src/latin1.rs"), b"async fn caf\xe9() {}\n").expect("write");
    let (code, stdout, _) = check(dir.path(), &["--format", "sarif", "--report-unused-allows"]);
    assert_eq!(code, 2, "an unreadable file makes the run fail");
    let log: Value = serde_json::from_str(&stdout).expect("SARIF is JSON");

    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&sarif_schema())
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid SARIF 2.1.0: {errors:#?}\n{stdout}"
    );
    let mut broken = log.clone();
    broken["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(
        !validator.is_valid(&broken),
        "the schema is enforced (lines start at 1)"
    );

    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in rules {
        for key in ["shortDescription", "fullDescription"] {
            let text = r[key]["text"].as_str().expect("description");
            assert!(
                !text.is_empty() && text.chars().count() <= 1024,
                "{key} of {}: at most 1024 chars",
                r["id"]
            );
        }
        assert!(
            r["help"]["markdown"]
                .as_str()
                .is_some_and(|m| m.starts_with('#')),
            "the page in help.markdown"
        );
        assert!(r["defaultConfiguration"]["level"].is_string());
    }
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert!(
        ids.contains(&"blocking-in-async")
            && ids.contains(&"parse-error")
            && ids.contains(&"unused-allow"),
        "{ids:?}"
    );
    let results = run["results"].as_array().expect("results");
    let rule_ids: BTreeSet<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().expect("ruleId"))
        .collect();
    assert_eq!(
        rule_ids,
        BTreeSet::from(["blocking-in-async", "parse-error", "unused-allow"])
    );
    for r in results {
        assert_eq!(
            rules[r["ruleIndex"].as_u64().expect("index") as usize]["id"],
            r["ruleId"]
        );
        let loc = &r["locations"][0]["physicalLocation"];
        let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(uri.starts_with("src/"), "relative to the repository: {uri}");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    }
    let spaced = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|u| u.contains("dir"))
        })
        .expect("file in spaced dir");
    assert_eq!(
        spaced["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/dir%20with%20space/a.rs"
    );

    // Columns are code points: the crab is one column (two UTF-16 units, four bytes).
    let (_, json, _) = check(dir.path(), &["--format", "json", "src/lib.rs"]);
    let json: Value = serde_json::from_str(&json).expect("json");
    let lib_result = results
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/lib.rs")
        .expect("lib.rs result");
    let region = &lib_result["locations"][0]["physicalLocation"]["region"];
    let line = lib.lines().nth(1).expect("line");
    let col = line[..line.find("std::fs").expect("call")].chars().count() + 1;
    assert_eq!(region["startLine"], 2);
    assert_eq!(region["startColumn"], col);
    assert_eq!(
        region["startColumn"],
        json["findings"][0]["start"]["column"]
    );
    assert_eq!(region["endColumn"], json["findings"][0]["end"]["column"]);
    assert_eq!(
        lib_result["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"],
        "tokio::fs::read(\"a\").await"
    );

    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    assert!(
        invocation["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .is_some_and(|m| m.contains("latin1.rs"))
    );
}
