use super::*;

fn resolver(src: &str) -> Resolver {
    let file: syn::File = syn::parse_str(src).expect("test source parses");
    let mut r = Resolver::default();
    r.push(Scope::module(vec!["crate".into()], &file.items));
    r
}

fn path(s: &str) -> syn::Path {
    syn::parse_str(s).expect("test path parses")
}

/// Asserts what each path resolves to (`None`: it does not resolve).
fn assert_resolves(r: &Resolver, cases: &[(&str, Option<&str>)]) {
    for (p, want) in cases {
        assert_eq!(r.resolve(&path(p)).as_deref(), *want, "resolving `{p}`");
    }
}

/// Paths and what each resolves to (`None`: nothing).
type Resolutions = &'static [(&'static str, Option<&'static str>)];

/// Module sources, each with paths and what they resolve to there.
const IN_A_MODULE: &[(&str, Resolutions)] = &[
    // `use` items: aliases, groups, `self`.
    (
        "use std::fs; use tokio::fs as tfs; use std::{thread::{self, sleep as nap}, io::Read};
         use self::inner::helper; mod inner {}",
        &[
            ("fs::read", Some("std::fs::read")),
            ("tfs::read", Some("tokio::fs::read")),
            ("thread::sleep", Some("std::thread::sleep")),
            ("nap", Some("std::thread::sleep")),
            ("helper", Some("crate::inner::helper")),
            ("inner::x", Some("crate::inner::x")),
            ("::std::fs::read", Some("std::fs::read")),
        ],
    ),
    // An unknown single name does not resolve; a path of several segments names a crate.
    (
        "fn sleep() {}",
        &[
            ("sleep", Some("crate::sleep")),
            ("read", None),
            ("fs::read", Some("fs::read")),
        ],
    ),
    // An import through a module of its own name.
    (
        "mod build; pub use build::{build, watch};",
        &[
            ("build", Some("crate::build::build")),
            ("build::other", Some("crate::build::other")),
            ("watch", Some("crate::build::watch")),
        ],
    ),
];

#[test]
fn resolves_the_paths_of_a_module() {
    for (src, cases) in IN_A_MODULE {
        assert_resolves(&resolver(src), cases);
    }
}

#[test]
fn local_items_shadow_and_blocks_nest() {
    let mut r = resolver("use std::thread::sleep;");
    assert_resolves(&r, &[("sleep", Some("std::thread::sleep"))]);
    let block: syn::Block = syn::parse_str("{ fn sleep() {} }").expect("parses");
    r.push(Scope::block(vec!["crate".into()], &block.stmts));
    assert_resolves(&r, &[("sleep", Some("crate::sleep"))]);
    r.pop();
    let inner: syn::File = syn::parse_str("use super::*;").expect("parses");
    r.push(Scope::module(
        vec!["crate".into(), "m".into()],
        &inner.items,
    ));
    assert_eq!(
        r.resolve(&path("sleep")),
        None,
        "an inline module does not see its parent's uses"
    );
    assert_eq!(r.glob_candidates("sleep"), vec!["crate::sleep".to_string()]);
}

#[test]
fn super_and_types_through_smart_pointers() {
    let file: syn::File = syn::parse_str("use super::Thing;").expect("parses");
    let mut r = Resolver::default();
    r.push(Scope::module(
        vec!["crate".into(), "a".into(), "b".into()],
        &file.items,
    ));
    assert_resolves(&r, &[("Thing", Some("crate::a::Thing"))]);
    let r = resolver("use std::sync::{Arc, Mutex};");
    let ty: syn::Type = syn::parse_str("&Arc<Mutex<Vec<u8>>>").expect("parses");
    assert_eq!(r.resolve_type(&ty).as_deref(), Some("std::sync::Mutex"));
}
