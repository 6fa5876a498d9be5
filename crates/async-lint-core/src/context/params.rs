//! Local types the engine learns from signatures: the type a fn parameter gives its binding
//! (its declared type, resolved, or for a path taken generically — `impl AsRef<Path>`,
//! `P: AsRef<Path>` — the `Path` that `.as_ref()` gives), and the constructors of a file's
//! impls (`fn open(..) -> io::Result<Self>`), whose calls give their type.

use super::Context;
use syn::{GenericParam, Type, TypeParamBound, WherePredicate};

/// The type of a parameter declared `ty` in the fn `sig`.
pub fn param_type(cx: &Context<'_>, sig: &syn::Signature, ty: &Type) -> Option<String> {
    let ty = peel(ty);
    if let Type::ImplTrait(i) = ty {
        return as_ref_target(cx, i.bounds.iter());
    }
    let resolved = cx.resolve_type(ty)?;
    let Type::Path(p) = ty else {
        return Some(resolved);
    };
    let Some(name) = p.path.get_ident() else {
        return Some(resolved);
    };
    let from_params = sig.generics.params.iter().find_map(|g| match g {
        GenericParam::Type(t) if t.ident == *name => as_ref_target(cx, t.bounds.iter()),
        _ => None,
    });
    let from_where = || {
        sig.generics.where_clause.as_ref()?.predicates.iter().find_map(|w| match w {
            WherePredicate::Type(pt) if matches!(&pt.bounded_ty, Type::Path(b) if b.path.is_ident(name)) => {
                as_ref_target(cx, pt.bounds.iter())
            }
            _ => None,
        })
    };
    from_params.or_else(from_where).or(Some(resolved))
}

fn peel(ty: &Type) -> &Type {
    match ty {
        Type::Reference(r) => peel(&r.elem),
        Type::Paren(p) => peel(&p.elem),
        Type::Group(g) => peel(&g.elem),
        _ => ty,
    }
}

/// `std::path::Path` for a bound `AsRef<Path>` (or `AsRef<std::path::Path>`) among `bounds`.
fn as_ref_target<'b>(
    cx: &Context<'_>,
    mut bounds: impl Iterator<Item = &'b TypeParamBound>,
) -> Option<String> {
    bounds.find_map(|b| {
        let TypeParamBound::Trait(t) = b else {
            return None;
        };
        let seg = t.path.segments.last()?;
        if seg.ident != "AsRef" {
            return None;
        }
        let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
            return None;
        };
        let Some(syn::GenericArgument::Type(inner)) = args.args.first() else {
            return None;
        };
        let target = cx.resolve_type(inner)?;
        (target == "std::path::Path").then_some(target)
    })
}

/// The associated fns (no `self`) of an impl that return its own type — `Self`, the type's
/// name, or either inside `Result`/`Option` (a `?` or `unwrap` takes it out): resolved path of
/// the fn → resolved type.
pub(super) fn constructors(
    i: &syn::ItemImpl,
    r: &crate::resolve::Resolver,
) -> Vec<(String, String)> {
    let Some(ty) = r.resolve_type(&i.self_ty) else {
        return Vec::new();
    };
    let name = ty.rsplit("::").next().unwrap_or(&ty).to_string();
    i.items
        .iter()
        .filter_map(|it| match it {
            syn::ImplItem::Fn(f) if f.sig.receiver().is_none() && f.sig.asyncness.is_none() => {
                let syn::ReturnType::Type(_, out) = &f.sig.output else {
                    return None;
                };
                returns_own(out, &name).then(|| (format!("{ty}::{}", f.sig.ident), ty.clone()))
            }
            _ => None,
        })
        .collect()
}

/// Is `ty` `Self` or `name`, bare or as the first argument of `Result`/`Option`?
fn returns_own(ty: &Type, name: &str) -> bool {
    let Type::Path(p) = ty else { return false };
    let Some(seg) = p.path.segments.last() else {
        return false;
    };
    if p.path.segments.len() == 1 && (seg.ident == "Self" || seg.ident == name) {
        return matches!(seg.arguments, syn::PathArguments::None);
    }
    if seg.ident != "Result" && seg.ident != "Option" {
        return false;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return false;
    };
    matches!(args.args.first(), Some(syn::GenericArgument::Type(inner)) if returns_own(inner, name))
}
