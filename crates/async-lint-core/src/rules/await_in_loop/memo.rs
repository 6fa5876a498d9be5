//! A collection from around the loop used only as a memo keyed by the item: the body looks
//! the item up (`if cache.contains_key(&id) { continue }`) and stores the item's result under
//! the item (`cache.insert(id, v)`). An iteration reads back only its own key, so no
//! iteration steers another (distinct items never meet in the memo); the requests for the
//! missing items are still independent. A set that only records the items seen
//! (`if !seen.insert(x) { continue }`) is not a memo of results: it dedups the input as it goes.

use crate::analyses::dataflow::{self, Flow, Names};
use syn::visit::{self, Visit};

/// Methods that look up or store one key of a map or set.
const KEYED: &[&str] = &[
    "contains_key",
    "contains",
    "get",
    "get_mut",
    "insert",
    "entry",
];

/// Every use of `name` in `body` is `name.<keyed method>(key, ..)` with a key made from the
/// item alone.
pub fn keyed_by_item(body: &syn::Block, name: &str, per_item: &Names) -> bool {
    struct Uses<'a> {
        name: &'a str,
        per_item: &'a Names,
        keyed: usize,
        all: usize,
    }
    impl<'ast> Visit<'ast> for Uses<'_> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            let on_name = dataflow::place_path(&m.receiver).is_some_and(|p| p == self.name);
            let key_of_item = m.args.first().is_some_and(|k| {
                let reads = Flow::of_expr(k).reads;
                !reads.is_empty() && reads.iter().all(|n| self.per_item.contains(n))
            });
            let method = m.method.to_string();
            // `insert(key, value)` stores a result; a set's `insert(x)` only marks `x` seen.
            let stores_result = method != "insert" || m.args.len() == 2;
            if on_name && key_of_item && stores_result && KEYED.contains(&method.as_str()) {
                self.keyed += 1;
                self.all += 1;
                for a in &m.args {
                    self.visit_expr(a);
                }
                return;
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            self.all += usize::from(p.path.is_ident(self.name));
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut u = Uses {
        name,
        per_item,
        keyed: 0,
        all: 0,
    };
    u.visit_block(body);
    u.keyed > 0 && u.keyed == u.all
}
