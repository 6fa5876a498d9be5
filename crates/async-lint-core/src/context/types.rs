//! Types of expressions, as far as the engine follows them: locals, catalogued returns,
//! fields, fn signatures of the crate, through pointers and wrappers.

use super::Context;
use crate::catalog::Returns;

impl Context<'_> {
    /// The type of an expression, as far as the engine follows types (see [`locals`]).
    pub fn type_of(&self, expr: &syn::Expr) -> Option<String> {
        match self.returns_of(expr)? {
            Returns::Type(t) => Some(t),
            Returns::Tuple(_) => None,
        }
    }

    /// What an expression evaluates to: a type, or a tuple of types from a catalogued call.
    pub fn returns_of(&self, expr: &syn::Expr) -> Option<Returns> {
        self.returns_within(expr, MAX_TYPE_DEPTH)
    }

    fn returns_within(&self, expr: &syn::Expr, depth: usize) -> Option<Returns> {
        use syn::Expr;
        let depth = depth.checked_sub(1)?;
        let type_of = |e: &syn::Expr| match self.returns_within(e, depth)? {
            Returns::Type(t) => Some(t),
            Returns::Tuple(_) => None,
        };
        match expr {
            Expr::Path(p) if p.qself.is_none() => {
                if p.path.is_ident("self") {
                    return self.self_type().map(|s| Returns::Type(s.to_string()));
                }
                if let Some(id) = p.path.get_ident() {
                    if let Some(b) = self.local(&id.to_string()) {
                        return b.ty.clone().map(Returns::Type);
                    }
                }
                let path = self.resolve(&p.path)?;
                self.statics.get(&path).cloned().map(Returns::Type)
            }
            Expr::Paren(e) => self.returns_within(&e.expr, depth),
            Expr::Group(e) => self.returns_within(&e.expr, depth),
            Expr::Reference(e) => self.returns_within(&e.expr, depth),
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.returns_within(&u.expr, depth)
            }
            Expr::Try(e) => self.returns_within(&e.expr, depth),
            Expr::Cast(c) => self.resolve_type(&c.ty).map(Returns::Type),
            Expr::Struct(s) => self.resolve(&s.path).map(Returns::Type),
            Expr::Tuple(t) if !t.elems.is_empty() => Some(Returns::Tuple(
                t.elems
                    .iter()
                    .map(|e| type_of(e).unwrap_or_default())
                    .collect(),
            )),
            Expr::Field(f) => {
                let base = type_of(&f.base)?;
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                let ty = self.structs.get(&base)?.get(&name.to_string())?;
                Some(Returns::Type(ty.clone()))
            }
            Expr::Call(c) => {
                let Expr::Path(p) = &*c.func else { return None };
                let path =
                    self.resolve_callee(&p.path, |c| self.catalog.call_returns(c).is_some())?;
                if let Some(r) = self.catalog.call_returns(&path) {
                    return Some(r.clone());
                }
                if let Some(t) = self.ctors.get(&path) {
                    return Some(Returns::Type(t.clone()));
                }
                let (ty, func) = path.rsplit_once("::")?;
                match func {
                    // Smart pointers: what they hold is what methods reach.
                    "new" | "clone" if is_pointer(ty) => {
                        self.returns_within(c.args.first()?, depth)
                    }
                    // The near-universal constructor convention.
                    "new" | "default" | "with_capacity" => Some(Returns::Type(ty.to_string())),
                    _ => None,
                }
            }
            // A macro that makes a value (`tracing::info_span!(..)`), by its resolved path.
            Expr::Macro(m) => {
                let path = self.resolve(&m.mac.path)?;
                self.catalog.call_returns(&path).cloned()
            }
            Expr::MethodCall(m) => {
                let name = m.method.to_string();
                match name.as_str() {
                    "unwrap" | "expect" | "clone" | "to_owned" | "as_ref" | "as_mut" | "borrow"
                    | "by_ref" => {
                        let r = self.returns_within(&m.receiver, depth)?;
                        // `RefCell::borrow` hands out the value inside, not the cell.
                        let cell = matches!(&r, Returns::Type(t) if t.ends_with("cell::RefCell"));
                        (!(cell && name == "borrow")).then_some(r)
                    }
                    _ => {
                        let recv = type_of(&m.receiver)?;
                        self.catalog.method_returns(&recv, &name).cloned()
                    }
                }
            }
            _ => None,
        }
    }
}

/// How deep type inference follows receivers and wrappers (`a.b().c()?.d()`): a bound, so
/// that long generated chains cost linear time, not quadratic.
const MAX_TYPE_DEPTH: usize = 32;

fn is_pointer(path: &str) -> bool {
    matches!(
        path,
        "Arc" | "Rc" | "Box" | "std::sync::Arc" | "std::rc::Rc" | "std::boxed::Box"
    )
}
