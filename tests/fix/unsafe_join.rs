//@ dependencies: tokio+macros
//@ args: --unsafe-fixes
// Independent awaits in a row become one `tokio::join!` with --unsafe-fixes (the rewrite
// changes when the second future starts: a human decides).
pub async fn both(id: u32) -> (String, u64) {
    let name = fetch_name(id).await;
    let score = fetch_score(id).await;
    (name, score)
}

async fn fetch_name(id: u32) -> String {
    format!("user{id}")
}

async fn fetch_score(id: u32) -> u64 {
    u64::from(id) * 2
}
