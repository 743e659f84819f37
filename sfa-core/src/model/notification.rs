//! The notifications outbox: what host apps turn into push or local notifications.

use serde::{Deserialize, Serialize};

use super::{InteractionId, NotificationId, TaskId, Timestamp, UserId};

stored_enum! {
    /// What a notification tells its user.
    NotificationKind {
        /// A task's `remind_at` has come.
        #[default]
        ReminderDue = "reminder_due",
        /// Someone assigned the user a task.
        TaskAssigned = "task_assigned",
        /// Someone reported an interaction to the user and asks them to confirm it.
        ConfirmationRequested = "confirmation_requested",
    }
}

/// One queued notification for one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// The id (pass it to `mark_delivered`).
    pub id: NotificationId,
    /// Whom it is for.
    pub user_id: UserId,
    /// Reminder, assignment or confirmation request.
    pub kind: NotificationKind,
    /// The task it is about.
    pub task_id: TaskId,
    /// The task's title as it is now, for the notification text.
    pub task_title: String,
    /// The interaction it is about, for confirmation requests.
    pub interaction_id: Option<InteractionId>,
    /// When it becomes due.
    pub due_at: Timestamp,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When the host app reported it delivered.
    pub delivered_at: Option<Timestamp>,
}
