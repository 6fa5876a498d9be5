//! Facts read off the syntax alone that the visitor needs: struct field and static types,
//! item attributes (`#[allow]`, test markers), how a block exits, loop labels, paths as text.

use crate::context::{ExitKind, Statics, StructFields};
use crate::resolve::{path_string, Resolver, Scope};
use std::collections::HashMap;
use syn::Expr;

/// Records the field types of every struct, and the type of every `static`, of the items of
/// `module`, resolved in it: the innermost scope of `r` is the module's.
pub(super) fn collect_structs(
    items: &[syn::Item],
    module: &[String],
    r: &mut Resolver,
    out: (&mut StructFields, &mut Statics, &mut Statics),
) {
    let (out, statics, ctors) = out;
    for item in items {
        match item {
            syn::Item::Struct(s) => {
                let fields: HashMap<String, String> = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), r.resolve_type(&f.ty)?)))
                    .collect();
                let mut path = module.to_vec();
                path.push(s.ident.to_string());
                out.insert(path.join("::"), fields);
            }
            syn::Item::Impl(i) => ctors.extend(crate::context::params::constructors(i, r)),
            syn::Item::Static(s) => {
                if let Some(ty) = r.resolve_type(&s.ty) {
                    let mut path = module.to_vec();
                    path.push(s.ident.to_string());
                    statics.insert(path.join("::"), ty);
                }
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    let mut sub = module.to_vec();
                    sub.push(m.ident.to_string());
                    r.push(Scope::module(sub.clone(), inner));
                    collect_structs(inner, &sub, r, (&mut *out, &mut *statics, &mut *ctors));
                    r.pop();
                }
            }
            _ => {}
        }
    }
}

/// How a block leaves when its last statement is a `break` or a `return`.
pub(super) fn block_exit(b: &syn::Block) -> Option<ExitKind> {
    let syn::Stmt::Expr(e, _) = b.stmts.last()? else {
        return None;
    };
    match e {
        Expr::Break(br) => Some(ExitKind::Break(
            br.label.as_ref().map(|l| l.ident.to_string()),
        )),
        Expr::Return(_) => Some(ExitKind::Return),
        _ => None,
    }
}

/// The attributes of the items that can hold code.
pub(super) fn item_attrs(i: &syn::Item) -> Option<&[syn::Attribute]> {
    match i {
        syn::Item::Fn(f) => Some(&f.attrs),
        syn::Item::Mod(m) => Some(&m.attrs),
        syn::Item::Impl(m) => Some(&m.attrs),
        syn::Item::Trait(t) => Some(&t.attrs),
        syn::Item::Const(c) => Some(&c.attrs),
        syn::Item::Static(s) => Some(&s.attrs),
        _ => None,
    }
}

/// The lint paths named by `#[allow(..)]`/`#[expect(..)]` (and their inner `#![..]` forms).
pub(super) fn allowed_lints(attrs: &[syn::Attribute]) -> Vec<String> {
    use syn::punctuated::Punctuated;
    let mut out = Vec::new();
    for a in attrs {
        if !(a.path().is_ident("allow") || a.path().is_ident("expect")) {
            continue;
        }
        if let Ok(list) =
            a.parse_args_with(Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        {
            out.extend(list.iter().map(path_string));
        }
    }
    out
}

/// Does a condition bind (`let PAT = EXPR`, also inside a `&&` chain)?
pub(super) fn label(l: &Option<syn::Label>) -> Option<String> {
    l.as_ref().map(|l| l.name.ident.to_string())
}

/// Is a type `&mut T`?
pub(super) fn is_mut_ref(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Reference(r) if r.mutability.is_some())
}

/// Does a fn's declared return type name `Result` (`Result<T, E>`, `io::Result<T>`, …)?
pub(super) fn returns_result(out: &syn::ReturnType) -> bool {
    match out {
        syn::ReturnType::Type(_, ty) => match &**ty {
            syn::Type::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "Result"),
            _ => false,
        },
        syn::ReturnType::Default => false,
    }
}
