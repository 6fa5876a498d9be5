//! Generated async programs that syn accepts, built from the constructs the rules look at
//! (awaits, loops, spawns, locks, closures, select!/join!, blocking calls), nested at random.
#![no_main]

mod common;

use arbitrary::{Arbitrary, Unstructured};

const FNS: &[&str] = &["fetch", "std::fs::read", "tokio::spawn", "tokio::time::sleep", "std::thread::sleep", "helper", "tokio::task::spawn_blocking"];
const METHODS: &[&str] = &["lock", "unwrap", "await_me", "recv", "send", "clone", "read", "write", "join_next", "push", "borrow_mut"];
const NAMES: &[&str] = &["a", "b", "m", "tx", "rx", "set", "x", "self"];

fn name(u: &mut Unstructured) -> arbitrary::Result<&'static str> {
    u.choose(NAMES).copied()
}

fn expr(u: &mut Unstructured, depth: u32) -> arbitrary::Result<String> {
    if depth == 0 || u.is_empty() {
        return Ok(name(u)?.to_string());
    }
    let d = depth - 1;
    Ok(match u.int_in_range(0..=11)? {
        0 => format!("{}({})", u.choose(FNS)?, expr(u, d)?),
        1 => format!("{}.{}()", expr(u, d)?, u.choose(METHODS)?),
        2 => format!("{}.await", expr(u, d)?),
        3 => format!("async move {{ {} }}", block(u, d)?),
        4 => format!("move || {{ {} }}", block(u, d)?),
        5 => format!("({} + {})", expr(u, d)?, expr(u, d)?),
        6 => format!("tokio::join!({}, {})", expr(u, d)?, expr(u, d)?),
        7 => format!("tokio::select! {{ v = {} => {{ {} }} _ = {} => {{}} }}", expr(u, d)?, block(u, d)?, expr(u, d)?),
        8 => format!("vec![{}]", expr(u, d)?),
        9 => format!("{}.iter().map(|i| {})", name(u)?, expr(u, d)?),
        10 => format!("if {} {{ {} }} else {{ {} }}", expr(u, d)?, block(u, d)?, block(u, d)?),
        _ => format!("println!(\"{{:?}}\", {})", expr(u, d)?),
    })
}

fn stmt(u: &mut Unstructured, depth: u32) -> arbitrary::Result<String> {
    let d = depth.saturating_sub(1);
    Ok(match u.int_in_range(0..=7)? {
        0 => format!("let {} = {};", name(u)?.replace("self", "s"), expr(u, d)?),
        1 => format!("let _ = {};", expr(u, d)?),
        2 => format!("for {} in {} {{ {} }}", name(u)?.replace("self", "s"), expr(u, d)?, block(u, d)?),
        3 => format!("while let Some(v) = {} {{ {} }}", expr(u, d)?, block(u, d)?),
        4 => format!("loop {{ {} break; }}", block(u, d)?),
        5 => format!("drop({});", name(u)?),
        6 => "// async-lint: allow(blocking-in-async)".to_string(),
        _ => format!("{};", expr(u, d)?),
    })
}

fn block(u: &mut Unstructured, depth: u32) -> arbitrary::Result<String> {
    let n = if depth == 0 { 0 } else { u.int_in_range(0..=3)? };
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(stmt(u, depth)?);
    }
    Ok(out.join("\n"))
}

struct Program(String);

/// A crash report shows the program as source text.
impl std::fmt::Debug for Program {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'a> Arbitrary<'a> for Program {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut items = vec!["use std::sync::Mutex;\nuse tokio::sync::mpsc;".to_string()];
        for i in 0..u.int_in_range(1..=3)? {
            let asyncness = if u.arbitrary()? { "async " } else { "" };
            items.push(format!("{asyncness}fn f{i}(a: u32, m: &Mutex<u32>) {{\n{}\n}}", block(u, 6)?));
        }
        items.push(format!("impl S {{ async fn g(&mut self) {{ {} }} }}", block(u, 4)?));
        Ok(Program(items.join("\n")))
    }
}

libfuzzer_sys::fuzz_target!(|p: Program| {
    if syn::parse_file(&p.0).is_ok() {
        common::lint_and_check(&p.0);
    }
});
