//! The default store: SQLite through rusqlite (bundled).
//!
//! One writer connection per store, guarded by a mutex; a file database also keeps
//! reader connections (`readers.rs`), so reads never wait for a write. Files use the
//! WAL journal with `synchronous=FULL`: the log is synced on every commit, so a write
//! that returned survives an application crash *and* a power loss (a phone whose
//! battery dies); with `NORMAL` the last commits could be rolled back on power loss.
//! The cost is one sync per committed transaction (BENCHMARKS.md, "Durability").
//! Foreign keys are enforced, and a busy timeout makes two handles on one file wait
//! for each other instead of failing. Encrypted files (feature `encryption`,
//! SQLCipher) open through `encryption.rs`.

mod activity;
mod activity_rows;
// SQLCipher calls this C-ABI table of functions: the crate's one module with `unsafe`.
#[cfg(feature = "encryption")]
#[allow(unsafe_code)]
mod cipher_provider;
mod deal_scan;
#[cfg(feature = "encryption")]
mod encryption;
mod open;
mod readers;
mod rows;
mod sales;
mod sales_rows;
mod schema;
mod sync;
mod teams;
mod tx;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use readers::Readers;
pub use schema::SCHEMA_VERSION;
use tx::SqliteTx;

use super::{ReadTx, Store, WriteTx};
use crate::error::{Error, Result};

/// How long a write waits for another connection's write to finish before failing
/// with [`crate::Error::Busy`]. The longest write the library makes, a CSV import of
/// `csv_io::MAX_IMPORT_ROWS` rows, holds the write lock for about 20 s on the
/// reference machine (BENCHMARKS.md): a minute leaves room for slower devices.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// A [`Store`] on an SQLite database file (or in memory, for tests).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// Reader connections (file databases; an in-memory one reads on `conn`).
    readers: Option<Readers>,
    /// The file failed its integrity check (at open, or a statement met a damaged
    /// page): writes are refused with [`crate::Error::Damaged`].
    damaged: AtomicBool,
    /// Opened with a key (SQLCipher): the key can be changed.
    #[cfg(feature = "encryption")]
    encrypted: bool,
}

impl SqliteStore {
    /// Opens the database file, creating it (and its schema) when missing and
    /// migrating an older schema.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref();
        remove_if_refused(path, || {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let unclean = left_unclean(path);
            let conn = Connection::open_with_flags(path, flags)?;
            Self::init(conn, Some(Readers::new(path.to_path_buf(), None)), unclean)
        })
    }

    /// A private in-memory database, gone when the store is dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::init(Connection::open_in_memory()?, None, false)
    }

    /// Checks and migrates the database on `conn`; `readers` is given for a file, and
    /// `unclean` when its last close was not clean (see [`left_unclean`]).
    fn init(mut conn: Connection, readers: Option<Readers>, unclean: bool) -> Result<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Read before anything writes: a non-database file or a newer schema is refused
        // with the file untouched.
        conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))?;
        schema::refuse_newer(&conn)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if readers.is_some() {
            use_wal(&conn)?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        // The forecast's facts of deals changed from outside the library (or of every
        // deal, after the migration that added them). They only make scans faster: a
        // deal without them is read from `deals`, so a failure here (a full disk) must
        // not keep the database from opening.
        let _ = deal_scan::refresh(&mut conn);
        // Damaged pages anywhere in the file (a failing disk, a crash mid-write) are
        // looked for now, before a write could go into such a file, when the file was
        // not closed cleanly or has not been checked lately (see FULL_CHECK_DAYS).
        let damaged = readers.is_some() && (unclean || check_is_due(&conn)) && !checked(&conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            readers,
            damaged: AtomicBool::new(damaged),
            #[cfg(feature = "encryption")]
            encrypted: false,
        })
    }

    /// A panic inside a transaction rolled it back while unwinding, so the connection
    /// is still consistent: recover it instead of refusing every later call.
    fn lock(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` with the raw connection; for tests and benchmarks that compare
    /// against or inspect the database directly.
    pub fn with_connection<T>(&self, f: impl FnOnce(&Connection) -> T) -> T {
        f(&self.lock())
    }
}

/// Puts the file in WAL mode. SQLite does not call the busy handler for a change of
/// journal mode: when other processes open a new file at the same moment, all but one
/// get `SQLITE_BUSY` at once, so the change is retried here for up to
/// [`BUSY_TIMEOUT`], as any other wait for another connection.
fn use_wal(conn: &Connection) -> Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)) {
            Ok(mode) => {
                debug_assert_eq!(mode.to_ascii_lowercase(), "wal");
                return Ok(());
            }
            Err(e) if is_busy(&e) && std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DatabaseBusy)
}

/// A file that was closed cleanly and checked within this many days opens without
/// reading every page (`PRAGMA quick_check` reads the whole file: about 0.9 s for a
/// database of a million deals); one left unclean, or checked longer ago, is checked.
/// Damage that a statement meets later marks the file damaged all the same.
pub const FULL_CHECK_DAYS: i64 = 7;

/// True when the last close of the file at `path` was not clean: its write-ahead log
/// was left behind with content (a crash or a power loss, or another process has the
/// file open). The last connection to close a database checkpoints and removes it.
fn left_unclean(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(std::path::PathBuf::from(wal)).is_ok_and(|m| m.len() > 0)
}

/// When the file's pages were last found whole (`meta.pages_checked_at`).
const CHECKED_AT: &str = "pages_checked_at";

/// True unless the file's pages were found whole within [`FULL_CHECK_DAYS`].
fn check_is_due(conn: &Connection) -> bool {
    let last: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [CHECKED_AT], |r| {
            r.get(0)
        })
        .ok();
    let Some(last) = last.and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok()) else {
        return true;
    };
    let age = chrono::Utc::now().signed_duration_since(last);
    age < chrono::Duration::zero() || age > chrono::Duration::days(FULL_CHECK_DAYS)
}

/// Runs `PRAGMA quick_check` over every page; true when it finds the file whole, which
/// is then recorded.
fn checked(conn: &Connection) -> Result<bool> {
    let whole = match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(answer) => answer == "ok",
        Err(e) => match Error::from(e) {
            Error::NotADatabase => false,
            other => return Err(other),
        },
    };
    if whole {
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [CHECKED_AT, &chrono::Utc::now().to_rfc3339()],
        )?;
    }
    Ok(whole)
}

/// Runs an open of `path`; when it is refused for what this handle was given (the
/// key, the file's kind) and this open created the file, the files the attempt created
/// are removed: a refused open leaves nothing behind. The file is created here, with
/// `O_EXCL`, so that of several processes opening a new path at once only the one that
/// made it may remove it, and never for a wait on the others ([`Error::Busy`]) or a
/// failure of the storage, which say nothing about the file and may come while
/// another process is writing to it.
fn remove_if_refused(
    path: &Path,
    open: impl FnOnce() -> Result<SqliteStore>,
) -> Result<SqliteStore> {
    // An empty file is a new database to SQLite.
    let created = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .is_ok();
    let opened = open();
    let about_the_input = matches!(
        opened,
        Err(Error::Validation(_)
            | Error::NotADatabase
            | Error::WrongKey
            | Error::EncryptionUnavailable)
    );
    if created && about_the_input {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let _ = std::fs::remove_file(std::path::PathBuf::from(name));
        }
    }
    opened
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        if let rusqlite::Error::SqliteFailure(f, _) = &e {
            match f.code {
                rusqlite::ErrorCode::NotADatabase | rusqlite::ErrorCode::DatabaseCorrupt => {
                    return Error::NotADatabase;
                }
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked => {
                    return Error::Busy;
                }
                _ => {}
            }
        }
        Error::Storage(crate::error::StorageError::new(e))
    }
}

impl Store for SqliteStore {
    fn read_tx(&self, f: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()> {
        if let Some(readers) = &self.readers {
            return match readers.read(f) {
                // A damaged page met by a read: no further write goes into this file.
                Err(Error::NotADatabase) => {
                    self.damaged.store(true, Ordering::SeqCst);
                    Err(Error::Damaged)
                }
                other => other,
            };
        }
        let mut conn = self.lock();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
        f(&mut SqliteTx::new(&tx))?;
        tx.commit()?;
        Ok(())
    }

    fn write_tx(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        if self.damaged.load(Ordering::SeqCst) {
            return Err(Error::Damaged);
        }
        let mut conn = self.lock();
        let written = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            f(&mut SqliteTx::new(&tx))?;
            #[cfg(feature = "fault-injection")]
            crate::fault::before_commit();
            tx.commit()?;
            Ok(())
        })();
        if matches!(written, Err(Error::NotADatabase)) {
            // A damaged page met on the way: no further write goes into this file.
            self.damaged.store(true, Ordering::SeqCst);
            return Err(Error::Damaged);
        }
        written
    }

    #[cfg(feature = "encryption")]
    fn change_key(&self, new_key: &str) -> Result<()> {
        if !self.encrypted {
            return Err(crate::ValidationError::single(
                crate::Entity::Database,
                "key",
                crate::Reason::NotAllowed,
            )
            .into());
        }
        self.rekey(new_key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    mod conformance_in_memory {
        use super::*;
        crate::store_conformance_tests!(
            fresh: Box::new(SqliteStore::open_in_memory().expect("in memory"))
        );
    }

    mod conformance_on_file {
        use super::*;
        crate::store_conformance_tests!(
            fresh: Box::new(SqliteStore::open(tempdir().join("c.sqlite")).expect("file")),
            pair: {
                let path = tempdir().join("pair.sqlite");
                let a = SqliteStore::open(&path).expect("first handle");
                let b = SqliteStore::open(&path).expect("second handle");
                (Box::new(a), Box::new(b))
            }
        );
    }

    pub(crate) fn tempdir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("sfa-test-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn file_settings_are_durable_and_enforce_foreign_keys() {
        let dir = tempdir();
        let store = SqliteStore::open(dir.join("s.sqlite")).unwrap();
        store.with_connection(|c| {
            let mode: String = c
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            assert_eq!(mode, "wal");
            let fk: i64 = c
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap();
            assert_eq!(fk, 1);
            let sync: i64 = c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
            assert_eq!(sync, 2, "FULL");
            let version: i64 = c
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(version, SCHEMA_VERSION);
        });
    }

    #[test]
    fn every_foreign_key_is_indexed() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.with_connection(|c| {
            let mut tables = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
                .unwrap();
            let tables: Vec<String> = tables
                .query_map([], |r| r.get(0))
                .unwrap()
                .map(|r| r.unwrap())
                .collect();
            assert!(!tables.is_empty());
            for table in tables {
                let mut fks = c
                    .prepare(&format!(
                        "SELECT \"from\" FROM pragma_foreign_key_list('{table}')"
                    ))
                    .unwrap();
                let fks: Vec<String> = fks
                    .query_map([], |r| r.get(0))
                    .unwrap()
                    .map(|r| r.unwrap())
                    .collect();
                for column in fks {
                    let indexed: i64 = c
                        .query_row(
                            "SELECT count(*) FROM pragma_index_list(?1) AS l \
                             JOIN pragma_index_info(l.name) AS i WHERE i.seqno = 0 AND i.name = ?2",
                            [&table, &column],
                            |r| r.get(0),
                        )
                        .unwrap();
                    assert!(indexed > 0, "{table}.{column} has no index");
                }
            }
        });
    }

    #[test]
    fn a_newer_schema_is_refused_and_left_untouched() {
        let dir = tempdir();
        let path = dir.join("new.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE future (x); PRAGMA user_version = 99;")
                .unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(
            matches!(err, crate::Error::SchemaTooNew { found: 99, .. }),
            "{err}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_typed_error_and_untouched() {
        let dir = tempdir();
        let path = dir.join("notes.txt");
        let text = "これはデータベースではありません。".repeat(200);
        std::fs::write(&path, &text).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(matches!(err, crate::Error::NotADatabase), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    }

    /// Handles opening one new file at the same moment all open it (SQLite answers a
    /// change of journal mode with `SQLITE_BUSY` at once, without waiting), and none of
    /// them removes the file the others are using.
    #[test]
    fn many_handles_opening_a_new_file_at_once_all_open_it() {
        for round in 0..10 {
            let dir = tempdir();
            let path = dir.join(format!("race{round}.sqlite"));
            let start = std::sync::Barrier::new(6);
            let opened: Vec<_> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..6)
                    .map(|_| {
                        s.spawn(|| {
                            start.wait();
                            SqliteStore::open(&path)
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            for store in &opened {
                let store = store.as_ref().map_err(ToString::to_string).unwrap();
                store.with_connection(|c| {
                    let mode: String = c
                        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                        .unwrap();
                    assert_eq!(mode, "wal");
                });
            }
            assert!(path.exists());
        }
    }

    /// A database with some rows, closed cleanly (checkpointed, no log left).
    fn database_with_rows(path: &Path) -> Vec<u8> {
        let store = SqliteStore::open(path).unwrap();
        store.with_connection(|c| {
            c.execute_batch(
                "CREATE TABLE filler (x TEXT);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
                 INSERT INTO filler SELECT printf('行%05d', i) || hex(randomblob(40)) FROM n;",
            )
            .unwrap();
        });
        drop(store);
        std::fs::read(path).unwrap()
    }

    #[test]
    fn a_truncated_database_is_a_typed_error_and_untouched() {
        let dir = tempdir();
        let path = dir.join("cut.sqlite");
        let whole = database_with_rows(&path);
        assert!(whole.len() > 64 * 1024);
        for keep in [50, 100, 4096, whole.len() / 2, whole.len() - 4096] {
            std::fs::write(&path, &whole[..keep]).unwrap();
            let err = SqliteStore::open(&path).unwrap_err();
            assert!(matches!(err, crate::Error::NotADatabase), "{keep}: {err}");
            assert_eq!(
                std::fs::read(&path).unwrap(),
                &whole[..keep],
                "{keep} bytes"
            );
            assert!(!dir.join("cut.sqlite-wal").exists());
        }
    }

    /// Overwrites a stretch in the middle of the file (not the schema) with garbage.
    /// Damages the page holding the middle company's row (`株式会社検査01500`...), so
    /// that reading the companies meets it.
    fn damage_the_middle(bytes: &mut [u8]) {
        let needle = "株式会社検査01500".as_bytes();
        let at = bytes
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap_or(bytes.len() / 2);
        let middle = at / 4096 * 4096;
        for b in &mut bytes[middle..middle + 3000] {
            *b = 0x5A;
        }
    }

    /// Damaged pages in the middle of the file are found at open when the file was not
    /// closed cleanly (a write-ahead log left behind) or was last checked more than
    /// `FULL_CHECK_DAYS` ago: reads still work where they can, writes are refused with
    /// a typed error and the file is left as it is.
    #[test]
    fn damaged_pages_are_found_at_open_after_an_unclean_close_or_an_old_check() {
        for case in ["unclean close", "old check"] {
            let dir = tempdir();
            let path = dir.join("middle.sqlite");
            database_with_rows(&path);
            if case == "old check" {
                let store = SqliteStore::open(&path).unwrap();
                store.with_connection(|c| {
                    c.execute(
                        "UPDATE meta SET value = '2020-01-01T00:00:00+00:00' WHERE key = ?1",
                        [CHECKED_AT],
                    )
                    .unwrap()
                });
            }
            let mut bytes = std::fs::read(&path).unwrap();
            damage_the_middle(&mut bytes);
            std::fs::write(&path, &bytes).unwrap();
            if case == "unclean close" {
                let mut wal = path.as_os_str().to_owned();
                wal.push("-wal");
                std::fs::write(std::path::PathBuf::from(wal), b"left by a crash").unwrap();
            }
            {
                let opened = SqliteStore::open(&path).unwrap();
                let store: &dyn Store = &opened;
                let users = store.read(|tx| tx.user_count());
                assert!(users.is_ok(), "{case}: reads work: {users:?}");
                for _ in 0..3 {
                    let written = store.write(|tx| tx.user_count().map(|_| ()));
                    assert!(
                        matches!(written, Err(Error::Damaged)),
                        "{case}: {written:?}"
                    );
                }
            }
            assert_eq!(
                std::fs::read(&path).unwrap(),
                bytes,
                "{case}: nothing went into the file"
            );
        }
    }

    /// A file closed cleanly and checked lately opens without reading every page (the
    /// check is recorded); damage a read meets later marks it, and writes are refused
    /// from then on.
    #[test]
    fn damage_met_by_a_read_refuses_later_writes() {
        let dir = tempdir();
        let path = dir.join("ledger.sqlite");
        {
            let store = std::sync::Arc::new(SqliteStore::open(&path).unwrap());
            let sfa = crate::Sfa::with_store(store).unwrap();
            let admin = sfa
                .create_first_admin(&crate::UserInput::admin("管理 太郎", "admin@example.jp"))
                .unwrap();
            let me = sfa.session(admin.id).unwrap();
            let companies: Vec<_> = (0..3000)
                .map(|i| {
                    crate::CompanyInput::named(format!("株式会社検査{i:05}{}", "長".repeat(40)))
                })
                .collect();
            me.add_companies(&companies).unwrap();
        }
        let mut bytes = std::fs::read(&path).unwrap();
        damage_the_middle(&mut bytes);
        std::fs::write(&path, &bytes).unwrap();

        let opened = SqliteStore::open(&path).unwrap();
        let store: &dyn Store = &opened;
        let recorded = opened.with_connection(|c| {
            c.query_row("SELECT value FROM meta WHERE key = ?1", [CHECKED_AT], |r| {
                r.get::<_, String>(0)
            })
        });
        assert!(recorded.is_ok(), "the first open's check was recorded");
        let every = store.read(|tx| crate::store::walk_companies(tx, true, |_, _| Ok(())));
        assert!(matches!(every, Err(Error::Damaged)), "{every:?}");
        let written = store.write(|tx| tx.user_count().map(|_| ()));
        assert!(matches!(written, Err(Error::Damaged)), "{written:?}");
        drop(opened);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "nothing went into the file"
        );
    }

    #[test]
    fn a_database_with_damaged_pages_is_a_typed_error_on_use() {
        let dir = tempdir();
        let path = dir.join("bad.sqlite");
        let mut bytes = database_with_rows(&path);
        // Overwrite the schema page's content area and a data page with garbage.
        for b in &mut bytes[200..4096] {
            *b = 0xA5;
        }
        std::fs::write(&path, &bytes).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(matches!(err, crate::Error::NotADatabase), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
    }
}
