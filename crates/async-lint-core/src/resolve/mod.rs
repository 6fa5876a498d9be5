//! Name resolution: which item a path names, through `use` items (aliases, groups, globs,
//! `self`/`super`/`crate`), items defined locally, inline modules and block scopes.
//!
//! Paths resolve to a `::`-joined string: `std::fs::read`, `tokio::fs::read`, or
//! `crate::util::read` for the crate's own items. A single-segment name that nothing in scope
//! defines resolves to nothing (prelude or unknown): the engine never guesses.

mod scope;

pub use scope::Scope;

/// The scopes visible at a point of a file, innermost last.
#[derive(Debug, Default)]
pub struct Resolver {
    scopes: Vec<Scope>,
}

/// How far aliases of aliases are followed (`use a as b; use b as c;`); cycles stop here.
const MAX_ALIAS_DEPTH: usize = 8;

impl Resolver {
    pub fn push(&mut self, scope: Scope) {
        self.scopes.push(scope);
    }

    pub fn pop(&mut self) {
        self.scopes.pop();
    }

    /// Path of the module the innermost scope belongs to (`["crate", "a", "b"]`).
    pub fn module_path(&self) -> &[String] {
        self.scopes.last().map_or(&[], |s| s.module.as_slice())
    }

    /// Scopes a name is looked up in: innermost first, up to and including the innermost
    /// module scope (an inline module does not see its parent's names).
    fn visible(&self) -> impl Iterator<Item = &Scope> {
        let stop = self.scopes.iter().rposition(|s| s.is_module).unwrap_or(0);
        self.scopes[stop..].iter().rev()
    }

    /// Resolves a syn path (generic arguments ignored). Only a path whose first segment is
    /// `crate`/`self`/`super` or a name in scope is taken apart into segments; the others
    /// (external crates, unknown names, most paths) are answered without them.
    pub fn resolve(&self, path: &syn::Path) -> Option<String> {
        if path.leading_colon.is_some() {
            return Some(path_string(path));
        }
        let first = path.segments.first()?.ident.to_string();
        let in_scope = matches!(first.as_str(), "crate" | "self" | "super")
            || self
                .visible()
                .any(|s| s.uses.contains_key(&first) || s.items.contains(&first));
        if in_scope {
            let segs: Vec<String> = std::iter::once(first)
                .chain(path.segments.iter().skip(1).map(|s| s.ident.to_string()))
                .collect();
            return self.resolve_segments(&segs, 0).map(|v| v.join("::"));
        }
        // As `resolve_segments` answers a first segment nothing here defines.
        if first == "Self" || path.segments.len() == 1 {
            return None;
        }
        Some(path_string(path))
    }

    /// Resolves a path given as segments.
    pub fn resolve_segments(&self, segs: &[String], depth: usize) -> Option<Vec<String>> {
        let (first, rest) = segs.split_first()?;
        if depth > MAX_ALIAS_DEPTH {
            return None;
        }
        match first.as_str() {
            "crate" | "self" | "super" => return self.absolute(segs),
            "Self" => return None,
            _ => {}
        }
        for scope in self.visible() {
            // `pub use server::server;` beside `mod server;`: the import (a fn) goes through the
            // module of the same name, and a path through `server::` names that module.
            let through_item = |t: &Vec<String>| {
                !rest.is_empty() && t.len() > 1 && t[0] == *first && scope.items.contains(first)
            };
            if let Some(target) = scope.uses.get(first).filter(|t| !through_item(t)) {
                let mut full = if target.len() == 1 && target[0] == *first {
                    target.clone()
                } else {
                    self.resolve_segments(target, depth + 1)
                        .unwrap_or_else(|| target.clone())
                };
                full.extend(rest.iter().cloned());
                return Some(full);
            }
            if scope.items.contains(first) {
                let mut full = scope.module.clone();
                full.extend(segs.iter().cloned());
                return Some(full);
            }
        }
        if rest.is_empty() {
            None
        } else {
            // Not a local name: in edition 2018+ the first segment is an external crate.
            Some(segs.to_vec())
        }
    }

    /// Turns `crate::`/`self::`/`super::` paths into `crate::…` paths.
    fn absolute(&self, segs: &[String]) -> Option<Vec<String>> {
        absolute_in(self.module_path(), segs)
    }

    /// Names visible here that import an item under another name (`go` for
    /// `use tokio::spawn as go;`): a path through them ends in another name than written.
    pub fn renames(&self) -> impl Iterator<Item = &str> {
        self.visible()
            .flat_map(|s| s.renames.iter().map(String::as_str))
    }

    /// Candidates for a single name brought in by glob imports, innermost first
    /// (`use std::fs::*;` + `read` → `std::fs::read`). The caller decides which one it knows.
    pub fn glob_candidates(&self, name: &str) -> Vec<String> {
        let mut out = Vec::new();
        for scope in self.visible() {
            for g in &scope.globs {
                let base = self.resolve_segments(g, 1).unwrap_or_else(|| g.clone());
                out.push(format!("{}::{name}", base.join("::")));
            }
        }
        out
    }

    /// Resolves a type to the path of what it names after peeling references, parentheses
    /// and smart pointers (`&Arc<std::sync::Mutex<T>>` → `std::sync::Mutex`).
    pub fn resolve_type(&self, ty: &syn::Type) -> Option<String> {
        match ty {
            syn::Type::Reference(r) => self.resolve_type(&r.elem),
            syn::Type::Paren(p) => self.resolve_type(&p.elem),
            syn::Type::Group(g) => self.resolve_type(&g.elem),
            syn::Type::Path(p) if p.qself.is_none() => {
                let resolved = self.resolve(&p.path).or_else(|| {
                    let seg = p.path.segments.last()?;
                    (p.path.segments.len() == 1).then(|| seg.ident.to_string())
                })?;
                if is_wrapper(&resolved) {
                    if let Some(inner) = first_type_arg(&p.path) {
                        return self.resolve_type(inner);
                    }
                }
                Some(resolved)
            }
            _ => None,
        }
    }
}

/// `crate::`/`self::`/`super::` paths made absolute from module `module`.
pub fn absolute_in(module: &[String], segs: &[String]) -> Option<Vec<String>> {
    let mut base: Vec<String> = module.to_vec();
    let mut i = 0;
    match segs.first().map(String::as_str) {
        Some("crate") => {
            base = vec!["crate".to_string()];
            i = 1;
        }
        Some("self") => i = 1,
        _ => {}
    }
    while segs.get(i).map(String::as_str) == Some("super") {
        if base.len() <= 1 {
            return None;
        }
        base.pop();
        i += 1;
    }
    base.extend(segs[i..].iter().cloned());
    Some(base)
}

/// Smart pointers and wrappers whose methods reach the wrapped value (auto-deref).
fn is_wrapper(path: &str) -> bool {
    matches!(
        path,
        "Arc"
            | "Rc"
            | "Box"
            | "std::sync::Arc"
            | "std::rc::Rc"
            | "std::boxed::Box"
            | "alloc::sync::Arc"
            | "std::sync::LazyLock"
            | "std::cell::LazyCell"
            | "once_cell::sync::Lazy"
            | "once_cell::unsync::Lazy"
    )
}

fn first_type_arg(path: &syn::Path) -> Option<&syn::Type> {
    let seg = path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// `a::b::c` of a path, without generics.
pub fn path_string(p: &syn::Path) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (i, s) in p.segments.iter().enumerate() {
        if i > 0 {
            out.push_str("::");
        }
        let _ = write!(out, "{}", s.ident);
    }
    out
}

#[cfg(test)]
mod tests;
