//! What every fuzz target checks after linting: no panic (implicit), spans inside the file
//! and on char boundaries, and the same findings on a second run.

use async_lint_core::{module_path, Config, CrateInfo, Engine, Runtime, Selection, SourceFile};

pub fn lint_and_check(text: &str) {
    let engine = Engine::new(&Config::default(), &Selection::default());
    let file = SourceFile::new("fuzz.rs", text.to_string());
    let krate = CrateInfo { name: None, runtime: Runtime::Tokio, edition: None };
    let first = engine.lint(&file, &krate, module_path(std::path::Path::new("lib.rs")));
    for f in &first.findings {
        for span in std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span)) {
            assert!(span.start <= span.end && span.end <= text.len(), "span out of bounds: {span:?}");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end), "span splits a char");
        }
        let _ = file.lines.line_col(text, f.span.end);
    }
    let second = engine.lint(&file, &krate, module_path(std::path::Path::new("lib.rs")));
    assert_eq!(first.findings, second.findings, "linting is not deterministic");
}
