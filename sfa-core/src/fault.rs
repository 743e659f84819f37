//! Test-only fault injection (cargo feature `fault-injection`; shipped builds do not
//! have it). Arms a panic inside the next write transaction, after its statements ran
//! and before it commits, so that tests in every language can prove that a panic rolls
//! the write back, reaches the host as an error, and leaves the library working; and
//! makes index commits fail (as on a full disk) to prove the index loses nothing.

use std::sync::atomic::{AtomicBool, Ordering};

static ARMED: AtomicBool = AtomicBool::new(false);

/// Makes the next write transaction (in this process, on any handle) panic before it
/// commits.
pub fn panic_in_next_write() {
    ARMED.store(true, Ordering::SeqCst);
}

/// Called by the store just before a write commits.
pub(crate) fn before_commit() {
    if ARMED.swap(false, Ordering::SeqCst) {
        panic!("fault injection: a deliberate panic before a commit");
    }
}

static INDEX_COMMITS_FAIL: AtomicBool = AtomicBool::new(false);

/// Makes every search-index commit (in this process) fail, as it would on a full disk,
/// until [`index_commits_work`] is called.
pub fn fail_index_commits() {
    INDEX_COMMITS_FAIL.store(true, Ordering::SeqCst);
}

/// Index commits work again ("space was freed").
pub fn index_commits_work() {
    INDEX_COMMITS_FAIL.store(false, Ordering::SeqCst);
}

/// Called by the search index just before it commits.
pub(crate) fn before_index_commit() -> std::io::Result<()> {
    if INDEX_COMMITS_FAIL.load(Ordering::SeqCst) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "fault injection: no space left on the device",
        ));
    }
    Ok(())
}
