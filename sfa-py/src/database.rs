//! The native side of the package's `Sfa`: an open database, its calls that need no
//! acting user (opening, closing, the first admin, the search index, the key, the
//! sync client) and the sessions made from it.

use std::sync::{PoisonError, RwLock};
use std::time::Instant;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use sfa_core::Sfa;

use crate::args::arg;
use crate::envelope::{self, Failure, internal};
use crate::objects::{Reply, object};
use crate::session::NativeSession;
use crate::{PROGRESS_EVERY, answer, call_back, detached, guarded, keep_first, with_callbacks};

/// An open database (`Sfa`), shared by every session made from it; `None` once
/// closed.
#[pyclass(module = "sfa._sfa", frozen)]
pub(crate) struct Native {
    sfa: RwLock<Option<Sfa>>,
}

impl Native {
    fn new(sfa: Sfa) -> Native {
        Native {
            sfa: RwLock::new(Some(sfa)),
        }
    }

    /// The database for one call (a call in flight keeps it open until it returns).
    pub(crate) fn sfa(&self) -> Result<Sfa, Failure> {
        self.sfa
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(envelope::closed)
    }

    /// Runs `f` on the database without the GIL; answers as `NativeSession::call`.
    fn call<'py>(
        &self,
        py: Python<'py>,
        f: impl FnOnce(&Sfa) -> Result<Reply, Failure> + Send,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        answer(py, detached(py, move || f(&sfa?)))
    }
}

fn open_with(
    py: Python<'_>,
    open: impl FnOnce() -> sfa_core::Result<Sfa> + Send,
) -> (String, Option<Native>) {
    let mut handle = None;
    let envelope = {
        let handle = &mut handle;
        guarded(py, move || {
            *handle = Some(open()?);
            Ok(serde_json::Value::Null)
        })
    };
    (envelope, handle.map(Native::new))
}

#[pymethods]
impl Native {
    /// Opens (creating when missing) the database file at `path`. Returns an envelope
    /// and, on success, the handle.
    #[staticmethod]
    fn open(py: Python<'_>, path: String) -> (String, Option<Native>) {
        open_with(py, move || Sfa::open(path))
    }

    /// Opens (creating when missing) a database file encrypted with `key`.
    #[staticmethod]
    fn open_encrypted(py: Python<'_>, path: String, key: String) -> (String, Option<Native>) {
        open_with(py, move || Sfa::open_encrypted(path, &key))
    }

    /// Opens the tenant `tenant` (a PostgreSQL schema, created when missing) of the
    /// PostgreSQL database at `url` (a libpq connection string).
    #[staticmethod]
    fn open_postgres(py: Python<'_>, url: String, tenant: String) -> (String, Option<Native>) {
        open_with(py, move || Sfa::open_postgres(&url, &tenant))
    }

    /// A private in-memory database.
    #[staticmethod]
    fn open_in_memory(py: Python<'_>) -> (String, Option<Native>) {
        open_with(py, Sfa::open_in_memory)
    }

    /// Closes the database: later calls fail with a `closed` error; calls in flight
    /// finish first. Waits for the search index's background work, so the files can be
    /// copied or deleted once it returns (unless another handle has the file open).
    fn close(&self, py: Python<'_>) {
        let sfa = self
            .sfa
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        py.detach(move || drop(sfa));
    }

    /// The calls of the user `user_id` (checked by each call).
    fn session(slf: &Bound<'_, Self>, user_id: String) -> NativeSession {
        NativeSession::new(slf.clone().unbind(), user_id)
    }

    /// `Sfa::has_users`.
    fn has_users<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| object(sfa.has_users()?))
    }

    /// `Sfa::create_first_admin`.
    fn create_first_admin<'py>(
        &self,
        py: Python<'py>,
        input: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let input = arg(input, "input");
        self.call(py, move |sfa| object(sfa.create_first_admin(&input?)?))
    }

    /// The id of the user with this e-mail address (`Sfa::session_by_email`).
    fn user_by_email<'py>(
        &self,
        py: Python<'py>,
        email: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let email = arg::<String>(email, "email");
        self.call(py, move |sfa| {
            object(sfa.session_by_email(&email?)?.user_id().to_string())
        })
    }

    /// `Sfa::pending_search_changes`.
    fn pending_search_changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| object(sfa.pending_search_changes()?))
    }

    /// `Sfa::check_stored_records`.
    fn check_stored_records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| object(sfa.check_stored_records()?))
    }

    /// `Sfa::check_search_index`.
    fn check_search_index<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| object(sfa.check_search_index()?))
    }

    /// `Sfa::change_key`.
    fn change_key<'py>(
        &self,
        py: Python<'py>,
        new_key: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let new_key = arg::<String>(new_key, "new_key");
        self.call(py, move |sfa| object(sfa.change_key(&new_key?)?))
    }

    /// Catches the search index up (`rebuild`: indexes every record again); answers
    /// how many records. `progress(done, total)`, when given, is called as it goes (at
    /// most every 100 ms, and at the end); an exception it raises is raised once the
    /// work is done.
    #[pyo3(signature = (rebuild, progress=None))]
    fn index<'py>(
        &self,
        py: Python<'py>,
        rebuild: bool,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        with_callbacks(py, move |raised| {
            let sfa = sfa?;
            let mut last: Option<Instant> = None;
            let mut report = |done: u64, total: u64| {
                let Some(progress) = &progress else { return };
                let due = last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY);
                if !(due || done >= total) {
                    return;
                }
                last = Some(Instant::now());
                let _ = call_back(progress, raised, done, total);
            };
            let records = if rebuild {
                sfa.rebuild_search_index(&mut report)?
            } else {
                sfa.catch_up_search_index(&mut report)?
            };
            object(records)
        })
    }

    /// Makes this database a sync client (`SyncClient::enable`); answers its id.
    fn sync_enable<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| object(sfa.sync_client().enable()?))
    }

    /// `SyncClient::status`.
    fn sync_status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| object(sfa.sync_client().status()?))
    }

    /// `SyncClient::rejections`. A rejection holds the call as made and the server's
    /// records, of any kind: Python gets the core's JSON form of each, as dicts.
    fn sync_rejections<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        self.call(py, |sfa| {
            object(
                serde_json::to_value(sfa.sync_client().rejections()?)
                    .map_err(|e| internal(&e.to_string()))?,
            )
        })
    }

    /// `SyncClient::dismiss_rejection`.
    fn sync_dismiss_rejection<'py>(
        &self,
        py: Python<'py>,
        mutation_id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let mutation_id = arg::<String>(mutation_id, "mutation_id");
        self.call(py, move |sfa| {
            object(sfa.sync_client().dismiss_rejection(&mutation_id?)?)
        })
    }

    /// A whole sync (push until the outbox is empty, then pull until up to date) over
    /// the caller's transport: `transport(kind, body)` sends `body` to the server's
    /// `kind` endpoint (`push` or `pull`) and returns the answer's bytes. An exception
    /// `transport` raises stops the sync (what was applied stays applied) and is raised
    /// again here.
    fn sync_run<'py>(&self, py: Python<'py>, transport: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        with_callbacks(py, move |raised| {
            let mut send = |exchange: sfa_core::sync::Exchange<'_>| {
                let (kind, body) = match exchange {
                    sfa_core::sync::Exchange::Push(b) => ("push", b),
                    sfa_core::sync::Exchange::Pull(b) => ("pull", b),
                };
                Python::attach(|py| {
                    let answer = transport
                        .call1(py, (kind, PyBytes::new(py, body)))
                        .and_then(|a| a.extract::<Vec<u8>>(py));
                    answer.map_err(|e| {
                        keep_first(raised, e);
                        sfa_core::Error::Unavailable
                    })
                })
            };
            object(sfa?.sync_client().run(&mut send)?)
        })
    }

    /// Test-only (feature `fault-injection`, in the wheel test-all builds): the next
    /// write panics before it commits, to prove that the panic reaches Python as
    /// InternalError (not pyo3's PanicException) and nothing is half-written.
    #[cfg(feature = "fault-injection")]
    fn fault_panic_in_next_write(&self) {
        sfa_core::fault::panic_in_next_write();
    }
}
