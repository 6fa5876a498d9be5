//@ dependencies: tokio+fs
//@ args: --unsafe-fixes
// With --unsafe-fixes, the maybe-incorrect suggestions are applied too.
pub async fn open(path: &str) -> std::io::Result<()> {
    let _file = tokio::fs::File::open(path).await?;
    let _entries = tokio::fs::read_dir(path).await?;
    Ok(())
}
