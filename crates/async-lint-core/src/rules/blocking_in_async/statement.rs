//! One finding per statement and blocking resource: `p.exists() && p.is_file()` asks the file
//! system twice about the same path, and one finding listing both calls says it.

use super::META;
use crate::context::Context;
use crate::finding::Finding;
use syn::Expr;

/// Pushes `f`, the finding of the blocking call `site` (shown as `shown`), or merges it into
/// the previous finding of the rule when that one is in the same statement (no `;`, `{` or `}`
/// between them), at the same severity, about a call on the same resource (receiver or first
/// argument, references peeled).
pub fn push_merged(cx: &Context<'_>, site: &Expr, shown: &str, f: Finding, out: &mut Vec<Finding>) {
    let Some(res) = resource(site) else {
        out.push(f);
        return;
    };
    let prev = out.iter_mut().rev().find(|p| p.rule == META.name);
    if let Some(prev) = prev {
        // One call inside the other (`File::open(p)?.read_to_end(..)`), or nothing that ends a
        // statement or opens a block between them.
        let inside = prev.span.start <= f.span.start && f.span.end <= prev.span.end;
        let same_statement = inside
            || prev.span.end <= f.span.start
                && !cx
                    .file
                    .text
                    .get(prev.span.end..f.span.start)
                    .is_none_or(|between| between.contains([';', '{', '}']));
        let same_resource = syn::parse_str::<Expr>(cx.file.slice(prev.span))
            .ok()
            .and_then(|e| resource(&e))
            .is_some_and(|r| r == res);
        if same_statement && same_resource && prev.severity == f.severity {
            prev.message = listed(&prev.message, shown);
            *prev = prev
                .clone()
                .secondary(f.span, format!("`{shown}` blocks here too"));
            return;
        }
    }
    out.push(f);
}

/// `blocking call `a` in x` → `blocking calls `a`, `b` in x`: the calls in source order.
fn listed(message: &str, shown: &str) -> String {
    let Some(at) = message.find("` in ") else {
        return message.to_string();
    };
    let head = message[..at].replacen("blocking call `", "blocking calls `", 1);
    format!("{head}`, `{shown}{}", &message[at..])
}

/// What a blocking call is about: the receiver of a method call (or what the call that made
/// the receiver is about), the first argument of a path call, as text without references,
/// `?` and whitespace.
fn resource(site: &Expr) -> Option<String> {
    use quote::ToTokens;
    let mut e = match site {
        Expr::MethodCall(m) => &*m.receiver,
        Expr::Call(c) => c.args.first()?,
        _ => return None,
    };
    loop {
        match e {
            Expr::Reference(r) => e = &r.expr,
            Expr::Try(t) => e = &t.expr,
            Expr::Paren(p) => e = &p.expr,
            // A receiver made by a call (`File::open(p)?`) is about what that call is about.
            Expr::Call(_) if matches!(site, Expr::MethodCall(_)) => return resource(e),
            _ => break,
        }
    }
    Some(e.to_token_stream().to_string().replace(' ', ""))
}
