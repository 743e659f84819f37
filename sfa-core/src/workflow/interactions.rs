//! Interactions (コンタクト): plan, report, reschedule, cancel, and the contact history
//! of companies and persons (related records).

use super::Session;
use super::refs::{check_active_user, check_company_ref, check_person_refs, interaction};
use super::tasks::request_confirmation;
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{
    CompanyId, Interaction, InteractionId, InteractionInput, InteractionStatus, Page, PageRequest,
    PersonId, ReportInput, Task, Timestamp, User, format_timestamp, into_page,
};
use crate::store::{HistoryOf, WriteTx};
use crate::sync::Mutation;

impl Session {
    /// Registers a planned interaction (予定登録). It must not be over already (report
    /// it with [`Session::log_interaction`] instead); the company must be active, the
    /// participants active users and the persons met existing, non-archived persons.
    pub fn plan_interaction(&self, input: &InteractionInput) -> Result<Interaction> {
        let _call = self.call(|| Mutation::PlanInteraction {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        if input.ends_at < now {
            return Err(refuse("ends_at", Reason::InThePast));
        }
        self.write(|tx, me| {
            check_new_refs(tx, &input, None)?;
            let planned = Interaction::new(input, InteractionStatus::Planned, me.id, now);
            tx.insert_interaction(&planned)?;
            Ok(planned)
        })
    }

    /// Records an interaction that already happened, with its result, in one call
    /// (a call or e-mail that was never planned). With `report_to`, that user gets a
    /// confirmation-request task and a notification in the same transaction.
    pub fn log_interaction(
        &self,
        input: &InteractionInput,
        report: &ReportInput,
    ) -> Result<Interaction> {
        let _call = self.call(|| Mutation::LogInteraction {
            input: input.clone(),
            report: report.clone(),
        });
        let input = input.validate()?;
        let (outcome, started_at, ended_at) = report.validate(input.starts_at, input.ends_at)?;
        let now = self.now();
        if started_at > now {
            return Err(refuse("starts_at", Reason::InTheFuture));
        }
        self.write(|tx, me| {
            check_new_refs(tx, &input, None)?;
            let mut done = Interaction::new(input, InteractionStatus::Planned, me.id, now);
            done.starts_at = started_at;
            done.ends_at = ended_at;
            set_result(&mut done, outcome, report.report_to, me, now);
            check_report_to(tx, &done)?;
            tx.insert_interaction(&done)?;
            after_report(tx, &done, me, now)?;
            Ok(done)
        })
    }

    /// Records the result of a planned interaction (結果登録): outcome, actual times
    /// (the planned ones when not given). With `report_to`, that user gets a
    /// confirmation-request task and a notification in the same transaction.
    /// Participants, the creator and admins may report; the interaction must be
    /// planned and must have started.
    pub fn report_interaction(
        &self,
        id: InteractionId,
        version: i64,
        report: &ReportInput,
    ) -> Result<Interaction> {
        let _call = self.call(|| Mutation::ReportInteraction {
            id,
            version,
            report: report.clone(),
        });
        let now = self.now();
        self.change_interaction(id, version, |_, i, me| {
            require_planned(i)?;
            let (outcome, started_at, ended_at) = report.validate(i.starts_at, i.ends_at)?;
            if started_at > now {
                let field = if report.started_at.is_some() {
                    "started_at"
                } else {
                    "starts_at"
                };
                return Err(refuse(field, Reason::InTheFuture));
            }
            i.starts_at = started_at;
            i.ends_at = ended_at;
            set_result(i, outcome, report.report_to, me, now);
            Ok(())
        })
    }

    /// Replaces an interaction's fields (not its result), if it is still at `version`.
    /// Cancelled interactions are history and cannot be changed.
    pub fn update_interaction(
        &self,
        id: InteractionId,
        version: i64,
        input: &InteractionInput,
    ) -> Result<Interaction> {
        let _call = self.call(|| Mutation::UpdateInteraction {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_interaction(id, version, |tx, i, _| {
            if i.status == InteractionStatus::Cancelled {
                return Err(refuse("status", Reason::NotWhile("cancelled")));
            }
            check_new_refs(tx, &input, Some(i))?;
            i.set_input(input);
            Ok(())
        })
    }

    /// Moves a planned interaction to new times (not into the past).
    pub fn reschedule_interaction(
        &self,
        id: InteractionId,
        version: i64,
        starts_at: Timestamp,
        ends_at: Timestamp,
    ) -> Result<Interaction> {
        let _call = self.call(|| Mutation::RescheduleInteraction {
            id,
            version,
            starts_at,
            ends_at,
        });
        let now = self.now();
        self.change_interaction(id, version, |_, i, _| {
            require_planned(i)?;
            let input = InteractionInput {
                starts_at,
                ends_at,
                ..i.input()
            }
            .validate()?;
            if input.ends_at < now {
                return Err(refuse("ends_at", Reason::InThePast));
            }
            i.starts_at = input.starts_at;
            i.ends_at = input.ends_at;
            Ok(())
        })
    }

    /// Calls off a planned interaction. It stays in the history, marked cancelled,
    /// with the reason when one is given.
    pub fn cancel_interaction(
        &self,
        id: InteractionId,
        version: i64,
        reason: Option<&str>,
    ) -> Result<Interaction> {
        let _call = self.call(|| Mutation::CancelInteraction {
            id,
            version,
            reason: reason.map(str::to_string),
        });
        let reason = Interaction::clean_cancel_reason(reason)?;
        self.change_interaction(id, version, |_, i, _| {
            require_planned(i)?;
            i.status = InteractionStatus::Cancelled;
            i.cancel_reason = reason;
            Ok(())
        })
    }

    /// An interaction by id.
    pub fn get_interaction(&self, id: InteractionId) -> Result<Interaction> {
        self.read(|tx, _| interaction(tx, id))
    }

    /// The tasks that follow up an interaction (e.g. its confirmation request).
    pub fn interaction_tasks(&self, id: InteractionId) -> Result<Vec<Task>> {
        self.read(|tx, _| {
            interaction(tx, id)?;
            tx.interaction_tasks(id)
        })
    }

    /// One page of a company's interactions, newest first (cancelled ones included,
    /// marked so).
    pub fn company_interactions(
        &self,
        id: CompanyId,
        page: &PageRequest,
    ) -> Result<Page<Interaction>> {
        self.history(HistoryOf::Company(id), page)
    }

    /// One page of a person's contact history: the interactions they took part in,
    /// newest first (related records: person -> interactions).
    pub fn person_interactions(
        &self,
        id: PersonId,
        page: &PageRequest,
    ) -> Result<Page<Interaction>> {
        self.history(HistoryOf::Person(id), page)
    }

    fn history(&self, of: HistoryOf, page: &PageRequest) -> Result<Page<Interaction>> {
        let mut query = page.to_query(Entity::Interaction)?;
        query.limit += 1;
        let items = self.read(|tx, _| {
            match of {
                HistoryOf::Company(id) => {
                    tx.get_company(id)?
                        .ok_or_else(|| Error::not_found(Entity::Company, id))?;
                }
                HistoryOf::Person(id) => {
                    tx.get_person(id)?
                        .ok_or_else(|| Error::not_found(Entity::Person, id))?;
                }
            }
            tx.list_interactions(of, &query)
        })?;
        Ok(into_page(items, page.limit, |i| {
            (format_timestamp(&i.starts_at), i.id.to_string())
        }))
    }

    /// Loads an interaction, checks the acting user may change it, applies `change`
    /// and stores it with a new version; then runs the follow-ups of a fresh report.
    fn change_interaction(
        &self,
        id: InteractionId,
        version: i64,
        change: impl FnOnce(&mut dyn WriteTx, &mut Interaction, &User) -> Result<()>,
    ) -> Result<Interaction> {
        let now = self.now();
        self.write(|tx, me| {
            let mut i = interaction(tx, id)?;
            if !may_change(&i, me) {
                return Err(Error::permission_denied(
                    "only the participants, the creator and admins may change an interaction",
                ));
            }
            let was_planned = i.status == InteractionStatus::Planned;
            change(tx, &mut i, me)?;
            let reported = was_planned && i.status == InteractionStatus::Done;
            if reported {
                check_report_to(tx, &i)?;
            }
            i.updated_at = now;
            i.updated_by = me.id;
            i.version = crate::model::next_version(version);
            tx.update_interaction(&i, version)?;
            if reported {
                after_report(tx, &i, me, now)?;
            }
            Ok(i)
        })
    }
}

fn refuse(field: &'static str, reason: Reason) -> Error {
    ValidationError::single(Entity::Interaction, field, reason).into()
}

/// Participants, the creator and admins.
fn may_change(i: &Interaction, me: &User) -> bool {
    me.is_admin() || i.created_by == me.id || i.has_participant(me.id)
}

fn require_planned(i: &Interaction) -> Result<()> {
    match i.status {
        InteractionStatus::Planned => Ok(()),
        other => Err(refuse("status", Reason::NotWhile(other.as_str()))),
    }
}

fn set_result(
    i: &mut Interaction,
    outcome: String,
    report_to: Option<crate::UserId>,
    me: &User,
    now: Timestamp,
) {
    i.status = InteractionStatus::Done;
    i.outcome = Some(outcome);
    i.report_to = report_to;
    i.reported_at = Some(now);
    i.reported_by = Some(me.id);
}

fn check_report_to(tx: &mut dyn WriteTx, i: &Interaction) -> Result<()> {
    match i.report_to {
        Some(user) => check_active_user(tx, Entity::Interaction, "report_to", user),
        None => Ok(()),
    }
}

/// The follow-ups of a stored report, in its transaction: the confirmation request
/// (`report_to` was checked before the interaction was written).
fn after_report(tx: &mut dyn WriteTx, i: &Interaction, me: &User, now: Timestamp) -> Result<()> {
    if let Some(reviewer) = i.report_to {
        request_confirmation(tx, i, reviewer, me, now)?;
    }
    Ok(())
}

/// Checks the references that are new compared with `current` (all of them for a new
/// interaction): existing records that stay linked are kept even if archived since.
fn check_new_refs(
    tx: &mut dyn WriteTx,
    input: &InteractionInput,
    current: Option<&Interaction>,
) -> Result<()> {
    if current.is_none_or(|c| c.company_id != input.company_id) {
        check_company_ref(tx, Entity::Interaction, input.company_id)?;
    }
    for user in &input.participant_ids {
        if current.is_none_or(|c| !c.participant_ids.contains(user)) {
            check_active_user(tx, Entity::Interaction, "participant_ids", *user)?;
        }
    }
    let new_persons: Vec<PersonId> = input
        .person_ids
        .iter()
        .filter(|p| current.is_none_or(|c| !c.person_ids.contains(p)))
        .copied()
        .collect();
    check_person_refs(tx, Entity::Interaction, "person_ids", &new_persons)
}
