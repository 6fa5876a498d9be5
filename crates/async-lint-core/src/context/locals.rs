//! Local bindings and the little type knowledge the engine has of them.
//!
//! A binding's type is known when it comes from a typed pattern or parameter
//! (`f: &std::fs::File`), a catalogued constructor (`File::open(p)?`), `T::new(..)`, a struct
//! literal, or a field of a struct of this file. Anything else is unknown, and rules that need
//! the type stay silent.

use crate::source::Span;
use std::collections::HashMap;

/// One binding in scope.
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    /// Resolved path of its type, when known (smart pointers peeled).
    pub ty: Option<String>,
    pub mutable: bool,
    /// Holds a `&mut` reference (a `&mut T` parameter, `&mut self`, `let r = &mut x`).
    pub mut_ref: bool,
    /// The binding's identifier.
    pub span: Span,
    /// For a collection (`Vec<PathBuf>`, `&[PathBuf]`, `HashSet<T>`…): the resolved type of
    /// its items, which loops and adapters over it give their bindings.
    pub item: Option<String>,
    /// For a runtime built in sight (`Builder::new_current_thread()..build()?`): which.
    pub runtime: Option<std::sync::Arc<super::runtime::RuntimeRoot>>,
}

impl Binding {
    /// Does using it give exclusive access: a `mut` binding or a `&mut` reference? Two
    /// futures that both use such a binding cannot run at the same time.
    pub fn exclusive(&self) -> bool {
        self.mutable || self.mut_ref
    }
}

/// A stack of lexical scopes of bindings.
#[derive(Debug, Default)]
pub struct Locals {
    scopes: Vec<HashMap<String, Binding>>,
    /// A unique id per open scope (parallel to `scopes`), so that facts tied to a scope
    /// (a lock guard bound in it) can tell whether it is still open.
    ids: Vec<u64>,
    next_id: u64,
}

impl Locals {
    pub fn push(&mut self) {
        self.scopes.push(HashMap::new());
        self.next_id += 1;
        self.ids.push(self.next_id);
    }

    pub fn pop(&mut self) {
        self.scopes.pop();
        self.ids.pop();
    }

    /// The id of the innermost open scope (opened on demand).
    pub fn current_scope(&mut self) -> u64 {
        if self.ids.is_empty() {
            self.push();
        }
        self.ids.last().copied().unwrap_or_default()
    }

    /// The id of the innermost open scope, if one is open.
    pub fn innermost_scope(&self) -> Option<u64> {
        self.ids.last().copied()
    }

    /// Is the scope with this id still open?
    pub fn is_open(&self, id: u64) -> bool {
        // Ids are pushed in increasing order.
        self.ids.binary_search(&id).is_ok()
    }

    pub fn bind(&mut self, b: Binding) {
        if self.scopes.is_empty() {
            self.push();
        }
        if let Some(top) = self.scopes.last_mut() {
            top.insert(b.name.clone(), b);
        }
    }

    /// Marks the innermost binding called `name` as holding a `&mut` reference.
    pub fn set_mut_ref(&mut self, name: &str) {
        if let Some(b) = self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name)) {
            b.mut_ref = true;
        }
    }

    /// The innermost binding called `name`.
    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.scopes.iter().rev().find_map(|s| s.get(name))
    }

    /// The innermost binding called `name`, to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Binding> {
        self.scopes.iter_mut().rev().find_map(|s| s.get_mut(name))
    }
}
