//! The search index never loses a committed record and never lies: it follows the
//! database's change log with its own cursor, so every handle sees every committed
//! write; a failed rebuild or index commit leaves nothing missing; a damaged index is
//! noticed and rebuilt; an index left beside a replaced or restored file is rebuilt.
#![allow(clippy::unwrap_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use sfa_core::search::index_dir_for;
use sfa_core::{CompanyInput, SearchRequest, Session, Sfa, UserInput};

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sfa-feed-{name}-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("ledger.sqlite")
}

fn admin(sfa: &Sfa) -> Session {
    if let Ok(s) = sfa.session_by_email("admin@example.jp") {
        return s;
    }
    let user = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    sfa.session(user.id).unwrap()
}

/// Whether a search for a company's whole name finds it.
fn finds(me: &Session, name: &str) -> bool {
    me.search(&SearchRequest::new(name))
        .unwrap()
        .iter()
        .any(|h| h.display_name == name)
}

fn add(me: &Session, name: &str) {
    me.add_company(&CompanyInput::named(name)).unwrap();
}

fn assert_consistent(sfa: &Sfa) {
    let check = sfa.check_search_index().unwrap();
    assert!(check.is_consistent(), "{check:?}");
}

#[test]
fn every_handle_on_one_file_sees_every_committed_write() {
    let path = temp_db("handles");
    let a = Sfa::open(&path).unwrap();
    let b = Sfa::open(&path).unwrap();
    let (me_a, me_b) = (admin(&a), admin(&b));
    add(&me_a, "北斗電子株式会社");
    assert!(finds(&me_b, "北斗電子株式会社"), "B sees A's write");
    add(&me_b, "南風商事株式会社");
    assert!(finds(&me_a, "南風商事株式会社"), "A sees B's write");
    assert!(finds(&me_b, "南風商事株式会社"), "B sees its own");
    // A bulk import on one handle, searched on the other.
    let ledger = sfa_testkit::SampleLedger::generate(5, 300, 0);
    me_a.import_companies_csv(ledger.companies_csv(None).as_bytes(), &Default::default())
        .unwrap();
    let name = ledger.companies[299].input.name.clone();
    assert!(finds(&me_b, &name));
    // The first handle goes away; the other keeps indexing.
    drop((me_a, a));
    add(&me_b, "東風物産株式会社");
    assert!(finds(&me_b, "東風物産株式会社"));
    assert_consistent(&b);
}

#[test]
fn a_failed_rebuild_leaves_the_old_index_whole() {
    let path = temp_db("rebuild");
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    let ledger = sfa_testkit::SampleLedger::generate(6, 200, 0);
    me.import_companies_csv(ledger.companies_csv(None).as_bytes(), &Default::default())
        .unwrap();
    add(&me, "北斗電子株式会社");
    // The rebuild panics halfway (as on any failure inside it).
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        sfa.rebuild_search_index(&mut |done, _| {
            assert!(done < 100, "fails halfway");
        })
    }));
    assert!(outcome.is_err());
    // The next ordinary write commits nothing of the half rebuild.
    add(&me, "南風商事株式会社");
    assert!(finds(&me, "北斗電子株式会社"));
    assert!(finds(&me, "南風商事株式会社"));
    assert_consistent(&sfa);
    drop((me, sfa));
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    assert!(finds(&me, "北斗電子株式会社"), "also after reopening");
    assert_consistent(&sfa);
    // A rebuild that completes reports every record.
    let records = sfa.rebuild_search_index(&mut |_, _| {}).unwrap();
    assert_eq!(records, 202);
}

/// Overwrites the middle of each of the index's segment files (a failing disk).
fn garble_index(db: &Path) {
    let dir = index_dir_for(db);
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with('.') || name == "meta.json" {
            continue;
        }
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        let end = (middle + 64).min(bytes.len());
        for b in &mut bytes[middle.saturating_sub(64)..end] {
            *b ^= 0x5A;
        }
        std::fs::write(&path, bytes).unwrap();
    }
}

#[test]
fn a_garbled_index_file_is_noticed_and_rebuilt() {
    let path = temp_db("garbled");
    {
        let sfa = Sfa::open(&path).unwrap();
        let me = admin(&sfa);
        let ledger = sfa_testkit::SampleLedger::generate(8, 500, 500);
        let ids: Vec<_> = (0..500).map(|_| sfa_core::CompanyId::new()).collect();
        me.import_companies_csv(
            ledger.companies_csv(Some(&ids)).as_bytes(),
            &Default::default(),
        )
        .unwrap();
        me.import_persons_csv(
            ledger.persons_csv(Some(&ids)).as_bytes(),
            &Default::default(),
        )
        .unwrap();
        add(&me, "北斗電子株式会社");
        sfa.catch_up_search_index(&mut |_, _| {}).unwrap();
    }
    garble_index(&path);
    let files = |dir: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let garbled = files(&index_dir_for(&path));
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    assert!(finds(&me, "北斗電子株式会社"));
    assert_ne!(
        files(&index_dir_for(&path)),
        garbled,
        "the index was made anew"
    );
    assert_consistent(&sfa);
    drop((me, sfa));
    let sfa = Sfa::open(&path).unwrap();
    assert!(finds(&admin(&sfa), "北斗電子株式会社"), "after reopening");
}

#[test]
fn an_index_beside_a_replaced_database_is_not_believed() {
    let path = temp_db("replaced");
    {
        let sfa = Sfa::open(&path).unwrap();
        let me = admin(&sfa);
        add(&me, "北斗電子株式会社");
    }
    // The file is deleted (an erasure, a reset) and a new database made in its place:
    // the old customers' names must not stay searchable.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    assert!(!finds(&me, "北斗電子株式会社"));
    assert_consistent(&sfa);
    // Truncated to nothing: the same.
    add(&me, "南風商事株式会社");
    drop((me, sfa));
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::write(&path, b"").unwrap();
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    assert!(!finds(&me, "南風商事株式会社"));
}

#[test]
fn an_index_beside_a_restored_backup_follows_the_backup() {
    let path = temp_db("restored");
    let backup = path.with_extension("backup");
    // A backup is the database's files as they were when it was closed; restoring
    // puts them back (and removes the newer write-ahead log).
    let files = |db: &Path| ["", "-wal"].map(|s| PathBuf::from(format!("{}{s}", db.display())));
    let copy_files = |from: &Path, to: &Path| {
        for (f, t) in files(from).iter().zip(files(to)) {
            let _ = std::fs::remove_file(&t);
            if f.exists() {
                std::fs::copy(f, &t).unwrap();
            }
        }
        let _ = std::fs::remove_file(format!("{}-shm", to.display()));
    };
    {
        let sfa = Sfa::open(&path).unwrap();
        let me = admin(&sfa);
        add(&me, "北斗電子株式会社");
    }
    copy_files(&path, &backup);
    {
        let sfa = Sfa::open(&path).unwrap();
        let me = admin(&sfa);
        add(&me, "南風商事株式会社");
        add(&me, "東風物産株式会社");
    }
    // Restored from the backup, then written to by a tool that does not use the
    // index (as many writes as were lost, so the log is as long as the index thinks):
    // the two lost companies must be gone from search, the new ones found.
    copy_files(&backup, &path);
    {
        let store = sfa_core::store::sqlite::SqliteStore::open(&path).unwrap();
        let other = Sfa::with_store(std::sync::Arc::new(store)).unwrap();
        let me = admin(&other);
        add(&me, "西陣織物株式会社");
        add(&me, "北国運輸株式会社");
    }
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    assert!(!finds(&me, "南風商事株式会社"));
    assert!(!finds(&me, "東風物産株式会社"));
    assert!(finds(&me, "北斗電子株式会社"));
    assert!(finds(&me, "西陣織物株式会社"));
    assert_consistent(&sfa);
}

#[test]
fn a_check_compares_every_record_up_to_the_index_cursor_and_counts_later_writes() {
    use std::sync::Arc;

    use sfa_core::search::SearchIndex;
    use sfa_core::store::{Store, sqlite::SqliteStore};

    let store: Arc<dyn Store> = Arc::new(SqliteStore::open_in_memory().unwrap());
    let sfa = Sfa::with_store(Arc::clone(&store)).unwrap();
    let me = admin(&sfa);
    add(&me, "北斗電子株式会社");
    // A second index over the same database, caught up now...
    let other = SearchIndex::open_in_memory().unwrap();
    other.catch_up(store.as_ref(), &mut |_, _| {}).unwrap();
    // ...then a write it has not applied yet, as a writer racing a check would make.
    add(&me, "南風商事株式会社");
    let check = other.check(store.as_ref()).unwrap();
    assert!(check.is_consistent(), "{check:?}");
    assert_eq!((check.records, check.changed_meanwhile), (2, 1));
    other.catch_up(store.as_ref(), &mut |_, _| {}).unwrap();
    let check = other.check(store.as_ref()).unwrap();
    assert!(check.is_consistent(), "{check:?}");
    assert_eq!(
        (check.records, check.documents, check.changed_meanwhile),
        (2, 2, 0)
    );
}

/// A catch-up after a bulk import runs in rounds of bounded size (a company change
/// brings its persons' documents too): every record ends up indexed once, and the
/// progress reaches its total.
#[test]
fn a_large_catch_up_in_bounded_rounds_indexes_every_record() {
    let sfa = Sfa::open(temp_db("rounds")).unwrap();
    let me = admin(&sfa);
    let mut companies = String::from("会社名\n");
    let mut persons = String::from("会社名,氏名\n");
    for i in 0..400 {
        companies.push_str(&format!("株式会社丸山商事第{i}\n"));
        for j in 0..3 {
            persons.push_str(&format!("株式会社丸山商事第{i},丸山 {i}の{j}\n"));
        }
    }
    let options = sfa_core::ImportOptions::default();
    me.import_companies_csv(companies.as_bytes(), &options)
        .unwrap();
    me.import_persons_csv(persons.as_bytes(), &options).unwrap();
    let mut last = (0, 0);
    sfa.catch_up_search_index(&mut |done, total| last = (done, total))
        .unwrap();
    assert_eq!(last.0, last.1, "progress ends at its total");
    assert_consistent(&sfa);
    assert!(finds(&me, "株式会社丸山商事第399"));
    let hits = me
        .search(&SearchRequest {
            limit: 1000,
            ..SearchRequest::new("丸山")
        })
        .unwrap();
    assert_eq!(
        hits.len(),
        1000,
        "400 companies and 1,200 persons hold 丸山"
    );
}

#[test]
fn a_bulk_indexing_leaves_the_index_as_one_segment() {
    let path = temp_db("bulk-merge");
    let sfa = Sfa::open(&path).unwrap();
    let me = admin(&sfa);
    add(&me, "北斗電子株式会社");
    assert!(finds(&me, "北斗電子株式会社"), "a first segment, searched");
    // An import of more than a quarter of the index and at least 10,000 records: its
    // catch-up writes segments of its own, which it then merges with the first.
    let ledger = sfa_testkit::SampleLedger::generate(11, 3000, 9000);
    let options = sfa_core::ImportOptions::default();
    me.import_companies_csv(ledger.companies_csv(None).as_bytes(), &options)
        .unwrap();
    me.import_persons_csv(ledger.persons_csv(None).as_bytes(), &options)
        .unwrap();
    sfa.catch_up_search_index(&mut |_, _| {}).unwrap();
    let index = tantivy::Index::open_in_dir(index_dir_for(&path)).unwrap();
    assert_eq!(index.searchable_segment_ids().unwrap().len(), 1);
    assert_consistent(&sfa);
    assert!(
        finds(&me, "北斗電子株式会社"),
        "the first record is still found"
    );
    // Small writes after it are not merged into the large segment each time.
    add(&me, "南風商事株式会社");
    assert!(finds(&me, "南風商事株式会社"));
    let index = tantivy::Index::open_in_dir(index_dir_for(&path)).unwrap();
    assert_eq!(index.searchable_segment_ids().unwrap().len(), 2);
}
