//! The storage side of the daily activity: interactions, tasks and the notifications
//! outbox. Part of every [`super::ReadTx`] / [`super::WriteTx`].

use chrono::NaiveDate;

use crate::error::Result;
use crate::model::{
    CompanyId, Interaction, InteractionId, ListQuery, Notification, NotificationId, PersonId, Task,
    TaskId, Timestamp, UserId,
};

/// Whose interaction history to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryOf {
    /// Every interaction with the company.
    Company(CompanyId),
    /// Every interaction the person took part in.
    Person(PersonId),
}

/// Activity queries available inside any transaction.
pub trait ActivityReadTx {
    /// An interaction by id, with its participants and persons.
    fn get_interaction(&mut self, id: InteractionId) -> Result<Option<Interaction>>;
    /// Interactions newest first, ordered by (start, id) descending; `query.after` is
    /// the (stored start text, id) of the last one already seen.
    fn list_interactions(&mut self, of: HistoryOf, query: &ListQuery) -> Result<Vec<Interaction>>;
    /// The planned interactions `user` takes part in that overlap `[start, end)`, by
    /// start then id. Interactions last at most [`crate::model::limits::INTERACTION_DAYS`].
    fn planned_interactions(
        &mut self,
        user: UserId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Vec<Interaction>>;

    /// A task by id.
    fn get_task(&mut self, id: TaskId) -> Result<Option<Task>>;
    /// The open tasks assigned to `user` that are undated or due on or before `due_by`,
    /// by due date (undated last) then id.
    fn open_tasks(&mut self, user: UserId, due_by: NaiveDate) -> Result<Vec<Task>>;
    /// The tasks that follow up an interaction, oldest first.
    fn interaction_tasks(&mut self, id: InteractionId) -> Result<Vec<Task>>;
    /// Every interaction in id order, `limit` at a time after the id `after` (the last
    /// one already seen): for exports that walk them all.
    fn interactions_by_id(
        &mut self,
        after: Option<InteractionId>,
        limit: u32,
    ) -> Result<Vec<Interaction>>;
    /// Every task in id order, `limit` at a time after the id `after`.
    fn tasks_by_id(&mut self, after: Option<TaskId>, limit: u32) -> Result<Vec<Task>>;

    /// The interactions (any status) one of `users` takes part in that start in
    /// `[from, to)`, by start then id.
    fn interactions_starting(
        &mut self,
        users: &[UserId],
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Interaction>>;
    /// How many open tasks `user` has, and how many of them are due before `today`.
    fn task_counts(&mut self, user: UserId, today: NaiveDate) -> Result<(u64, u64)>;
    /// The open tasks of `user` due before `today`, oldest due first, at most `limit`.
    fn overdue_tasks(&mut self, user: UserId, today: NaiveDate, limit: u32) -> Result<Vec<Task>>;
}

/// Activity changes, available inside a write transaction. `update_*` follow the
/// versioning rule of [`super::WriteTx`].
pub trait ActivityWriteTx: ActivityReadTx {
    /// Stores a new interaction with its participants and persons.
    fn insert_interaction(&mut self, interaction: &Interaction) -> Result<()>;
    /// Replaces an interaction (and its participants and persons) if its stored version
    /// is `expected_version`.
    fn update_interaction(
        &mut self,
        interaction: &Interaction,
        expected_version: i64,
    ) -> Result<()>;
    /// Stores a new task.
    fn insert_task(&mut self, task: &Task) -> Result<()>;
    /// Replaces a task if its stored version is `expected_version`.
    fn update_task(&mut self, task: &Task, expected_version: i64) -> Result<()>;

    /// Queues a notification (`task_title` is not stored: it is read from the task).
    fn insert_notification(&mut self, notification: &Notification) -> Result<()>;
    /// Removes the task's reminders that have not been delivered yet.
    fn withdraw_reminders(&mut self, task: TaskId) -> Result<()>;
    /// Claims up to `limit` of the user's undelivered notifications due at `now` that no
    /// one holds a live claim on, until `claim_until`; oldest due first.
    fn claim_due_notifications(
        &mut self,
        user: UserId,
        now: Timestamp,
        claim_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Notification>>;
    /// Marks the user's notifications delivered at `now` (already delivered ones keep
    /// their time) and returns how many were newly marked. An id that is not one of the
    /// user's notifications is `NotFound`, and nothing is marked.
    fn mark_notifications_delivered(
        &mut self,
        user: UserId,
        ids: &[NotificationId],
        now: Timestamp,
    ) -> Result<u64>;
}
