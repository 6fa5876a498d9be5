//! A shared name that only carries data: `file.source` and `file.dest` read from a record
//! that describes a file are two paths, not one open file both calls write to.

use super::Candidate;
use syn::visit::{self, Visit};
use syn::Expr;

/// Is `name` only the base of field reads (`name.source`) in both futures, and the root of
/// no receiver of a method call? Then it is a record of values, whatever its name says.
pub(super) fn fields_only(a: &Candidate<'_>, b: &Candidate<'_>, name: &str) -> bool {
    let prefix = format!("{name}.");
    let handle = a
        .flow
        .receivers
        .iter()
        .chain(&b.flow.receivers)
        .any(|r| r == name || r.starts_with(&prefix));
    !handle && only_field_base(a.future, name) && only_field_base(b.future, name)
}

fn only_field_base(e: &Expr, name: &str) -> bool {
    struct Uses<'a> {
        name: &'a str,
        whole: bool,
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
            if matches!(&*f.base, Expr::Path(p) if p.path.is_ident(self.name)) {
                return;
            }
            visit::visit_expr_field(self, f);
        }
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            self.whole |= p.path.is_ident(self.name);
        }
    }
    let mut u = Uses { name, whole: false };
    u.visit_expr(e);
    !u.whole
}
