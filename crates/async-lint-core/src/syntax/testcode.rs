//! Test code: `#[test]`-like fns, `#[cfg(test)]` items, and the files of test and bench
//! targets. Rules whose advice matters for production code only (performance) may stay quiet
//! there: tests run their steps in order on purpose, to keep failures readable.

use std::path::{Component, Path};

/// Does an item carry a test attribute: `#[test]`, `#[tokio::test]`, `#[sqlx::test]`,
/// `#[rstest]`, `#[test_case(..)]`, `#[async_test]`, `#[bench]`, or `#[cfg(test)]`?
pub fn is_test_item(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        let Some(last) = path.segments.last().map(|s| s.ident.to_string()) else {
            return false;
        };
        match last.as_str() {
            "test" | "rstest" | "test_case" | "async_test" | "bench" | "quickcheck" => true,
            "cfg" => cfg_is_test(a),
            _ => false,
        }
    })
}

/// `#[cfg(test)]`, `#[cfg(all(test, not(loom)))]`, but not `#[cfg(not(test))]` or
/// `#[cfg(any(test, ..))]`: `test` required, outside any `not(..)`.
fn cfg_is_test(a: &syn::Attribute) -> bool {
    let syn::Meta::List(list) = &a.meta else {
        return false;
    };
    let idents: Vec<String> = idents(list.tokens.clone());
    idents.iter().any(|i| i == "test") && !idents.iter().any(|i| i == "any")
}

/// The identifiers of a cfg predicate, leaving out what a `not(..)` negates.
fn idents(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    let mut negated = false;
    for tt in tokens {
        match tt {
            proc_macro2::TokenTree::Ident(i) => {
                negated = i == "not";
                if !negated {
                    out.push(i.to_string());
                }
            }
            proc_macro2::TokenTree::Group(g) => {
                if !std::mem::take(&mut negated) {
                    out.extend(idents(g.stream()));
                }
            }
            _ => negated = false,
        }
    }
    out
}

/// Module names that hold test support code (helpers, fixtures, mock servers) rather than
/// what the crate ships: `src/test_util/`, `src/testing.rs`…
const TEST_SUPPORT: &[&str] = &[
    "test_util",
    "test_utils",
    "testutil",
    "testutils",
    "test_helpers",
    "test_support",
    "testing",
];

/// Is the file test code by where it lives: below a `tests`/`benches` folder that comes
/// after the last `src` folder of the path (an integration-test or bench target, or a test
/// module folder inside `src`), a module file named `test.rs`, `tests.rs`, `*_test.rs`,
/// `*_tests.rs`, or a test support module of `src` (`test_util`, `testing`, …)?
pub fn is_test_path(path: &Path) -> bool {
    let names: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let Some((file, dirs)) = names.split_last() else {
        return false;
    };
    let last_src = dirs.iter().rposition(|d| d == "src");
    let last_test = dirs.iter().rposition(|d| {
        matches!(
            d.as_str(),
            "tests" | "test" | "benches" | "test_util" | "test_utils"
        )
    });
    if let Some(t) = last_test {
        if last_src.is_none_or(|s| t > s) {
            return true;
        }
    }
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    if let Some(s) = last_src {
        let support = |n: &String| TEST_SUPPORT.contains(&n.as_str());
        if dirs[s + 1..].iter().any(support) || TEST_SUPPORT.contains(&stem) {
            return true;
        }
    }
    matches!(stem, "test" | "tests") || stem.ends_with("_test") || stem.ends_with("_tests")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths() {
        let t = |p: &str| is_test_path(Path::new(p));
        assert!(t("tokio/tests/udp.rs"));
        assert!(t("/x/registry/src/idx/tokio-1.0/tests/common/mod.rs"));
        assert!(t("crate/benches/speed.rs"));
        assert!(t("crate/src/client/options/test.rs"));
        assert!(t("crate/src/net/tcp_tests.rs"));
        assert!(t("crate/src/test_util/wire.rs"));
        assert!(!t("/home/me/tests/app/src/main.rs"));
        assert!(!t("crate/src/lib.rs"));
        assert!(!t("crate/examples/fetch.rs"));
        assert!(t("crate/src/testing/mod.rs"));
        assert!(!t("crate/src/testing_framework.rs"));
    }

    #[test]
    fn test_attributes() {
        let item = |s: &str| {
            let f: syn::ItemFn = syn::parse_str(s).expect("fn parses");
            is_test_item(&f.attrs)
        };
        assert!(item("#[tokio::test] async fn a() {}"));
        assert!(item("#[cfg(test)] fn a() {}"));
        assert!(item("#[cfg(all(test, feature = \"x\"))] fn a() {}"));
        assert!(!item("#[cfg(not(test))] fn a() {}"));
        assert!(item("#[cfg(all(test, not(loom)))] fn a() {}"));
        assert!(!item("#[cfg(all(not(test), loom))] fn a() {}"));
        assert!(!item("#[tokio::main] async fn a() {}"));
    }
}
