//@ dependencies: smol
// smol has a timer but no file system of its own: the file read is not rewritten to a crate
// the package does not depend on.
pub async fn nap() -> std::io::Result<String> {
    std::thread::sleep(std::time::Duration::from_millis(1));
    std::fs::read_to_string("config.toml")
}
