//! The search index of an encrypted database, kept on disk encrypted (issue 20).
//!
//! The index is read from memory, as before: [`EncryptedDir`] is a tantivy
//! [`Directory`] over a [`RamDirectory`] that also writes every file it is given to
//! the index folder, encrypted with XChaCha20-Poly1305 under a random 256-bit key the
//! database itself holds (so the key is as safe as the database, and changes with
//! [`crate::Sfa::change_key`]). Opening reads and decrypts the folder back into memory
//! instead of rebuilding the index from every record. Each file is
//! `MAGIC | nonce (24 bytes) | ciphertext and tag`, its name the associated data (a
//! file moved to another name does not decrypt); the folder never holds plaintext.
//!
//! Segment files are written once and fsynced when tantivy terminates them, before the
//! `meta.json` that names them is replaced atomically (write, fsync, rename), as the
//! memory-mapped directory does; a file that does not decrypt when the folder is read
//! back (a crash, damage, another key) makes the whole folder start over: the index is
//! rebuilt from the database, the source of truth. tantivy's locks stay in memory. One
//! handle at a time keeps the folder ([`claim`]: a lock on `<folder>.owner`, in any
//! process); a second handle opened meanwhile keeps its index in memory only, as
//! before, and builds it on its first catch-up.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, PoisonError, RwLock};

use crate::store::Store;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    AntiCallToken, Directory, DirectoryLock, FileHandle, Lock, RamDirectory, TerminatingWrite,
    WatchCallback, WatchHandle, WritePtr,
};

/// The first bytes of every encrypted index file (format version 1).
const MAGIC: &[u8; 8] = b"SFAIDX1\0";
const NONCE_BYTES: usize = 24;
/// Files being written to disk, renamed into place once whole.
const TEMP_SUFFIX: &str = ".part";

/// A 256-bit key for the index files.
#[derive(Clone)]
pub(crate) struct IndexKey([u8; 32]);

impl IndexKey {
    /// A new random key.
    pub(crate) fn random() -> io::Result<IndexKey> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(io::Error::other)?;
        Ok(IndexKey(key))
    }

    /// The key as the database keeps it (hex).
    pub(crate) fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A key kept as hex; `None` when malformed.
    pub(crate) fn from_hex(text: &str) -> Option<IndexKey> {
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut key = [0u8; 32];
        for (i, pair) in bytes.chunks(2).enumerate() {
            let pair = std::str::from_utf8(pair).ok()?;
            key[i] = u8::from_str_radix(pair, 16).ok()?;
        }
        Some(IndexKey(key))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

impl std::fmt::Debug for IndexKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IndexKey(..)")
    }
}

/// The setting (in the encrypted database's `meta`) holding the index key.
const KEY_SETTING: &str = "search_index_key";

/// The index key kept in `store`, made (and kept) on first use.
pub(crate) fn key_of(store: &dyn Store) -> crate::Result<IndexKey> {
    let kept = |tx: &mut dyn crate::store::ReadTx| -> crate::Result<Option<IndexKey>> {
        Ok(tx
            .sync_setting(KEY_SETTING)?
            .and_then(|t| IndexKey::from_hex(&t)))
    };
    if let Some(key) = store.read(|tx| kept(tx))? {
        return Ok(key);
    }
    store.write(|tx| {
        if let Some(key) = kept(tx)? {
            return Ok(key);
        }
        let key = IndexKey::random()?;
        tx.set_sync_setting(KEY_SETTING, &key.to_hex())?;
        Ok(key)
    })
}

/// A new index key, kept in `store` in place of the old one.
pub(crate) fn new_key(store: &dyn Store) -> crate::Result<IndexKey> {
    let key = IndexKey::random()?;
    store.write(|tx| tx.set_sync_setting(KEY_SETTING, &key.to_hex()))?;
    Ok(key)
}

/// This handle's claim on `folder` (an exclusive lock on `<folder>.owner`, released
/// when the file is dropped), or `None` when another handle holds it.
pub(crate) fn claim(folder: &Path) -> crate::Result<Option<fs::File>> {
    let mut name = folder.as_os_str().to_owned();
    name.push(".owner");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => Ok(None),
        Err(fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

/// An empty folder (whatever was there is removed) read through memory with `key`.
pub(crate) fn fresh(folder: &Path, key: IndexKey) -> crate::Result<EncryptedDir> {
    if folder.exists() {
        fs::remove_dir_all(folder)?;
    }
    match EncryptedDir::load(folder, key) {
        Ok(dir) => Ok(dir),
        Err(LoadError::Io(e)) => Err(e.into()),
        Err(LoadError::Unreadable) => Err(crate::Error::Io(io::Error::other(
            "a new search index folder did not read back",
        ))),
    }
}

/// An index folder whose files are encrypted, read through memory. Clones (tantivy
/// keeps several) share the files and the key.
#[derive(Clone, Debug)]
pub(crate) struct EncryptedDir {
    ram: RamDirectory,
    folder: Arc<Path>,
    key: Arc<RwLock<IndexKey>>,
}

/// Why a folder could not be read back.
#[derive(Debug)]
pub(crate) enum LoadError {
    /// Reading the folder failed.
    Io(io::Error),
    /// A file does not decrypt (damage, a crash mid-way, another key): start over.
    Unreadable,
}

impl From<io::Error> for LoadError {
    fn from(e: io::Error) -> Self {
        LoadError::Io(e)
    }
}

impl EncryptedDir {
    /// Reads every file of `folder` (created when missing) into memory, decrypting
    /// each with `key`.
    pub(crate) fn load(folder: &Path, key: IndexKey) -> Result<EncryptedDir, LoadError> {
        fs::create_dir_all(folder)?;
        let dir = EncryptedDir {
            ram: RamDirectory::create(),
            folder: Arc::from(folder),
            key: Arc::new(RwLock::new(key)),
        };
        let mut files = BTreeMap::new();
        for entry in fs::read_dir(folder)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !entry.file_type()?.is_file() {
                continue;
            }
            if name.ends_with(TEMP_SUFFIX) {
                // A write that never finished; its file was never named by meta.json.
                let _ = fs::remove_file(entry.path());
                continue;
            }
            let sealed = fs::read(entry.path())?;
            let plain = dir.open(&name, &sealed).ok_or(LoadError::Unreadable)?;
            files.insert(name, plain);
        }
        for (name, plain) in files {
            dir.ram.atomic_write(Path::new(&name), &plain)?;
        }
        Ok(dir)
    }

    /// The key the files are encrypted with now.
    pub(crate) fn key(&self) -> IndexKey {
        self.key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Encrypts the folder with `key` from now on: every file is written again (the
    /// caller keeps other writes out meanwhile). A crash part-way leaves files of both
    /// keys, which the next open reads as unreadable and rebuilds.
    pub(crate) fn rekey(&self, key: IndexKey) -> io::Result<()> {
        *self.key.write().unwrap_or_else(PoisonError::into_inner) = key;
        let mut names: Vec<String> = fs::read_dir(&*self.folder)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(TEMP_SUFFIX))
            .collect();
        // meta.json last: it names the others.
        names.sort_by_key(|n| n == "meta.json");
        for name in names {
            if let Ok(bytes) = self.ram.atomic_read(Path::new(&name)) {
                self.store(&name, &bytes)?;
            }
        }
        Ok(())
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        self.key
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .cipher()
    }

    fn seal(&self, name: &str, plain: &[u8]) -> io::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(io::Error::other)?;
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plain,
                    aad: name.as_bytes(),
                },
            )
            .map_err(|_| io::Error::other("the search index file could not be encrypted"))?;
        let mut out = Vec::with_capacity(MAGIC.len() + NONCE_BYTES + sealed.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    fn open(&self, name: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        let rest = sealed.strip_prefix(MAGIC.as_slice())?;
        if rest.len() < NONCE_BYTES {
            return None;
        }
        let (nonce, body) = rest.split_at(NONCE_BYTES);
        let nonce = XNonce::try_from(nonce).ok()?;
        self.cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: body,
                    aad: name.as_bytes(),
                },
            )
            .ok()
    }

    /// Writes `plain` encrypted as `name`: to a temporary file, fsynced, then renamed
    /// over the old one.
    fn store(&self, name: &str, plain: &[u8]) -> io::Result<()> {
        let sealed = self.seal(name, plain)?;
        fs::create_dir_all(&*self.folder)?;
        let target = self.folder.join(name);
        let mut temp_name = target.clone().into_os_string();
        temp_name.push(TEMP_SUFFIX);
        let temp = PathBuf::from(temp_name);
        {
            let mut file = fs::File::create(&temp)?;
            file.write_all(&sealed)?;
            file.sync_all()?;
        }
        fs::rename(&temp, &target)
    }
}

/// Writes into memory, and on terminate encrypts the whole file to disk.
struct SealingWriter {
    dir: EncryptedDir,
    path: PathBuf,
    inner: Option<WritePtr>,
}

impl Write for SealingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.inner {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("the index file is already written")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.inner {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl TerminatingWrite for SealingWriter {
    fn terminate_ref(&mut self, _: AntiCallToken) -> io::Result<()> {
        let Some(inner) = self.inner.take() else {
            return Ok(());
        };
        inner.terminate()?;
        let bytes = self
            .dir
            .ram
            .open_read(&self.path)
            .map_err(io::Error::other)?
            .read_bytes()?;
        self.dir
            .store(&self.path.to_string_lossy(), bytes.as_slice())
    }
}

impl Directory for EncryptedDir {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        self.ram.get_file_handle(path)
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.ram.delete(path)?;
        match fs::remove_file(self.folder.join(path)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(DeleteError::IoError {
                io_error: Arc::new(e),
                filepath: path.to_path_buf(),
            }),
        }
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.ram.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        let inner = self.ram.open_write(path)?;
        Ok(BufWriter::new(Box::new(SealingWriter {
            dir: self.clone(),
            path: path.to_path_buf(),
            inner: Some(inner),
        })))
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.ram.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.store(&path.to_string_lossy(), data)?;
        self.ram.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        #[cfg(unix)]
        fs::File::open(&*self.folder)?.sync_all()?;
        Ok(())
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        // In memory: a lock file on disk would outlive a crash.
        self.ram.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.ram.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sfa-encrypted-dir-{name}-{}", uuid::Uuid::now_v7()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn write(dir: &EncryptedDir, name: &str, bytes: &[u8]) {
        let mut w = dir.open_write(Path::new(name)).expect("open");
        w.write_all(bytes).expect("write");
        w.terminate().expect("terminate");
    }

    #[test]
    fn files_round_trip_through_the_folder_and_never_hold_plaintext() {
        let path = folder("round-trip");
        let key = IndexKey::random().expect("key");
        let dir = EncryptedDir::load(&path, key.clone()).expect("load");
        let secret = "株式会社秘密商事 ひみつ@example.jp".repeat(50);
        write(&dir, "seg.idx", secret.as_bytes());
        dir.atomic_write(Path::new("meta.json"), b"{\"secret\":\"meta\"}")
            .expect("meta");
        for entry in fs::read_dir(&path).expect("list") {
            let bytes = fs::read(entry.expect("entry").path()).expect("read");
            assert!(bytes.starts_with(MAGIC));
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("秘密") && !text.contains("secret"));
        }
        let again = EncryptedDir::load(&path, key).expect("reload");
        assert_eq!(
            again.atomic_read(Path::new("seg.idx")).expect("seg"),
            secret.as_bytes()
        );
        assert_eq!(
            again.atomic_read(Path::new("meta.json")).expect("meta"),
            b"{\"secret\":\"meta\"}"
        );
        again.delete(Path::new("seg.idx")).expect("delete");
        assert!(!path.join("seg.idx").exists());
        fs::remove_dir_all(&path).expect("clean");
    }

    #[test]
    fn another_key_a_renamed_or_a_damaged_file_does_not_read() {
        let path = folder("refused");
        let key = IndexKey::random().expect("key");
        let dir = EncryptedDir::load(&path, key.clone()).expect("load");
        write(&dir, "a.idx", b"some index bytes");
        let other = IndexKey::random().expect("other");
        assert!(matches!(
            EncryptedDir::load(&path, other),
            Err(LoadError::Unreadable)
        ));
        fs::rename(path.join("a.idx"), path.join("b.idx")).expect("rename");
        assert!(matches!(
            EncryptedDir::load(&path, key.clone()),
            Err(LoadError::Unreadable)
        ));
        fs::rename(path.join("b.idx"), path.join("a.idx")).expect("rename back");
        let mut bytes = fs::read(path.join("a.idx")).expect("read");
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        fs::write(path.join("a.idx"), bytes).expect("damage");
        assert!(matches!(
            EncryptedDir::load(&path, key),
            Err(LoadError::Unreadable)
        ));
        fs::remove_dir_all(&path).expect("clean");
    }

    #[test]
    fn a_rekeyed_folder_reads_with_the_new_key_only() {
        let path = folder("rekey");
        let old = IndexKey::random().expect("key");
        let dir = EncryptedDir::load(&path, old.clone()).expect("load");
        write(&dir, "a.idx", b"index bytes");
        dir.atomic_write(Path::new("meta.json"), b"{}")
            .expect("meta");
        let before = fs::read(path.join("a.idx")).expect("read");
        let new = IndexKey::random().expect("new");
        dir.rekey(new.clone()).expect("rekey");
        assert_ne!(fs::read(path.join("a.idx")).expect("read"), before);
        assert!(matches!(
            EncryptedDir::load(&path, old),
            Err(LoadError::Unreadable)
        ));
        let again = EncryptedDir::load(&path, new.clone()).expect("new key reads");
        assert_eq!(
            again.atomic_read(Path::new("a.idx")).expect("a"),
            b"index bytes"
        );
        assert_eq!(IndexKey::from_hex(&new.to_hex()).map(|k| k.0), Some(new.0));
        assert!(IndexKey::from_hex("not hex").is_none());
        fs::remove_dir_all(&path).expect("clean");
    }
}
