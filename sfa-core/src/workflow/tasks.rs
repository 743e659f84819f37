//! Tasks (タスク管理) and their reminders (リマインダー).
//!
//! A reminder is a `reminder_due` notification queued for the assignee, due at the
//! task's `remind_at`. Changing `remind_at` (or the assignee) moves it, clearing it
//! withdraws it, completing the task withdraws it, and reopening queues it again when
//! `remind_at` is still ahead. A reminder already delivered is never withdrawn.

use super::Session;
use super::refs::{
    check_active_user, check_company_ref, check_deal_ref, check_interaction_ref, check_person_refs,
    task,
};
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{
    Interaction, Notification, NotificationId, NotificationKind, Task, TaskId, TaskInput, TaskKind,
    TaskStatus, Timestamp, User, UserId,
};
use crate::store::WriteTx;
use crate::sync::Mutation;

impl Session {
    /// Adds a task. Without an assignee it is the acting user's own; with another user
    /// it is a request, and they are notified. A `remind_at` queues a reminder for the
    /// assignee (at once, when it has passed already).
    pub fn add_task(&self, input: &TaskInput) -> Result<Task> {
        let _call = self.call(|| Mutation::AddTask {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            let assignee = input.assignee_id.unwrap_or(me.id);
            check_task_refs(tx, &input, None)?;
            let task = Task::new(TaskKind::Todo, input, assignee, me.id, now);
            tx.insert_task(&task)?;
            if task.assignee_id != me.id {
                notify(tx, &task, NotificationKind::TaskAssigned, None, now, now)?;
            }
            if let Some(at) = task.remind_at {
                notify(tx, &task, NotificationKind::ReminderDue, None, at, now)?;
            }
            Ok(task)
        })
    }

    /// A task by id.
    pub fn get_task(&self, id: TaskId) -> Result<Task> {
        self.read(|tx, _| task(tx, id))
    }

    /// Replaces a task's fields, if it is still at `version`. The assignee, the
    /// requester (creator) and admins may; a new assignee other than the acting user is
    /// notified. A completed task takes no new `remind_at`.
    pub fn update_task(&self, id: TaskId, version: i64, input: &TaskInput) -> Result<Task> {
        let _call = self.call(|| Mutation::UpdateTask {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.change_task(id, version, |tx, t, me| {
            if !t.is_open() && input.remind_at.is_some() && input.remind_at != t.remind_at {
                return Err(refuse("remind_at", Reason::NotWhile("completed")));
            }
            check_task_refs(tx, &input, Some(t))?;
            let before = t.clone();
            let assignee = input.assignee_id.unwrap_or(t.assignee_id);
            t.set_input(input, assignee);
            if t.assignee_id != before.assignee_id && t.assignee_id != me.id && t.is_open() {
                notify(tx, t, NotificationKind::TaskAssigned, None, now, now)?;
            }
            if t.remind_at != before.remind_at || t.assignee_id != before.assignee_id {
                tx.withdraw_reminders(t.id)?;
                if let (Some(at), true) = (t.remind_at, t.is_open()) {
                    notify(tx, t, NotificationKind::ReminderDue, None, at, now)?;
                }
            }
            Ok(())
        })
    }

    /// Marks a task done; its pending reminder is withdrawn.
    pub fn complete_task(&self, id: TaskId, version: i64) -> Result<Task> {
        let _call = self.call(|| Mutation::CompleteTask { id, version });
        let now = self.now();
        self.change_task(id, version, |tx, t, me| {
            if !t.is_open() {
                return Err(refuse("status", Reason::NotWhile("completed")));
            }
            t.status = TaskStatus::Completed;
            t.completed_at = Some(now);
            t.completed_by = Some(me.id);
            tx.withdraw_reminders(t.id)
        })
    }

    /// Opens a completed task again; its reminder is queued again if `remind_at` is
    /// still ahead.
    pub fn reopen_task(&self, id: TaskId, version: i64) -> Result<Task> {
        let _call = self.call(|| Mutation::ReopenTask { id, version });
        let now = self.now();
        self.change_task(id, version, |tx, t, _| {
            if t.is_open() {
                return Err(refuse("status", Reason::NotWhile("open")));
            }
            t.status = TaskStatus::Open;
            t.completed_at = None;
            t.completed_by = None;
            match t.remind_at {
                Some(at) if at > now => notify(tx, t, NotificationKind::ReminderDue, None, at, now),
                _ => Ok(()),
            }
        })
    }

    fn change_task(
        &self,
        id: TaskId,
        version: i64,
        change: impl FnOnce(&mut dyn WriteTx, &mut Task, &User) -> Result<()>,
    ) -> Result<Task> {
        let now = self.now();
        self.write(|tx, me| {
            let mut t = task(tx, id)?;
            if !(me.is_admin() || t.assignee_id == me.id || t.created_by == me.id) {
                return Err(Error::permission_denied(
                    "only the assignee, the requester and admins may change a task",
                ));
            }
            change(tx, &mut t, me)?;
            t.updated_at = now;
            t.updated_by = me.id;
            t.version = crate::model::next_version(version);
            tx.update_task(&t, version)?;
            Ok(t)
        })
    }
}

fn refuse(field: &'static str, reason: Reason) -> Error {
    ValidationError::single(Entity::Task, field, reason).into()
}

/// Checks the references that are new compared with `current` (all for a new task).
fn check_task_refs(tx: &mut dyn WriteTx, input: &TaskInput, current: Option<&Task>) -> Result<()> {
    if let Some(user) = input.assignee_id
        && current.is_none_or(|c| c.assignee_id != user)
    {
        check_active_user(tx, Entity::Task, "assignee_id", user)?;
    }
    if let Some(company) = input.company_id
        && current.is_none_or(|c| c.company_id != Some(company))
    {
        check_company_ref(tx, Entity::Task, company)?;
    }
    if let Some(person) = input.person_id
        && current.is_none_or(|c| c.person_id != Some(person))
    {
        check_person_refs(tx, Entity::Task, "person_id", &[person])?;
    }
    if let Some(interaction) = input.interaction_id
        && current.is_none_or(|c| c.interaction_id != Some(interaction))
    {
        check_interaction_ref(tx, Entity::Task, interaction)?;
    }
    if let Some(deal) = input.deal_id
        && current.is_none_or(|c| c.deal_id != Some(deal))
    {
        check_deal_ref(tx, Entity::Task, deal)?;
    }
    Ok(())
}

/// Queues a notification about `task` for its assignee.
fn notify(
    tx: &mut dyn WriteTx,
    task: &Task,
    kind: NotificationKind,
    interaction: Option<&Interaction>,
    due_at: Timestamp,
    now: Timestamp,
) -> Result<()> {
    tx.insert_notification(&Notification {
        id: NotificationId::new(),
        user_id: task.assignee_id,
        kind,
        task_id: task.id,
        task_title: task.title.clone(),
        interaction_id: interaction.map(|i| i.id),
        due_at,
        created_at: now,
        delivered_at: None,
    })
}

/// The title of a confirmation request: a fixed prefix and the interaction's purpose.
pub const CONFIRMATION_TITLE_PREFIX: &str = "報告確認: ";

/// Creates the confirmation-request task for a reported interaction and notifies the
/// reviewer (unless they reported it themselves), in the caller's transaction.
pub(crate) fn request_confirmation(
    tx: &mut dyn WriteTx,
    interaction: &Interaction,
    reviewer: UserId,
    me: &User,
    now: Timestamp,
) -> Result<Task> {
    let input = TaskInput {
        title: format!("{CONFIRMATION_TITLE_PREFIX}{}", interaction.purpose),
        company_id: Some(interaction.company_id),
        interaction_id: Some(interaction.id),
        ..TaskInput::default()
    };
    let task = Task::new(TaskKind::Confirmation, input, reviewer, me.id, now);
    tx.insert_task(&task)?;
    if reviewer != me.id {
        notify(
            tx,
            &task,
            NotificationKind::ConfirmationRequested,
            Some(interaction),
            now,
            now,
        )?;
    }
    Ok(task)
}
