//! Search relevance evaluator:
//! `cargo run --example search_eval -- FIXTURE [--min-top3 R] [--min-mrr M] [--verbose]`.
//!
//! Loads the fixture (format in `testkit/search_eval.rs`) into a fresh database, runs
//! every query, prints the misses (every query with `--verbose`), per-category and overall top-3 hit rate and MRR,
//! and ends with `top3=R mrr=M`. Exits non-zero when top-3 is below `--min-top3` or
//! the MRR below `--min-mrr`. A fixture's `crowd` is generated around it first.

use std::process::ExitCode;

use sfa_testkit::search_eval::{Fixture, evaluate, summarize};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args
        .iter()
        .find(|a| !a.starts_with("--") && a.parse::<f64>().is_err())
    else {
        eprintln!("usage: search_eval FIXTURE [--min-top3 R] [--min-mrr M]");
        return ExitCode::from(2);
    };
    let bound = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse::<f64>().ok())
    };
    let (min_top3, min_mrr) = (bound("--min-top3"), bound("--min-mrr"));
    let fixture: Fixture = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!("cannot read fixture {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let results = match evaluate(&fixture) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("evaluation failed: {e}");
            return ExitCode::from(2);
        }
    };
    let verbose = args.iter().any(|a| a == "--verbose");
    for r in results.iter().filter(|r| verbose || !r.in_top3()) {
        let label = if r.in_top3() { "hit " } else { "miss" };
        println!(
            "{label} [{}] {:?}: rank {:?}, top {:?} {:?}",
            r.category, r.query, r.rank, r.top, r.top_scores
        );
    }
    let summary = summarize(&results);
    println!(
        "{:<24} {:>7} {:>7} {:>7}",
        "category", "queries", "top3", "mrr"
    );
    for (category, queries, hits, mrr) in &summary.categories {
        println!(
            "{category:<24} {queries:>7} {:>7.3} {mrr:>7.3}",
            *hits as f64 / *queries as f64
        );
    }
    println!("top3={:.3} mrr={:.3}", summary.top3, summary.mrr);
    let below = |value: f64, min: Option<f64>| min.is_some_and(|m| value < m);
    if below(summary.top3, min_top3) || below(summary.mrr, min_mrr) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
