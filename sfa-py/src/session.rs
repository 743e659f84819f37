//! The native side of the package's `Session`: the calls of one user on one open
//! database. The calls that map one to one onto the core's are generated
//! ([`session_calls`](crate::session_calls), by sfa-py/tools/gen_session.py); those
//! that move bytes, take a callback or answer Arrow batches are written here.

use std::ops::ControlFlow;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use sfa_core::{ImportKind, Session};

use crate::args::arg;
use crate::arrow::{ArrowStream, exports};
use crate::database::Native;
use crate::envelope::{Failure, invalid_argument};
use crate::objects::{Reply, object};
use crate::{acting, answer, call_back, detached, guarded, with_callbacks};

/// Calls made as one user (checked by each call, in its own transaction) on an open
/// database; every call fails once the database is closed.
#[pyclass(module = "sfa._sfa", frozen)]
pub(crate) struct NativeSession {
    native: Py<Native>,
    user_id: String,
}

impl NativeSession {
    pub(crate) fn new(native: Py<Native>, user_id: String) -> NativeSession {
        NativeSession { native, user_id }
    }

    /// The session of one call (a call in flight keeps the database open).
    fn session(&self) -> Result<Session, Failure> {
        acting(self.native.get().sfa(), &self.user_id)
    }

    /// Runs `f` on this user's session without the GIL, a panic caught as an internal
    /// error; answers a 1-tuple holding the answer's Python objects (built directly,
    /// see `objects`), or an envelope (text) holding the error.
    pub(crate) fn call<'py>(
        &self,
        py: Python<'py>,
        f: impl FnOnce(&Session) -> Result<Reply, Failure> + Send,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session = self.session();
        answer(py, detached(py, move || f(&session?)))
    }

    /// Runs `f` without the GIL; answers the envelope and, on success, its value.
    fn call_for<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&Session) -> Result<T, Failure> + Send,
    ) -> (String, Option<T>) {
        let session = self.session();
        let mut out = None;
        let envelope = {
            let out = &mut out;
            guarded(py, move || {
                *out = Some(f(&session?)?);
                Ok(serde_json::Value::Null)
            })
        };
        (envelope, out)
    }
}

/// What a CSV import reads, by the name the package gives it.
fn import_kind(kind: &str) -> Result<ImportKind, Failure> {
    Ok(match kind {
        "companies" => ImportKind::Companies,
        "persons" => ImportKind::Persons,
        "deals" => ImportKind::Deals,
        "masters" => ImportKind::Masters,
        "users" => ImportKind::Users,
        _ => return Err(invalid_argument("kind", "names no kind of CSV import")),
    })
}

#[pymethods]
impl NativeSession {
    /// The company's homepage URL and `tel:` URI (`Company::links`).
    fn company_links<'py>(
        &self,
        py: Python<'py>,
        id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = arg(id, "id");
        self.call(py, move |s| object(s.get_company(id?)?.links()))
    }

    /// The person's `mailto:` and `tel:` URIs (`Person::contact_links`).
    fn person_links<'py>(
        &self,
        py: Python<'py>,
        id: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let id = arg(id, "id");
        self.call(py, move |s| object(s.get_person(id?)?.contact_links()))
    }

    /// A CSV import of `kind` (`companies`, `persons`, `deals`, `masters` or `users`).
    /// `progress(read, size)`, when given, is called as it reads `data` (see
    /// `Session::import_csv_with_progress`); an exception it raises stops the import,
    /// which stores nothing, and is raised here.
    #[pyo3(signature = (kind, data, options, progress=None))]
    fn import_csv<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        data: Vec<u8>,
        options: &Bound<'py, PyAny>,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind = import_kind(kind);
        let options = arg(options, "options");
        let session = self.session();
        with_callbacks(py, move |raised| {
            let mut report = |read: u64, size: u64| match &progress {
                Some(progress) => call_back(progress, raised, read, size),
                None => ControlFlow::Continue(()),
            };
            object(session?.import_csv_with_progress(kind?, &data, &options?, &mut report)?)
        })
    }

    /// `Session::upload_card`.
    fn upload_card<'py>(
        &self,
        py: Python<'py>,
        image: Vec<u8>,
        media_type: &Bound<'py, PyAny>,
        transcriber: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let media_type = arg::<String>(media_type, "media_type");
        let transcriber = arg(transcriber, "transcriber");
        self.call(py, move |s| {
            object(s.upload_card(&image, &media_type?, transcriber?)?)
        })
    }

    /// A CSV export of `kind` (as for `import_csv`): the envelope, and the file.
    fn export_csv<'py>(
        &self,
        py: Python<'py>,
        kind: &str,
        options: &Bound<'py, PyAny>,
    ) -> (String, Option<Bound<'py, PyBytes>>) {
        let kind = import_kind(kind);
        let options = arg(options, "options");
        let (envelope, out) = self.call_for(py, move |s| {
            let (kind, options) = (kind?, options?);
            let mut bytes = Vec::new();
            match kind {
                ImportKind::Companies => s.export_companies_csv(&mut bytes, &options)?,
                ImportKind::Persons => s.export_persons_csv(&mut bytes, &options)?,
                ImportKind::Deals => s.export_deals_csv(&mut bytes, &options)?,
                ImportKind::Masters => s.export_masters_csv(&mut bytes, &options)?,
                ImportKind::Users => s.export_users_csv(&mut bytes, &options)?,
            };
            Ok(bytes)
        });
        (envelope, out.map(|b| PyBytes::new(py, &b)))
    }

    /// `Session::card_image`: the envelope, and the image.
    fn card_image<'py>(
        &self,
        py: Python<'py>,
        id: &Bound<'py, PyAny>,
    ) -> (String, Option<Bound<'py, PyBytes>>) {
        let id = arg(id, "id");
        let (envelope, out) = self.call_for(py, move |s| Ok(s.card_image(id?)?));
        (envelope, out.map(|b| PyBytes::new(py, &b)))
    }

    /// Every deal as Arrow record batches: the envelope, and the batches.
    fn deals_arrow(&self, py: Python<'_>) -> (String, Option<ArrowStream>) {
        self.call_for(py, exports::deals)
    }

    /// Every company as Arrow record batches.
    fn companies_arrow(&self, py: Python<'_>) -> (String, Option<ArrowStream>) {
        self.call_for(py, exports::companies)
    }

    /// Every person as Arrow record batches.
    fn persons_arrow(&self, py: Python<'_>) -> (String, Option<ArrowStream>) {
        self.call_for(py, exports::persons)
    }

    /// Every interaction as Arrow record batches.
    fn interactions_arrow(&self, py: Python<'_>) -> (String, Option<ArrowStream>) {
        self.call_for(py, exports::interactions)
    }

    /// Every task as Arrow record batches.
    fn tasks_arrow(&self, py: Python<'_>) -> (String, Option<ArrowStream>) {
        self.call_for(py, exports::tasks)
    }

    /// `Session::forecast` as Arrow record batches.
    fn forecast_arrow(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
    ) -> (String, Option<ArrowStream>) {
        let request = arg(request, "request");
        self.call_for(py, move |s| exports::forecast(s, &request?))
    }

    /// `Session::product_summary` as Arrow record batches.
    fn product_summary_arrow(
        &self,
        py: Python<'_>,
        first_day: &Bound<'_, PyAny>,
        last_day: &Bound<'_, PyAny>,
    ) -> (String, Option<ArrowStream>) {
        let (first, last) = (arg(first_day, "first_day"), arg(last_day, "last_day"));
        self.call_for(py, move |s| exports::product_summary(s, first?, last?))
    }

    /// `Session::category_summary` as Arrow record batches.
    fn category_summary_arrow(
        &self,
        py: Python<'_>,
        first_day: &Bound<'_, PyAny>,
        last_day: &Bound<'_, PyAny>,
    ) -> (String, Option<ArrowStream>) {
        let (first, last) = (arg(first_day, "first_day"), arg(last_day, "last_day"));
        self.call_for(py, move |s| exports::category_summary(s, first?, last?))
    }

    /// `Session::campaign_roi` as Arrow record batches.
    fn campaign_roi_arrow(
        &self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
    ) -> (String, Option<ArrowStream>) {
        let period = arg(period, "period");
        self.call_for(py, move |s| exports::campaign_roi(s, period?))
    }

    /// `Session::calibration` as Arrow record batches.
    fn calibration_arrow(&self, py: Python<'_>) -> (String, Option<ArrowStream>) {
        self.call_for(py, exports::calibration)
    }

    /// `Session::forecast_range` as one Arrow row.
    fn forecast_range_arrow(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyAny>,
    ) -> (String, Option<ArrowStream>) {
        let request = arg(request, "request");
        self.call_for(py, move |s| exports::forecast_range(s, &request?))
    }
}
