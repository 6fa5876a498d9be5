//@ dependencies: tokio+full?
// An optional tokio may be switched off: no fix.
pub async fn nap() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}
