//@ dependencies: tokio+fs
//@ args: --unsafe-fixes
// With --unsafe-fixes, the maybe-incorrect suggestions are applied too.
pub async fn open(path: &str) -> std::io::Result<()> {
    let _file = std::fs::File::open(path)?;
    let _entries = std::fs::read_dir(path)?;
    Ok(())
}
