//! The top-level modules of `async-lint-core`, and those of the binary's library, each form a
//! DAG: no module imports, directly or through others, one that imports it back. Read from the sources: every `crate::<module>` a file of a
//! module names (in `use` items, paths and `use crate::{..}` groups; comments aside) is an
//! edge from its module to that one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).expect("source folder readable");
    for entry in entries {
        let path = entry.expect("folder entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`context/visitor/calls.rs` → `context`),
/// `None` for the crate root.
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    let name = first.strip_suffix(".rs").unwrap_or(first);
    (name != "lib" && name != "main").then(|| name.to_string())
}

/// The names that follow `crate::` in code (comments stripped), with `crate::{a::x, b}`
/// groups opened.
fn crate_refs(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    for (i, _) in code.match_indices("crate::") {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            // Nested groups only occur after a first segment, which is what counts.
            out.extend(group[..end].split(',').map(ident).filter(|s| !s.is_empty()));
        } else {
            out.insert(ident(rest));
        }
    }
    out
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_of(src, f)).collect();
    let mut g = Graph::new();
    for file in &files {
        let Some(from) = module_of(src, file) else {
            continue;
        };
        let text = std::fs::read_to_string(file).expect("source readable");
        let edges = g.entry(from.clone()).or_default();
        for to in crate_refs(&text) {
            if to != from && modules.contains(&to) {
                edges.insert(to);
            }
        }
    }
    g
}

/// A cycle of `g` as the list of its modules, if there is one.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(
        g: &Graph,
        node: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in g.get(node).into_iter().flatten() {
            if let Some(c) = visit(g, next, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|n| visit(g, n, &mut Vec::new(), &mut done))
}

/// Fails naming a cycle of the top-level modules of the crate whose sources are in `src`.
fn assert_dag(src: &str) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(src);
    let g = graph(&src);
    assert!(g.len() > 5, "the crate's modules are found: {g:?}");
    if let Some(cycle) = find_cycle(&g) {
        panic!("module cycle in {}: {}", src.display(), cycle.join(" -> "));
    }
}

#[test]
fn core_modules_form_a_dag() {
    assert_dag("crates/async-lint-core/src");
}

#[test]
fn binary_modules_form_a_dag() {
    assert_dag("crates/async-lint/src");
}

/// The modules `from` imports, directly or through others.
fn reach(g: &Graph, from: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(n) = todo.pop() {
        for next in g.get(&n).into_iter().flatten() {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

/// The analyses sit between the semantic context and the rules: they read the context, the
/// rules read them, and neither the context nor the crate index reaches up to them.
#[test]
fn analyses_sit_between_context_and_rules() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/async-lint-core/src");
    let g = graph(&src);
    let above = |m: &str| reach(&g, m);
    assert!(
        above("analyses").contains("context"),
        "analyses read the context"
    );
    assert!(
        above("rules").contains("analyses"),
        "rules read the analyses"
    );
    for below in ["context", "index", "resolve", "syntax", "catalog"] {
        assert!(
            !above(below).contains("analyses"),
            "`{below}` must not import the analyses above it"
        );
    }
    for up in ["rules", "engine", "settings"] {
        assert!(
            !above("analyses").contains(up),
            "the analyses must not import `{up}`"
        );
    }
}

#[test]
fn a_cycle_is_found() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    assert_eq!(
        find_cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    g.get_mut("c").expect("c").clear();
    assert_eq!(find_cycle(&g), None);
}

#[test]
fn crate_paths_and_groups_are_read() {
    let refs = crate_refs(
        "use crate::index::{A, B};\nuse crate::{config::X, rules};\n// crate::finding\nlet x = crate::source::f();",
    );
    let want: BTreeSet<String> = ["config", "index", "rules", "source"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(refs, want);
}
