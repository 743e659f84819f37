//! Kotlin and Swift bindings for `sfa-core` (uniffi proc-macros).
//!
//! A thin layer: an [`Sfa`] object per open database, a [`Session`] object per acting
//! user, each method one to three lines over the core; records mirrored here with
//! their conversions in one place; one public error, [`SfaError`], mapped from the
//! core's in one `From`. Instants cross as RFC 3339 text and surface as
//! `java.time.Instant` in Kotlin (see `uniffi.toml`). Panics unwind (the release
//! profile keeps `panic = "unwind"`) and uniffi turns them into errors, never aborts.
//!
//! This first increment covers users, the customer ledger, search, index rebuilds with
//! progress, interactions (plan, log, report), tasks and the notifications outbox,
//! deals (without masters and lines) and the monthly forecast; the other
//! workflows follow (see the README). Money crosses as exact decimal text
//! (`java.math.BigDecimal`), dates as `YYYY-MM-DD` (`java.time.LocalDate`).

mod activity;
mod convert;
mod deals;
mod error;

use std::sync::Arc;

pub use activity::{Interaction, InteractionInput, Notification, ReportInput, Task, TaskInput};
pub use convert::*;
pub use deals::{Day, Deal, DealInput, ForecastRow, Money};
pub use error::SfaError;

uniffi::setup_scaffolding!();

/// Reports the progress of a long call.
#[uniffi::export(callback_interface)]
pub trait Progress: Send + Sync {
    /// `done` of `total` items processed.
    fn on_progress(&self, done: u64, total: u64);
}

/// An open database. Safe to call from several threads.
#[derive(uniffi::Object)]
pub struct Sfa {
    inner: sfa_core::Sfa,
}

#[uniffi::export]
impl Sfa {
    /// Opens (creating when missing) the database file at `path`.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Sfa>, SfaError> {
        Ok(Arc::new(Sfa {
            inner: sfa_core::Sfa::open(path)?,
        }))
    }

    /// A private in-memory database.
    #[uniffi::constructor]
    pub fn open_in_memory() -> Result<Arc<Sfa>, SfaError> {
        Ok(Arc::new(Sfa {
            inner: sfa_core::Sfa::open_in_memory()?,
        }))
    }

    /// True once the first admin exists.
    pub fn has_users(&self) -> Result<bool, SfaError> {
        Ok(self.inner.has_users()?)
    }

    /// Creates the first user, an active admin, in an empty database.
    pub fn create_first_admin(&self, input: UserInput) -> Result<User, SfaError> {
        Ok(self.inner.create_first_admin(&input.into())?.into())
    }

    /// Acts as the user with this id.
    pub fn session(&self, user_id: String) -> Result<Arc<Session>, SfaError> {
        let id = parse_id(&user_id, "user_id")?;
        Ok(Arc::new(Session {
            inner: self.inner.session(id)?,
        }))
    }

    /// Acts as the user with this e-mail address.
    pub fn session_by_email(&self, email: String) -> Result<Arc<Session>, SfaError> {
        Ok(Arc::new(Session {
            inner: self.inner.session_by_email(&email)?,
        }))
    }

    /// Indexes every company and person again, reporting progress; returns how many
    /// records were queued.
    pub fn rebuild_search_index(&self, progress: Box<dyn Progress>) -> Result<u64, SfaError> {
        Ok(self
            .inner
            .rebuild_search_index(&mut |done, total| progress.on_progress(done, total))?)
    }
}

/// Acting as one user. Safe to call from several threads.
#[derive(uniffi::Object)]
pub struct Session {
    inner: sfa_core::Session,
}

#[uniffi::export]
impl Session {
    /// The acting user.
    pub fn me(&self) -> Result<User, SfaError> {
        Ok(self.inner.me()?.into())
    }

    /// Adds a user (admins only).
    pub fn add_user(&self, input: UserInput) -> Result<User, SfaError> {
        Ok(self.inner.add_user(&input.into())?.into())
    }

    /// Adds a company.
    pub fn add_company(&self, input: CompanyInput) -> Result<Company, SfaError> {
        Ok(self.inner.add_company(&input.into())?.into())
    }

    /// A company by id.
    pub fn get_company(&self, id: String) -> Result<Company, SfaError> {
        Ok(self.inner.get_company(parse_id(&id, "id")?)?.into())
    }

    /// Replaces a company's fields if it is still at `version`.
    pub fn update_company(
        &self,
        id: String,
        version: i64,
        input: CompanyInput,
    ) -> Result<Company, SfaError> {
        Ok(self
            .inner
            .update_company(parse_id(&id, "id")?, version, &input.into())?
            .into())
    }

    /// One page of companies in あいうえお order.
    pub fn list_companies(&self, page: PageRequest) -> Result<CompanyPage, SfaError> {
        Ok(self.inner.list_companies(&page.into())?.into())
    }

    /// Adds a person to a company.
    pub fn add_person(&self, input: PersonInput) -> Result<Person, SfaError> {
        Ok(self.inner.add_person(&input.try_into()?)?.into())
    }

    /// One page of a company's persons.
    pub fn company_persons(&self, id: String, page: PageRequest) -> Result<PersonPage, SfaError> {
        Ok(self
            .inner
            .company_persons(parse_id(&id, "id")?, &page.into())?
            .into())
    }

    /// Registers a planned interaction.
    pub fn plan_interaction(&self, input: InteractionInput) -> Result<Interaction, SfaError> {
        Ok(self.inner.plan_interaction(&input.try_into()?)?.into())
    }

    /// Records an interaction that already happened, with its result.
    pub fn log_interaction(
        &self,
        input: InteractionInput,
        report: ReportInput,
    ) -> Result<Interaction, SfaError> {
        Ok(self
            .inner
            .log_interaction(&input.try_into()?, &report.try_into()?)?
            .into())
    }

    /// Records the result of a planned interaction.
    pub fn report_interaction(
        &self,
        id: String,
        version: i64,
        report: ReportInput,
    ) -> Result<Interaction, SfaError> {
        Ok(self
            .inner
            .report_interaction(parse_id(&id, "id")?, version, &report.try_into()?)?
            .into())
    }

    /// The tasks that follow up an interaction (its confirmation request).
    pub fn interaction_tasks(&self, id: String) -> Result<Vec<Task>, SfaError> {
        let tasks = self.inner.interaction_tasks(parse_id(&id, "id")?)?;
        Ok(tasks.into_iter().map(Into::into).collect())
    }

    /// Adds a task (a request when assigned to someone else).
    pub fn add_task(&self, input: TaskInput) -> Result<Task, SfaError> {
        Ok(self.inner.add_task(&input.try_into()?)?.into())
    }

    /// Marks a task done.
    pub fn complete_task(&self, id: String, version: i64) -> Result<Task, SfaError> {
        Ok(self
            .inner
            .complete_task(parse_id(&id, "id")?, version)?
            .into())
    }

    /// The acting user's notifications due at `now`, reserved for this caller.
    pub fn due_notifications(&self, now: Instant) -> Result<Vec<Notification>, SfaError> {
        let due = self.inner.due_notifications(now.0)?;
        Ok(due.into_iter().map(Into::into).collect())
    }

    /// Marks notifications delivered; returns how many were newly marked.
    pub fn mark_delivered(&self, ids: Vec<String>) -> Result<u64, SfaError> {
        let ids = ids
            .iter()
            .map(|id| parse_id(id, "ids"))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.inner.mark_delivered(&ids)?)
    }

    /// Opens a deal owned by the acting user.
    pub fn add_deal(&self, input: DealInput) -> Result<Deal, SfaError> {
        Ok(self.inner.add_deal(&input.try_into()?)?.into())
    }

    /// Closes a deal as won on `closed_on` (today in Japan when not given).
    pub fn win_deal(
        &self,
        id: String,
        version: i64,
        closed_on: Option<Day>,
    ) -> Result<Deal, SfaError> {
        Ok(self
            .inner
            .win_deal(parse_id(&id, "id")?, version, closed_on.map(|d| d.0))?
            .into())
    }

    /// The acting user's open deals, by expected close date (first `limit`).
    pub fn open_deals(&self, limit: u32) -> Result<Vec<Deal>, SfaError> {
        let page = sfa_core::PageRequest::first(limit);
        Ok(self
            .inner
            .open_deals(None, &page)?
            .items
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The weighted forecast by month from `first_month` to `last_month` (any day in
    /// each), optionally by owner; exact.
    pub fn forecast(
        &self,
        first_month: Day,
        last_month: Day,
        by_owner: bool,
    ) -> Result<Vec<ForecastRow>, SfaError> {
        let request = sfa_core::forecast::ForecastRequest {
            first_month: first_month.0,
            last_month: last_month.0,
            group_by: if by_owner {
                vec![sfa_core::forecast::Dimension::Owner]
            } else {
                Vec::new()
            },
        };
        Ok(self
            .inner
            .forecast(&request)?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Fuzzy search (曖昧検索) over companies and persons; at most `limit` hits.
    pub fn search(&self, text: String, limit: u32) -> Result<Vec<SearchHit>, SfaError> {
        let request = sfa_core::SearchRequest {
            limit,
            ..sfa_core::SearchRequest::new(text)
        };
        Ok(self
            .inner
            .search(&request)?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}
