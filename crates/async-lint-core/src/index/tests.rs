use super::*;

/// A crate written to a fresh temporary folder.
struct TempCrate(PathBuf);

impl TempCrate {
    fn new(name: &str, files: &[(&str, &str)]) -> TempCrate {
        let root =
            std::env::temp_dir().join(format!("async-lint-index-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        TempCrate(root)
    }
}

impl Drop for TempCrate {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn demo(name: &str) -> TempCrate {
    TempCrate::new(
        name,
        &[
            ("Cargo.toml", "[package]\nname = \"demo-crate\"\n"),
            (
                "src/lib.rs",
                "pub mod db;\npub mod api;\n#[path = \"generated/out.rs\"]\nmod out;\nmod inline { pub mod deeper { pub async fn go() {} } }\n",
            ),
            (
                "src/db/mod.rs",
                "pub struct Pool;\nimpl Pool {\n    pub async fn get(&self) -> Result<u8, E> { helper(); Ok(1) }\n}\nfn helper() { std::fs::read(\"x\"); }\npub fn open() -> std::io::Result<Pool> { Ok(Pool) }\n",
            ),
            ("src/api.rs", "pub use crate::db::open as connect;\npub use crate::db::*;\n"),
            ("src/generated/out.rs", "pub fn made() -> impl std::future::Future<Output = anyhow::Result<()>> { async { Ok(()) } }\n"),
            ("src/broken.rs", "fn (\n"),
            ("src/unused.rs", "pub fn never_asked() {}\n"),
        ],
    )
}

#[test]
fn looks_up_fns_and_methods_lazily() {
    let c = demo("lazy");
    let index = CrateIndex::new(&c.0, Some("demo-crate"), None);
    assert_eq!(index.lib_name(), Some("demo_crate"));
    let get = index.fn_sig("crate::db::Pool::get").expect("method found");
    assert!(get.is_async && get.returns_future && get.output_result && get.has_self);
    assert!(get.file().path.ends_with("src/db/mod.rs"));
    assert_eq!(get.calls.len(), 1);
    assert_eq!(
        get.calls[0].callee,
        Callee::Path {
            path: "crate::db::helper".into(),
            resolved: true
        }
    );
    let helper = index.fn_sig("crate::db::helper").expect("private fn found");
    assert!(!helper.is_async && !helper.output_result);
    assert!(helper
        .calls
        .iter()
        .any(|c| c.frame == crate::context::FrameKind::SyncFn
            && matches!(&c.callee, Callee::Path { path, .. } if path == "std::fs::read")));
    assert_eq!(
        index.files_loaded(),
        1,
        "only src/db/mod.rs was parsed: {:?}",
        lock(&index.summaries).keys().collect::<Vec<_>>()
    );
}

#[test]
fn follows_reexports_path_attributes_inline_modules_and_the_lib_name() {
    let c = demo("reexports");
    let index = CrateIndex::new(&c.0, Some("demo-crate"), None);
    let open = index
        .fn_sig("crate::api::connect")
        .expect("renamed re-export");
    assert_eq!(open.path, "crate::db::open");
    assert!(!open.returns_future && open.output_result);
    assert!(
        index.fn_sig("demo_crate::api::Pool::get").is_some(),
        "glob + lib name"
    );
    let made = index.fn_sig("crate::out::made").expect("#[path] module");
    assert!(made.returns_future && made.output_result && !made.is_async);
    assert!(index.fn_sig("crate::inline::deeper::go").is_some());
    assert!(index.fn_sig("crate::db::missing").is_none());
    assert!(index.fn_sig("std::fs::read").is_none());
    assert!(
        index.fn_sig("crate::broken::f").is_none(),
        "a broken file has no summary"
    );
    let unused = c.0.join("src/unused.rs");
    assert!(
        !lock(&index.summaries).contains_key(&unused),
        "files nobody asks about are not parsed"
    );
}

#[test]
fn is_shared_between_threads() {
    let c = demo("threads");
    let index = CrateIndex::new(&c.0, Some("demo-crate"), None);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert!(index.fn_sig("crate::db::Pool::get").is_some()));
        }
    });
    assert_eq!(index.files_loaded(), 1);
}
