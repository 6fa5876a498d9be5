use super::*;

fn flow(src: &str) -> Flow {
    Flow::of_expr(&syn::parse_str::<Expr>(src).expect("expression parses"))
}

fn names(n: &Names) -> Vec<&str> {
    n.iter().map(String::as_str).collect()
}

#[test]
fn free_reads_follow_shadowing_closures_and_arms() {
    let f = flow("{ let a = b + c; let c = 1; foo(a, c, |d| d + e, move || g.h) }");
    assert_eq!(names(&f.reads), ["b", "c", "e", "foo", "g"]);
    let f = flow("match x { Some(y) if y > z => y, None => w }");
    assert_eq!(names(&f.reads), ["w", "x", "z"]);
    let f = flow("if let Some(v) = opt { v } else { v }");
    assert_eq!(names(&f.reads), ["opt", "v"], "the else branch's v is free");
    let f = flow("for (k, v) in map { out.push(k); }");
    assert_eq!(names(&f.reads), ["map", "out"]);
}

#[test]
fn writes_borrows_and_receivers() {
    let f =
        flow("{ total += n; self.count = 1; read(&mut buf); self.conn.execute(q); tx.send(v) }");
    assert_eq!(names(&f.assigns), ["self", "total"]);
    assert_eq!(names(&f.mut_borrows), ["buf"]);
    assert_eq!(names(&f.receivers), ["self.conn", "tx"]);
}

#[test]
fn macros_are_read_as_tokens() {
    let f = flow(r#"format!("{id}/{} {{skip}} {n:?}", user.name, x = y)"#);
    assert_eq!(names(&f.reads), ["id", "n", "user", "x", "y"]);
    let f = flow("tokio::join!(a(), b())");
    assert!(f.awaits);
    let f = flow("tokio::select! { v = rx.recv() => v }");
    assert!(f.awaits && f.selects);
    let f = flow("foo(async { bar().await })");
    assert!(!f.awaits, "a nested async block awaits when it is polled");
}

#[test]
fn coordination_waits() {
    let wait = |s: &str| coordination_wait(&syn::parse_str::<Expr>(s).expect("parses"));
    assert!(wait("tokio::time::sleep(d)").is_some());
    assert!(wait("timeout(d, rx.recv())").is_some());
    assert!(wait("state.lock()").is_some());
    assert!(wait("tx.send(msg)").is_some());
    assert!(wait("client.get(url).send()").is_none());
    assert!(wait("file.read(&mut buf)").is_none());
}

#[test]
fn loop_exits_of_this_loop_only() {
    let body: syn::Block = syn::parse_str(
        "{ for y in ys { break; } 'inner: loop { break 'inner; } if a { continue; } \
         let c = || return 1; 'outer_block: { break 'outer_block; } return; }",
    )
    .expect("block parses");
    let exits: Vec<String> = loop_exits(&body)
        .iter()
        .map(|e| quote::quote!(#e).to_string())
        .collect();
    assert_eq!(exits, ["continue", "return"]);
}

#[test]
fn derived_names_reach_a_fixpoint() {
    let body: syn::Block = syn::parse_str(
        "{ let a = x + 1; let b = a * 2; let c = other; if let Some(d) = b.get() { } \
         let mut set = Vec::new(); set.push(d); outer.push(a); let e; (e, acc) = split(b); }",
    )
    .expect("block parses");
    let seeds: Names = ["x".to_string()].into();
    assert_eq!(
        names(&derived(&body.stmts, &seeds)),
        ["a", "b", "d", "e", "set"],
        "outer and acc are bound outside: never derived"
    );
}

#[test]
fn reads_stop_at_shadowing() {
    let body: syn::Block = syn::parse_str("{ let x = other(); use_it(x); }").expect("block parses");
    assert!(!read_before_rebound(&body.stmts, "x"));
    let body: syn::Block = syn::parse_str("{ let x = x + 1; }").expect("block parses");
    assert!(read_before_rebound(&body.stmts, "x"));
}
