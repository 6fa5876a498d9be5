//! The type a fn parameter gives its binding: its declared type, resolved, or for a path taken
//! generically (`impl AsRef<Path>`, `P: AsRef<Path>`) the `Path` that `.as_ref()` gives.

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
