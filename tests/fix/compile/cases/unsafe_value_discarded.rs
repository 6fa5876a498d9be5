//@ dependencies: tokio+full
//@ args: --unsafe-fixes
//@ expect: changed
// With --unsafe-fixes, a call whose async twin returns another type is replaced where its value
// is thrown away: a statement, `let _ =`, a `_name` that nothing mentions later.
pub async fn touch(path: &str) -> std::io::Result<()> {
    std::fs::File::create(path)?;
    let _ = std::fs::read_dir(".")?;
    let _kept = std::fs::File::open(path)?;
    Ok(())
}
