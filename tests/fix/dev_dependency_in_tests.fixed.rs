//@ dev-dependencies: tokio+time
//@ path: tests/slow.rs
//@ config: check-tests = true
// ...but an integration test can (when test code is linted at all).
async fn nap() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
}
