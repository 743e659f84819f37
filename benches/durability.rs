//! What `synchronous=FULL` (the default: every commit syncs the log, so a returned
//! write survives a power loss) costs against `NORMAL` (a power loss may roll back the
//! last commits): single-company inserts through the store, one transaction each, on
//! the same kind of file, the two modes alternating. Bulk imports are one transaction
//! and pay one sync either way. Then, for scale, the whole library call
//! (`add_company`, which also updates the search index) under the default, on a plain
//! database and on a sync client (which also records the call in its outbox).
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

    for sync_client in [false, true] {
        library_calls(&dir, sync_client);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The whole library call, on a plain database and on a sync client (where the call is
/// also recorded in the outbox, in its transaction).
fn library_calls(dir: &std::path::Path, sync_client: bool) {
    let calls = 200;
    let sfa = Sfa::open(dir.join(format!("library-{sync_client}.sqlite"))).expect("open");
    let server = Sfa::open_in_memory().expect("server");
    let admin = server
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .expect("admin");
    if sync_client {
        // A device: the users come from the server.
        sfa.sync_client().enable().expect("enable");
        let request = sfa.sync_client().pull_request(100).expect("pull");
        let page = server.sync_server().pull(admin.id, &request).expect("page");
        sfa.sync_client().apply_pull_response(&page).expect("apply");
    } else {
        sfa.create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
            .expect("admin");
    }
    let me = sfa.session_by_email("admin@example.jp").expect("session");
    let mut times = Vec::with_capacity(calls);
    for k in 0..calls {
        let started = Instant::now();
        me.add_company(&CompanyInput::named(format!("株式会社呼出{k:05}")))
            .expect("add");
        times.push(started.elapsed());
    }
    times.sort();
    let what = if sync_client {
        "on a sync client (call recorded)"
    } else {
        "(FULL, search index on disk)"
    };
    println!(
        "  library add_company {what}: p50 {:.2} ms, p90 {:.2} ms over {calls} calls",
        times[calls / 2].as_secs_f64() * 1000.0,
        times[calls * 9 / 10].as_secs_f64() * 1000.0
    );
}
