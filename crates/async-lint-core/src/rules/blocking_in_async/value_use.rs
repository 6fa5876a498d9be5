//! Whether the value of a blocking call is used after it. A replacement whose async twin returns
//! another type (`tokio::fs::File` for `std::fs::File`, tokio's `ReadDir`, which is no iterator)
//! only compiles where the value is thrown away: `File::create(p)?;`, `let _ = ..`, or a `_name`
//! binding that nothing mentions later. Elsewhere later uses (`std::io::Write` calls, `for e in
//! dir`, passing it where `W: Write` is required) break, so no suggestion is offered there.

use crate::context::Context;
use quote::ToTokens;
use syn::{Expr, Pat, Stmt};

/// Is the value of `call` (possibly under `?`) discarded by its statement?
pub fn discarded(cx: &Context<'_>, call: &Expr) -> bool {
    let span = cx.span(call);
    let text = &cx.file.text;
    // The statement around the call: from the last `;`, `{` or `}` before it to the next `;`.
    let Some(before) = text.get(..span.start) else {
        return false;
    };
    let start = before.rfind([';', '{', '}']).map_or(0, |i| i + 1);
    let Some(end) = text
        .get(span.end..)
        .and_then(|rest| rest.find(';'))
        .map(|i| span.end + i + 1)
    else {
        return false;
    };
    let Some(stmt) = text
        .get(start..end)
        .and_then(|s| syn::parse_str::<Stmt>(s).ok())
    else {
        return false;
    };
    // The statement was parsed from a slice of the text: compare tokens, not spans.
    let wanted = call.to_token_stream().to_string();
    let is_call = |e: &Expr| {
        let e = match e {
            Expr::Try(t) => &*t.expr,
            e => e,
        };
        e.to_token_stream().to_string() == wanted
    };
    match &stmt {
        Stmt::Expr(e, Some(_)) => is_call(e),
        Stmt::Local(l) => {
            let Some(init) = l.init.as_ref().filter(|i| i.diverge.is_none()) else {
                return false;
            };
            if !is_call(&init.expr) {
                return false;
            }
            match &l.pat {
                Pat::Wild(_) => true,
                Pat::Ident(pi) if pi.subpat.is_none() => {
                    let name = pi.ident.to_string();
                    name.starts_with('_') && !mentioned_after(text, end, &name)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Does the identifier `name` occur in `text` after `from`, up to the end of the block that
/// holds it (conservatively: braces in strings and comments count too, which can only make the
/// answer "yes")?
fn mentioned_after(text: &str, from: usize, name: &str) -> bool {
    let rest = text.get(from..).unwrap_or("");
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                end = i;
                break;
            }
            '}' => depth -= 1,
            _ => {}
        }
    }
    let scope = &rest[..end];
    let word = |c: char| c.is_alphanumeric() || c == '_';
    scope.match_indices(name).any(|(i, _)| {
        let before = scope[..i].chars().next_back().is_none_or(|c| !word(c));
        let after = scope[i + name.len()..]
            .chars()
            .next()
            .is_none_or(|c| !word(c));
        before && after
    })
}
