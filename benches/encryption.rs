//! What encryption at rest costs: the same ledger imported into, reopened from and read
//! from a plain database and an encrypted one (SQLCipher), side by side.
//!
//! Run: `cargo bench --features encryption --bench encryption` (20k companies + 20k
//! persons), or with a size: `-- 5000`.

use std::path::Path;
use std::time::{Duration, Instant};

use sfa_core::{CompanyId, ImportOptions, PageRequest, SearchRequest, Sfa, UserInput};
use sfa_testkit::{Rng, SampleLedger};

const KEY: &str = "ベンチマーク用の鍵 correct horse battery staple";
const READS: usize = 2000;

struct Figures {
    import: Duration,
    open: Duration,
    first_search: Duration,
    get_p50: Duration,
    page_p50: Duration,
}

fn open(path: &Path, encrypted: bool) -> Sfa {
    if encrypted {
        Sfa::open_encrypted(path, KEY).expect("open encrypted")
    } else {
        Sfa::open(path).expect("open")
    }
}

fn p50(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn measure(path: &Path, ledger: &SampleLedger, encrypted: bool) -> Figures {
    let sfa = open(path, encrypted);
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .expect("admin");
    let me = sfa.session(admin.id).expect("session");
    let started = Instant::now();
    me.import_companies_csv(
        ledger.companies_csv(None).as_bytes(),
        &ImportOptions::default(),
    )
    .expect("companies");
    me.import_persons_csv(
        ledger.persons_csv(None).as_bytes(),
        &ImportOptions::default(),
    )
    .expect("persons");
    sfa.catch_up_search_index(&mut |_, _| {}).expect("index");
    let import = started.elapsed();
    drop(me);
    drop(sfa);

    // Reopened: the encrypted database reads its index back (decrypting its files into
    // memory) at open; the first search then only catches up and answers.
    let started = Instant::now();
    let sfa = open(path, encrypted);
    let open_time = started.elapsed();
    let me = sfa.session(admin.id).expect("session");
    let started = Instant::now();
    std::hint::black_box(me.search(&SearchRequest::new("製作所")).expect("search"));
    let first_search = started.elapsed();
    let ids: Vec<CompanyId> = me
        .list_companies(&PageRequest {
            limit: 500,
            ..PageRequest::default()
        })
        .expect("list")
        .items
        .iter()
        .map(|c| c.id)
        .collect();
    let mut rng = Rng::new(5);
    let mut gets = Vec::with_capacity(READS);
    let mut pages = Vec::with_capacity(READS / 10);
    for i in 0..READS {
        let id = *rng.pick(&ids);
        let t = Instant::now();
        std::hint::black_box(me.get_company(id).expect("get"));
        gets.push(t.elapsed());
        if i % 10 == 0 {
            let t = Instant::now();
            std::hint::black_box(me.list_companies(&PageRequest::default()).expect("page"));
            pages.push(t.elapsed());
        }
    }
    Figures {
        import,
        open: open_time,
        first_search,
        get_p50: p50(gets),
        page_p50: p50(pages),
    }
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(20_000);
    let ledger = SampleLedger::generate(42, n, n);
    let dir = std::env::temp_dir().join(format!("sfa-bench-encryption-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!("encryption at rest: {n} companies + {n} persons, plain SQLite vs SQLCipher");
    let plain = measure(&dir.join("plain.sqlite"), &ledger, false);
    let enc = measure(&dir.join("encrypted.sqlite"), &ledger, true);
    let ratio = |a: Duration, b: Duration| b.as_secs_f64() / a.as_secs_f64();
    println!(
        "  {:<40} {:>12} {:>12} {:>8}",
        "", "plain", "encrypted", "ratio"
    );
    for (name, a, b) in [
        ("import (CSV, then index)", plain.import, enc.import),
        (
            "open (encrypted: reads the index back)",
            plain.open,
            enc.open,
        ),
        (
            "first search after reopening",
            plain.first_search,
            enc.first_search,
        ),
        ("get_company p50", plain.get_p50, enc.get_p50),
        (
            "list_companies page of 50 p50",
            plain.page_p50,
            enc.page_p50,
        ),
    ] {
        println!(
            "  {name:<40} {:>9.3} ms {:>9.3} ms {:>7.2}x",
            a.as_secs_f64() * 1000.0,
            b.as_secs_f64() * 1000.0,
            ratio(a, b)
        );
    }
    let rows = 2.0 * n as f64;
    println!(
        "  import throughput: plain {:.0} rows/s, encrypted {:.0} rows/s",
        rows / plain.import.as_secs_f64(),
        rows / enc.import.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
