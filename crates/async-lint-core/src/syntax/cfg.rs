//! `#[cfg(..)]` conditions on the code being visited, and whether two sets of them can hold in
//! one build. A chain of calls through code compiled only on Windows, from a caller compiled
//! only on Unix, is a path no build has; one through `cfg(feature = "x")` from code that needs
//! `not(feature = "x")` likewise. Only conditions that are visibly exclusive count: a feature
//! and its negation, two different values of a target key (`target_os`, `target_family`,
//! `target_arch`, `target_env`, `target_pointer_width`), `unix` and `windows`. `any(..)`
//! conditions are kept whole and never exclude.

use quote::ToTokens;
use syn::{Attribute, Meta};

/// The conditions of the `#[cfg(..)]` attributes among `attrs`, as text (`feature = "x"`,
/// `not(windows)`); `all(a, b)` gives `a` and `b`.
pub fn conditions(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs {
        if !a.path().is_ident("cfg") {
            continue;
        }
        if let Ok(m) = a.parse_args::<Meta>() {
            flatten(&m, &mut out);
        }
    }
    out
}

fn flatten(m: &Meta, out: &mut Vec<String>) {
    if let Meta::List(l) = m {
        if l.path.is_ident("all") {
            if let Ok(parts) = l.parse_args_with(
                syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated,
            ) {
                parts.iter().for_each(|p| flatten(p, out));
                return;
            }
        }
    }
    out.push(text(m));
}

fn text(m: &Meta) -> String {
    m.to_token_stream()
        .to_string()
        .replace(" = ", "=")
        .replace(' ', "")
}

/// The attributes of a statement: of its `let`, its macro, or its expression.
pub fn stmt_attrs(s: &syn::Stmt) -> &[Attribute] {
    use syn::Expr;
    match s {
        syn::Stmt::Local(l) => &l.attrs,
        syn::Stmt::Macro(m) => &m.attrs,
        syn::Stmt::Expr(e, _) => match e {
            Expr::If(x) => &x.attrs,
            Expr::Block(x) => &x.attrs,
            Expr::Call(x) => &x.attrs,
            Expr::MethodCall(x) => &x.attrs,
            Expr::Match(x) => &x.attrs,
            Expr::ForLoop(x) => &x.attrs,
            Expr::While(x) => &x.attrs,
            Expr::Loop(x) => &x.attrs,
            Expr::Unsafe(x) => &x.attrs,
            Expr::Assign(x) => &x.attrs,
            Expr::Try(x) => &x.attrs,
            Expr::Await(x) => &x.attrs,
            Expr::Macro(x) => &x.attrs,
            _ => &[],
        },
        syn::Stmt::Item(_) => &[],
    }
}

/// A condition as (negated, key, value): `not(feature = "x")` → (true, "feature", Some("\"x\"")).
fn atom(c: &str) -> (bool, &str, Option<&str>) {
    let (neg, inner) = match c.strip_prefix("not(").and_then(|r| r.strip_suffix(')')) {
        Some(inner) => (true, inner),
        None => (false, c),
    };
    match inner.split_once('=') {
        Some((k, v)) => (neg, k, Some(v)),
        None => (neg, inner, None),
    }
}

/// Keys of which one build has exactly one value.
const TARGET_KEYS: &[&str] = &[
    "target_os",
    "target_family",
    "target_arch",
    "target_env",
    "target_pointer_width",
];

/// Can no build satisfy both `a` and `b`?
pub fn exclusive(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.iter().any(|y| clash(x, y)))
}

fn clash(x: &str, y: &str) -> bool {
    let (nx, kx, vx) = atom(x);
    let (ny, ky, vy) = atom(y);
    if kx.starts_with("any(") || ky.starts_with("any(") {
        return false;
    }
    if (kx, vx) == (ky, vy) {
        return nx != ny;
    }
    if nx || ny {
        return false;
    }
    if let (Some(fx), Some(fy)) = (family(kx, vx), family(ky, vy)) {
        return fx != fy;
    }
    kx == ky && TARGET_KEYS.contains(&kx) && vx != vy
}

/// The target family a condition names: `unix`, `windows`, `target_family = ".."`.
fn family<'a>(k: &'a str, v: Option<&'a str>) -> Option<&'a str> {
    match (k, v) {
        ("unix", None) => Some("unix"),
        ("windows", None) => Some("windows"),
        ("target_family", Some(v)) => Some(v.trim_matches('"')),
        _ => None,
    }
}

/// The conditions of `chain` that `site` does not state: what must be on for the chain to
/// exist where the call is, for the message.
pub fn unstated<'c>(chain: &'c [String], site: &[String]) -> Vec<&'c str> {
    let mut out: Vec<&str> = Vec::new();
    for c in chain {
        if !site.contains(c) && !out.contains(&c.as_str()) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conds(src: &str) -> Vec<String> {
        let f: syn::ItemFn = syn::parse_str(&format!("{src} fn f() {{}}")).expect("fn parses");
        conditions(&f.attrs)
    }

    #[test]
    fn exclusive_conditions() {
        let unix = conds("#[cfg(unix)]");
        let windows = conds("#[cfg(windows)]");
        let feat = conds("#[cfg(all(feature = \"tls\", unix))]");
        let no_feat = conds("#[cfg(not(feature = \"tls\"))]");
        let linux = conds("#[cfg(target_os = \"linux\")]");
        let mac = conds("#[cfg(target_os = \"macos\")]");
        let either = conds("#[cfg(any(unix, windows))]");
        assert_eq!(feat, vec!["feature=\"tls\"", "unix"]);
        assert!(exclusive(&unix, &windows));
        assert!(exclusive(&feat, &no_feat));
        assert!(exclusive(&feat, &windows));
        assert!(exclusive(&linux, &mac));
        assert!(!exclusive(&linux, &unix));
        assert!(!exclusive(&either, &windows));
        assert!(!exclusive(&feat, &linux));
        assert_eq!(unstated(&feat, &unix), vec!["feature=\"tls\""]);
    }
}
