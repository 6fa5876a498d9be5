//! One scope: the names a module or a block brings in with `use` items and defines itself.

use super::absolute_in;
use foldhash::{HashMap, HashSet};

/// The names visible in one module or block.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    /// Path of the module this scope belongs to (a block belongs to its enclosing module).
    pub module: Vec<String>,
    /// A module scope stops name lookup: an inline module does not see its parent's names.
    pub is_module: bool,
    /// Name (or alias) → imported path.
    pub uses: HashMap<String, Vec<String>>,
    /// Paths imported with `::*`.
    pub globs: Vec<Vec<String>>,
    /// Names of items defined in this scope (fns, types, modules, consts, macros, …).
    pub items: HashSet<String>,
    /// Names imported under another name than the item's own (`use tokio::spawn as go;`).
    pub renames: Vec<String>,
}

impl Scope {
    /// The scope of module `module` holding `items`.
    pub fn module(module: Vec<String>, items: &[syn::Item]) -> Scope {
        let mut s = Scope {
            module,
            is_module: true,
            ..Scope::default()
        };
        s.add_items(items.iter());
        s
    }

    /// The scope of a block inside module `module`: only its `use` items and item definitions.
    pub fn block(module: Vec<String>, stmts: &[syn::Stmt]) -> Scope {
        let mut s = Scope {
            module,
            ..Scope::default()
        };
        s.add_items(stmts.iter().filter_map(|st| match st {
            syn::Stmt::Item(i) => Some(i),
            _ => None,
        }));
        s
    }

    pub fn is_empty(&self) -> bool {
        self.uses.is_empty() && self.globs.is_empty() && self.items.is_empty()
    }

    fn add_items<'a>(&mut self, items: impl Iterator<Item = &'a syn::Item>) {
        for item in items {
            let name = match item {
                syn::Item::Use(u) => {
                    let mut prefix = Vec::new();
                    if u.leading_colon.is_some() {
                        prefix.push(String::new());
                    }
                    self.add_use(&mut prefix, &u.tree);
                    continue;
                }
                syn::Item::ExternCrate(e) => {
                    if let Some((_, alias)) = &e.rename {
                        self.uses
                            .insert(alias.to_string(), vec![e.ident.to_string()]);
                    }
                    continue;
                }
                syn::Item::Fn(f) => &f.sig.ident,
                syn::Item::Struct(s) => &s.ident,
                syn::Item::Enum(e) => &e.ident,
                syn::Item::Union(u) => &u.ident,
                syn::Item::Trait(t) => &t.ident,
                syn::Item::TraitAlias(t) => &t.ident,
                syn::Item::Type(t) => &t.ident,
                syn::Item::Mod(m) => &m.ident,
                syn::Item::Const(c) => &c.ident,
                syn::Item::Static(s) => &s.ident,
                syn::Item::Macro(m) => match &m.ident {
                    Some(i) => i,
                    None => continue,
                },
                _ => continue,
            };
            self.items.insert(name.to_string());
        }
    }

    fn add_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_use(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last().cloned() {
                        self.insert_use(last, prefix.clone());
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    self.insert_use(name, full);
                }
            }
            syn::UseTree::Rename(r) => {
                let alias = r.rename.to_string();
                if alias == "_" {
                    return;
                }
                let mut full = prefix.clone();
                if r.ident != "self" {
                    full.push(r.ident.to_string());
                }
                self.insert_use(alias, full);
            }
            syn::UseTree::Glob(_) => {
                let target = self.normalize(prefix.clone());
                self.globs.push(target);
            }
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.add_use(prefix, t);
                }
            }
        }
    }

    fn insert_use(&mut self, name: String, target: Vec<String>) {
        if target.last() != Some(&name) {
            self.renames.push(name.clone());
        }
        let target = self.normalize(target);
        self.uses.insert(name, target);
    }

    /// Makes `crate::`/`self::`/`super::` targets absolute; `::name` becomes `name`.
    fn normalize(&self, mut target: Vec<String>) -> Vec<String> {
        if target.first().is_some_and(String::is_empty) {
            target.remove(0);
            return target;
        }
        match target.first().map(String::as_str) {
            Some("crate" | "self" | "super") => {
                absolute_in(&self.module, &target).unwrap_or(target)
            }
            _ => target,
        }
    }
}
