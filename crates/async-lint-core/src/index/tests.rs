use super::*;

/// A crate written to a fresh temporary folder: the folder and the package name.
struct TempCrate(PathBuf, String);

impl TempCrate {
    /// The package `package` with these source files, in a folder named after `name`.
    fn new(name: &str, package: &str, files: &[(&str, &str)]) -> TempCrate {
        let root =
            std::env::temp_dir().join(format!("async-lint-index-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let manifest = format!("[package]\nname = \"{package}\"\n");
        for (path, text) in [("Cargo.toml", manifest.as_str())].iter().chain(files) {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        TempCrate(root, package.to_string())
    }

    /// A fresh index of the crate.
    fn index(&self) -> CrateIndex {
        CrateIndex::new(&self.0, Some(&self.1), None)
    }

    /// The crate with a fresh index of it.
    fn with_index(self) -> (TempCrate, CrateIndex) {
        let index = self.index();
        (self, index)
    }
}

impl Drop for TempCrate {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn demo(name: &str) -> (TempCrate, CrateIndex) {
    TempCrate::new(
        name,
        "demo-crate",
        &[
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
    .with_index()
}

#[test]
fn looks_up_fns_and_methods_lazily() {
    let (_crate, index) = demo("lazy");
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
        .any(|c| c.frame == crate::syntax::FrameKind::SyncFn
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
    let (c, index) = demo("reexports");
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
    let (_crate, index) = demo("threads");
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert!(index.fn_sig("crate::db::Pool::get").is_some()));
        }
    });
    assert_eq!(index.files_loaded(), 1);
}

fn blocking_demo(name: &str) -> (TempCrate, CrateIndex) {
    TempCrate::new(
        name,
        "chain-demo",
        &[
            ("src/lib.rs", "pub mod config;\nmod util;\n#[cfg(test)]\nmod checks;\n"),
            (
                "src/config.rs",
                "use crate::util;\npub fn load() -> String { read() }\nfn read() -> String {\n    util::pause();\n    std::fs::read_to_string(\"a\").unwrap()\n}\npub fn offloaded() { std::thread::spawn(|| std::fs::read(\"b\")); }\n",
            ),
            ("src/util.rs", "pub fn pause() { std::thread::sleep(std::time::Duration::from_millis(1)); }\n"),
            ("src/checks.rs", "fn t() {}\n"),
            ("src/gen.rs", "// @generated by a tool: DO NOT EDIT\npub fn made() {}\n"),
        ],
    )
    .with_index()
}

#[test]
fn finds_the_shortest_blocking_chain_once_across_files() {
    let (_crate, index) = blocking_demo("chain");
    let load = index.fn_sig("crate::config::load").expect("load");
    let chain = index.blocking_chain(&load).expect("load blocks");
    assert_eq!(chain.trail(), "load() → read() → std::fs::read_to_string");
    assert!(chain.file.ends_with("src/config.rs") && chain.line == 5);
    let offloaded = index.fn_sig("crate::config::offloaded").expect("offloaded");
    assert!(index.blocking_chain(&offloaded).is_none());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                let again = index.blocking_chain(&load).expect("memoised");
                assert_eq!(again.trail(), chain.trail());
            });
        }
    });
    assert!(
        index.fn_sig("crate::gen::made").is_none(),
        "generated files are not indexed"
    );
}

#[test]
fn knows_test_modules_by_their_declaration() {
    let (_crate, index) = blocking_demo("testmods");
    assert!(index.module_is_test("crate::checks"));
    assert!(!index.module_is_test("crate::config"));
    assert!(!index.module_is_test("crate"));
}

#[test]
fn finds_the_logging_backend_of_programs_only() {
    let program = TempCrate::new(
        "log-program",
        "p",
        &[
            ("src/main.rs", "mod logs;\nfn main() { logs::init(); }\n"),
            ("src/logs.rs", "pub fn init() {\n    env_logger::init();\n}\n#[test]\nfn t() { tracing_subscriber::fmt().init(); }\n"),
            ("src/other.rs", "pub fn nothing() {}\n"),
        ],
    );
    let index = program.index();
    match &*index.logging() {
        Logging::Sync(b) => {
            assert_eq!((b.name, b.line), ("env_logger", 2));
            assert!(b.file.ends_with("src/logs.rs"));
        }
        other => panic!("expected env_logger, got {other:?}"),
    }
    assert!(
        !lock(&index.summaries).contains_key(&program.0.join("src/other.rs")),
        "files that name no backend are not parsed"
    );
    let quiet = TempCrate::new(
        "log-nonblocking",
        "q",
        &[
            ("src/main.rs", "fn main() {\n    let (w, _g) = tracing_appender::non_blocking(std::io::stdout());\n    tracing_subscriber::fmt().with_writer(w).init();\n}\n"),
        ],
    );
    let index = quiet.index();
    assert!(matches!(
        &*index.logging(),
        Logging::NonBlocking { line: 2, .. }
    ));
    let library = TempCrate::new(
        "log-library",
        "l",
        &[("src/lib.rs", "pub fn init() { env_logger::init(); }\n")],
    );
    let index = library.index();
    assert_eq!(*index.logging(), Logging::Unknown);
}

#[test]
fn a_file_linted_ahead_gives_the_index_its_summary_and_release_forgets_it() {
    let (c, index) = demo("ahead");
    let index = Arc::new(index);
    let db = c.0.join("src/db/mod.rs");
    let linted: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
    let (weak, seen) = (Arc::downgrade(&index), linted.clone());
    // What a driver does: lint the file, in the crate, as its own job would.
    index.set_ahead(Arc::new(move |file: &Path| {
        let Some(index) = weak.upgrade() else {
            return;
        };
        lock(&seen).push(file.to_path_buf());
        let text = std::fs::read_to_string(file).expect("readable");
        let source = SourceFile::new(file, text);
        let engine = crate::Engine::new(&crate::Config::default(), &crate::Selection::default());
        let module = vec!["crate".to_string(), "db".to_string()];
        let scope = crate::IndexScope {
            index: &index,
            path: Some(file),
        };
        engine.lint_in(&source, &crate::CrateInfo::default(), module, scope);
    }));
    let get = index.fn_sig("crate::db::Pool::get").expect("method found");
    assert_eq!(
        *lock(&linted),
        vec![db.clone()],
        "only the file asked about"
    );
    let kept = index
        .registered(&db)
        .expect("the lint registered its summary");
    assert!(
        std::ptr::eq(get.file(), &*kept),
        "the lookup is answered from the lint's summary, not from a second parse"
    );
    assert!(!index.wants_summary_of(&db));

    let consulted = index.files_consulted().len();
    index.release();
    assert!(index.registered(&db).is_none(), "summaries are freed");
    assert_eq!(
        index.files_consulted().len(),
        consulted,
        "the files read stay known"
    );
    let again = index
        .fn_sig("crate::db::Pool::get")
        .expect("answered afresh");
    assert!(again.is_async && !std::ptr::eq(again.file(), &*kept));
}
