//! Test-only fault injection (cargo feature `fault-injection`; shipped builds do not
//! have it). Arms a panic inside the next write transaction, after its statements ran
//! and before it commits, so that tests in every language can prove that a panic rolls
//! the write back, reaches the host as an error, and leaves the library working.

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
