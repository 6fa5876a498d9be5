//! Binding the identifiers of patterns and `self` as locals, with the types they receive.

use super::{is_mut_ref, Visitor};
use crate::catalog::Returns;
use crate::context::Binding;

impl Visitor<'_> {
    /// `static` items of a block: their types, under the path the resolver gives them.
    pub(super) fn bind_block_statics(&mut self, b: &syn::Block) {
        for st in &b.stmts {
            if let syn::Stmt::Item(syn::Item::Static(s)) = st {
                if let Some(ty) = self.cx.resolve_type(&s.ty) {
                    let mut path = self.cx.resolver.module_path().to_vec();
                    path.push(s.ident.to_string());
                    self.cx.statics.insert(path.join("::"), ty);
                }
            }
        }
    }

    /// Binds `self` as a local: its type is the impl's, and `&mut self` / `mut self` give
    /// exclusive access to it.
    pub(super) fn bind_self(&mut self, r: &syn::Receiver) {
        let mut_ref = match &r.kind {
            syn::ReceiverKind::Reference(_, _, m) => m.is_some(),
            syn::ReceiverKind::Typed(_, ty) => is_mut_ref(ty),
            _ => false,
        };
        self.cx.locals.bind(Binding {
            name: "self".into(),
            ty: self.cx.self_type().map(str::to_string),
            mutable: r.mutability.is_some(),
            mut_ref,
            span: self.cx.span(&r.self_token),
            item: None,
            runtime: None,
        });
    }

    /// Binds every identifier of a pattern, with the type it receives when known.
    pub(super) fn bind_pat(&mut self, pat: &syn::Pat, ret: Option<Returns>) {
        use syn::Pat;
        match pat {
            Pat::Ident(pi) => {
                let ty = match ret {
                    Some(Returns::Type(t)) => Some(t),
                    _ => None,
                };
                self.cx.locals.bind(Binding {
                    name: pi.ident.to_string(),
                    ty,
                    mutable: pi.mutability.is_some(),
                    mut_ref: false,
                    span: self.cx.span(&pi.ident),
                    item: None,
                    runtime: None,
                });
                if let Some((_, sub)) = &pi.subpat {
                    self.bind_pat(sub, None);
                }
            }
            Pat::Type(pt) => {
                let ty = self.cx.resolve_type(&pt.ty).map(Returns::Type).or(ret);
                self.bind_pat(&pt.pat, ty);
                self.set_item(&pt.pat, &pt.ty);
                if let (Pat::Ident(pi), true) = (&*pt.pat, is_mut_ref(&pt.ty)) {
                    self.cx.locals.set_mut_ref(&pi.ident.to_string());
                }
            }
            Pat::Tuple(t) => {
                let types = match ret {
                    Some(Returns::Tuple(v)) if v.len() == t.elems.len() => {
                        v.into_iter().map(Some).collect()
                    }
                    _ => vec![None; t.elems.len()],
                };
                for (p, ty) in t.elems.iter().zip(types) {
                    // An element of unknown type is an empty name.
                    self.bind_pat(p, ty.filter(|t| !t.is_empty()).map(Returns::Type));
                }
            }
            Pat::Reference(r) => self.bind_pat(&r.pat, ret),
            Pat::Paren(p) => self.bind_pat(&p.pat, ret),
            Pat::Guard(g) => self.bind_pat(&g.pat, ret),
            Pat::TupleStruct(t) => t.elems.iter().for_each(|p| self.bind_pat(p, None)),
            Pat::Struct(s) => s.fields.iter().for_each(|f| self.bind_pat(&f.pat, None)),
            Pat::Slice(s) => s.elems.iter().for_each(|p| self.bind_pat(p, None)),
            Pat::Or(o) => o.cases.iter().for_each(|p| self.bind_pat(p, None)),
            _ => {}
        }
    }

    /// Notes on the binding of `pat` (an identifier) the item type of its declared type `ty`.
    pub(super) fn set_item(&mut self, pat: &syn::Pat, ty: &syn::Type) {
        let syn::Pat::Ident(pi) = pat else { return };
        let item = crate::context::params::item_type(&self.cx, ty);
        if let (Some(item), Some(b)) = (item, self.cx.locals.get_mut(&pi.ident.to_string())) {
            b.item = Some(item);
        }
    }
}
