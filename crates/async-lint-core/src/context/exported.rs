//! Which code a library exports: a file of a library crate's module tree, and the types of it
//! that leave the crate (declared `pub`, or held in a field of a type that does). What such
//! code does runs wherever the library's users put it.

use super::Context;
use std::collections::HashSet;

impl Context<'_> {
    /// Is the file part of a library crate's module tree (`src/` of a crate with a
    /// `src/lib.rs`, not a binary, an example or a test)? A file of no crate may be: then
    /// the visibility of its types decides alone.
    pub fn in_library(&self) -> bool {
        let index = self.crate_index();
        index.root().is_none() || (self.index.scope.path.is_some() && index.lib_name().is_some())
    }

    /// Does the type named `name` (its last segment) leave the crate: declared `pub` in this
    /// file, or held (in any wrapper: `Option<Arc<T>>`) by a field of a type of this file
    /// that does? A private guard inside a public handle is dropped wherever the handle is.
    pub fn type_exported(&self, name: &str) -> bool {
        let Some(ast) = self.index.ast else {
            return false;
        };
        let mut types = Vec::new();
        collect(&ast.items, &mut types);
        let mut exported: HashSet<String> = types
            .iter()
            .filter(|t| t.public)
            .map(|t| t.name.clone())
            .collect();
        // Each round adds the types held by one more level of exported types.
        for _ in 0..types.len() {
            let before = exported.len();
            for t in &types {
                if exported.contains(&t.name) {
                    exported.extend(t.held.iter().cloned());
                }
            }
            if exported.len() == before {
                break;
            }
        }
        exported.contains(name)
    }
}

/// A struct or enum of the file: its name, whether it is `pub`, the type names its fields
/// mention.
struct TypeItem {
    name: String,
    public: bool,
    held: Vec<String>,
}

fn collect(items: &[syn::Item], out: &mut Vec<TypeItem>) {
    for item in items {
        let (name, vis, fields): (_, _, Vec<&syn::Field>) = match item {
            syn::Item::Struct(s) => (&s.ident, &s.vis, s.fields.iter().collect()),
            syn::Item::Enum(e) => (
                &e.ident,
                &e.vis,
                e.variants.iter().flat_map(|v| v.fields.iter()).collect(),
            ),
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    collect(inner, out);
                }
                continue;
            }
            _ => continue,
        };
        let mut held = Vec::new();
        for f in fields {
            type_names(&f.ty, &mut held);
        }
        out.push(TypeItem {
            name: name.to_string(),
            public: matches!(vis, syn::Visibility::Public(_)),
            held,
        });
    }
}

/// Every path segment a type mentions, generic arguments included.
fn type_names(ty: &syn::Type, out: &mut Vec<String>) {
    for token in quote::ToTokens::to_token_stream(ty) {
        names_in(token, out);
    }
}

fn names_in(token: proc_macro2::TokenTree, out: &mut Vec<String>) {
    match token {
        proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
        proc_macro2::TokenTree::Group(g) => {
            for t in g.stream() {
                names_in(t, out);
            }
        }
        _ => {}
    }
}
