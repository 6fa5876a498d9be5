//! Rendered human output (miette, no colour, width 100) of fixtures that have a `.snap` beside
//! them; at least one per rule folder. `UPDATE_SNAPSHOTS=1 cargo test --test snapshots`
//! rewrites them — read every changed snapshot before committing it.

mod common;

use std::path::Path;

#[test]
fn rendered_fixtures_match_their_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some();
    let mut mismatches = Vec::new();
    for dir in std::fs::read_dir(root.join("fixtures"))
        .expect("fixtures")
        .flatten()
    {
        // Fixture crates (`crate-*`) hold cross-file cases, run by tests/fixtures.rs.
        if dir.file_name().to_string_lossy().starts_with("crate-") {
            continue;
        }
        let mut snaps = 0;
        for entry in std::fs::read_dir(dir.path()).expect("folder").flatten() {
            let snap = entry.path();
            if snap.extension().is_none_or(|e| e != "snap") {
                continue;
            }
            snaps += 1;
            let fixture = snap.with_extension("rs");
            let rel = fixture.strip_prefix(root).expect("below root");
            let rule = dir.file_name().to_string_lossy().into_owned();
            let out = common::command()
                .current_dir(root)
                .args(["check", "--color", "never", "--select", &rule])
                .arg(rel)
                .output()
                .expect("runs");
            let rendered = String::from_utf8_lossy(&out.stdout).into_owned();
            if update {
                std::fs::write(&snap, &rendered).expect("write snapshot");
            } else if std::fs::read_to_string(&snap).expect("snapshot") != rendered {
                mismatches.push(snap.display().to_string());
            }
        }
        assert!(
            snaps > 0 || dir.path().is_file(),
            "{} has no .snap snapshot",
            dir.path().display()
        );
    }
    assert!(
        mismatches.is_empty(),
        "snapshots differ (rerun with UPDATE_SNAPSHOTS=1 and read the diff): {mismatches:?}"
    );
}
