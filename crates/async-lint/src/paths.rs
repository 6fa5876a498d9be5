//! How paths are shown.

use async_lint_core::engine::relative_to;
use std::path::{Path, PathBuf};

/// How a file is named in output: relative to the working directory when below it.
pub fn display_path(path: &Path) -> PathBuf {
    let rel = relative_to(path, Path::new("."));
    rel.strip_prefix("./").map(Path::to_path_buf).unwrap_or(rel)
}
