//! Opening a database on the default store: an SQLite file (plain, or encrypted at rest
//! with the `encryption` feature) or a private in-memory database.

use std::path::Path;
use std::sync::Arc;

use super::SqliteStore;
use crate::error::Result;
use crate::search::{SearchIndex, index_dir_for};
use crate::store::Store;
use crate::workflow::Sfa;

impl Sfa {
    /// Opens (creating when missing) the SQLite database file at `path`, and its search
    /// index beside it (`<path>.search/`). The index applies whatever changes it missed
    /// (a crash between the two commits) and is rebuilt if missing, damaged, or not
    /// this database's.
    pub fn open(path: impl AsRef<Path>) -> Result<Sfa> {
        let path = path.as_ref();
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(path)?);
        let index = SearchIndex::open_dir(&index_dir_for(path))?;
        Sfa::with_store_and_index(store, index, true)
    }

    /// Opens (creating when missing) a database file encrypted at rest with `key`
    /// (SQLCipher: AES-256, the key stretched with PBKDF2), and its search index beside
    /// it (`<path>.search/`), whose files are encrypted too (with a random key the
    /// database holds; see [`crate::search`]) and read into memory: reopening reads the
    /// index back rather than rebuilding it. The index is never on disk in plaintext.
    /// A wrong key is [`crate::Error::WrongKey`]; a build without the cargo feature
    /// `encryption` answers [`crate::Error::EncryptionUnavailable`].
    pub fn open_encrypted(path: impl AsRef<Path>, key: &str) -> Result<Sfa> {
        #[cfg(feature = "encryption")]
        {
            let path = path.as_ref();
            let store: Arc<dyn Store> = Arc::new(SqliteStore::open_encrypted(path, key)?);
            let index_key = crate::search::encrypted_dir::key_of(store.as_ref())?;
            let index = SearchIndex::open_encrypted_dir(&index_dir_for(path), index_key)?;
            Sfa::with_store_and_index(store, index, false)
        }
        #[cfg(not(feature = "encryption"))]
        {
            let _ = (path, key);
            Err(crate::Error::EncryptionUnavailable)
        }
    }

    /// A private in-memory database (and search index), for tests and previews.
    pub fn open_in_memory() -> Result<Sfa> {
        Sfa::with_store(Arc::new(SqliteStore::open_in_memory()?))
    }
}
