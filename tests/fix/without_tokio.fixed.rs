//@ args: --unsafe-fixes
// A crate that does not depend on tokio gets no tokio code, even with --unsafe-fixes.
pub async fn nap() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}
