//@ dev-dependencies: tokio+time
//@ path: tests/slow.rs
// ...but an integration test can.
async fn nap() {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
}
