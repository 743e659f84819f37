//! Concurrency on a file database: a read does not wait for a write in progress;
//! many threads on one handle and on two handles of the same file do mixed reads and
//! writes with no lost update (a stale write gets `Conflict`), no busy error reaching
//! the caller, and no deadlock.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::time::Duration;

use sfa_core::store::Store;
use sfa_core::store::sqlite::SqliteStore;
use sfa_core::{CompanyInput, Error, PersonInput, SearchRequest, Sfa, UserInput};

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sfa-conc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_read_does_not_wait_for_a_write_in_progress() {
    let dir = scratch("read");
    let store = Arc::new(SqliteStore::open(dir.join("db.sqlite")).unwrap());
    let sfa = Sfa::with_store(store.clone()).unwrap();
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let me = sfa.session(admin.id).unwrap();
    let company = me
        .add_company(&CompanyInput::named("株式会社先行"))
        .unwrap();

    // A write transaction that stays open until the reader has finished (or 5 s).
    let started = Arc::new(Barrier::new(2));
    let write_done = Arc::new(AtomicBool::new(false));
    let (read_finished_tx, read_finished) = mpsc::channel::<()>();
    let writer = {
        let (store, started, write_done) = (store.clone(), started.clone(), write_done.clone());
        std::thread::spawn(move || {
            let store: &dyn Store = store.as_ref();
            store
                .write(|_tx| {
                    started.wait();
                    let _ = read_finished.recv_timeout(Duration::from_secs(5));
                    // Still inside the transaction: a read that waited for it sees this.
                    write_done.store(true, Ordering::SeqCst);
                    Ok(())
                })
                .unwrap();
        })
    };
    started.wait();
    let read = me.get_company(company.id).unwrap();
    let write_still_open = !write_done.load(Ordering::SeqCst);
    read_finished_tx.send(()).unwrap();
    writer.join().unwrap();
    assert_eq!(read.name, "株式会社先行");
    assert!(write_still_open, "the read waited for the write to finish");
}

#[test]
fn many_threads_on_two_handles_lose_no_update_and_never_see_busy() {
    let dir = scratch("mixed");
    let path = dir.join("db.sqlite");
    let first = Sfa::open(&path).unwrap();
    let admin = first
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let second = Sfa::open(&path).unwrap();
    let company = first
        .session(admin.id)
        .unwrap()
        .add_company(&CompanyInput::named("株式会社競合"))
        .unwrap();

    const THREADS: usize = 8;
    const ROUNDS: usize = 40;
    let updates = Arc::new(AtomicU64::new(0));
    let conflicts = Arc::new(AtomicU64::new(0));
    let (done_tx, done) = mpsc::channel();
    for t in 0..THREADS {
        let sfa = if t % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        let (updates, conflicts, done_tx) = (updates.clone(), conflicts.clone(), done_tx.clone());
        std::thread::spawn(move || {
            let me = sfa.session(admin.id).unwrap();
            for r in 0..ROUNDS {
                // Read, then write with the version read: a stale write is a Conflict.
                let current = me.get_company(company.id).unwrap();
                let input = CompanyInput::named(format!("株式会社競合{t}-{r}"));
                match me.update_company(company.id, current.version, &input) {
                    Ok(_) => updates.fetch_add(1, Ordering::SeqCst),
                    Err(Error::Conflict { .. }) => conflicts.fetch_add(1, Ordering::SeqCst),
                    Err(e) => panic!("thread {t}: {e}"),
                };
                me.add_person(&PersonInput {
                    company_id: company.id,
                    name: format!("並行 {t}-{r}"),
                    ..PersonInput::default()
                })
                .unwrap();
                if r % 5 == 0 {
                    me.search(&SearchRequest::new("並行")).unwrap();
                }
            }
            done_tx.send(()).unwrap();
        });
    }
    for _ in 0..THREADS {
        done.recv_timeout(Duration::from_secs(120))
            .expect("a thread is stuck (deadlock?)");
    }
    let me = first.session(admin.id).unwrap();
    let stored = me.get_company(company.id).unwrap();
    let updates = updates.load(Ordering::SeqCst);
    assert_eq!(stored.version as u64, 1 + updates, "an update was lost");
    assert_eq!(
        updates + conflicts.load(Ordering::SeqCst),
        (THREADS * ROUNDS) as u64
    );
    let persons = me
        .company_persons(
            company.id,
            &sfa_core::PageRequest {
                limit: 1000,
                ..sfa_core::PageRequest::default()
            },
        )
        .unwrap();
    assert_eq!(persons.items.len(), THREADS * ROUNDS);
    assert!(first.check_search_index().unwrap().is_consistent());
}

/// A write on another handle waits for a long import instead of failing: the busy
/// timeout (`BUSY_TIMEOUT`, a minute) is above the longest write the library makes
/// (an import of a million rows, about 20 s on the reference machine).
#[test]
fn a_write_on_another_handle_waits_out_a_long_import() {
    assert!(sfa_core::store::sqlite::BUSY_TIMEOUT >= Duration::from_secs(60));
    let dir = scratch("import");
    let path = dir.join("db.sqlite");
    let a = Sfa::open(&path).unwrap();
    let admin = a
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let b = Sfa::open(&path).unwrap();
    let ledger = sfa_testkit::SampleLedger::generate(9, 60_000, 0);
    let csv = ledger.companies_csv(None);
    let importing = {
        let me = a.session(admin.id).unwrap();
        std::thread::spawn(move || me.import_companies_csv(csv.as_bytes(), &Default::default()))
    };
    // Give the import time to take the write lock, then write on the other handle.
    std::thread::sleep(Duration::from_millis(300));
    let me_b = b.session(admin.id).unwrap();
    let written = me_b.add_company(&CompanyInput::named("株式会社割り込み"));
    assert!(written.is_ok(), "{written:?}");
    assert_eq!(importing.join().unwrap().unwrap().imported, 60_000);
}
