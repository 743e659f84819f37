//! Encrypted database files (feature `encryption`): SQLCipher 4, AES-256 with a key
//! stretched by PBKDF2; every page of the file and of its log is encrypted.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::SqliteStore;
use super::readers::Readers;
use crate::error::Result;

/// A key must not be empty (SQLCipher would silently leave the file in plaintext)
/// nor hold a NUL (SQL text cannot carry it; the error would quote the statement).
fn check_key(key: &str) -> Result<()> {
    let refuse = |reason| {
        Err(crate::ValidationError::single(crate::error::Entity::Database, "key", reason).into())
    };
    if key.is_empty() {
        return refuse(crate::Reason::Required);
    }
    if key.contains('\0') {
        return refuse(crate::Reason::ControlCharacters);
    }
    Ok(())
}

/// Gives a key to a connection. Whatever fails, the error never quotes the statement
/// (which holds the key).
pub(super) fn apply_key(conn: &Connection, pragma: &str, key: &str) -> Result<()> {
    conn.pragma_update(None, pragma, key).map_err(|_| {
        crate::Error::Storage(crate::error::StorageError::message(
            "the database did not take the key",
        ))
    })
}

impl SqliteStore {
    /// Opens (creating when missing) a database file encrypted with SQLCipher
    /// (AES-256, a key derived from `key` with PBKDF2). Every page of the file and of
    /// its write-ahead log is encrypted, and temporary tables stay in memory. A wrong
    /// key (or a plaintext file) is [`crate::Error::WrongKey`], with the file untouched.
    pub fn open_encrypted(path: impl AsRef<Path>, key: &str) -> Result<SqliteStore> {
        check_key(key)?;
        // Names SQLCipher's provider setup from Rust, so every link that can open an
        // encrypted file holds it (see `cipher_provider::linked`).
        std::hint::black_box(super::cipher_provider::linked());
        let path = path.as_ref();
        super::remove_if_refused(path, || {
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let unclean = super::left_unclean(path);
            let conn = Connection::open_with_flags(path, flags)?;
            let readers = Readers::new(path.to_path_buf(), Some(key.to_string()));
            // A wrong key is reported as an error, not logged to the app's stderr.
            conn.query_row("PRAGMA cipher_log_level = NONE", [], |_| Ok(()))?;
            apply_key(&conn, "key", key)?;
            conn.pragma_update(None, "temp_store", "MEMORY")?;
            match Self::init(conn, Some(readers), unclean) {
                Err(crate::Error::NotADatabase) => Err(crate::Error::WrongKey),
                Ok(mut store) => {
                    store.encrypted = true;
                    Ok(store)
                }
                other => other,
            }
        })
    }

    /// Re-encrypts every page with `new_key`. SQLCipher 4 rekeys only outside WAL
    /// mode, which needs the only connection to the file: with another handle open
    /// this is [`crate::Error::KeyChangeBusy`] and nothing changes.
    pub(super) fn rekey(&self, new_key: &str) -> Result<()> {
        check_key(new_key)?;
        let conn = self.lock();
        if let Some(readers) = &self.readers {
            readers.close_idle();
        }
        // Another connection keeps the file in WAL mode: SQLite answers "busy" or
        // leaves the mode as it was.
        let mode = match conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        }) {
            Err(rusqlite::Error::SqliteFailure(f, _))
                if f.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                return Err(crate::Error::KeyChangeBusy);
            }
            other => other?,
        };
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(crate::Error::KeyChangeBusy);
        }
        let rekeyed = apply_key(&conn, "rekey", new_key);
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        rekeyed?;
        if let Some(readers) = &self.readers {
            readers.set_key(new_key.to_string());
        }
        Ok(())
    }
}
