//! The options of `blocking-in-async`, declared below the rules because the crate index and
//! the context read its `extra-blocking` and `trusted` lists too: which calls block decides
//! the summaries of the crate's fns as much as the rule's findings.

crate::option_choice! {
    /// The severity of findings rarely worth acting on (`low-value`); `off` drops them.
    pub enum LowValue {
        #[default]
        Info = "info",
        Warning = "warning",
        Off = "off",
    }
}

crate::rule_options! {
    /// `[rules.blocking-in-async]`.
    pub struct BlockingInAsyncOptions {
        /// more blocking APIs: resolved paths of functions (`my_crate::io::read_all`) or
        /// `Type::method`
        pub extra_blocking: Vec<String>,
        /// APIs never to report, as resolved paths (`std::fs::metadata`) or `Type::method`
        pub trusted: Vec<String>,
        /// also report calls of the crate's sync fns that block, through any chain of sync fns
        pub transitive: bool = true,
        /// severity of findings rarely worth acting on (examples, one-off code from `main`, a
        /// single metadata call outside loops); `off` drops them
        pub low_value: LowValue,
    }
}
