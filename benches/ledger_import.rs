//! Bulk import of companies and persons through the library's CSV import path, side by
//! side with plain rusqlite inserts of the same (already normalised) rows into the same
//! schema, both on a file with WAL and synchronous=NORMAL, in one transaction each.
//!
//! Run: `cargo bench --bench ledger_import` (100k + 100k rows), or with a size:
//! `cargo bench --bench ledger_import -- 20000`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use sfa_core::model::format_timestamp;
use sfa_core::{CompanyId, ImportOptions, PersonId, Sfa, UserInput};
use sfa_testkit::SampleLedger;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let ledger = SampleLedger::generate(42, n, n);
    let ids: Vec<CompanyId> = (0..n).map(|_| CompanyId::new()).collect();
    let companies_csv = ledger.companies_csv(Some(&ids));
    let persons_csv = ledger.persons_csv(Some(&ids));
    let dir = std::env::temp_dir().join(format!("sfa-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");

    println!(
        "ledger import: {n} companies + {n} persons, WAL + synchronous=NORMAL, one transaction each"
    );
    let mut best_lib = Duration::MAX;
    let mut best_raw = Duration::MAX;
    for round in 0..3 {
        let raw = plain_inserts(&dir.join(format!("raw{round}.sqlite")), &ledger, &ids);
        let lib = library_import(
            &dir.join(format!("lib{round}.sqlite")),
            n,
            &companies_csv,
            &persons_csv,
        );
        println!(
            "  round {round}: library {:>8.0} rows/s   plain rusqlite {:>8.0} rows/s",
            rate(2 * n, lib),
            rate(2 * n, raw)
        );
        best_lib = best_lib.min(lib);
        best_raw = best_raw.min(raw);
    }
    let lib_rate = rate(2 * n, best_lib);
    let raw_rate = rate(2 * n, best_raw);
    println!("best of 3:");
    println!(
        "  library CSV import (decode, validate, normalise, insert): {lib_rate:>9.0} rows/s ({:.2} s)",
        best_lib.as_secs_f64()
    );
    println!(
        "  plain rusqlite inserts of pre-normalised rows:            {raw_rate:>9.0} rows/s ({:.2} s)",
        best_raw.as_secs_f64()
    );
    println!(
        "  library / plain = {:.0}% (target >= 50%)",
        100.0 * lib_rate / raw_rate
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64()
}

fn library_import(path: &Path, n: usize, companies_csv: &str, persons_csv: &str) -> Duration {
    let sfa = Sfa::open(path).expect("open");
    let admin = sfa
        .create_first_admin(&UserInput::admin("ベンチ 管理者", "bench@example.jp"))
        .expect("admin");
    let me = sfa.session(admin.id).expect("session");
    let start = Instant::now();
    let c = me
        .import_companies_csv(companies_csv.as_bytes(), &ImportOptions::default())
        .expect("companies import");
    let p = me
        .import_persons_csv(persons_csv.as_bytes(), &ImportOptions::default())
        .expect("persons import");
    let elapsed = start.elapsed();
    assert_eq!((c.imported as usize, p.imported as usize), (n, n));
    elapsed
}

/// The baseline: the same rows, normalised beforehand (not timed), inserted with
/// prepared statements into the schema the library created.
fn plain_inserts(path: &PathBuf, ledger: &SampleLedger, ids: &[CompanyId]) -> Duration {
    let sfa = Sfa::open(path).expect("open");
    let admin = sfa
        .create_first_admin(&UserInput::admin("ベンチ 管理者", "bench@example.jp"))
        .expect("admin");
    drop(sfa);
    let now = format_timestamp(&chrono::Utc::now());
    let by = admin.id.to_string();
    let companies: Vec<_> = ledger
        .companies
        .iter()
        .zip(ids)
        .map(|(c, id)| {
            let v = c.input.validate().expect("valid");
            let key = sfa_core::normalize::sort_key(&v.name, v.name_reading.as_deref());
            (id.to_string(), v, key)
        })
        .collect();
    let persons: Vec<_> = ledger
        .persons
        .iter()
        .map(|p| {
            let mut input = p.input.clone();
            input.company_id = ids[p.company];
            let v = input.validate().expect("valid");
            let key = sfa_core::normalize::sort_key(&v.name, v.name_reading.as_deref());
            (PersonId::new().to_string(), v, key)
        })
        .collect();

    let mut conn = Connection::open(path).expect("open raw");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
    )
    .expect("pragmas");
    let start = Instant::now();
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare(
                "INSERT INTO companies (id, name, name_reading, postal_code, address, phone, website, industry, notes, \
                 archived, sort_key, created_at, created_by, updated_at, updated_by, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, ?10, ?11, ?12, ?11, ?12, 1)",
            )
            .expect("prepare");
        for (id, c, key) in &companies {
            insert
                .execute(params![
                    id,
                    c.name,
                    c.name_reading,
                    c.postal_code,
                    c.address,
                    c.phone,
                    c.website,
                    c.industry,
                    c.notes,
                    key,
                    now,
                    by
                ])
                .expect("insert company");
        }
        let mut insert = tx
            .prepare(
                "INSERT INTO persons (id, company_id, name, name_reading, department, title, email, office_phone, \
                 mobile_phone, notes, archived, sort_key, created_at, created_by, updated_at, updated_by, version) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 0, ?11, ?12, ?13, ?12, ?13, 1)",
            )
            .expect("prepare");
        for (id, p, key) in &persons {
            insert
                .execute(params![
                    id,
                    p.company_id.to_string(),
                    p.name,
                    p.name_reading,
                    p.department,
                    p.title,
                    p.email,
                    p.office_phone,
                    p.mobile_phone,
                    p.notes,
                    key,
                    now,
                    by
                ])
                .expect("insert person");
        }
    }
    tx.commit().expect("commit");
    start.elapsed()
}
