//! Values besides lock guards that a future must not hold across an `.await`: `Rc`/`Weak`
//! handles, `RefCell` borrows named by their type, and raw pointers make the future `!Send`
//! (`tokio::spawn` rejects it). The guard tracker ([`super::guards`]) keeps them with the
//! guards, as presumed ones, so that a fix which adds an `.await` can ask what is alive
//! ([`Context::not_send_alive`](super::Context::not_send_alive)); no rule reports them.

use super::{bound_name, Guard};
use crate::context::Context;
use syn::{Expr, Pat, Type};

/// Types whose values are `!Send`, by resolved path (generic arguments aside).
const NOT_SEND: &[&str] = &[
    "std::rc::Rc",
    "std::rc::Weak",
    "alloc::rc::Rc",
    "alloc::rc::Weak",
    "std::cell::Ref",
    "std::cell::RefMut",
    "core::cell::Ref",
    "core::cell::RefMut",
];

/// The `!Send` value a `let` binds, if any: by its type annotation (`let r: Rc<_> = ..`,
/// a raw pointer), or by its initializer (`Rc::new(..)`, `Weak::new()`, `x as *const T`).
pub(super) fn not_send_value(
    cx: &Context<'_>,
    pat: &Pat,
    init: &Expr,
) -> Option<(syn::Ident, Guard)> {
    let (ident, ty) = bound_name(pat)?;
    let what = ty
        .and_then(|t| not_send_type(cx, t))
        .or_else(|| not_send_init(cx, init))?;
    let guard = Guard {
        lock: what,
        method: String::new(),
        origin: cx.span(init),
        name: Some(ident.to_string()),
    };
    Some((ident, guard))
}

fn not_send_type(cx: &Context<'_>, ty: &Type) -> Option<String> {
    match ty {
        Type::Ptr(_) => Some("raw pointer".into()),
        Type::Paren(p) => not_send_type(cx, &p.elem),
        Type::Path(p) if p.qself.is_none() => {
            let path = cx.resolve(&p.path)?;
            NOT_SEND.contains(&path.as_str()).then_some(path)
        }
        _ => None,
    }
}

fn not_send_init(cx: &Context<'_>, init: &Expr) -> Option<String> {
    match init {
        Expr::Cast(c) => not_send_type(cx, &c.ty),
        Expr::Call(c) => {
            let Expr::Path(f) = &*c.func else { return None };
            let path = cx.resolve(&f.path)?;
            let (ty, _) = path.rsplit_once("::")?;
            NOT_SEND.contains(&ty).then(|| ty.to_string())
        }
        _ => None,
    }
}

/// How a note names what is alive: "the `std::sync::Mutex` guard `g`", "the result of
/// `.lock()` `g`", "the `std::rc::Rc` `shared`".
pub fn describe(g: &Guard) -> String {
    let what = if g.method.is_empty() && !g.lock.contains("::") {
        format!("the {}", g.lock)
    } else if g.method.is_empty() {
        format!("the `{}`", g.lock)
    } else if g.lock.is_empty() {
        format!("the result of `.{}()`", g.method)
    } else {
        format!("the {}", g.describe())
    };
    match &g.name {
        Some(n) => format!("{what} `{n}`"),
        None => what,
    }
}
