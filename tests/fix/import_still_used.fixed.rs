//@ dependencies: tokio+fs+time
// An import that other code still uses stays; one that lost its last use goes.
use std::fs;

pub async fn load(path: &str) -> Vec<u8> {
    tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    tokio::fs::read(path).await.unwrap_or_default()
}

pub fn size(path: &str) -> u64 {
    fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
