//! Kotlin and Swift bindings for `sfa-core` (uniffi proc-macros).
//!
//! A thin layer: an [`Sfa`] object per open database and a [`Session`] object per
//! acting user, each method one call into the core. The records, enums and ids are the
//! core's own types, declared to uniffi in `records.rs` (generated from the core's
//! sources by `tools/gen_records.py`; the compiler checks each field). Instants, dates
//! and exact decimals cross as text and surface as `java.time.Instant`,
//! `java.time.LocalDate` and `java.math.BigDecimal` in Kotlin (`uniffi.toml`); a
//! malformed value is a validation error. One public error, [`SfaError`], is mapped
//! from the core's in one `From`. Panics unwind (every profile keeps
//! `panic = "unwind"`) and uniffi turns them into errors, never aborts.
//!
//! The session's methods that are the core's `Session` calls one to one are generated
//! from the core's signatures and doc comments into `session_calls.rs` (by
//! `tools/gen_calls.py`); the others live by concern: `csv.rs` (imports with progress
//! and exports, files as bytes), `analytics.rs` (`campaign_roi`), `sync.rs` (offline
//! sync as bytes the app moves), `observe.rs` (observers of changes).
//!
//! Every call here blocks. Their `suspend` (Kotlin) and `async` (Swift) twins,
//! `AsyncSession` and `AsyncSfa`, are written in Kotlin and Swift beside the bindings
//! by `sfa-ffi-bindgen` (from this library's metadata) and run each call on the
//! platform's own threads for blocking work: no Rust future is made per call, which
//! kept 0.55 MB out of the library (BENCHMARKS.md, "Mobile library size").

mod analytics;
mod csv;
mod error;
mod observe;
mod pages;
mod records;
mod session_calls;
mod sync;
#[cfg(feature = "sync-server")]
mod sync_server;
mod types;

use std::sync::Arc;

use sfa_core::{CompanyLinks, ContactLinks, UserId};

pub use error::SfaError;
pub use pages::{
    CardPage, CompanyPage, DealPage, ImportReport, InteractionPage, PersonPage, SkippedRow,
};

uniffi::setup_scaffolding!();

/// Reports the progress of a long call.
#[uniffi::export(callback_interface)]
pub trait Progress: Send + Sync {
    /// `done` of `total` units processed (records for an index rebuild, bytes read
    /// for an import).
    fn on_progress(&self, done: i64, total: i64);
}

/// A count as the bindings carry it (signed: `Long` in Kotlin, `Int64` in Swift).
pub(crate) fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Passes the core's progress on to the app's [`Progress`].
fn reporting(progress: &dyn Progress) -> impl FnMut(u64, u64) + '_ {
    |done, total| progress.on_progress(count(done), count(total))
}

/// An open database. Safe to call from several threads.
#[derive(uniffi::Object)]
pub struct Sfa {
    inner: sfa_core::Sfa,
}

#[uniffi::export]
impl Sfa {
    /// Opens (creating when missing) the database file at `path`.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Sfa>, SfaError> {
        Ok(Arc::new(Sfa {
            inner: sfa_core::Sfa::open(path)?,
        }))
    }

    /// Opens (creating when missing) a database file encrypted at rest with `key`
    /// (SQLCipher; its search index's files are encrypted too). A wrong key is
    /// `SfaError::WrongKey`; a library built without the cargo feature `encryption`
    /// answers `Storage`.
    #[uniffi::constructor]
    pub fn open_encrypted(path: String, key: String) -> Result<Arc<Sfa>, SfaError> {
        Ok(Arc::new(Sfa {
            inner: sfa_core::Sfa::open_encrypted(path, &key)?,
        }))
    }

    /// A private in-memory database.
    #[uniffi::constructor]
    pub fn open_in_memory() -> Result<Arc<Sfa>, SfaError> {
        Ok(Arc::new(Sfa {
            inner: sfa_core::Sfa::open_in_memory()?,
        }))
    }

    /// True once the first admin exists.
    pub fn has_users(&self) -> Result<bool, SfaError> {
        Ok(self.inner.has_users()?)
    }

    /// Creates the first user, an active admin, in an empty database.
    pub fn create_first_admin(
        &self,
        input: sfa_core::UserInput,
    ) -> Result<sfa_core::User, SfaError> {
        Ok(self.inner.create_first_admin(&input)?)
    }

    /// Acts as the user with this id.
    pub fn session(&self, user_id: UserId) -> Result<Arc<Session>, SfaError> {
        Ok(Arc::new(Session {
            inner: self.inner.session(user_id)?,
        }))
    }

    /// Acts as the user with this e-mail address.
    pub fn session_by_email(&self, email: String) -> Result<Arc<Session>, SfaError> {
        Ok(Arc::new(Session {
            inner: self.inner.session_by_email(&email)?,
        }))
    }

    /// Re-encrypts an encrypted database with `new_key` (needs the only open handle).
    pub fn change_key(&self, new_key: String) -> Result<(), SfaError> {
        Ok(self.inner.change_key(&new_key)?)
    }

    /// Indexes every company and person again, reporting progress; returns how many
    /// records were queued.
    pub fn rebuild_search_index(&self, progress: Box<dyn Progress>) -> Result<i64, SfaError> {
        let done = self
            .inner
            .rebuild_search_index(&mut reporting(&*progress))?;
        Ok(count(done))
    }

    /// Every stored record that today's rules refuse (written by an older version or
    /// outside the library): analytics leave them out; fix or archive what this lists.
    pub fn check_stored_records(&self) -> Result<Vec<sfa_core::RecordProblem>, SfaError> {
        Ok(self.inner.check_stored_records()?)
    }

    /// How many changes the search index has not applied yet.
    pub fn pending_search_changes(&self) -> Result<i64, SfaError> {
        Ok(count(self.inner.pending_search_changes()?))
    }

    /// Applies the changes the search index has not applied yet, reporting progress.
    pub fn catch_up_search_index(&self, progress: Box<dyn Progress>) -> Result<i64, SfaError> {
        let done = self
            .inner
            .catch_up_search_index(&mut reporting(&*progress))?;
        Ok(count(done))
    }
}

/// Acting as one user. Safe to call from several threads.
#[derive(uniffi::Object)]
pub struct Session {
    inner: sfa_core::Session,
}

/// The company's homepage and main phone as URIs to open.
#[uniffi::export]
pub fn company_links(company: sfa_core::Company) -> CompanyLinks {
    company.links()
}

/// The person's `mailto:` and `tel:` URIs.
#[uniffi::export]
pub fn person_links(person: sfa_core::Person) -> ContactLinks {
    person.contact_links()
}

/// Test-only (feature `fault-injection`): the next write, on any handle, panics before
/// it commits; the call gets an `InternalException` and nothing is stored.
#[cfg(feature = "fault-injection")]
#[uniffi::export]
pub fn fault_panic_in_next_write() {
    sfa_core::fault::panic_in_next_write();
}

/// Reads the OCR text of a business card into a draft to review (never stored).
#[uniffi::export]
pub fn parse_card_text(text: String) -> sfa_core::CardDraft {
    sfa_core::parse_card_text(&text)
}
