//! How each table of the catalogue is loaded: serde reads the TOML text into its raw form, a
//! `from_raw` fn of the table builds the indexed form from that, and `builtin()` does so once
//! for the text embedded in the binary.

/// Gives `$table` its `parse(text)` (through `$raw` and `$table::from_raw`) and its
/// `builtin()`, parsed once from `$text` (the embedded `$file`). A broken built-in table is a
/// build defect caught by the test suite, never a user-facing error.
macro_rules! toml_table {
    ($table:ident from $raw:ty, $text:expr, $file:literal) => {
        impl $table {
            #[doc = concat!("The built-in table, `", $file, "`, parsed once.")]
            pub fn builtin() -> &'static $table {
                static PARSED: std::sync::OnceLock<$table> = std::sync::OnceLock::new();
                PARSED.get_or_init(|| $table::parse($text).expect(concat!($file, " is valid")))
            }

            #[doc = concat!("Parses a table in the format of `", $file, "`.")]
            pub fn parse(text: &str) -> Result<$table, toml::de::Error> {
                toml::from_str::<$raw>(text).map($table::from_raw)
            }
        }
    };
}
