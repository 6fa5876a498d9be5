use super::*;

fn expr(src: &str) -> Expr {
    syn::parse_str(src).expect("expression parses")
}

#[test]
fn extents_of_loop_heads() {
    assert!(matches!(for_extent(&expr("0..4")), Extent::Fixed(_)));
    assert!(matches!(for_extent(&expr("0..=MAX")), Extent::Fixed(_)));
    assert!(matches!(for_extent(&expr("[a, b, c]")), Extent::Fixed(_)));
    assert!(matches!(for_extent(&expr("&[a, b]")), Extent::Fixed(_)));
    assert!(matches!(for_extent(&expr("vec![a, b]")), Extent::Fixed(_)));
    assert!(matches!(
        for_extent(&expr("[a, b].iter().enumerate()")),
        Extent::Fixed(_)
    ));
    assert!(matches!(
        for_extent(&expr("ADDRS.iter()")),
        Extent::Fixed(_)
    ));
    assert_eq!(for_extent(&expr("0..n")), Extent::Count);
    assert_eq!(for_extent(&expr("vec![x; n]")), Extent::Count);
    assert_eq!(for_extent(&expr("items")), Extent::Unknown);
    assert_eq!(
        for_extent(&expr("items.iter().enumerate()")),
        Extent::Unknown
    );
    assert_eq!(for_extent(&expr("0..")), Extent::Unknown);
}

#[test]
fn adapters_need_an_iterator() {
    assert_eq!(adapter_extent("map", &expr("opt")), None);
    assert_eq!(adapter_extent("map", &expr("fut.boxed()")), None);
    assert_eq!(
        adapter_extent("map", &expr("xs.into_iter()")),
        Some(Extent::Unknown)
    );
    assert_eq!(
        adapter_extent("map", &expr("stream::iter(xs)")),
        Some(Extent::Unknown)
    );
    assert_eq!(
        adapter_extent("for_each", &expr("rx")),
        Some(Extent::Unknown)
    );
    assert!(matches!(
        adapter_extent("map", &expr("(0..3)")),
        Some(Extent::Fixed(_))
    ));
}
