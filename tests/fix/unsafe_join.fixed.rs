//@ dependencies: tokio+macros
//@ args: --unsafe-fixes
// Independent awaits in a row become one `tokio::join!` with --unsafe-fixes (the rewrite
// changes when the second future starts: a human decides).
pub async fn both(id: u32) -> (String, u64) {
    let (name, score) = tokio::join!(fetch_name(id), fetch_score(id));
    (name, score)
}

async fn fetch_name(id: u32) -> String {
    format!("user{id}")
}

async fn fetch_score(id: u32) -> u64 {
    u64::from(id) * 2
}
