//! What `synchronous=FULL` (the default: every commit syncs the log, so a returned
//! write survives a power loss) costs against `NORMAL` (a power loss may roll back the
//! last commits): single-company inserts through the store, one transaction each, on
//! the same kind of file, the two modes alternating. Bulk imports are one transaction
//! and pay one sync either way. Then, for scale, the whole library call
//! (`add_company`, which also updates the search index) under the default.
//!
//! Run: `cargo bench --bench durability` (1,000 writes per mode and round), or `-- 200`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use sfa_core::store::Store;
use sfa_core::store::sqlite::SqliteStore;
use sfa_core::{Company, CompanyId, CompanyInput, Sfa, UserInput};

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let dir = std::env::temp_dir().join(format!("sfa-bench-durability-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!(
        "durability: {n} single-company inserts per mode, one transaction each, WAL, best of 3"
    );
    let mut best = [Duration::MAX, Duration::MAX];
    for round in 0..3 {
        for (i, mode) in ["FULL", "NORMAL"].iter().enumerate() {
            let path = dir.join(format!("{mode}-{round}.sqlite"));
            let sqlite = SqliteStore::open(&path).expect("open");
            sqlite.with_connection(|c| c.pragma_update(None, "synchronous", mode).expect("pragma"));
            let store: Arc<dyn Store> = Arc::new(sqlite);
            let sfa = Sfa::with_store(store.clone()).expect("sfa");
            let admin = sfa
                .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
                .expect("admin");
            let now = admin.created_at;
            let started = Instant::now();
            for k in 0..n {
                let company = Company {
                    id: CompanyId::new(),
                    name: format!("株式会社耐久{k:05}"),
                    name_reading: None,
                    postal_code: None,
                    address: None,
                    phone: None,
                    website: None,
                    industry: None,
                    notes: None,
                    archived: false,
                    created_at: now,
                    created_by: admin.id,
                    updated_at: now,
                    updated_by: admin.id,
                    version: 1,
                };
                store
                    .write(|tx| tx.insert_company(&company))
                    .expect("write");
            }
            best[i] = best[i].min(started.elapsed());
        }
    }
    for (mode, time) in ["FULL (default)", "NORMAL"].iter().zip(best) {
        println!(
            "  {mode:<15} {:>8.0} commits/s   {:>6.3} ms per commit",
            n as f64 / time.as_secs_f64(),
            time.as_secs_f64() * 1000.0 / n as f64
        );
    }

    let calls = 200;
    let sfa = Sfa::open(dir.join("library.sqlite")).expect("open");
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .expect("admin");
    let me = sfa.session(admin.id).expect("session");
    let mut times = Vec::with_capacity(calls);
    for k in 0..calls {
        let started = Instant::now();
        me.add_company(&CompanyInput::named(format!("株式会社呼出{k:05}")))
            .expect("add");
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "  library add_company (FULL, search index on disk): p50 {:.2} ms, p90 {:.2} ms over {calls} calls",
        times[calls / 2].as_secs_f64() * 1000.0,
        times[calls * 9 / 10].as_secs_f64() * 1000.0
    );
    drop(me);
    drop(sfa);
    let _ = std::fs::remove_dir_all(&dir);
}
