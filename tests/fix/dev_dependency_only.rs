//@ dev-dependencies: tokio+full
// tokio as a dev-dependency only: library code cannot use it.
pub async fn nap() {
    std::thread::sleep(std::time::Duration::from_millis(1));
}
