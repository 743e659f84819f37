//! Reader connections of a file database, so that reads never wait for a write: in WAL
//! mode each reader sees the last committed snapshot while the one writer works. Idle
//! readers are kept for reuse (a few); more are opened when threads read at once.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::BUSY_TIMEOUT;
use super::tx::SqliteTx;
use crate::error::Result;
use crate::store::ReadTx;

/// Idle readers kept open; more are opened on demand and closed after use.
const MAX_IDLE: usize = 4;

pub(super) struct Readers {
    path: PathBuf,
    /// The encryption key every new reader must give (SQLCipher).
    key: Mutex<Option<String>>,
    idle: Mutex<Vec<Connection>>,
}

impl std::fmt::Debug for Readers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Readers")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Readers {
    pub(super) fn new(path: PathBuf, key: Option<String>) -> Readers {
        Readers {
            path,
            key: Mutex::new(key),
            idle: Mutex::new(Vec::new()),
        }
    }

    fn open(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&self.path, flags)?;
        // Only an encrypted store's readers have a key (the feature is on then).
        #[cfg(feature = "encryption")]
        if let Some(key) = lock(&self.key).as_deref() {
            conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
            super::encryption::apply_key(&conn, "key", key)?;
            conn.pragma_update(None, "temp_store", "MEMORY")?;
        }
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // A reader never writes; a bug that tried would fail here, not corrupt.
        conn.pragma_update(None, "query_only", true)?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    /// Runs `f` in a read transaction on an idle (or new) reader. The reader is kept for
    /// the next read whenever its transaction ended cleanly, also when `f` failed: a
    /// refusal (not found, not allowed) must not cost the next read a new connection
    /// (an open and its statements prepared again: about a millisecond).
    pub(super) fn read(&self, f: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()> {
        let idle = lock(&self.idle).pop();
        let mut conn = match idle {
            Some(conn) => conn,
            None => self.open()?,
        };
        let outcome = {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            match f(&mut SqliteTx::new(&tx)) {
                Ok(()) => {
                    tx.commit()?;
                    Ok(())
                }
                Err(e) => match tx.rollback() {
                    Ok(()) => Err(e),
                    // A reader whose transaction did not end is not kept.
                    Err(_) => return Err(e),
                },
            }
        };
        let mut idle = lock(&self.idle);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
        outcome
    }

    /// Closes the idle readers (before a key change, which needs the only connection).
    #[cfg_attr(not(feature = "encryption"), allow(dead_code))]
    pub(super) fn close_idle(&self) {
        lock(&self.idle).clear();
    }

    /// The key new readers give from now on.
    #[cfg_attr(not(feature = "encryption"), allow(dead_code))]
    pub(super) fn set_key(&self, key: String) {
        *lock(&self.key) = Some(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Entity, Error};
    use crate::store::sqlite::SqliteStore;

    #[test]
    fn a_failed_read_keeps_its_reader_for_the_next() {
        let dir = crate::store::sqlite::tests::tempdir();
        let store = SqliteStore::open(dir.join("readers.sqlite")).expect("store");
        let readers = store.readers.as_ref().expect("a file has readers");
        readers.read(&mut |_| Ok(())).expect("read");
        assert_eq!(lock(&readers.idle).len(), 1);
        for _ in 0..3 {
            let refused = readers.read(&mut |_| {
                Err(Error::NotFound {
                    entity: Entity::Company,
                    id: "x".into(),
                })
            });
            assert!(matches!(refused, Err(Error::NotFound { .. })));
            // The same reader, back in the pool, its transaction ended.
            let idle = lock(&readers.idle);
            assert_eq!(idle.len(), 1);
            assert!(idle[0].is_autocommit());
        }
        drop(store);
        std::fs::remove_dir_all(dir).ok();
    }
}
