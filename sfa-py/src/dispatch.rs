//! Calls by name, with their arguments ([`Args`]), onto `Sfa` and `Session`.

use serde_json::{Value, json};
use sfa_core::{ImportKind, ImportProgress, Session, Sfa};

use crate::args::Args;
use crate::arrow::{self, ArrowStream, DealBatches, Walked, records};
use crate::envelope::{Failure, internal, invalid_argument};
use crate::objects::{Reply, ToPy};

/// An answer built as Python objects directly (see `crate::objects`).
fn object<T: ToPy + Send + 'static>(value: T) -> Result<Reply, Failure> {
    Ok(Box::new(value))
}

fn unknown(method: &str) -> Failure {
    invalid_argument("method", &format!("names no call ({method:?})"))
}

/// Calls on the database itself.
pub(crate) fn database(sfa: &Sfa, method: &str, a: &Args) -> Result<Reply, Failure> {
    match method {
        "has_users" => object(sfa.has_users()?),
        "create_first_admin" => object(sfa.create_first_admin(&a.get("input")?)?),
        "user_by_email" => object(sfa.session_by_email(&a.get::<String>("email")?)?.user_id()),
        "pending_search_changes" => object(sfa.pending_search_changes()?),
        "check_stored_records" => object(sfa.check_stored_records()?),
        "check_search_index" => object(sfa.check_search_index()?),
        "change_key" => object(sfa.change_key(&a.get::<String>("new_key")?)?),
        "sync_enable" => object(sfa.sync_client().enable()?),
        "sync_status" => object(sfa.sync_client().status()?),
        // A rejection holds the call as made and the server's records, of any kind:
        // Python gets the core's JSON form of each, as dicts.
        "sync_rejections" => object(
            serde_json::to_value(sfa.sync_client().rejections()?)
                .map_err(|e| internal(&e.to_string()))?,
        ),
        "sync_dismiss_rejection" => object(
            sfa.sync_client()
                .dismiss_rejection(&a.get::<String>("mutation_id")?)?,
        ),
        // Test-only (feature `fault-injection`, in the wheel test-all builds): the next
        // write panics before it commits, to prove that the panic reaches Python as
        // InternalError (not pyo3's PanicException) and nothing is half-written.
        #[cfg(feature = "fault-injection")]
        "fault_panic_in_next_write" => {
            sfa_core::fault::panic_in_next_write();
            object(())
        }
        other => Err(unknown(other)),
    }
}

/// Calls as a user.
pub(crate) fn session(s: &Session, method: &str, a: &Args) -> Result<Reply, Failure> {
    match method {
        // users
        "me" => object(s.me()?),
        "add_user" => object(s.add_user(&a.get("input")?)?),
        "update_user" => {
            object(s.update_user(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_user" => object(s.get_user(a.get("id")?)?),
        "list_users" => object(s.list_users()?),
        // ledger
        "add_company" => object(s.add_company(&a.get("input")?)?),
        "add_companies" => object(s.add_companies(&a.get::<Vec<_>>("inputs")?)?),
        "get_company" => object(s.get_company(a.get("id")?)?),
        "update_company" => {
            object(s.update_company(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "archive_company" => object(s.archive_company(a.get("id")?, a.get("version")?)?),
        "restore_company" => object(s.restore_company(a.get("id")?, a.get("version")?)?),
        "list_companies" => object(s.list_companies(&a.get("page")?)?),
        "company_persons" => object(s.company_persons(a.get("id")?, &a.get("page")?)?),
        "company_links" => object(s.get_company(a.get("id")?)?.links()),
        "add_person" => object(s.add_person(&a.get("input")?)?),
        "get_person" => object(s.get_person(a.get("id")?)?),
        "update_person" => {
            object(s.update_person(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "archive_person" => object(s.archive_person(a.get("id")?, a.get("version")?)?),
        "restore_person" => object(s.restore_person(a.get("id")?, a.get("version")?)?),
        "list_persons" => object(s.list_persons(&a.get("page")?)?),
        "person_links" => object(s.get_person(a.get("id")?)?.contact_links()),
        "search" => object(s.search(&a.get("request")?)?),
        // interactions
        "plan_interaction" => object(s.plan_interaction(&a.get("input")?)?),
        "log_interaction" => object(s.log_interaction(&a.get("input")?, &a.get("report")?)?),
        "report_interaction" => {
            object(s.report_interaction(a.get("id")?, a.get("version")?, &a.get("report")?)?)
        }
        "update_interaction" => {
            object(s.update_interaction(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "reschedule_interaction" => object(s.reschedule_interaction(
            a.get("id")?,
            a.get("version")?,
            a.get("starts_at")?,
            a.get("ends_at")?,
        )?),
        "cancel_interaction" => object(s.cancel_interaction(
            a.get("id")?,
            a.get("version")?,
            a.opt::<String>("reason")?.as_deref(),
        )?),
        "get_interaction" => object(s.get_interaction(a.get("id")?)?),
        "interaction_tasks" => object(s.interaction_tasks(a.get("id")?)?),
        "company_interactions" => object(s.company_interactions(a.get("id")?, &a.get("page")?)?),
        "person_interactions" => object(s.person_interactions(a.get("id")?, &a.get("page")?)?),
        // tasks and notifications
        "add_task" => object(s.add_task(&a.get("input")?)?),
        "get_task" => object(s.get_task(a.get("id")?)?),
        "update_task" => {
            object(s.update_task(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "complete_task" => object(s.complete_task(a.get("id")?, a.get("version")?)?),
        "reopen_task" => object(s.reopen_task(a.get("id")?, a.get("version")?)?),
        "due_notifications" => object(s.due_notifications(a.get("now")?)?),
        "mark_delivered" => object(s.mark_delivered(&a.get::<Vec<_>>("ids")?)?),
        // agenda
        "agenda" => object(s.agenda(&a.get("request")?)?),
        "export_agenda_ical" => object(s.export_agenda_ical(&a.get("request")?)?),
        "export_interactions_ical" => object(s.export_interactions_ical(&a.get::<Vec<_>>("ids")?)?),
        // master data
        "add_campaign" => object(s.add_campaign(&a.get("input")?)?),
        "update_campaign" => {
            object(s.update_campaign(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_campaign" => object(s.get_campaign(a.get("id")?)?),
        "list_campaigns" => object(s.list_campaigns(a.get("include_retired")?)?),
        "add_stage" => object(s.add_stage(&a.get("input")?)?),
        "update_stage" => {
            object(s.update_stage(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "reorder_stages" => object(s.reorder_stages(&a.get::<Vec<_>>("ids")?)?),
        "get_stage" => object(s.get_stage(a.get("id")?)?),
        "list_stages" => object(s.list_stages(a.get("include_retired")?)?),
        "add_confidence" => object(s.add_confidence(&a.get("input")?)?),
        "update_confidence" => {
            object(s.update_confidence(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_confidence" => object(s.get_confidence(a.get("id")?)?),
        "list_confidences" => object(s.list_confidences(a.get("include_retired")?)?),
        "add_product_category" => object(s.add_product_category(&a.get("input")?)?),
        "update_product_category" => {
            object(s.update_product_category(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_product_category" => object(s.get_product_category(a.get("id")?)?),
        "list_product_categories" => object(s.list_product_categories(a.get("include_retired")?)?),
        "add_product" => object(s.add_product(&a.get("input")?)?),
        "update_product" => {
            object(s.update_product(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_product" => object(s.get_product(a.get("id")?)?),
        "list_products" => object(s.list_products(a.get("include_retired")?)?),
        "retire_master" => object(s.retire_master(a.get("id")?, a.get("version")?)?),
        "restore_master" => object(s.restore_master(a.get("id")?, a.get("version")?)?),
        "delete_master" => object(s.delete_master(a.get("id")?)?),
        // deals
        "add_deal" => object(s.add_deal(&a.get("input")?)?),
        "get_deal" => object(s.get_deal(a.get("id")?)?),
        "update_deal" => {
            object(s.update_deal(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "win_deal" => object(s.win_deal(a.get("id")?, a.get("version")?, a.opt("closed_on")?)?),
        "lose_deal" => object(s.lose_deal(
            a.get("id")?,
            a.get("version")?,
            a.opt("closed_on")?,
            a.opt::<String>("reason")?.as_deref(),
        )?),
        "reopen_deal" => object(s.reopen_deal(a.get("id")?, a.get("version")?)?),
        "open_deals" => object(s.open_deals(a.opt("owner")?, &a.get("page")?)?),
        "company_deals" => object(s.company_deals(a.get("id")?, &a.get("page")?)?),
        "product_deals" => object(s.product_deals(a.get("id")?, &a.get("page")?)?),
        "campaign_deals" => object(s.campaign_deals(a.get("id")?, &a.get("page")?)?),
        // forecasts
        "forecast" => object(s.forecast(&a.get("request")?)?),
        "product_summary" => object(s.product_summary(a.get("first_day")?, a.get("last_day")?)?),
        "category_summary" => object(s.category_summary(a.get("first_day")?, a.get("last_day")?)?),
        "campaign_roi" => object(s.campaign_roi(a.opt("period")?)?),
        "calibration" => object(s.calibration()?),
        "forecast_range" => object(s.forecast_range(&a.get("request")?)?),
        // teams
        "add_team" => object(s.add_team(&a.get("input")?)?),
        "update_team" => {
            object(s.update_team(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_team" => object(s.get_team(a.get("id")?)?),
        "list_teams" => object(s.list_teams()?),
        "my_teams" => object(s.my_teams()?),
        "team_board" => object(s.team_board(&a.get("request")?)?),
        // business cards
        "get_card" => object(s.get_card(a.get("id")?)?),
        "delegate_card" => {
            object(s.delegate_card(a.get("id")?, a.get("version")?, a.get("to")?)?)
        }
        "card_queue" => object(s.card_queue(&a.get("page")?)?),
        "person_duplicates" => object(s.person_duplicates(&a.get("input")?)?),
        "transcribe_card" => {
            object(s.transcribe_card(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "discard_card" => {
            object(s.discard_card(a.get("id")?, a.get("version")?, &a.get::<String>("reason")?)?)
        }
        other => Err(unknown(other)),
    }
}

/// Calls that take bytes; the imports tell `progress` how far they read.
pub(crate) fn with_bytes(
    s: &Session,
    method: &str,
    data: &[u8],
    a: &Args,
    progress: ImportProgress<'_>,
) -> Result<Reply, Failure> {
    let kind = match method {
        "import_companies_csv" => Some(ImportKind::Companies),
        "import_persons_csv" => Some(ImportKind::Persons),
        "import_deals_csv" => Some(ImportKind::Deals),
        "import_masters_csv" => Some(ImportKind::Masters),
        "import_users_csv" => Some(ImportKind::Users),
        _ => None,
    };
    if let Some(kind) = kind {
        return object(s.import_csv_with_progress(kind, data, &a.get("options")?, progress)?);
    }
    match method {
        "upload_card" => {
            object(s.upload_card(data, &a.get::<String>("media_type")?, a.opt("transcriber")?)?)
        }
        other => Err(unknown(other)),
    }
}

/// Calls that return bytes: (a JSON value, the bytes).
pub(crate) fn for_bytes(s: &Session, method: &str, a: &Args) -> Result<(Value, Vec<u8>), Failure> {
    let mut bytes = Vec::new();
    let count = match method {
        "export_companies_csv" => s.export_companies_csv(&mut bytes, &a.get("options")?)?,
        "export_persons_csv" => s.export_persons_csv(&mut bytes, &a.get("options")?)?,
        "export_deals_csv" => s.export_deals_csv(&mut bytes, &a.get("options")?)?,
        "export_masters_csv" => s.export_masters_csv(&mut bytes, &a.get("options")?)?,
        "export_users_csv" => s.export_users_csv(&mut bytes, &a.get("options")?)?,
        "card_image" => {
            let image = s.card_image(a.get("id")?)?;
            return Ok((Value::Null, image));
        }
        other => return Err(unknown(other)),
    };
    Ok((json!(count), bytes))
}

/// Calls that return Arrow record batches (for polars, pandas and DuckDB): `deals`
/// (every deal with its lines and the names beside the ids) and `forecast`.
pub(crate) fn for_arrow(s: &Session, method: &str, a: &Args) -> Result<ArrowStream, Failure> {
    match method {
        "deals" => {
            let mut out = FirstFailure::new(DealBatches::new());
            s.walk_deals(|d, names| {
                out.push(|batches| batches.push(d, names));
                Ok(())
            })?;
            out.finish(DealBatches::finish)
        }
        "forecast" => {
            arrow::forecast_rows(&s.forecast(&a.get("request")?)?).map_err(crate::envelope::arrow)
        }
        "companies" => walk(Walked::new(records::company_batch, None), |push| {
            s.walk_companies(true, |c| push(c.clone(), ""))
        }),
        "persons" => walk(
            Walked::new(records::person_batch, Some(("company_id", "company_name"))),
            |push| s.walk_persons(true, |p, company| push(p.clone(), company)),
        ),
        "interactions" => walk(
            Walked::new(
                records::interaction_batch,
                Some(("company_id", "company_name")),
            ),
            |push| s.walk_interactions(|i, company| push(i.clone(), company)),
        ),
        "tasks" => walk(
            Walked::new(records::task_batch, Some(("assignee_id", "assignee_name"))),
            |push| s.walk_tasks(|t, assignee| push(t.clone(), assignee)),
        ),
        "product_summary" => arrow::rows(
            records::product_row_batch,
            &s.product_summary(a.get("first_day")?, a.get("last_day")?)?,
        )
        .map_err(crate::envelope::arrow),
        "category_summary" => arrow::rows(
            records::category_row_batch,
            &s.category_summary(a.get("first_day")?, a.get("last_day")?)?,
        )
        .map_err(crate::envelope::arrow),
        "campaign_roi" => arrow::rows(
            records::campaign_row_batch,
            &s.campaign_roi(a.opt("period")?)?,
        )
        .map_err(crate::envelope::arrow),
        "calibration" => arrow::rows(records::calibration_row_batch, &s.calibration()?)
            .map_err(crate::envelope::arrow),
        "forecast_range" => arrow::rows(
            records::forecast_range_batch,
            &[s.forecast_range(&a.get("request")?)?],
        )
        .map_err(crate::envelope::arrow),
        other => Err(unknown(other)),
    }
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
            Some(e) => Err(crate::envelope::arrow(e)),
            None => finish(self.batches).map_err(crate::envelope::arrow),
        }
    }
}

/// The weighted forecast of a frame of deals that lives in no database (see
/// [`arrow::frame`]): `request` as for `Session.forecast`, `teams` each owner's team
/// labels (optional unless grouped by team).
pub(crate) fn forecast_frame(
    batches: &[arrow_array::RecordBatch],
    a: &Args,
) -> Result<Vec<sfa_core::forecast::ForecastRow>, Failure> {
    let request: sfa_core::forecast::ForecastRequest = a.get("request")?;
    let teams = a.opt("teams")?.unwrap_or_default();
    let data = arrow::frame::dataset(batches, &request, &teams)?;
    Ok(sfa_core::forecast::weighted_forecast(&data, &request)?)
}
