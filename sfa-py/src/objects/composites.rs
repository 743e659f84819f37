//! Answers that are not one generated record: a master change (the tagged `Master`, as
//! the record of its kind), a transcription and an import report (classes of the `sfa`
//! package itself), and nothing (`None`).

use pyo3::prelude::*;
use pyo3::types::PyList;

use super::{ToPy, imported, to_py};

impl ToPy for () {
    fn to_py<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(py.None().into_bound(py))
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
