//! Observers: a screen hears which records changed after each commit (through this
//! handle, another one, or a sync), on the library's observer thread. See
//! `sfa_core::observe`.

use std::sync::{Arc, Mutex, PoisonError};

use sfa_core::sync::RecordKey;

use crate::{Sfa, SfaError};

/// Told which records changed; called on the library's observer thread (post to the
/// main thread, or into a `Flow`, from there).
#[uniffi::export(callback_interface)]
pub trait ChangeListener: Send + Sync {
    /// The records (kind and id) that one or more commits changed.
    fn on_change(&self, changes: Vec<RecordKey>);
}

/// A running observer; `stop()` ends it (and so does freeing the object: `close()` in
/// Kotlin, dropping it in Swift).
#[derive(uniffi::Object)]
pub struct Observation {
    inner: Mutex<Option<sfa_core::observe::Observation>>,
}

#[uniffi::export]
impl Observation {
    /// Stops the observer; stopping twice does nothing.
    pub fn stop(&self) {
        let observation = self
            .inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        drop(observation);
    }
}

#[uniffi::export]
impl Sfa {
    /// Calls `listener` with the records of `kinds` (`company`, `person`, `deal`,
    /// `task`, ...) that each later commit changed. Keep the `Observation` while the
    /// screen shows and stop it after.
    pub fn observe(
        &self,
        kinds: Vec<String>,
        listener: Box<dyn ChangeListener>,
    ) -> Result<Arc<Observation>, SfaError> {
        let listener: Arc<dyn ChangeListener> = Arc::from(listener);
        let observation = self.inner.observe(
            &kinds,
            Arc::new(move |keys: &[RecordKey]| listener.on_change(keys.to_vec())),
        )?;
        Ok(Arc::new(Observation {
            inner: Mutex::new(Some(observation)),
        }))
    }
}
