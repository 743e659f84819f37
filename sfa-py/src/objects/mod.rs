//! Core values as Python objects, built directly (no JSON text between): records as
//! the generated dataclasses of `sfa._records` (one `py_record!` per record in
//! [`records`], generated from the core's sources with those dataclasses), enums as
//! their `str` Enum classes, `Decimal` as `decimal.Decimal`, dates as `datetime.date`
//! and instants as aware `datetime.datetime` in UTC, ids as `str`.
//!
//! Every call answers one of these, as a [`Reply`].

mod composites;
mod records;

use std::cell::RefCell;

use chrono::{Datelike, NaiveDate, Timelike};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyList, PyString, PyTuple};
use sfa_core::{Decimal, Timestamp};

use crate::envelope::Failure;

/// What a call answers: a value its Python objects are built from.
pub(crate) type Reply = Box<dyn ToPy + Send>;

/// An answer, to be built as Python objects once the call is done.
pub(crate) fn object<T: ToPy + Send + 'static>(value: T) -> Result<Reply, Failure> {
    Ok(Box::new(value))
}

/// A value that becomes a Python object.
pub(crate) trait ToPy {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>>;
}

/// A class (or other attribute) of a module, imported once.
macro_rules! imported {
    ($py:expr, $module:literal, $name:expr) => {{
        static CELL: ::pyo3::sync::PyOnceLock<::pyo3::Py<::pyo3::types::PyType>> =
            ::pyo3::sync::PyOnceLock::new();
        CELL.import($py, $module, $name)
    }};
}
use imported;

impl ToPy for String {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyString::new(py, self).into_any())
    }
}

impl ToPy for bool {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(PyBool::new(py, *self).to_owned().into_any())
    }
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                Ok((*self).into_pyobject(py)?.into_any())
            }
        }
    )*};
}
numbers!(i32, i64, u32, u64, f64);

/// An `f32` (a search score) as the float its shortest text names (1.1, not
/// 1.100000023841858), as it reads in JSON and in the other bindings.
impl ToPy for f32 {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let shortest: f64 = self.to_string().parse().unwrap_or(f64::from(*self));
        Ok(shortest.into_pyobject(py)?.into_any())
    }
}

impl<T: ToPy> ToPy for Option<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None().into_bound(py)),
        }
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self
            .iter()
            .map(|v| v.to_py(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any())
    }
}

/// A page: `(items, next_cursor)`, which the package wraps in its `Page`.
impl<T: ToPy> ToPy for sfa_core::Page<T> {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let items = self.items.to_py(py)?;
        let cursor = self.next_cursor.to_py(py)?;
        Ok(PyTuple::new(py, [items, cursor])?.into_any())
    }
}

impl ToPy for Decimal {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        imported!(py, "decimal", "Decimal")?.call1((self.to_string(),))
    }
}

impl ToPy for NaiveDate {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        imported!(py, "datetime", "date")?.call1((self.year(), self.month(), self.day()))
    }
}

thread_local! {
    /// The instant this thread built last, and its `datetime`: a record's `updated_at`
    /// is most often its `created_at`, and a `datetime` is immutable, so the second is
    /// the first object again.
    static LAST_INSTANT: RefCell<Option<(Timestamp, Py<PyAny>)>> = const { RefCell::new(None) };
}

/// An aware `datetime` in UTC (`tzinfo=timezone.utc`), to the microsecond.
impl ToPy for Timestamp {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let last = LAST_INSTANT.with_borrow(|last| match last {
            Some((at, object)) if at == self => Some(object.clone_ref(py)),
            _ => None,
        });
        if let Some(object) = last {
            return Ok(object.into_bound(py));
        }
        let object = new_datetime(self, py)?;
        LAST_INSTANT.set(Some((*self, object.clone().unbind())));
        Ok(object)
    }
}

/// A new aware `datetime` for `at`.
fn new_datetime<'py>(at: &Timestamp, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
    static UTC: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let utc = UTC.get_or_try_init(py, || {
        Ok::<_, PyErr>(
            py.import("datetime")?
                .getattr("timezone")?
                .getattr("utc")?
                .unbind(),
        )
    })?;
    imported!(py, "datetime", "datetime")?.call1((
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.timestamp_subsec_micros(),
        utc.bind(py),
    ))
}

/// Ids are `str`s (their hyphenated form, written on the stack).
macro_rules! ids {
    ($($t:ident),*) => {$(
        impl ToPy for sfa_core::$t {
            fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
                let mut text = [0u8; 36];
                let text = self.as_uuid().hyphenated().encode_lower(&mut text);
                Ok(PyString::new(py, text).into_any())
            }
        }
    )*};
}
ids!(
    UserId,
    CompanyId,
    PersonId,
    InteractionId,
    TaskId,
    CampaignId,
    StageId,
    ConfidenceId,
    ProductCategoryId,
    ProductId,
    DealId,
    TeamId,
    NotificationId,
    CardId
);

/// `impl ToPy for $path`, its body an expression of `$this` (the value) and `$py`.
macro_rules! to_py {
    ($path:path, |$this:ident, $py:ident| $body:expr) => {
        impl $crate::objects::ToPy for $path {
            fn to_py<'py>(
                &self,
                $py: ::pyo3::Python<'py>,
            ) -> ::pyo3::PyResult<::pyo3::Bound<'py, ::pyo3::PyAny>> {
                #[allow(unused_imports)]
                use ::pyo3::types::PyAnyMethods as _;
                let $this = self;
                $body
            }
        }
    };
}
use to_py;

/// A record as its generated dataclass, its fields passed in the core's order (the
/// dataclass's order: both are generated from the same sources).
macro_rules! py_record {
    ($path:path, $class:ident { $($field:ident),* $(,)? }) => {
        $crate::objects::to_py!($path, |record, py| {
            let class = $crate::objects::imported!(py, "sfa._records", stringify!($class))?;
            let fields = [$($crate::objects::ToPy::to_py(&record.$field, py)?),*];
            class.call1(::pyo3::types::PyTuple::new(py, fields)?)
        });
    };
}
use py_record;

/// An enum as its `str` Enum class, by its serde name (the value the class holds).
macro_rules! py_enum {
    ($path:path, $class:ident) => {
        $crate::objects::to_py!($path, |value, py| {
            let class = $crate::objects::imported!(py, "sfa._records", stringify!($class))?;
            match ::serde_json::to_value(value) {
                Ok(::serde_json::Value::String(name)) => class.call1((name,)),
                _ => Err(::pyo3::exceptions::PyValueError::new_err(concat!(
                    stringify!($class),
                    " has no name"
                ))),
            }
        });
    };
}
use py_enum;
