//! The Arrow exports of a session's records and analytics (for polars, pandas and
//! DuckDB): every deal with its lines and the names beside the ids, companies,
//! persons, interactions and tasks, and each analytics result.

use sfa_core::Session;
use sfa_core::forecast::{ForecastRequest, RangeRequest};

use super::{ArrowStream, DealBatches, Walked, records};
use crate::envelope::{Failure, arrow};

/// Every deal, one row per deal, its lines in a list column.
pub(crate) fn deals(s: &Session) -> Result<ArrowStream, Failure> {
    let mut out = FirstFailure::new(DealBatches::new());
    s.walk_deals(|d, names| {
        out.push(|batches| batches.push(d, names));
        Ok(())
    })?;
    out.finish(DealBatches::finish)
}

/// Every company, archived ones too.
pub(crate) fn companies(s: &Session) -> Result<ArrowStream, Failure> {
    walk(Walked::new(records::company_batch, None), |push| {
        s.walk_companies(true, |c| push(c.clone(), ""))
    })
}

/// Every person, archived ones too, with their company's name.
pub(crate) fn persons(s: &Session) -> Result<ArrowStream, Failure> {
    walk(
        Walked::new(records::person_batch, Some(("company_id", "company_name"))),
        |push| s.walk_persons(true, |p, company| push(p.clone(), company)),
    )
}

/// Every interaction, with its company's name.
pub(crate) fn interactions(s: &Session) -> Result<ArrowStream, Failure> {
    walk(
        Walked::new(
            records::interaction_batch,
            Some(("company_id", "company_name")),
        ),
        |push| s.walk_interactions(|i, company| push(i.clone(), company)),
    )
}

/// Every task, with its assignee's name.
pub(crate) fn tasks(s: &Session) -> Result<ArrowStream, Failure> {
    walk(
        Walked::new(records::task_batch, Some(("assignee_id", "assignee_name"))),
        |push| s.walk_tasks(|t, assignee| push(t.clone(), assignee)),
    )
}

/// `Session::forecast`.
pub(crate) fn forecast(s: &Session, request: &ForecastRequest) -> Result<ArrowStream, Failure> {
    super::forecast_rows(&s.forecast(request)?).map_err(arrow)
}

/// `Session::product_summary`.
pub(crate) fn product_summary(
    s: &Session,
    first_day: chrono::NaiveDate,
    last_day: chrono::NaiveDate,
) -> Result<ArrowStream, Failure> {
    super::rows(
        records::product_row_batch,
        &s.product_summary(first_day, last_day)?,
    )
    .map_err(arrow)
}

/// `Session::category_summary`.
pub(crate) fn category_summary(
    s: &Session,
    first_day: chrono::NaiveDate,
    last_day: chrono::NaiveDate,
) -> Result<ArrowStream, Failure> {
    super::rows(
        records::category_row_batch,
        &s.category_summary(first_day, last_day)?,
    )
    .map_err(arrow)
}

/// `Session::campaign_roi`.
pub(crate) fn campaign_roi(
    s: &Session,
    period: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Result<ArrowStream, Failure> {
    super::rows(records::campaign_row_batch, &s.campaign_roi(period)?).map_err(arrow)
}

/// `Session::calibration`.
pub(crate) fn calibration(s: &Session) -> Result<ArrowStream, Failure> {
    super::rows(records::calibration_row_batch, &s.calibration()?).map_err(arrow)
}

/// `Session::forecast_range`, as one row.
pub(crate) fn forecast_range(s: &Session, request: &RangeRequest) -> Result<ArrowStream, Failure> {
    super::rows(records::forecast_range_batch, &[s.forecast_range(request)?]).map_err(arrow)
}

/// Runs a walk that pushes records into `out`.
fn walk<R>(
    out: Walked<R>,
    run: impl FnOnce(&mut dyn FnMut(R, &str) -> sfa_core::Result<()>) -> sfa_core::Result<u64>,
) -> Result<ArrowStream, Failure> {
    let mut out = FirstFailure::new(out);
    run(&mut |record, name| {
        out.push(|batches| batches.push(record, name));
        Ok(())
    })?;
    out.finish(Walked::finish)
}

/// Batches being built by a walk, and the first failure to build one: that failure
/// stops the batches (the walk runs on and its later records are ignored) and is what
/// the call reports.
struct FirstFailure<B> {
    batches: B,
    failed: Option<arrow_schema::ArrowError>,
}

impl<B> FirstFailure<B> {
    fn new(batches: B) -> Self {
        FirstFailure {
            batches,
            failed: None,
        }
    }

    fn push(&mut self, push: impl FnOnce(&mut B) -> Result<(), arrow_schema::ArrowError>) {
        if self.failed.is_none() {
            self.failed = push(&mut self.batches).err();
        }
    }

    fn finish(
        self,
        finish: impl FnOnce(B) -> Result<ArrowStream, arrow_schema::ArrowError>,
    ) -> Result<ArrowStream, Failure> {
        match self.failed {
            Some(e) => Err(arrow(e)),
            None => finish(self.batches).map_err(arrow),
        }
    }
}
