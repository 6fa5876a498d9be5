//! Local types the engine learns from signatures: the type a fn parameter gives its binding
//! (its declared type, resolved, or for a path taken generically — `impl AsRef<Path>`,
//! `P: AsRef<Path>` — the `Path` that `.as_ref()` gives), and the constructors of a file's
//! impls (`fn open(..) -> io::Result<Self>`), whose calls give their type.

use super::Context;
use crate::catalog::vocabulary;
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
    bounds: impl Iterator<Item = &'b TypeParamBound>,
) -> Option<String> {
    crate::syntax::bound_args(bounds, "AsRef").find_map(|args| {
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

/// Collections whose items are their first type argument.
const COLLECTIONS: &[&str] = &[
    "Vec",
    "VecDeque",
    "HashSet",
    "BTreeSet",
    "IndexSet",
    "LinkedList",
    "BinaryHeap",
    "Option",
];

/// The resolved type of the items of a collection type: `Vec<PathBuf>`, `&[PathBuf]`,
/// `[PathBuf; 2]`, `HashSet<PathBuf>`, `Option<PathBuf>`.
pub fn item_type(cx: &Context<'_>, ty: &Type) -> Option<String> {
    match peel(ty) {
        Type::Slice(s) => cx.resolve_type(&s.elem),
        Type::Array(a) => cx.resolve_type(&a.elem),
        Type::Path(p) => {
            let seg = p.path.segments.last()?;
            if !COLLECTIONS.contains(&seg.ident.to_string().as_str()) {
                return None;
            }
            let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
                return None;
            };
            match args.args.first()? {
                syn::GenericArgument::Type(t) => cx.resolve_type(t),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Adapters that keep the items of their receiver (`iter`, `filter`, `rev`…).
const KEEP_ITEMS: &[&str] = &[
    "iter",
    "into_iter",
    "iter_mut",
    "drain",
    "filter",
    "skip",
    "take",
    "rev",
    "cloned",
    "copied",
    "peekable",
    "inspect",
    "skip_while",
    "take_while",
    "step_by",
    "fuse",
];

/// The resolved type of the items an expression yields when iterated: a collection local, or
/// item-keeping adapters over one, or `Path::ancestors()`.
pub fn items_of(cx: &Context<'_>, e: &syn::Expr) -> Option<String> {
    use syn::Expr;
    match e {
        Expr::Path(p) => cx.local(&p.path.get_ident()?.to_string())?.item.clone(),
        Expr::Reference(r) => items_of(cx, &r.expr),
        Expr::Paren(p) => items_of(cx, &p.expr),
        Expr::MethodCall(m) => {
            let name = m.method.to_string();
            if KEEP_ITEMS.contains(&name.as_str()) {
                return items_of(cx, &m.receiver);
            }
            let recv = cx.type_of(&m.receiver)?;
            let is_path = recv == "std::path::Path" || recv == "std::path::PathBuf";
            (is_path && name == "ancestors").then(|| "std::path::Path".to_string())
        }
        _ => None,
    }
}

/// Per-item adapters whose closure takes an accumulator first and the item second: every other
/// one of the vocabulary's per-item adapters takes the item first.
const ACCUMULATOR_FIRST: &[&str] = &["fold", "try_fold", "scan"];

/// The item type the closure argument of `receiver.<adapter>(|item| ..)` receives.
pub fn item_arg(cx: &Context<'_>, adapter: &str, receiver: &syn::Expr) -> Option<String> {
    if !vocabulary().is_per_item_adapter(adapter) || ACCUMULATOR_FIRST.contains(&adapter) {
        return None;
    }
    items_of(cx, receiver)
}
