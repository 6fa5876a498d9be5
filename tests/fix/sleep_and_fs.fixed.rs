//@ dependencies: tokio+fs+time
// Safe fixes in a crate that depends on tokio: the blocking calls become their tokio
// counterparts, `.await`ed, and the imports they leave unused go; nested calls are fixed over
// two rounds; `File::open` (a different type in tokio) is only a suggestion.
use std::time::Duration;
use std::io;

pub async fn refresh(path: &str, copy: &str) -> io::Result<Vec<u8>> {
    tokio::time::sleep(Duration::from_millis(10)).await;
    let data = tokio::fs::read(path).await?;
    tokio::fs::write(copy, tokio::fs::read_to_string(path).await?).await?;
    let _file = std::fs::File::open(path)?;
    Ok(data)
}

pub fn still_sync(path: &str) -> io::Result<()> {
    std::fs::remove_file(path)
}
