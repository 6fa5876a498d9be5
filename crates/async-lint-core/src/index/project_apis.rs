//! The project's own entries for the catalogue of blocking APIs: calls it declares blocking
//! and crate fns it trusts not to block. A rule reads them from its config and hands them over
//! ([`crate::context::Rule::project_apis`]); the engine gathers them once, and the context and
//! the crate index's summaries decide with them which calls block, without naming a rule.

use super::blocking::same_item;

/// The project's blocking and trusted APIs, as paths the way users write them.
#[derive(Debug, Clone, Default)]
pub struct ProjectApis {
    /// Fns and `Type::method`s the project declares blocking.
    pub blocking: Vec<String>,
    /// Fns the project trusts not to block, though a catalogued call is in them.
    pub trusted: Vec<String>,
}

impl ProjectApis {
    /// Adds what another rule hands over.
    pub fn extend(&mut self, other: ProjectApis) {
        self.blocking.extend(other.blocking);
        self.trusted.extend(other.trusted);
    }
}

/// Is `path` in `list`? The crate's own items match by `crate::x` and by the library's name
/// `lib` (`my_crate::x`), the way users write them.
pub fn listed(list: &[String], path: &str, lib: Option<&str>) -> bool {
    list.iter().any(|p| same_item(p, path, lib))
}
