//@ args: --report-unused-allows
// --report-unused-allows with --fix removes the allow comments that suppress nothing, and
// keeps those that do, those naming an unknown rule, those with other words before them, and
// those in test code that the rule does not lint.
pub async fn used() {
    std::thread::sleep(std::time::Duration::from_millis(1)); // async-lint: allow(blocking-in-async)
}

pub async fn nothing_to_suppress() {}

pub async fn trailing() {
    let _x = 1;
}

pub async fn misspelt() {
    let _y = 2; // async-lint: allow(blocking-in-asnyc)
}

pub async fn worded() {
    let _z = 3; // keep this note; async-lint: allow(blocking-in-async)
}

pub const TEXT: &str = "// async-lint: allow(blocking-in-async)";

#[cfg(test)]
mod tests {
    // Test code is not linted unless `check-tests` asks: this allow may be needed then.
    #[test]
    fn slow() {
        let _w = 4; // async-lint: allow(blocking-in-async)
    }
}
