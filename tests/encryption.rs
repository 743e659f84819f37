//! Encryption at rest (cargo feature `encryption`, SQLCipher):
//! `cargo test --features encryption --test encryption`.
//!
//! With a key, no customer data reaches the disk in plaintext: the database, its
//! write-ahead log, the search index (its files encrypted too) and card images are
//! scanned for known record text while the database is open and after it is closed.
//! The same scan finds the text in an unencrypted database and its index, so it can
//! fail. The encrypted index is read back on reopening, not rebuilt.
#![cfg(feature = "encryption")]
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use sfa_core::{CompanyInput, Error, PersonInput, SearchRequest, Sfa, TaskInput, UserInput};

const COMPANY: &str = "株式会社秘密製作所";
const EMAIL: &str = "himitsu.taro@secret-maker.example.jp";
const ADDRESS: &str = "東京都千代田区霞が関九丁目九番九号";
const CARD_MARKER: &[u8] = b"CARD-IMAGE-MARKER-4b1d2c";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sfa-enc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes the known records: a company, a person, a task about them and a card image.
fn write_secrets(sfa: &Sfa) {
    let admin = sfa
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let me = sfa.session(admin.id).unwrap();
    let company = me
        .add_company(&CompanyInput {
            address: Some(ADDRESS.into()),
            ..CompanyInput::named(COMPANY)
        })
        .unwrap();
    me.add_person(&PersonInput {
        company_id: company.id,
        name: "秘密 太郎".into(),
        email: Some(EMAIL.into()),
        ..PersonInput::default()
    })
    .unwrap();
    me.add_task(&TaskInput {
        title: format!("{COMPANY}に見積書を送る"),
        company_id: Some(company.id),
        ..TaskInput::default()
    })
    .unwrap();
    let mut image = vec![0xFF, 0xD8, 0xFF, 0xE0];
    image.extend_from_slice(CARD_MARKER);
    image.resize(4096, 0x20);
    me.upload_card(&image, "image/jpeg", None).unwrap();
    // Enough further rows that pages spill and the log grows.
    let more: Vec<CompanyInput> = (0..300)
        .map(|i| CompanyInput::named(format!("{COMPANY}{i:03}")))
        .collect();
    me.add_companies(&more).unwrap();
}

/// The files of an index folder, with their bytes.
fn index_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Every file under `dir` (recursively) that contains any of the known texts.
fn plaintext_hits(dir: &Path) -> Vec<String> {
    let needles: [&[u8]; 4] = [
        COMPANY.as_bytes(),
        EMAIL.as_bytes(),
        ADDRESS.as_bytes(),
        CARD_MARKER,
    ];
    let mut hits = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).unwrap() {
                stack.push(entry.unwrap().path());
            }
            continue;
        }
        let bytes = std::fs::read(&path).unwrap_or_default();
        for needle in needles {
            if bytes.windows(needle.len()).any(|w| w == needle) {
                hits.push(format!(
                    "{} has {:?}",
                    path.display(),
                    String::from_utf8_lossy(needle)
                ));
            }
        }
    }
    hits
}

#[test]
fn no_customer_data_reaches_the_disk_in_plaintext() {
    let dir = scratch("scan");
    let path = dir.join("ledger.sqlite");
    let sfa = Sfa::open_encrypted(&path, "正しい鍵 correct horse").unwrap();
    write_secrets(&sfa);
    assert!(
        dir.join("ledger.sqlite-wal").exists(),
        "the log is written too"
    );
    assert_eq!(plaintext_hits(&dir), Vec::<String>::new());
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    assert_eq!(
        me.search(&SearchRequest::new("秘密製作所")).unwrap().len(),
        20
    );
    drop(me);
    drop(sfa);
    assert_eq!(plaintext_hits(&dir), Vec::<String>::new());
    let index_files = index_files(&dir.join("ledger.sqlite.search"));
    assert!(
        index_files.len() > 3,
        "the index is on disk: {index_files:?}"
    );

    // Reopened with the key, everything is there and searchable again, from the index
    // read back (nothing to apply, nothing rebuilt).
    let sfa = Sfa::open_encrypted(&path, "正しい鍵 correct horse").unwrap();
    assert_eq!(sfa.pending_search_changes().unwrap(), 0);
    assert_eq!(sfa.catch_up_search_index(&mut |_, _| {}).unwrap(), 0);
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    let hit = &me.search(&SearchRequest::new(EMAIL)).unwrap()[0];
    assert_eq!(hit.display_name, "秘密 太郎");
    assert!(sfa.check_search_index().unwrap().is_consistent());

    // What SECURITY.md states about the cipher holds for this build.
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.pragma_update(None, "key", "正しい鍵 correct horse")
        .unwrap();
    // The key is derived on first use.
    let _: i64 = raw
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    let setting = |name: &str| -> String {
        raw.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("PRAGMA {name}: {e}"))
    };
    assert_eq!(setting("cipher_provider"), "rustcrypto");
    assert!(setting("cipher_version").starts_with("4."));
    assert_eq!(setting("kdf_iter"), "256000");
    assert_eq!(setting("cipher_kdf_algorithm"), "PBKDF2_HMAC_SHA512");
    assert_eq!(setting("cipher_hmac_algorithm"), "HMAC_SHA512");
}

#[test]
fn the_scan_finds_plaintext_in_an_unencrypted_database() {
    let dir = scratch("plain");
    let sfa = Sfa::open(dir.join("ledger.sqlite")).unwrap();
    write_secrets(&sfa);
    drop(sfa);
    let hits = plaintext_hits(&dir);
    assert!(hits.iter().any(|h| h.contains(COMPANY)), "{hits:?}");
    let in_index = plaintext_hits(&dir.join("ledger.sqlite.search"));
    assert!(!in_index.is_empty(), "the scan reads the index files too");
    assert!(
        hits.iter().any(|h| h.contains("CARD-IMAGE-MARKER")),
        "{hits:?}"
    );
}

#[test]
fn a_wrong_or_missing_key_is_a_typed_error_and_the_file_is_untouched() {
    let dir = scratch("keys");
    let path = dir.join("ledger.sqlite");
    write_secrets(&Sfa::open_encrypted(&path, "first key").unwrap());
    let before = std::fs::read(&path).unwrap();
    let err = Sfa::open_encrypted(&path, "not the key").unwrap_err();
    assert!(matches!(err, Error::WrongKey), "{err}");
    let err = Sfa::open(&path).unwrap_err();
    assert!(matches!(err, Error::NotADatabase), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let err = Sfa::open_encrypted(&path, "").unwrap_err();
    assert_eq!(err.validation().unwrap().field(), "key");
    // A plaintext database does not open with a key either.
    let plain = dir.join("plain.sqlite");
    drop(Sfa::open(&plain).unwrap());
    assert!(matches!(
        Sfa::open_encrypted(&plain, "a key").unwrap_err(),
        Error::WrongKey
    ));
}

#[test]
fn the_key_can_be_changed_by_the_only_handle() {
    let dir = scratch("rekey");
    let path = dir.join("ledger.sqlite");
    let sfa = Sfa::open_encrypted(&path, "old key").unwrap();
    write_secrets(&sfa);
    let other = Sfa::open_encrypted(&path, "old key").unwrap();
    let busy = sfa.change_key("new key").unwrap_err();
    assert!(matches!(busy, Error::KeyChangeBusy), "{busy:?}");
    drop(other);
    sfa.catch_up_search_index(&mut |_, _| {}).unwrap();
    let folder = dir.join("ledger.sqlite.search");
    let before = index_files(&folder);
    sfa.change_key("new key").unwrap();
    let after = index_files(&folder);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &before {
        assert_ne!(bytes, &after[name], "{name} is encrypted again");
    }
    // The handle keeps working (and writing) under the new key.
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    me.add_company(&CompanyInput::named("株式会社鍵変更後"))
        .unwrap();
    assert_eq!(me.search(&SearchRequest::new("鍵変更後")).unwrap().len(), 1);
    drop(me);
    drop(sfa);
    assert_eq!(plaintext_hits(&dir), Vec::<String>::new());
    assert!(matches!(
        Sfa::open_encrypted(&path, "old key").unwrap_err(),
        Error::WrongKey
    ));
    let sfa = Sfa::open_encrypted(&path, "new key").unwrap();
    assert_eq!(
        sfa.catch_up_search_index(&mut |_, _| {}).unwrap(),
        0,
        "the re-keyed index is read back, not rebuilt"
    );
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    assert_eq!(me.search(&SearchRequest::new("鍵変更後")).unwrap().len(), 1);
    // An unencrypted database has no key to change.
    let plain = Sfa::open_in_memory().unwrap();
    assert_eq!(
        plain
            .change_key("x")
            .unwrap_err()
            .validation()
            .unwrap()
            .field(),
        "key"
    );
}

/// A damaged index file is noticed on opening: the index starts over from the database
/// and answers as before.
#[test]
fn a_damaged_encrypted_index_is_rebuilt_from_the_database() {
    let dir = scratch("damaged-index");
    let path = dir.join("ledger.sqlite");
    let sfa = Sfa::open_encrypted(&path, "a key").unwrap();
    write_secrets(&sfa);
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    assert_eq!(me.search(&SearchRequest::new(EMAIL)).unwrap().len(), 1);
    drop(me);
    drop(sfa);
    let folder = dir.join("ledger.sqlite.search");
    let (name, mut bytes) = index_files(&folder)
        .into_iter()
        .max_by_key(|(_, b)| b.len())
        .unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(folder.join(&name), bytes).unwrap();

    let sfa = Sfa::open_encrypted(&path, "a key").unwrap();
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    let hit = &me.search(&SearchRequest::new(EMAIL)).unwrap()[0];
    assert_eq!(hit.display_name, "秘密 太郎");
    assert!(sfa.check_search_index().unwrap().is_consistent());
    drop(me);
    drop(sfa);
    assert_eq!(plaintext_hits(&dir), Vec::<String>::new());
}

/// Each handle of an encrypted database keeps its own index in memory; each follows
/// the database's change log with its own cursor, so every handle's search sees every
/// committed write (they once cleared each other's queue).
#[test]
fn every_handle_of_an_encrypted_database_sees_every_write() {
    let dir = scratch("handles");
    let path = dir.join("shared.sqlite");
    let a = Sfa::open_encrypted(&path, "correct horse battery staple").unwrap();
    let admin = a
        .create_first_admin(&UserInput::admin("管理 太郎", "admin@example.jp"))
        .unwrap();
    let b = Sfa::open_encrypted(&path, "correct horse battery staple").unwrap();
    let (me_a, me_b) = (a.session(admin.id).unwrap(), b.session(admin.id).unwrap());
    let finds = |me: &sfa_core::Session, name: &str| {
        me.search(&SearchRequest::new(name))
            .unwrap()
            .iter()
            .any(|h| h.display_name == name)
    };
    for i in 0..5 {
        let from_a = format!("株式会社甲{i}");
        let from_b = format!("株式会社乙{i}");
        me_a.add_company(&CompanyInput::named(from_a.clone()))
            .unwrap();
        assert!(finds(&me_b, &from_a), "B misses A's {from_a}");
        me_b.add_company(&CompanyInput::named(from_b.clone()))
            .unwrap();
        assert!(finds(&me_a, &from_b), "A misses B's {from_b}");
        assert!(finds(&me_a, &from_a) && finds(&me_b, &from_b), "own writes");
    }
    assert!(a.check_search_index().unwrap().is_consistent());
    assert!(b.check_search_index().unwrap().is_consistent());
}

/// A key is never put into an error message, and a refused open leaves no file.
#[test]
fn a_key_with_a_nul_is_refused_without_echo_and_without_a_file() {
    let dir = scratch("nul");
    let path = dir.join("new.sqlite");
    let key = "secret-part\0after-the-nul";
    let err = Sfa::open_encrypted(&path, key).unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{err}");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("secret-part") && !text.contains("after-the-nul"),
        "{text}"
    );
    assert!(!path.exists(), "no file is left behind");
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
}

/// SQLCipher's crypto is done in Rust (`cipher_provider.rs`), not by OpenSSL, and the
/// file format did not change with it: a file written by SQLCipher 4.20 with OpenSSL's
/// provider (the library's crypto until 2026-12-03; `fixtures/cipher`) opens with the
/// same key and reads back, and a wrong key is still refused. The fixture was written
/// by rusqlite on that build: key `fixture key 鍵`, SQLCipher 4 defaults, rollback
/// journal, `CREATE TABLE company (id INTEGER PRIMARY KEY, name TEXT NOT NULL)` and the
/// two rows read below.
#[test]
fn a_file_written_with_openssls_provider_opens_with_ours() {
    let dir = scratch("openssl-fixture");
    let path = dir.join("written-by-openssl-provider.sqlite");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/cipher/written-by-openssl-provider.sqlcipher"),
        &path,
    )
    .unwrap();
    // Any encrypted open registers the library's provider (SQLite is set up once per
    // process); this one also checks the key is required.
    assert!(matches!(
        Sfa::open_encrypted(dir.join("other.sqlite"), "k").map(|_| ()),
        Ok(())
    ));
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "key", "fixture key 鍵").unwrap();
    let provider: String = conn
        .query_row("PRAGMA cipher_provider", [], |r| r.get(0))
        .unwrap();
    assert_eq!(provider, "rustcrypto");
    let names: Vec<String> = conn
        .prepare("SELECT name FROM company ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(names, ["株式会社山田製作所", "Acme KK"]);
    drop(conn);

    let wrong = rusqlite::Connection::open(&path).unwrap();
    wrong.pragma_update(None, "key", "fixture key").unwrap();
    assert!(
        wrong
            .query_row("SELECT count(*) FROM company", [], |r| r.get::<_, i64>(0))
            .is_err()
    );
}

#[test]
fn a_bulk_indexing_merges_its_encrypted_index_and_keeps_it_encrypted() {
    let dir = scratch("bulk");
    let path = dir.join("ledger.sqlite");
    let sfa = Sfa::open_encrypted(&path, "正しい鍵 correct horse").unwrap();
    write_secrets(&sfa);
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    // More than 10,000 records and a quarter of the index: the catch-up merges the
    // index's segments into one, through the encrypted directory.
    let ledger = sfa_testkit::SampleLedger::generate(13, 3000, 9000);
    let options = sfa_core::ImportOptions::default();
    me.import_companies_csv(ledger.companies_csv(None).as_bytes(), &options)
        .unwrap();
    me.import_persons_csv(ledger.persons_csv(None).as_bytes(), &options)
        .unwrap();
    assert!(sfa.catch_up_search_index(&mut |_, _| {}).unwrap() >= 12_000);
    assert_eq!(
        me.search(&SearchRequest::new(EMAIL)).unwrap()[0].display_name,
        "秘密 太郎"
    );
    drop(me);
    drop(sfa);
    assert_eq!(plaintext_hits(&dir), Vec::<String>::new());

    let sfa = Sfa::open_encrypted(&path, "正しい鍵 correct horse").unwrap();
    assert_eq!(
        sfa.pending_search_changes().unwrap(),
        0,
        "read back, not rebuilt"
    );
    assert!(sfa.check_search_index().unwrap().is_consistent());
    let me = sfa.session_by_email("admin@example.jp").unwrap();
    assert_eq!(
        me.search(&SearchRequest::new(EMAIL)).unwrap()[0].display_name,
        "秘密 太郎"
    );
}
