//! When a loop's awaits are ordered on purpose, and when they only look so: judged by what
//! is iterated, by the receiver of each awaited call and by what the loop does with the
//! results — never by the verb of the call alone.

use crate::analyses::dataflow::{self, Flow, Names};
use crate::context::Context;
use syn::visit::{self, Visit};
use syn::Expr;

fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        Expr::Reference(r) => peel(&r.expr),
        _ => e,
    }
}

fn last_segment(place: &str) -> &str {
    place
        .rsplit('.')
        .next()
        .unwrap_or(place)
        .trim_start_matches('_')
}

fn named(place: &str, words: &[&str]) -> bool {
    let last = last_segment(place);
    words
        .iter()
        .any(|w| last == *w || last.ends_with(&format!("_{w}")))
}

/// The items are taken in an order the code chose — reversed (`stack.into_iter().rev()`:
/// parents before children, the last started first stopped) — or drained from a queue of
/// messages (`rx.try_iter()`, `receiver.drain()`), which are events handled as they came.
pub fn order_chosen(items: &Expr) -> bool {
    let mut cur = peel(items);
    while let Expr::MethodCall(m) = cur {
        let name = m.method.to_string();
        if name == "rev" {
            return true;
        }
        let queue = dataflow::place_path(&m.receiver).is_some_and(|p| {
            named(
                &p,
                &["rx", "receiver", "queue", "inbox", "mailbox", "events"],
            )
        });
        if queue && matches!(name.as_str(), "drain" | "try_iter") {
            return true;
        }
        cur = peel(&m.receiver);
    }
    false
}

/// `dirs.push_front(dir)` or `list.insert(0, x)` between the binding of the iterated local and
/// the loop: each item was put before the ones found earlier (a path's parents before the
/// path), an order chosen on purpose, as `.rev()` chooses it.
pub fn prepended(cx: &Context<'_>, items: &Expr, loop_start: usize) -> bool {
    let mut cur = peel(items);
    while let Expr::MethodCall(m) = cur {
        if !matches!(
            m.method.to_string().as_str(),
            "iter" | "into_iter" | "drain"
        ) {
            return false;
        }
        cur = peel(&m.receiver);
    }
    let Some(name) = dataflow::place_path(cur).filter(|p| !p.contains('.')) else {
        return false;
    };
    let Some(b) = cx.local(&name) else {
        return false;
    };
    let between: String = cx
        .file
        .text
        .get(b.span.end..loop_start)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    [".push_front(", ".insert(0,"].iter().any(|call| {
        let at = format!("{name}{call}");
        between.match_indices(&at).any(|(i, _)| {
            !between[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '.')
        })
    })
}

/// A pipeline or batch queues the commands given to it, in order, until it is sent.
pub fn queues(place: &str) -> bool {
    named(place, &["pipeline", "pipe", "batch"])
}

/// The body checks a result with `assert!`/`assert_eq!`/`assert_ne!`/`assert_matches!`: a
/// table of test cases, run one after the other so that a failure names its case.
pub fn asserts_each(body: &syn::Block) -> bool {
    struct Asserts(bool);
    impl<'ast> Visit<'ast> for Asserts {
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            let name = m.path.segments.last().map(|s| s.ident.to_string());
            self.0 |= name.is_some_and(|n| {
                matches!(
                    n.as_str(),
                    "assert" | "assert_eq" | "assert_ne" | "assert_matches"
                )
            });
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut a = Asserts(false);
    a.visit_block(body);
    a.0
}

/// `client.send(request)`: a request sent by an HTTP or RPC client, not a message pushed
/// into a channel.
pub fn request_send(future: &Expr) -> bool {
    matches!(future, Expr::MethodCall(m) if m.method == "send"
        && dataflow::place_path(&m.receiver).is_some_and(|p| named(&p, &["client"])))
}

/// The root of the place a method chain is finally called on (`store` in
/// `store.bucket(b).upload(..)`).
fn receiver_root(future: &Expr) -> Option<String> {
    let mut cur = future;
    while let Expr::MethodCall(m) = cur {
        if let Some(p) = dataflow::place_path(&m.receiver) {
            return p.split('.').next().map(str::to_string);
        }
        cur = peel(&m.receiver);
    }
    None
}

/// The call acts on a resource found for this item in a registry from around the loop
/// (`let store = stores.get(name)`, then `store.upload(..)`): a write there is one per
/// resource, and resources do not wait on each other.
pub fn acts_on_item_resource(
    body: &syn::Block,
    future: &Expr,
    item_vars: &Names,
    per_item: &Names,
) -> bool {
    receiver_root(future).is_some_and(|r| {
        per_item.contains(&r) && !item_vars.contains(&r) && found_by_lookup(body, &r, per_item)
    })
}

/// `handler.on_start(&ctx)`, `component.terminate()`: the item itself is the receiver and
/// nothing passed to it is the item's own. Each item is a handler, hook or component asked
/// to act in turn, in the order it was registered.
pub fn invokes_item(future: &Expr, item_vars: &Names, per_item: &Names) -> bool {
    let Expr::MethodCall(m) = future else {
        return false;
    };
    let Some(place) = dataflow::place_path(&m.receiver) else {
        return false;
    };
    let root = place.split('.').next().unwrap_or(&place);
    item_vars.contains(root)
        && m.args
            .iter()
            .all(|a| !Flow::of_expr(a).reads.iter().any(|n| per_item.contains(n)))
}

/// `return Err(..)`: the loop fails fast on an error, as `?` and `try_join_all` do.
pub fn returns_error(e: &Expr) -> bool {
    let Expr::Return(r) = e else { return false };
    r.expr.as_deref().is_some_and(|x| {
        matches!(peel(x), Expr::Call(c)
            if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Err")))
    })
}

/// The body hands its results on in the items' order: it pushes or appends them to a
/// collection from around the loop, appends them to text (`out += &part`), or prints them.
/// Bounded concurrency then needs `buffered`, which yields in input order.
pub fn keeps_order(body: &syn::Block, outer: impl Fn(&str) -> bool) -> bool {
    struct Sink<F> {
        outer: F,
        found: bool,
    }
    impl<'ast, F: Fn(&str) -> bool> Visit<'ast> for Sink<F> {
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            let appends = matches!(
                m.method.to_string().as_str(),
                "push" | "push_back" | "push_str" | "extend" | "extend_from_slice" | "append"
            );
            let root = dataflow::place_root(&m.receiver);
            self.found |= appends && root.is_some_and(|r| (self.outer)(&r));
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
            let root = dataflow::place_root(&b.left);
            // `text += &part` appends text; `total += n` is a sum, in any order.
            self.found |= matches!(b.op, syn::BinOp::AddAssign(_))
                && root.is_some_and(|r| (self.outer)(&r))
                && matches!(&*b.right, Expr::Reference(_));
            visit::visit_expr_binary(self, b);
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            let name = m.path.segments.last().map(|s| s.ident.to_string());
            self.found |= name
                .is_some_and(|n| matches!(n.as_str(), "println" | "print" | "write" | "writeln"));
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut s = Sink {
        outer,
        found: false,
    };
    s.visit_block(body);
    s.found
}

/// `client.add_to_queue(..)`, `self.write_to_stream(..)`: the method names the ordered
/// resource it feeds.
pub fn feeds_ordered_resource(future: &Expr) -> bool {
    matches!(future, Expr::MethodCall(m) if {
        let name = m.method.to_string();
        ["queue", "stream", "sink", "writer", "socket", "channel", "file"]
            .iter()
            .any(|w| name.ends_with(&format!("_{w}")))
    })
}

/// `client.subscribe(topics)`, `conn.punsubscribe(patterns)`: a subscription changes the
/// state of the one session every iteration shares — which messages it is sent from then on —
/// and the broker acknowledges the changes in turn on that session.
pub fn changes_subscription(future: &Expr) -> bool {
    matches!(future, Expr::MethodCall(m) if m.method
        .to_string()
        .split('_')
        .any(|w| w.ends_with("subscribe")))
}

/// The local `root` is found for the item in a registry or pool from around the loop
/// (`match stores.get(&name) { Some(store) => .. }`, `let conn = pool.conn_for(&key)`), as
/// opposed to being made from the item itself (`item.resolve()?`).
pub fn found_by_lookup(body: &syn::Block, root: &str, per_item: &Names) -> bool {
    struct Lookup<'a> {
        root: &'a str,
        per_item: &'a Names,
        found: bool,
    }
    impl Lookup<'_> {
        fn binds(&self, p: &syn::Pat) -> bool {
            dataflow::pat_names(p).iter().any(|n| n.name == self.root)
        }
        fn check(&mut self, init: &Expr) {
            let reads_item = |e: &Expr| {
                Flow::of_expr(e)
                    .reads
                    .iter()
                    .any(|n| self.per_item.contains(n))
            };
            let mut cur = peel(init);
            loop {
                match cur {
                    Expr::Try(t) => cur = peel(&t.expr),
                    Expr::Await(a) => cur = peel(&a.base),
                    Expr::MethodCall(m) => {
                        let outer = dataflow::place_root(&m.receiver)
                            .is_some_and(|r| !self.per_item.contains(&r));
                        if outer && m.args.iter().any(&reads_item) {
                            self.found = true;
                            return;
                        }
                        cur = peel(&m.receiver);
                    }
                    Expr::Call(c) => {
                        self.found |= c.args.iter().any(&reads_item);
                        return;
                    }
                    _ => return,
                }
            }
        }
    }
    impl<'ast> Visit<'ast> for Lookup<'_> {
        fn visit_local(&mut self, l: &'ast syn::Local) {
            if let (true, Some(init)) = (self.binds(&l.pat), &l.init) {
                self.check(&init.expr);
            }
            visit::visit_local(self, l);
        }
        fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
            if m.arms.iter().any(|a| self.binds(&a.pat)) {
                self.check(&m.expr);
            }
            visit::visit_expr_match(self, m);
        }
        fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
            if self.binds(&l.pat) {
                self.check(&l.expr);
            }
            visit::visit_expr_let(self, l);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    let mut l = Lookup {
        root,
        per_item,
        found: false,
    };
    l.visit_block(body);
    l.found
}
