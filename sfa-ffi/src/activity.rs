//! Interactions (visits, calls) and their reports, tasks, the notifications outbox and
//! the agenda.

use sfa_core::{
    Agenda, AgendaRequest, CompanyId, Interaction, InteractionId, InteractionInput, Notification,
    NotificationId, PageRequest, PersonId, ReportInput, Task, TaskId, TaskInput, Timestamp,
};

use crate::SfaError;
use crate::asynchronous::session_calls;
use crate::pages::InteractionPage;

session_calls! {
    /// Registers a planned interaction (予定登録); it must not be over already.
    pub fn plan_interaction(&self, input: InteractionInput) -> Result<Interaction, SfaError> {
        Ok(self.inner.plan_interaction(&input)?)
    }

    /// Records an interaction that already happened, with its result; with
    /// `report_to`, that user gets a confirmation task and a notification at once.
    pub fn log_interaction(
        &self,
        input: InteractionInput,
        report: ReportInput,
    ) -> Result<Interaction, SfaError> {
        Ok(self.inner.log_interaction(&input, &report)?)
    }

    /// Records the result of a planned interaction (結果登録).
    pub fn report_interaction(
        &self,
        id: InteractionId,
        version: i64,
        report: ReportInput,
    ) -> Result<Interaction, SfaError> {
        Ok(self.inner.report_interaction(id, version, &report)?)
    }

    /// Replaces an interaction's fields (not its result) if it is still at `version`.
    pub fn update_interaction(
        &self,
        id: InteractionId,
        version: i64,
        input: InteractionInput,
    ) -> Result<Interaction, SfaError> {
        Ok(self.inner.update_interaction(id, version, &input)?)
    }

    /// Moves a planned interaction to new times (not into the past).
    pub fn reschedule_interaction(
        &self,
        id: InteractionId,
        version: i64,
        starts_at: Timestamp,
        ends_at: Timestamp,
    ) -> Result<Interaction, SfaError> {
        Ok(self
            .inner
            .reschedule_interaction(id, version, starts_at, ends_at)?)
    }

    /// Calls off a planned interaction; it stays in the history, marked cancelled.
    pub fn cancel_interaction(
        &self,
        id: InteractionId,
        version: i64,
        reason: Option<String>,
    ) -> Result<Interaction, SfaError> {
        Ok(self
            .inner
            .cancel_interaction(id, version, reason.as_deref())?)
    }

    /// An interaction by id.
    pub fn get_interaction(&self, id: InteractionId) -> Result<Interaction, SfaError> {
        Ok(self.inner.get_interaction(id)?)
    }

    /// The tasks that follow up an interaction (its confirmation request).
    pub fn interaction_tasks(&self, id: InteractionId) -> Result<Vec<Task>, SfaError> {
        Ok(self.inner.interaction_tasks(id)?)
    }

    /// One page of a company's interactions, newest first.
    pub fn company_interactions(
        &self,
        id: CompanyId,
        page: PageRequest,
    ) -> Result<InteractionPage, SfaError> {
        Ok(self.inner.company_interactions(id, &page)?.into())
    }

    /// One page of a person's contact history, newest first.
    pub fn person_interactions(
        &self,
        id: PersonId,
        page: PageRequest,
    ) -> Result<InteractionPage, SfaError> {
        Ok(self.inner.person_interactions(id, &page)?.into())
    }

    /// Adds a task (a request, notified, when assigned to someone else).
    pub fn add_task(&self, input: TaskInput) -> Result<Task, SfaError> {
        Ok(self.inner.add_task(&input)?)
    }

    /// A task by id.
    pub fn get_task(&self, id: TaskId) -> Result<Task, SfaError> {
        Ok(self.inner.get_task(id)?)
    }

    /// Replaces a task's fields if it is still at `version`.
    pub fn update_task(
        &self,
        id: TaskId,
        version: i64,
        input: TaskInput,
    ) -> Result<Task, SfaError> {
        Ok(self.inner.update_task(id, version, &input)?)
    }

    /// Marks a task done; its pending reminder is withdrawn.
    pub fn complete_task(&self, id: TaskId, version: i64) -> Result<Task, SfaError> {
        Ok(self.inner.complete_task(id, version)?)
    }

    /// Opens a completed task again.
    pub fn reopen_task(&self, id: TaskId, version: i64) -> Result<Task, SfaError> {
        Ok(self.inner.reopen_task(id, version)?)
    }

    /// The acting user's notifications due at `now`, reserved for this caller for 60 s:
    /// show them, then [`Session::mark_delivered`].
    pub fn due_notifications(&self, now: Timestamp) -> Result<Vec<Notification>, SfaError> {
        Ok(self.inner.due_notifications(now)?)
    }

    /// Marks notifications delivered; returns how many were newly marked.
    pub fn mark_delivered(&self, ids: Vec<NotificationId>) -> Result<i64, SfaError> {
        Ok(crate::count(self.inner.mark_delivered(&ids)?))
    }

    /// A user's agenda for local days: planned interactions and open tasks.
    pub fn agenda(&self, request: AgendaRequest) -> Result<Agenda, SfaError> {
        Ok(self.inner.agenda(&request)?)
    }

    /// The agenda as an iCalendar file (RFC 5545), with stable UIDs.
    pub fn export_agenda_ical(&self, request: AgendaRequest) -> Result<String, SfaError> {
        Ok(self.inner.export_agenda_ical(&request)?)
    }

    /// Chosen interactions as an iCalendar file (RFC 5545), in the order given.
    pub fn export_interactions_ical(&self, ids: Vec<InteractionId>) -> Result<String, SfaError> {
        Ok(self.inner.export_interactions_ical(&ids)?)
    }
}
