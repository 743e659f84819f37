//! Calls by name, with JSON arguments, onto `Sfa` and `Session`.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use sfa_core::{ImportReport, Session, Sfa};

use crate::arrow::{self, ArrowStream, DealBatches};
use crate::envelope::{Failure, Outcome, internal, invalid_argument};

/// A call's arguments: a JSON object.
struct Args(Map<String, Value>);

impl Args {
    fn parse(text: &str) -> Result<Args, Failure> {
        match serde_json::from_str(text) {
            Ok(Value::Object(map)) => Ok(Args(map)),
            Ok(Value::Null) => Ok(Args(Map::new())),
            _ => Err(invalid_argument("args", "is not a JSON object")),
        }
    }

    /// A required argument.
    fn get<T: DeserializeOwned>(&self, name: &str) -> Result<T, Failure> {
        let value = self
            .0
            .get(name)
            .cloned()
            .ok_or_else(|| invalid_argument(name, "is missing"))?;
        // The parser's message quotes the value: name the field (inside a record too)
        // and the expected shape only (values are customers' data).
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                invalid_argument(
                    name,
                    &format!("is not a {}", shape_of(std::any::type_name::<T>())),
                )
            } else {
                invalid_argument(&format!("{name}.{path}"), "has the wrong shape")
            }
        })
    }

    /// An optional argument (missing or null is `None`).
    fn opt<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, Failure> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.get(name).map(Some),
        }
    }
}

/// A type's name as a caller understands it: `sfa_core::model::deal::DealInput` is a
/// `DealInput`, `core::option::Option<alloc::string::String>` an `Option<String>`.
fn shape_of(type_name: &str) -> String {
    let mut out = String::with_capacity(type_name.len());
    let mut word = String::new();
    for c in type_name.chars().chain(std::iter::once(' ')) {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            word.push(c);
        } else {
            out.push_str(word.rsplit("::").next().unwrap_or(&word));
            word.clear();
            if c != ' ' {
                out.push(c);
            }
        }
    }
    out
}

fn out<T: Serialize>(value: T) -> Outcome {
    serde_json::to_value(value).map_err(|e| internal(&e.to_string()))
}

fn unknown(method: &str) -> Failure {
    invalid_argument("method", &format!("names no call ({method:?})"))
}

/// Calls on the database itself.
pub(crate) fn database(sfa: &Sfa, method: &str, args: &str) -> Outcome {
    let a = Args::parse(args)?;
    match method {
        "has_users" => out(sfa.has_users()?),
        "create_first_admin" => out(sfa.create_first_admin(&a.get("input")?)?),
        "user_by_email" => out(sfa.session_by_email(&a.get::<String>("email")?)?.user_id()),
        "rebuild_search_index" => out(sfa.rebuild_search_index(&mut |_, _| {})?),
        "catch_up_search_index" => out(sfa.catch_up_search_index(&mut |_, _| {})?),
        "pending_search_changes" => out(sfa.pending_search_changes()?),
        "check_stored_records" => out(sfa.check_stored_records()?),
        "check_search_index" => out(sfa.check_search_index()?),
        "change_key" => out(sfa.change_key(&a.get::<String>("new_key")?)?),
        "sync_enable" => out(sfa.sync_client().enable()?),
        "sync_status" => out(sfa.sync_client().status()?),
        "sync_rejections" => out(sfa.sync_client().rejections()?),
        "sync_dismiss_rejection" => out(sfa
            .sync_client()
            .dismiss_rejection(&a.get::<String>("mutation_id")?)?),
        // Test-only (feature `fault-injection`, in the wheel test-all builds): the next
        // write panics before it commits, to prove that the panic reaches Python as
        // InternalError (not pyo3's PanicException) and nothing is half-written.
        #[cfg(feature = "fault-injection")]
        "fault_panic_in_next_write" => {
            sfa_core::fault::panic_in_next_write();
            out(())
        }
        other => Err(unknown(other)),
    }
}

/// Calls as a user.
pub(crate) fn session(s: &Session, method: &str, args: &str) -> Outcome {
    let a = Args::parse(args)?;
    match method {
        // users
        "me" => out(s.me()?),
        "add_user" => out(s.add_user(&a.get("input")?)?),
        "update_user" => out(s.update_user(a.get("id")?, a.get("version")?, &a.get("input")?)?),
        "get_user" => out(s.get_user(a.get("id")?)?),
        "list_users" => out(s.list_users()?),
        // ledger
        "add_company" => out(s.add_company(&a.get("input")?)?),
        "add_companies" => out(s.add_companies(&a.get::<Vec<_>>("inputs")?)?),
        "get_company" => out(s.get_company(a.get("id")?)?),
        "update_company" => {
            out(s.update_company(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "archive_company" => out(s.archive_company(a.get("id")?, a.get("version")?)?),
        "restore_company" => out(s.restore_company(a.get("id")?, a.get("version")?)?),
        "list_companies" => out(s.list_companies(&a.get("page")?)?),
        "company_persons" => out(s.company_persons(a.get("id")?, &a.get("page")?)?),
        "company_links" => out(s.get_company(a.get("id")?)?.links()),
        "add_person" => out(s.add_person(&a.get("input")?)?),
        "get_person" => out(s.get_person(a.get("id")?)?),
        "update_person" => {
            out(s.update_person(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "archive_person" => out(s.archive_person(a.get("id")?, a.get("version")?)?),
        "restore_person" => out(s.restore_person(a.get("id")?, a.get("version")?)?),
        "list_persons" => out(s.list_persons(&a.get("page")?)?),
        "person_links" => out(s.get_person(a.get("id")?)?.contact_links()),
        "search" => out(s.search(&a.get("request")?)?),
        // interactions
        "plan_interaction" => out(s.plan_interaction(&a.get("input")?)?),
        "log_interaction" => out(s.log_interaction(&a.get("input")?, &a.get("report")?)?),
        "report_interaction" => {
            out(s.report_interaction(a.get("id")?, a.get("version")?, &a.get("report")?)?)
        }
        "update_interaction" => {
            out(s.update_interaction(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "reschedule_interaction" => out(s.reschedule_interaction(
            a.get("id")?,
            a.get("version")?,
            a.get("starts_at")?,
            a.get("ends_at")?,
        )?),
        "cancel_interaction" => out(s.cancel_interaction(
            a.get("id")?,
            a.get("version")?,
            a.opt::<String>("reason")?.as_deref(),
        )?),
        "get_interaction" => out(s.get_interaction(a.get("id")?)?),
        "interaction_tasks" => out(s.interaction_tasks(a.get("id")?)?),
        "company_interactions" => out(s.company_interactions(a.get("id")?, &a.get("page")?)?),
        "person_interactions" => out(s.person_interactions(a.get("id")?, &a.get("page")?)?),
        // tasks and notifications
        "add_task" => out(s.add_task(&a.get("input")?)?),
        "get_task" => out(s.get_task(a.get("id")?)?),
        "update_task" => out(s.update_task(a.get("id")?, a.get("version")?, &a.get("input")?)?),
        "complete_task" => out(s.complete_task(a.get("id")?, a.get("version")?)?),
        "reopen_task" => out(s.reopen_task(a.get("id")?, a.get("version")?)?),
        "due_notifications" => out(s.due_notifications(a.get("now")?)?),
        "mark_delivered" => out(s.mark_delivered(&a.get::<Vec<_>>("ids")?)?),
        // agenda
        "agenda" => out(s.agenda(&a.get("request")?)?),
        "export_agenda_ical" => out(s.export_agenda_ical(&a.get("request")?)?),
        "export_interactions_ical" => out(s.export_interactions_ical(&a.get::<Vec<_>>("ids")?)?),
        // master data
        "add_campaign" => out(s.add_campaign(&a.get("input")?)?),
        "update_campaign" => {
            out(s.update_campaign(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_campaign" => out(s.get_campaign(a.get("id")?)?),
        "list_campaigns" => out(s.list_campaigns(a.get("include_retired")?)?),
        "add_stage" => out(s.add_stage(&a.get("input")?)?),
        "update_stage" => out(s.update_stage(a.get("id")?, a.get("version")?, &a.get("input")?)?),
        "reorder_stages" => out(s.reorder_stages(&a.get::<Vec<_>>("ids")?)?),
        "get_stage" => out(s.get_stage(a.get("id")?)?),
        "list_stages" => out(s.list_stages(a.get("include_retired")?)?),
        "add_confidence" => out(s.add_confidence(&a.get("input")?)?),
        "update_confidence" => {
            out(s.update_confidence(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_confidence" => out(s.get_confidence(a.get("id")?)?),
        "list_confidences" => out(s.list_confidences(a.get("include_retired")?)?),
        "add_product_category" => out(s.add_product_category(&a.get("input")?)?),
        "update_product_category" => {
            out(s.update_product_category(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_product_category" => out(s.get_product_category(a.get("id")?)?),
        "list_product_categories" => out(s.list_product_categories(a.get("include_retired")?)?),
        "add_product" => out(s.add_product(&a.get("input")?)?),
        "update_product" => {
            out(s.update_product(a.get("id")?, a.get("version")?, &a.get("input")?)?)
        }
        "get_product" => out(s.get_product(a.get("id")?)?),
        "list_products" => out(s.list_products(a.get("include_retired")?)?),
        "retire_master" => out(s.retire_master(a.get("id")?, a.get("version")?)?),
        "restore_master" => out(s.restore_master(a.get("id")?, a.get("version")?)?),
        "delete_master" => out(s.delete_master(a.get("id")?)?),
        // deals
        "add_deal" => out(s.add_deal(&a.get("input")?)?),
        "get_deal" => out(s.get_deal(a.get("id")?)?),
        "update_deal" => out(s.update_deal(a.get("id")?, a.get("version")?, &a.get("input")?)?),
        "win_deal" => out(s.win_deal(a.get("id")?, a.get("version")?, a.opt("closed_on")?)?),
        "lose_deal" => out(s.lose_deal(
            a.get("id")?,
            a.get("version")?,
            a.opt("closed_on")?,
            a.opt::<String>("reason")?.as_deref(),
        )?),
        "reopen_deal" => out(s.reopen_deal(a.get("id")?, a.get("version")?)?),
        "open_deals" => out(s.open_deals(a.opt("owner")?, &a.get("page")?)?),
        "company_deals" => out(s.company_deals(a.get("id")?, &a.get("page")?)?),
        "product_deals" => out(s.product_deals(a.get("id")?, &a.get("page")?)?),
        "campaign_deals" => out(s.campaign_deals(a.get("id")?, &a.get("page")?)?),
        // forecasts
        "forecast" => out(s.forecast(&a.get("request")?)?),
        "product_summary" => out(s.product_summary(a.get("first_day")?, a.get("last_day")?)?),
        "category_summary" => out(s.category_summary(a.get("first_day")?, a.get("last_day")?)?),
        "campaign_roi" => out(s.campaign_roi(a.opt("period")?)?),
        "calibration" => out(s.calibration()?),
        "forecast_range" => out(s.forecast_range(&a.get("request")?)?),
        // teams
        "add_team" => out(s.add_team(&a.get("input")?)?),
        "update_team" => out(s.update_team(a.get("id")?, a.get("version")?, &a.get("input")?)?),
        "get_team" => out(s.get_team(a.get("id")?)?),
        "list_teams" => out(s.list_teams()?),
        "my_teams" => out(s.my_teams()?),
        "team_board" => out(s.team_board(&a.get("request")?)?),
        // business cards
        "get_card" => out(s.get_card(a.get("id")?)?),
        "delegate_card" => out(s.delegate_card(a.get("id")?, a.get("version")?, a.get("to")?)?),
        "card_queue" => out(s.card_queue(&a.get("page")?)?),
        "person_duplicates" => out(s.person_duplicates(&a.get("input")?)?),
        "transcribe_card" => {
            let t = s.transcribe_card(a.get("id")?, a.get("version")?, &a.get("input")?)?;
            out(json!({
                "card": t.card, "company": t.company, "person": t.person,
                "duplicates": t.duplicates,
            }))
        }
        "discard_card" => {
            out(s.discard_card(a.get("id")?, a.get("version")?, &a.get::<String>("reason")?)?)
        }
        other => Err(unknown(other)),
    }
}

fn report(r: ImportReport) -> Outcome {
    out(json!({
        "imported": r.imported,
        "blank_rows": r.blank_rows,
        "skipped": r.skipped.iter().map(|e| json!({"line": e.line, "message": e.problem.to_string()})).collect::<Vec<_>>(),
    }))
}

/// Calls that take bytes.
pub(crate) fn with_bytes(s: &Session, method: &str, data: &[u8], args: &str) -> Outcome {
    let a = Args::parse(args)?;
    match method {
        "import_companies_csv" => report(s.import_companies_csv(data, &a.get("options")?)?),
        "import_persons_csv" => report(s.import_persons_csv(data, &a.get("options")?)?),
        "import_deals_csv" => report(s.import_deals_csv(data, &a.get("options")?)?),
        "import_masters_csv" => report(s.import_masters_csv(data, &a.get("options")?)?),
        "import_users_csv" => report(s.import_users_csv(data, &a.get("options")?)?),
        "upload_card" => {
            out(s.upload_card(data, &a.get::<String>("media_type")?, a.opt("transcriber")?)?)
        }
        other => Err(unknown(other)),
    }
}

/// Calls that return bytes: (a JSON value, the bytes).
pub(crate) fn for_bytes(
    s: &Session,
    method: &str,
    args: &str,
) -> Result<(Value, Vec<u8>), Failure> {
    let a = Args::parse(args)?;
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
pub(crate) fn for_arrow(s: &Session, method: &str, args: &str) -> Result<ArrowStream, Failure> {
    let a = Args::parse(args)?;
    match method {
        "deals" => {
            let mut batches = DealBatches::new();
            let mut failed = None;
            s.walk_deals(|d, names| {
                if failed.is_none() {
                    failed = batches.push(d, names).err();
                }
                Ok(())
            })?;
            match failed {
                Some(e) => Err(crate::envelope::arrow(e)),
                None => batches.finish().map_err(crate::envelope::arrow),
            }
        }
        "forecast" => {
            arrow::forecast_rows(&s.forecast(&a.get("request")?)?).map_err(crate::envelope::arrow)
        }
        other => Err(unknown(other)),
    }
}
