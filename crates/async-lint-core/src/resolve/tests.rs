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

#[test]
fn use_items_aliases_groups_and_self() {
    let r = resolver(
        "use std::fs; use tokio::fs as tfs; use std::{thread::{self, sleep as nap}, io::Read};
         use self::inner::helper; mod inner {}",
    );
    assert_eq!(
        r.resolve(&path("fs::read")).as_deref(),
        Some("std::fs::read")
    );
    assert_eq!(
        r.resolve(&path("tfs::read")).as_deref(),
        Some("tokio::fs::read")
    );
    assert_eq!(
        r.resolve(&path("thread::sleep")).as_deref(),
        Some("std::thread::sleep")
    );
    assert_eq!(
        r.resolve(&path("nap")).as_deref(),
        Some("std::thread::sleep")
    );
    assert_eq!(
        r.resolve(&path("helper")).as_deref(),
        Some("crate::inner::helper")
    );
    assert_eq!(
        r.resolve(&path("inner::x")).as_deref(),
        Some("crate::inner::x")
    );
    assert_eq!(
        r.resolve(&path("::std::fs::read")).as_deref(),
        Some("std::fs::read")
    );
}

#[test]
fn unknown_single_names_do_not_resolve_and_multi_segment_paths_are_crates() {
    let r = resolver("fn sleep() {}");
    assert_eq!(r.resolve(&path("sleep")).as_deref(), Some("crate::sleep"));
    assert_eq!(r.resolve(&path("read")), None);
    assert_eq!(r.resolve(&path("fs::read")).as_deref(), Some("fs::read"));
}

#[test]
fn local_items_shadow_and_blocks_nest() {
    let mut r = resolver("use std::thread::sleep;");
    assert_eq!(
        r.resolve(&path("sleep")).as_deref(),
        Some("std::thread::sleep")
    );
    let block: syn::Block = syn::parse_str("{ fn sleep() {} }").expect("parses");
    r.push(Scope::block(vec!["crate".into()], &block.stmts));
    assert_eq!(r.resolve(&path("sleep")).as_deref(), Some("crate::sleep"));
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
    assert_eq!(
        r.resolve(&path("Thing")).as_deref(),
        Some("crate::a::Thing")
    );
    let r = resolver("use std::sync::{Arc, Mutex};");
    let ty: syn::Type = syn::parse_str("&Arc<Mutex<Vec<u8>>>").expect("parses");
    assert_eq!(r.resolve_type(&ty).as_deref(), Some("std::sync::Mutex"));
}

#[test]
fn an_import_through_a_module_of_its_own_name() {
    let r = resolver("mod build; pub use build::{build, watch};");
    assert_eq!(
        r.resolve(&path("build")).as_deref(),
        Some("crate::build::build")
    );
    assert_eq!(
        r.resolve(&path("build::other")).as_deref(),
        Some("crate::build::other")
    );
    assert_eq!(
        r.resolve(&path("watch")).as_deref(),
        Some("crate::build::watch")
    );
}
