//! Replays every saved fuzz input (`fuzz/regressions/<target>/`: seeds, and every crash
//! a fuzzing run found) through the same code the fuzz targets run (`testkit/fuzz.rs`).
#![allow(clippy::unwrap_used)]

use std::path::Path;

fn replay(target: &str, body: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    inputs.sort();
    assert!(!inputs.is_empty(), "no saved inputs for {target}");
    for input in inputs {
        let data = std::fs::read(&input).unwrap();
        let outcome = std::panic::catch_unwind(|| body(&data));
        assert!(outcome.is_ok(), "{} fails again", input.display());
    }
}

#[test]
fn normalize() {
    replay("normalize", sfa_testkit::fuzz::normalize);
}

#[test]
fn search_query() {
    replay("search_query", sfa_testkit::fuzz::search_query);
}

#[test]
fn search_call() {
    replay("search_call", sfa_testkit::fuzz::search_call);
}

#[test]
fn csv_import() {
    replay("csv_import", sfa_testkit::fuzz::csv_import);
}

#[test]
fn card_text() {
    replay("card_text", sfa_testkit::fuzz::card_text);
}
