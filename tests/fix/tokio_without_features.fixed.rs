//@ dependencies: tokio+sync+rt
// tokio without the `time` and `fs` features has neither `tokio::time::sleep` nor `tokio::fs`:
// nothing is rewritten to them.
pub async fn refresh(path: &str) -> std::io::Result<Vec<u8>> {
    std::thread::sleep(std::time::Duration::from_millis(1));
    std::fs::read(path)
}
