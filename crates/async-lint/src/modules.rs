//! Which files are Rust modules: a file that does not parse is an error only when a target's
//! module tree can reach it. Statement snippets that tests `include!`, templates and other
//! `.rs` files that no `mod` declares and no target has as its root are not modules; for them
//! a syntax error is a reason to skip the file, not an error of the code.
//!
//! The tree is told from the package's text, not by expanding it: a file counts as declared
//! when any file of its package declares `mod <its name>;` or names it in `#[path = ".."]`.
//! That errs towards "module" (a same-named module elsewhere counts), so an error is never
//! hidden by a wrong guess in the other direction.

use crate::manifest::Package;
use std::collections::HashSet;
use std::path::Path;

/// The module names declared with `mod name;` and the file names given to `#[path]` in a
/// package's files.
#[derive(Debug, Default)]
pub struct Declared {
    names: HashSet<String>,
    paths: HashSet<String>,
}

impl Declared {
    /// Reads every `.rs` file under the package's folder (as the walk would: ignore files
    /// honoured, `target/` skipped).
    pub fn of(package: &Package) -> Declared {
        let mut declared = Declared::default();
        let walker = ignore::WalkBuilder::new(&package.root)
            .require_git(false)
            .filter_entry(|e| e.file_name() != "target")
            .build();
        for entry in walker.flatten() {
            let path = entry.path();
            if path.extension().is_some_and(|x| x == "rs") {
                if let Ok(text) = std::fs::read_to_string(path) {
                    declared.scan(&text);
                }
            }
        }
        declared
    }

    fn scan(&mut self, text: &str) {
        for (at, _) in text.match_indices("mod") {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = text[at + 3..].trim_start();
            if rest.len() == text.len() - at - 3 {
                continue; // `mod` must be followed by whitespace
            }
            let rest = rest.strip_prefix("r#").unwrap_or(rest);
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && rest[name.len()..].trim_start().starts_with(';') {
                self.names.insert(name);
            }
        }
        for (at, _) in text.match_indices("#[path") {
            let rest = text[at + 6..].trim_start();
            let Some(rest) = rest.strip_prefix('=') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix('"') else {
                continue;
            };
            if let Some(end) = rest.find('"') {
                if let Some(name) = Path::new(&rest[..end]).file_name() {
                    self.paths.insert(name.to_string_lossy().into_owned());
                }
            }
        }
    }

    /// Is `file` (absolute) a module of `package`: a target's root, or declared?
    pub fn is_module(&self, package: &Package, file: &Path) -> bool {
        if package
            .targets
            .iter()
            .any(|t| Path::new(&t.src_path) == file)
        {
            return true;
        }
        let Some(name) = file.file_name().map(|n| n.to_string_lossy()) else {
            return true;
        };
        if self.paths.contains(name.as_ref()) {
            return true;
        }
        let module = if name == "mod.rs" {
            file.parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
        } else {
            file.file_stem().map(|s| s.to_string_lossy().into_owned())
        };
        module.is_none_or(|m| self.names.contains(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_are_read_from_the_text() {
        let mut d = Declared::default();
        d.scan("pub mod a;\nmod  r#b ;\n#[path = \"gen/c_impl.rs\"]\nmod c;\nmod inline { }\nfn model();");
        assert!(d.names.contains("a") && d.names.contains("b") && d.names.contains("c"));
        assert!(!d.names.contains("inline") && !d.names.contains("el"));
        assert!(d.paths.contains("c_impl.rs"));
    }
}
