//! Python bindings for `sfa-core`: the native module `sfa._sfa`.
//!
//! The module is deliberately thin: a native class per face of the core, `Native`
//! for an open database ([`database`]) and `NativeSession` for one user's calls on it
//! ([`session`]), with a typed method per call. The methods that map one to one onto
//! the core's `Session` calls are generated from the core's signatures
//! ([`session_calls`], by sfa-py/tools/gen_session.py), as are the package's Python
//! methods over them; arguments arrive as the package encodes them ([`args`]).
//! Answers come back built as the package's dataclasses by [`objects`], and errors
//! as an envelope, `{"error": {...}}` ([`envelope`]), which the pure-Python package
//! (`python/sfa/`) turns into a real exception hierarchy. Long calls run with the GIL
//! released, and a panic is caught and reported as an internal error, never as
//! `PanicException`.

mod args;
mod arrow;
mod database;
mod envelope;
mod objects;
mod session;
mod session_calls;

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};
use sfa_core::UserId;

use envelope::{Outcome, internal, to_envelope};

/// How often a progress callback is called at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

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
/// `raised` (the first one) and asks the work to stop.
fn call_back(progress: &Py<PyAny>, raised: &Raised, done: u64, total: u64) -> ControlFlow<()> {
    Python::attach(|py| match progress.call1(py, (done, total)) {
        Ok(_) => ControlFlow::Continue(()),
        Err(e) => {
            keep_first(raised, e);
            ControlFlow::Break(())
        }
    })
}

/// The first exception a Python callback raised during a call (kept to be raised once
/// the call is done; the call itself was asked to stop).
type Raised = Mutex<Option<PyErr>>;

/// Runs `work` without the GIL, as `detached`, giving it a slot for the first exception
/// its Python callbacks raise; that exception, if any, is raised in place of the answer.
fn with_callbacks<'py>(
    py: Python<'py>,
    work: impl FnOnce(&Raised) -> Result<objects::Reply, envelope::Failure> + Send,
) -> PyResult<Bound<'py, PyAny>> {
    let raised: Raised = Mutex::new(None);
    let reply = detached(py, || work(&raised));
    match raised.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some(e) => Err(e),
        None => answer(py, reply),
    }
}

/// Keeps `e` in `raised` unless an earlier exception is there.
fn keep_first(raised: &Raised, e: PyErr) {
    raised
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get_or_insert(e);
}

/// A call's answer for the package: a 1-tuple holding the answer's Python
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
    sfa: Result<sfa_core::Sfa, envelope::Failure>,
    user_id: &str,
) -> Result<sfa_core::Session, envelope::Failure> {
    let sfa = sfa?;
    let user: UserId = user_id
        .parse()
        .map_err(|_| envelope::invalid_argument("user_id", "is not a valid id"))?;
    Ok(sfa.session_unverified(user))
}

/// Reads a business card's OCR text into a draft (no database needed); answers as
/// the session calls do.
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

/// The weighted forecast of a frame of deals (anything with `__arrow_c_stream__`)
/// that lives in no database (see [`arrow::frame`]): `request` as for
/// `Session.forecast`, `teams` each owner's team labels (optional unless grouped by
/// team). The envelope carries the rows, or, with `as_arrow`, the rows come as record
/// batches beside it.
#[pyfunction]
fn forecast_frame(
    py: Python<'_>,
    deals: &Bound<'_, PyAny>,
    request: &Bound<'_, PyAny>,
    teams: &Bound<'_, PyAny>,
    as_arrow: bool,
) -> (String, Option<arrow::ArrowStream>) {
    let request: Result<sfa_core::forecast::ForecastRequest, _> = args::arg(request, "request");
    let teams: Result<Option<_>, _> = args::arg(teams, "teams");
    let batches = match arrow::frame::read_batches(deals) {
        Ok(b) => b,
        Err(e) => return (to_envelope(Err(e)), None),
    };
    let mut out = None;
    let envelope = {
        let out = &mut out;
        guarded(py, move || {
            let (request, teams) = (request?, teams?.unwrap_or_default());
            let data = arrow::frame::dataset(&batches, &request, &teams)?;
            let rows = sfa_core::forecast::weighted_forecast(&data, &request)?;
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
    m.add_class::<database::Native>()?;
    m.add_class::<session::NativeSession>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_function(wrap_pyfunction!(parse_card_text, m)?)?;
    m.add_function(wrap_pyfunction!(record_input, m)?)?;
    m.add_function(wrap_pyfunction!(forecast_frame, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
