//! Python bindings for `sfa-core`: the native module `sfa._sfa`.
//!
//! The module is deliberately thin. Calls are dispatched by name in [`dispatch`] with
//! their arguments as JSON (the core's serde forms: decimals and dates as strings). The
//! everyday records (users, companies, persons, activities, tasks, masters, deals,
//! teams) come back built as the package's dataclasses by [`objects`]; other answers,
//! and every error, come back as an envelope, `{"ok": value}` or `{"error": {...}}`,
//! which the pure-Python package (`python/sfa/`) turns into typed records and a real
//! exception hierarchy. Long calls run with the GIL released, and a panic is caught and
//! reported as an internal error, never as `PanicException`.

mod args;
mod arrow;
mod dispatch;
mod envelope;
mod objects;

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString, PyTuple};
use sfa_core::{Sfa, UserId};

use envelope::{Outcome, internal, to_envelope};

/// How often a progress callback is called at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// An open database (`Sfa`), shared by every session made from it; `None` once
/// closed.
#[pyclass(module = "sfa._sfa", frozen)]
struct Native {
    sfa: RwLock<Option<Sfa>>,
}

impl Native {
    fn new(sfa: Sfa) -> Native {
        Native {
            sfa: RwLock::new(Some(sfa)),
        }
    }

    /// The database for one call (a call in flight keeps it open until it returns).
    fn sfa(&self) -> Result<Sfa, envelope::Failure> {
        self.sfa
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or_else(envelope::closed)
    }
}

/// Runs `f` without the GIL, a panic caught as an internal error.
fn detached<T: Send>(
    py: Python<'_>,
    f: impl FnOnce() -> Result<T, envelope::Failure> + Send,
) -> Result<T, envelope::Failure> {
    py.detach(|| {
        catch_unwind(AssertUnwindSafe(f))
            .unwrap_or_else(|_| Err(internal("the library panicked; this is a bug")))
    })
}

/// Runs `f` without the GIL, catching panics; its outcome as an envelope.
fn guarded(py: Python<'_>, f: impl FnOnce() -> Outcome + Send) -> String {
    to_envelope(detached(py, f))
}

/// Calls a Python progress callback with the GIL; an exception it raises is kept in
/// `failed` (the first one) and asks the work to stop.
fn call_back(
    progress: &Py<PyAny>,
    failed: &Mutex<Option<PyErr>>,
    done: u64,
    total: u64,
) -> ControlFlow<()> {
    Python::attach(|py| match progress.call1(py, (done, total)) {
        Ok(_) => ControlFlow::Continue(()),
        Err(e) => {
            failed
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get_or_insert(e);
            ControlFlow::Break(())
        }
    })
}

/// A session call's answer for the package: a 1-tuple holding the answer's Python
/// objects (built directly, see `objects`), or an envelope (text) holding the error.
fn answer<'py>(
    py: Python<'py>,
    reply: Result<objects::Reply, envelope::Failure>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = match reply {
        Ok(value) => match value.to_py(py) {
            Ok(object) => return Ok(PyTuple::new(py, [object])?.into_any()),
            // A stored value Python cannot hold (a date before year 1, say); any
            // other failure to build the objects is the library's bug.
            Err(e) if e.is_instance_of::<PyValueError>(py) => {
                to_envelope(Err(envelope::unreadable()))
            }
            Err(_) => to_envelope(Err(internal("the answer could not be built in Python"))),
        },
        Err(failure) => to_envelope(Err(failure)),
    };
    Ok(PyString::new(py, &text).into_any())
}

/// The session of a call made as `user_id` on the open database `sfa` (each call
/// checks its user in its own transaction: see `Sfa::session_unverified`).
fn acting(
    sfa: Result<Sfa, envelope::Failure>,
    user_id: &str,
) -> Result<sfa_core::Session, envelope::Failure> {
    let sfa = sfa?;
    let user: UserId = user_id
        .parse()
        .map_err(|_| envelope::invalid_argument("user_id", "is not a valid id"))?;
    Ok(sfa.session_unverified(user))
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

    /// A database-level call (no acting user: `has_users`, `create_first_admin`,
    /// `check_search_index`, the sync client's calls...), its arguments a `dict` as for
    /// `call`; answers as `call` does.
    fn database<'py>(
        &self,
        py: Python<'py>,
        method: String,
        args: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        let args = args::Args::from_dict(args);
        let reply = detached(py, move || dispatch::database(&sfa?, &method, &args?));
        answer(py, reply)
    }

    /// Catches the search index up (`rebuild`: indexes every record again); answers
    /// how many records, as `call` does. `progress(done, total)`, when given, is called
    /// as it goes (at most every 100 ms, and at the end); an exception it raises is
    /// raised once the work is done.
    #[pyo3(signature = (rebuild, progress=None))]
    fn index<'py>(
        &self,
        py: Python<'py>,
        rebuild: bool,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        let failed: Mutex<Option<PyErr>> = Mutex::new(None);
        let reply = {
            let failed = &failed;
            detached(py, move || {
                let sfa = sfa?;
                let mut last: Option<Instant> = None;
                let mut report = |done: u64, total: u64| {
                    let Some(progress) = &progress else { return };
                    let due = last.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY);
                    if !(due || done >= total) {
                        return;
                    }
                    last = Some(Instant::now());
                    let _ = call_back(progress, failed, done, total);
                };
                let records = if rebuild {
                    sfa.rebuild_search_index(&mut report)?
                } else {
                    sfa.catch_up_search_index(&mut report)?
                };
                Ok(Box::new(records) as objects::Reply)
            })
        };
        match failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            Some(e) => Err(e),
            None => answer(py, reply),
        }
    }

    /// A whole sync (push until the outbox is empty, then pull until up to date) over
    /// the caller's transport: `transport(kind, body)` sends `body` to the server's
    /// `kind` endpoint (`push` or `pull`) and returns the answer's bytes. An exception
    /// `transport` raises stops the sync (what was applied stays applied) and is raised
    /// again here.
    fn sync_run<'py>(&self, py: Python<'py>, transport: Py<PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        let failed: Mutex<Option<PyErr>> = Mutex::new(None);
        let reply = {
            let failed = &failed;
            detached(py, move || {
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
                            failed
                                .lock()
                                .unwrap_or_else(PoisonError::into_inner)
                                .get_or_insert(e);
                            sfa_core::Error::Unavailable
                        })
                    })
                };
                let report = sfa?.sync_client().run(&mut send)?;
                Ok(Box::new(report) as objects::Reply)
            })
        };
        match failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            Some(e) => Err(e),
            None => answer(py, reply),
        }
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

    /// A call made as `user_id`: `method` is a `Session` method, `args` its arguments
    /// (a `dict` of JSON-able values, as the package's `encode` makes them). Answers a
    /// 1-tuple holding the answer's Python objects (built directly, see `objects`), or
    /// an envelope (text) holding a JSON answer or the error.
    fn call<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        method: String,
        args: &Bound<'py, PyDict>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        let args = args::Args::from_dict(args);
        let reply = detached(py, move || {
            let session = acting(sfa, &user_id)?;
            dispatch::session(&session, &method, &args?)
        });
        answer(py, reply)
    }

    /// A call that takes bytes (`import_*_csv`, `upload_card`). An import calls
    /// `progress(read, size)`, when given, as it reads `data` (see
    /// `Session::import_csv_with_progress`); an exception `progress` raises stops the
    /// import, which stores nothing, and is raised here.
    #[pyo3(signature = (user_id, method, data, args, progress=None))]
    fn call_with_bytes<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        method: String,
        data: Vec<u8>,
        args: &Bound<'py, PyDict>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let sfa = self.sfa();
        let args = args::Args::from_dict(args);
        let failed: Mutex<Option<PyErr>> = Mutex::new(None);
        let reply = {
            let failed = &failed;
            detached(py, move || {
                let session = acting(sfa, &user_id)?;
                let mut report = |read: u64, size: u64| match &progress {
                    Some(progress) => call_back(progress, failed, read, size),
                    None => ControlFlow::Continue(()),
                };
                dispatch::with_bytes(&session, &method, &data, &args?, &mut report)
            })
        };
        match failed.into_inner().unwrap_or_else(PoisonError::into_inner) {
            Some(e) => Err(e),
            None => answer(py, reply),
        }
    }

    /// A call that returns bytes (`export_*_csv`, `card_image`): the envelope, and the
    /// bytes on success.
    fn call_for_bytes<'py>(
        &self,
        py: Python<'py>,
        user_id: String,
        method: String,
        args: &Bound<'py, PyDict>,
    ) -> (String, Option<Bound<'py, PyBytes>>) {
        let sfa = self.sfa();
        let args = args::Args::from_dict(args);
        let mut out: Option<Vec<u8>> = None;
        let envelope = {
            let out = &mut out;
            guarded(py, move || {
                let session = acting(sfa, &user_id)?;
                let (value, bytes) = dispatch::for_bytes(&session, &method, &args?)?;
                *out = Some(bytes);
                Ok(value)
            })
        };
        (envelope, out.map(|b| PyBytes::new(py, &b)))
    }

    /// A call that returns Arrow record batches (`deals`, `forecast`): the envelope,
    /// and the batches on success.
    fn call_for_arrow(
        &self,
        py: Python<'_>,
        user_id: String,
        method: String,
        args: &Bound<'_, PyDict>,
    ) -> (String, Option<arrow::ArrowStream>) {
        let sfa = self.sfa();
        let args = args::Args::from_dict(args);
        let mut out = None;
        let envelope = {
            let out = &mut out;
            guarded(py, move || {
                let session = acting(sfa, &user_id)?;
                *out = Some(dispatch::for_arrow(&session, &method, &args?)?);
                Ok(serde_json::Value::Null)
            })
        };
        (envelope, out)
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

/// Reads a business card's OCR text into a draft (no database needed); answers as
/// `Native.call` does.
#[pyfunction]
fn parse_card_text<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    answer(py, Ok(Box::new(sfa_core::parse_card_text(text))))
}

/// The editable fields of a record, as the core's `input()` gives them (`kind`: the
/// record, `Company`, `Person`, `Deal`, `Task` or `Interaction`; `record`: its JSON).
#[pyfunction]
fn record_input(kind: &str, record: &str) -> String {
    fn input_of<R: serde::de::DeserializeOwned, I: serde::Serialize>(
        record: &str,
        input: impl Fn(&R) -> I,
    ) -> Outcome {
        let record: R = serde_json::from_str(record)
            .map_err(|_| envelope::invalid_argument("record", "is not the record named"))?;
        serde_json::to_value(input(&record)).map_err(|e| internal(&e.to_string()))
    }
    to_envelope(match kind {
        "Company" => input_of(record, sfa_core::Company::input),
        "Person" => input_of(record, sfa_core::Person::input),
        "Deal" => input_of(record, sfa_core::Deal::input),
        "Task" => input_of(record, sfa_core::Task::input),
        "Interaction" => input_of(record, sfa_core::Interaction::input),
        _ => Err(envelope::invalid_argument(
            "kind",
            "names no record with an input",
        )),
    })
}

/// The weighted forecast of a frame of deals (anything with `__arrow_c_stream__`):
/// `args` holds `request` and, optionally, `teams`. The envelope carries the rows, or,
/// with `as_arrow`, the rows come as record batches beside it.
#[pyfunction]
fn forecast_frame(
    py: Python<'_>,
    deals: &Bound<'_, PyAny>,
    args: &Bound<'_, PyDict>,
    as_arrow: bool,
) -> (String, Option<arrow::ArrowStream>) {
    let args = args::Args::from_dict(args);
    let batches = match arrow::frame::read_batches(deals) {
        Ok(b) => b,
        Err(e) => return (to_envelope(Err(e)), None),
    };
    let mut out = None;
    let envelope = {
        let out = &mut out;
        guarded(py, move || {
            let rows = dispatch::forecast_frame(&batches, &args?)?;
            if as_arrow {
                *out = Some(arrow::forecast_rows(&rows).map_err(envelope::arrow)?);
                Ok(serde_json::Value::Null)
            } else {
                serde_json::to_value(rows).map_err(|e| internal(&e.to_string()))
            }
        })
    };
    (envelope, out)
}

/// The native module.
#[pymodule]
fn _sfa(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Native>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(parse_card_text, m)?)?;
    m.add_function(wrap_pyfunction!(record_input, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_frame, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
