//! The background indexer: after a write commits, the index catches up on a thread of
//! its own, so that a write returns at database speed (its index commit is not on the
//! caller's path) and the next search usually finds the index already caught up. A
//! search still catches up first (waiting for the indexer if it is at work), so it
//! sees every committed write. Bulk writes (more than [`EAGER_INDEX_CHANGES`] changes
//! waiting) are left to the next search or an explicit catch-up, as before.
//!
//! One thread per open database, started by the first write, idle on a condition
//! variable between writes. It stops when the last handle of the database is dropped,
//! which waits for it ([`IndexerGuard`]): nothing writes to the index once the last
//! handle is gone.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use super::SearchIndex;
use crate::store::Store;

/// Writes that leave at most this many changes waiting are indexed in the background
/// right after they commit; larger (bulk) writes leave it to the next search.
pub const EAGER_INDEX_CHANGES: u64 = 256;

/// How many changes the indexer applies per round when asked to work through a
/// backlog ([`SearchIndex::kick_all`]); it checks for a stop between rounds.
const BACKLOG_ROUND: u64 = 10_000;

#[derive(Debug, Default)]
struct Signal {
    /// A write committed since the indexer last looked.
    kicked: bool,
    /// Work through every waiting change, however many (a sync is pulling pages).
    all: bool,
    /// The index is being dropped.
    stop: bool,
}

/// The indexer's thread and the signal that wakes it.
#[derive(Debug, Default)]
pub(super) struct Indexer {
    signal: Arc<(Mutex<Signal>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl Indexer {
    /// Stops the thread and waits for it.
    fn stop(&self) {
        let (lock, wake) = &*self.signal;
        lock.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
        wake.notify_all();
        let thread = self
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(thread) = thread {
            let _ = thread.join();
        }
    }
}

/// Held by every handle of a database (through its clones); when the last one goes,
/// the indexer is stopped and waited for.
#[derive(Debug)]
pub(crate) struct IndexerGuard(Arc<SearchIndex>);

impl IndexerGuard {
    pub(crate) fn new(index: Arc<SearchIndex>) -> IndexerGuard {
        IndexerGuard(index)
    }
}

impl Drop for IndexerGuard {
    fn drop(&mut self) {
        self.0.indexer.stop();
    }
}

impl SearchIndex {
    /// Tells the indexer that a write committed (starting it on the first write).
    pub fn kick(self: &Arc<Self>, store: &Arc<dyn Store>) {
        self.wake(store, false);
    }

    /// Like [`SearchIndex::kick`], but the indexer works through every waiting change,
    /// however many, in rounds (a first sync pulls its pages while the index follows).
    pub fn kick_all(self: &Arc<Self>, store: &Arc<dyn Store>) {
        self.wake(store, true);
    }

    fn wake(self: &Arc<Self>, store: &Arc<dyn Store>, all: bool) {
        let mut thread = self
            .indexer
            .thread
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if thread.is_none() {
            let index = Arc::clone(self);
            let shared_store = Arc::clone(store);
            let signal = Arc::clone(&self.indexer.signal);
            let spawned = std::thread::Builder::new()
                .name("sfa-indexer".into())
                .spawn(move || run(&index, shared_store.as_ref(), &signal));
            match spawned {
                Ok(handle) => *thread = Some(handle),
                // No thread to be had: index on the caller's thread instead.
                Err(_) => {
                    drop(thread);
                    let _ = self.catch_up_if_small(store.as_ref(), EAGER_INDEX_CHANGES);
                    return;
                }
            }
        }
        drop(thread);
        let (lock, wake) = &*self.indexer.signal;
        {
            let mut signal = lock.lock().unwrap_or_else(PoisonError::into_inner);
            signal.kicked = true;
            signal.all |= all;
        }
        wake.notify_one();
    }
}

fn run(index: &SearchIndex, store: &dyn Store, signal: &(Mutex<Signal>, Condvar)) {
    let (lock, wake) = signal;
    loop {
        let all = {
            let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
            while !s.kicked && !s.stop {
                s = wake.wait(s).unwrap_or_else(PoisonError::into_inner);
            }
            if s.stop {
                return;
            }
            s.kicked = false;
            std::mem::take(&mut s.all)
        };
        // A failure here is not the write's: the changes stay in the log and the next
        // search (or write) applies them.
        if !all {
            let _ = index.catch_up_if_small(store, EAGER_INDEX_CHANGES);
            continue;
        }
        while let Ok(true) = index.catch_up_some(store, BACKLOG_ROUND) {
            if lock.lock().unwrap_or_else(PoisonError::into_inner).stop {
                return;
            }
        }
    }
}
