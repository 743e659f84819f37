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
#[cfg(feature = "encryption")]
mod encryption;
mod open;
mod readers;
mod rows;
mod sales;
mod sales_rows;
mod schema;
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
            let conn = Connection::open_with_flags(path, flags)?;
            Self::init(conn, Some(Readers::new(path.to_path_buf(), None)))
        })
    }

    /// A private in-memory database, gone when the store is dropped.
    pub fn open_in_memory() -> Result<SqliteStore> {
        Self::init(Connection::open_in_memory()?, None)
    }

    /// Checks and migrates the database on `conn`; `readers` is given for a file.
    fn init(mut conn: Connection, readers: Option<Readers>) -> Result<SqliteStore> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Read before anything writes: a non-database file or a newer schema is refused
        // with the file untouched.
        conn.query_row("PRAGMA schema_version", [], |r| r.get::<_, i64>(0))?;
        schema::refuse_newer(&conn)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        if readers.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            debug_assert_eq!(mode.to_ascii_lowercase(), "wal");
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.set_prepared_statement_cache_capacity(64);
        schema::migrate(&mut conn)?;
        // Damaged pages anywhere in the file (a failing disk, a copy cut short) are
        // found now, before a write could go into such a file (about 0.1 s per 160 MB).
        let damaged = readers.is_some() && !intact(&conn)?;
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

/// True when `PRAGMA quick_check` finds the file whole.
fn intact(conn: &Connection) -> Result<bool> {
    match conn.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
        Ok(answer) => Ok(answer == "ok"),
        Err(e) => match Error::from(e) {
            Error::NotADatabase => Ok(false),
            other => Err(other),
        },
    }
}

/// Runs an open of `path`; when it is refused and the file did not exist before, the
/// files the attempt created are removed: a refused open leaves nothing behind.
fn remove_if_refused(
    path: &Path,
    open: impl FnOnce() -> Result<SqliteStore>,
) -> Result<SqliteStore> {
    let existed = path.exists();
    let opened = open();
    if opened.is_err() && !existed {
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
            return readers.read(f);
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

    /// Damaged pages in the middle of the file (not the schema) are found at open:
    /// reads still work where they can, writes are refused with a typed error and the
    /// file is left as it is.
    #[test]
    fn damaged_pages_in_the_middle_are_found_at_open_and_writes_refused() {
        let dir = tempdir();
        let path = dir.join("middle.sqlite");
        let mut bytes = database_with_rows(&path);
        let middle = bytes.len() / 2 / 4096 * 4096;
        for b in &mut bytes[middle..middle + 3000] {
            *b = 0x5A;
        }
        std::fs::write(&path, &bytes).unwrap();
        {
            let opened = SqliteStore::open(&path).unwrap();
            let store: &dyn Store = &opened;
            let users = store.read(|tx| tx.user_count());
            assert!(users.is_ok(), "reads work: {users:?}");
            for _ in 0..3 {
                let written = store.write(|tx| tx.user_count().map(|_| ()));
                assert!(matches!(written, Err(Error::Damaged)), "{written:?}");
            }
        }
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
