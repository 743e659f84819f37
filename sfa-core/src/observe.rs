//! Observers: a screen asks to hear which records changed, after each commit, and is
//! told the kinds and ids (then reads what it shows again).
//!
//! Every store keeps the sync log (one row per record with the seq of its latest
//! change, in commit order), so one watcher thread per open database follows it with
//! a cursor: woken right after this handle's own commits (and a sync's pages), and
//! every [`POLL_INTERVAL`] otherwise, so that a write made through another handle or
//! process (or a sync) is heard too. Each observer hears the changes committed after
//! it was registered, of the kinds it asked for, in commit order, on the watcher's
//! thread (hand them to the UI thread yourself). Dropping or closing the
//! [`Observation`] stops it; the thread stops with the database's last handle.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError, Weak};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::{Entity, Reason, Result, ValidationError};
use crate::store::Store;
use crate::sync::RecordKey;

/// How often the watcher looks for changes made through other handles or processes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(200);

/// The kinds of record an observer may ask for.
pub const OBSERVABLE_KINDS: &[&str] = crate::sync::RECORD_KINDS;

/// What an observer is told: the records changed by one or more commits.
pub type Listener = Arc<dyn Fn(&[RecordKey]) + Send + Sync>;

struct Entry {
    id: u64,
    kinds: HashSet<String>,
    /// Changes up to this seq were committed before the observer was registered.
    after: i64,
    listener: Listener,
}

#[derive(Default)]
struct Signal {
    kicked: bool,
    stop: bool,
}

/// The observers of one open database and its watcher thread.
#[derive(Default)]
pub(crate) struct Observers {
    entries: Mutex<Vec<Entry>>,
    next: AtomicU64,
    signal: Arc<(Mutex<Signal>, Condvar)>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Observers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Observers").finish_non_exhaustive()
    }
}

/// An observer while it lives: dropping it (or [`Observation::close`]) stops it.
#[derive(Debug)]
pub struct Observation {
    id: u64,
    observers: Weak<Observers>,
}

impl Observation {
    /// Stops the observer: it hears nothing more (a call in progress finishes).
    pub fn close(&self) {
        if let Some(observers) = self.observers.upgrade() {
            observers
                .entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .retain(|e| e.id != self.id);
        }
    }
}

impl Drop for Observation {
    fn drop(&mut self) {
        self.close();
    }
}

impl Observers {
    /// Registers an observer of `kinds`, starting the watcher when it is the first.
    pub(crate) fn observe(
        self: &Arc<Self>,
        store: &Arc<dyn Store>,
        kinds: &[String],
        listener: Listener,
    ) -> Result<Observation> {
        if kinds.is_empty()
            || kinds
                .iter()
                .any(|k| !OBSERVABLE_KINDS.contains(&k.as_str()))
        {
            return Err(
                ValidationError::single(Entity::Database, "kinds", Reason::NotAllowed).into(),
            );
        }
        let after = store.read(|tx| tx.sync_head())?;
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Entry {
                id,
                kinds: kinds.iter().cloned().collect(),
                after,
                listener,
            });
        self.start(store, after)?;
        Ok(Observation {
            id,
            observers: Arc::downgrade(self),
        })
    }

    fn start(self: &Arc<Self>, store: &Arc<dyn Store>, from: i64) -> Result<()> {
        let mut thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner);
        if thread.is_some() {
            return Ok(());
        }
        let observers = Arc::downgrade(self);
        let store = Arc::clone(store);
        let signal = Arc::clone(&self.signal);
        let spawned = std::thread::Builder::new()
            .name("sfa-observers".into())
            .spawn(move || watch(&observers, store.as_ref(), &signal, from))
            .map_err(crate::Error::Io)?;
        *thread = Some(spawned);
        Ok(())
    }

    /// Wakes the watcher after a commit of this handle (cheap when nobody observes).
    pub(crate) fn kick(&self) {
        let (lock, wake) = &*self.signal;
        lock.lock().unwrap_or_else(PoisonError::into_inner).kicked = true;
        wake.notify_one();
    }

    /// Stops the watcher and waits for it.
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
/// the watcher is stopped and waited for.
#[derive(Debug)]
pub(crate) struct ObserversGuard(pub(crate) Arc<Observers>);

impl Drop for ObserversGuard {
    fn drop(&mut self) {
        self.0.stop();
    }
}

fn watch(
    observers: &Weak<Observers>,
    store: &dyn Store,
    signal: &(Mutex<Signal>, Condvar),
    from: i64,
) {
    let (lock, wake) = signal;
    let mut cursor = from;
    loop {
        {
            let mut s = lock.lock().unwrap_or_else(PoisonError::into_inner);
            if !s.kicked && !s.stop {
                s = wake
                    .wait_timeout(s, POLL_INTERVAL)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            if s.stop {
                return;
            }
            s.kicked = false;
        }
        let Some(observers) = observers.upgrade() else {
            return;
        };
        // A failed read is tried again at the next wake.
        while let Ok(changes) = store.read(|tx| tx.sync_changes(cursor, 1000)) {
            let Some(last) = changes.last() else { break };
            cursor = last.seq;
            let entries: Vec<(HashSet<String>, i64, Listener)> = observers
                .entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .map(|e| (e.kinds.clone(), e.after, Arc::clone(&e.listener)))
                .collect();
            for (kinds, after, listener) in entries {
                let keys: Vec<RecordKey> = changes
                    .iter()
                    .filter(|c| c.seq > after && kinds.contains(&c.kind))
                    .map(|c| RecordKey {
                        kind: c.kind.clone(),
                        id: c.id.clone(),
                    })
                    .collect();
                if !keys.is_empty() {
                    // An observer that panics is not the others' problem.
                    let _ = catch_unwind(AssertUnwindSafe(|| listener(&keys)));
                }
            }
        }
    }
}
