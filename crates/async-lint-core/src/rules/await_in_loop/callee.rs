//! What the crate index says about an awaited callee of this crate that makes a loop's order
//! its point: it writes every item into one destination, or it runs a task or process of its
//! own per item and waits for it.

use crate::analyses::dataflow::{self, Flow, Names};
use crate::context::{Context, FrameKind};
use crate::index::Callee;
use syn::Expr;

/// `import_into(client, source, dest)`: the callee is an async fn of this crate whose own body
/// awaits a write, and besides its handle (the receiver, or the first argument of a free fn)
/// it is given a value fixed around the loop. Every item is written into that one
/// destination, which takes the writes in turn (what one import adds, the next one reads).
pub fn writes_one_destination(cx: &Context<'_>, future: &Expr, per_item: &Names) -> bool {
    let args: Vec<&Expr> = match future {
        Expr::Call(c) => c.args.iter().skip(1).collect(),
        Expr::MethodCall(m) => m.args.iter().collect(),
        _ => return false,
    };
    let fixed = args.iter().any(|a| {
        let reads = Flow::of_expr(a).reads;
        !reads.is_empty() && !reads.iter().any(|n| per_item.contains(n))
    });
    fixed
        && cx.called_fn(future).is_some_and(|f| {
            f.calls.iter().any(|c| {
                let name = match &c.callee {
                    Callee::Method { name, .. } => name,
                    Callee::Path { path, .. } => path,
                };
                c.awaited && c.frame == FrameKind::AsyncFn && dataflow::effect_name(name)
            })
        })
}

/// `run_project(p)` where the callee, an async fn of this crate, starts a task or a child
/// process in its own body (`tokio::spawn(..)`, `Command::new(..).spawn()`, or an awaited crate
/// fn that hands back a task's handle) and waits for it: each item is a whole run — a build,
/// a server, an end-to-end suite — and runs side by side would share ports, output and
/// shutdown signals. Runners take their items in turn on purpose.
pub fn runs_task_per_item(cx: &Context<'_>, future: &Expr) -> bool {
    let Some(f) = cx.called_fn(future) else {
        return false;
    };
    f.calls
        .iter()
        .filter(|c| c.frame == FrameKind::AsyncFn)
        .any(|c| {
            let spawns = match &c.callee {
                Callee::Method { name, .. } => name == "spawn",
                Callee::Path { path, .. } => path.rsplit("::").next() == Some("spawn"),
            };
            let hands_back_task = c.awaited
                && c.target_path()
                    .and_then(|p| cx.fn_sig(&p))
                    .is_some_and(|g| {
                        g.output.as_deref().is_some_and(|o| {
                            let head = o.split('<').next().unwrap_or(o).trim();
                            matches!(
                                head.rsplit("::").next().unwrap_or(head),
                                "JoinHandle" | "Task"
                            )
                        })
                    });
            spawns || hands_back_task
        })
}

/// `self.core.delete_object(&id).await` where the callee, an async fn of this crate named for
/// a removal, awaits exactly one thing — a request it hands to a client (`.send(req)`) — or
/// `client.delete(url_of(&id)).send().await` itself: one request per item, on a client every
/// iteration shares, each removing what only that item names. Removals of different items do
/// not wait on each other, whatever the loop's order. (Any other write on a shared receiver
/// is still taken to keep its order: by name alone, most are ordered.)
pub fn removes_by_request(future: &Expr, cx: &Context<'_>, per_item: &Names) -> bool {
    let Expr::MethodCall(m) = future else {
        return false;
    };
    if m.method == "send" && m.args.is_empty() {
        // A request builder: `client.delete(..)` somewhere down the chain, on a shared client.
        let mut cur = &*m.receiver;
        while let Expr::MethodCall(inner) = cur {
            if removal(&inner.method.to_string()) {
                return names_item(&inner.args, per_item)
                    && !receiver_is_item(&inner.receiver, per_item);
            }
            cur = &inner.receiver;
        }
        return false;
    }
    removal(&m.method.to_string())
        && names_item(&m.args, per_item)
        && !receiver_is_item(&m.receiver, per_item)
        && cx.called_fn(future).is_some_and(|f| {
            let mut awaited = f.calls.iter().filter(|c| c.awaited);
            let one = awaited.next().is_some_and(|c| {
                matches!(&c.callee, Callee::Method { name, .. } if name == "send") && c.args <= 1
            });
            one && awaited.next().is_none() && f.first_await.is_some()
        })
}

/// A name whose words say it removes something (`delete`, `webhdfs_delete`, `remove_object`).
fn removal(name: &str) -> bool {
    name.split('_')
        .any(|w| matches!(w, "delete" | "remove" | "purge" | "unlink"))
}

/// Some argument names what the item is (`&id`, `format!("{base}/{id}")`).
fn names_item(args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>, per_item: &Names) -> bool {
    args.iter()
        .any(|a| Flow::of_expr(a).reads.iter().any(|n| per_item.contains(n)))
}

fn receiver_is_item(receiver: &Expr, per_item: &Names) -> bool {
    dataflow::place_root(receiver).is_some_and(|r| per_item.contains(&r))
}
