//@ dependencies: async-std
// The fix follows the crate's runtime.
pub async fn nap() -> std::io::Result<String> {
    async_std::task::sleep(std::time::Duration::from_millis(1)).await;
    async_std::fs::read_to_string("config.toml").await
}
