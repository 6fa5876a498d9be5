//! Arbitrary bytes as a source file: whatever they are, linting must not panic.
#![no_main]

mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        common::lint_and_check(text);
    }
});
