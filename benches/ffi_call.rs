//! The Rust side of the Kotlin call-overhead benchmark: the same small operations as
//! `sfa-ffi/kotlin/src/test/kotlin/jp/sfa/bench/CallOverhead.kt`, on the same data,
//! called directly. Their difference is the boundary's cost.
//!
//! Run both side by side: `bash scripts/bench-ffi.sh`.

use std::time::Instant;

use sfa_core::{
    CompanyId, CompanyInput, PageRequest, Role, SearchRequest, SearchScope, Sfa, UserInput,
};

const COMPANIES: usize = 1000;
const CALLS: usize = 50_000;
const WARMUP: usize = 20_000;

fn main() {
    let dir = std::env::temp_dir().join(format!("sfa-bench-ffi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = Sfa::open(dir.join("bench.sqlite")).expect("open");
    let admin = db
        .create_first_admin(&UserInput {
            name: "管理 太郎".into(),
            email: "admin@example.jp".into(),
            role: Role::Admin,
            active: true,
        })
        .expect("admin");
    let me = db.session(admin.id).expect("session");
    let inputs: Vec<CompanyInput> = (0..COMPANIES)
        .map(|i| CompanyInput {
            name: format!("株式会社テスト{i:04}"),
            name_reading: Some("テスト".into()),
            phone: Some(format!("03-1234-{i:04}")),
            website: Some(format!("https://test{i}.example.jp")),
            address: Some(format!("東京都千代田区丸の内1-1-{i}")),
            ..CompanyInput::default()
        })
        .collect();
    let companies = me.add_companies(&inputs).expect("companies");
    let ids: Vec<_> = companies.iter().map(|c| c.id).collect();
    println!(
        "ffi_call (Rust, direct): {COMPANIES} companies, {CALLS} calls per operation, after {WARMUP} warm-up calls"
    );
    report("company_links (no database)", |i| {
        companies[i % COMPANIES].links().tel.map(|t| t.len())
    });
    report("get_company (one row)", |i| {
        me.get_company(ids[(i * 7919) % COMPANIES])
            .expect("get")
            .version
    });
    // A refused read (an id nobody has) costs what a found one does: the reader that
    // answered NotFound is kept for the next read.
    let unknown: CompanyId = "0190d3a4-0000-7000-8000-000000000000"
        .parse()
        .expect("an id");
    report("get_company, unknown id", |_| {
        me.get_company(unknown).is_err()
    });
    let page = PageRequest {
        limit: 1000,
        ..PageRequest::default()
    };
    // A page is a thousand rows: fewer calls time it as well.
    let rows = report_n("list_companies, a page of 1,000", 20, 200, |_| {
        me.list_companies(&page).expect("page").items.len()
    });
    println!("  {:<30} {:>12.2} µs a row", "", rows / 1000.0);
    report("me (one row, no arguments)", |_| {
        me.me().expect("me").version
    });
    report("search, 10 hits", |_| {
        let request = SearchRequest {
            scope: SearchScope::Companies,
            limit: 10,
            ..SearchRequest::new("テスト")
        };
        me.search(&request).expect("search").len()
    });
    drop(me);
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Times `call` after the usual warm-up, over the usual number of calls.
fn report<T>(name: &str, call: impl FnMut(usize) -> T) -> f64 {
    report_n(name, WARMUP, CALLS, call)
}

/// Times `call` (after `warmup` calls, over `calls`) and prints its p50 and p90;
/// returns the p50 in µs.
fn report_n<T>(name: &str, warmup: usize, calls: usize, mut call: impl FnMut(usize) -> T) -> f64 {
    for i in 0..warmup {
        std::hint::black_box(call(i));
    }
    let mut times: Vec<u128> = Vec::with_capacity(calls);
    for i in 0..calls {
        let start = Instant::now();
        std::hint::black_box(call(i));
        times.push(start.elapsed().as_nanos());
    }
    times.sort_unstable();
    let p50 = times[calls / 2] as f64 / 1000.0;
    println!(
        "  {name:<30} p50 {p50:>8.2} µs   p90 {:>8.2} µs",
        times[calls * 9 / 10] as f64 / 1000.0
    );
    p50
}
