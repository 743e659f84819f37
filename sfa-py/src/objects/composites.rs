//! Answers that are not one generated record: a master change (the tagged `Master`, as
//! the record of its kind), a transcription and an import report (classes of the `sfa`
//! package itself), nothing (`None`), and a JSON value (what a sync rejection is).

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use super::{ToPy, imported, to_py};

impl ToPy for () {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(py.None().into_bound(py))
    }
}

/// A JSON value as Python's `json.loads` would give it.
impl ToPy for Value {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        match self {
            Value::Null => Ok(py.None().into_bound(py)),
            Value::Bool(b) => b.to_py(py),
            Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                (Some(i), _, _) => i.to_py(py),
                (None, Some(u), _) => u.to_py(py),
                (None, None, Some(f)) => Ok(f.into_pyobject(py)?.into_any()),
                (None, None, None) => Err(pyo3::exceptions::PyValueError::new_err(
                    "a number Python cannot hold",
                )),
            },
            Value::String(s) => s.to_py(py),
            Value::Array(items) => {
                let items = items
                    .iter()
                    .map(|v| v.to_py(py))
                    .collect::<PyResult<Vec<_>>>()?;
                Ok(PyList::new(py, items)?.into_any())
            }
            Value::Object(map) => {
                let dict = PyDict::new(py);
                for (k, v) in map {
                    dict.set_item(k, v.to_py(py)?)?;
                }
                Ok(dict.into_any())
            }
        }
    }
}

to_py!(sfa_core::Master, |master, py| {
    use sfa_core::Master;
    match master {
        Master::Campaign(r) => r.to_py(py),
        Master::Stage(r) => r.to_py(py),
        Master::Confidence(r) => r.to_py(py),
        Master::ProductCategory(r) => r.to_py(py),
        Master::Product(r) => r.to_py(py),
    }
});

to_py!(sfa_core::Transcription, |t, py| {
    imported!(py, "sfa", "Transcription")?.call1((
        t.card.to_py(py)?,
        t.company.to_py(py)?,
        t.person.to_py(py)?,
        t.duplicates.to_py(py)?,
    ))
});

// `sfa.ImportReport`, each skipped row a `sfa.SkippedRow` of its line and reason.
to_py!(sfa_core::ImportReport, |report, py| {
    let skipped_row = imported!(py, "sfa", "SkippedRow")?;
    let skipped = report
        .skipped
        .iter()
        .map(|e| skipped_row.call1((e.line, e.problem.to_string())))
        .collect::<PyResult<Vec<_>>>()?;
    imported!(py, "sfa", "ImportReport")?.call1((
        report.imported,
        report.blank_rows,
        PyList::new(py, skipped)?,
    ))
});
