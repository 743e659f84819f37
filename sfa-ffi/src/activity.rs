//! Interactions, tasks and the notifications outbox across the boundary.

use crate::convert::{Instant, parse_id};
use crate::deals::Day;
use crate::error::{SfaError, invalid};

/// How an interaction happens: `visit`, `call`, `email`, `web_meeting` or `other`.
fn kind(text: &str) -> Result<sfa_core::InteractionKind, SfaError> {
    sfa_core::InteractionKind::parse(text).map_err(|_| {
        invalid(
            "kind",
            "is not one of visit, call, email, web_meeting, other",
        )
    })
}

fn ids<T: std::str::FromStr>(list: &[String], field: &str) -> Result<Vec<T>, SfaError> {
    list.iter().map(|id| parse_id(id, field)).collect()
}

/// An interaction's editable fields.
#[derive(Debug, Clone, uniffi::Record)]
pub struct InteractionInput {
    /// The company's id.
    pub company_id: String,
    /// `visit`, `call`, `email`, `web_meeting` or `other`.
    pub kind: String,
    /// Why it happens.
    pub purpose: String,
    /// Start.
    pub starts_at: Instant,
    /// End.
    pub ends_at: Instant,
    /// The users taking part (at least one).
    pub participant_ids: Vec<String>,
    /// The persons met.
    pub person_ids: Vec<String>,
    /// Where.
    pub location: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl TryFrom<InteractionInput> for sfa_core::InteractionInput {
    type Error = SfaError;

    fn try_from(i: InteractionInput) -> Result<Self, SfaError> {
        Ok(sfa_core::InteractionInput {
            company_id: parse_id(&i.company_id, "company_id")?,
            kind: kind(&i.kind)?,
            purpose: i.purpose,
            starts_at: i.starts_at.0,
            ends_at: i.ends_at.0,
            participant_ids: ids(&i.participant_ids, "participant_ids")?,
            person_ids: ids(&i.person_ids, "person_ids")?,
            location: i.location,
            notes: i.notes,
        })
    }
}

/// A stored interaction.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Interaction {
    /// The id.
    pub id: String,
    /// The company's id.
    pub company_id: String,
    /// `visit`, `call`, ...
    pub kind: String,
    /// Why.
    pub purpose: String,
    /// Start.
    pub starts_at: Instant,
    /// End.
    pub ends_at: Instant,
    /// The users taking part.
    pub participant_ids: Vec<String>,
    /// `planned`, `done` or `cancelled`.
    pub status: String,
    /// The reported result.
    pub outcome: Option<String>,
    /// Incremented on every change.
    pub version: i64,
}

impl From<sfa_core::Interaction> for Interaction {
    fn from(i: sfa_core::Interaction) -> Self {
        Interaction {
            id: i.id.to_string(),
            company_id: i.company_id.to_string(),
            kind: i.kind.as_str().to_string(),
            starts_at: Instant(i.starts_at),
            ends_at: Instant(i.ends_at),
            participant_ids: i.participant_ids.iter().map(ToString::to_string).collect(),
            status: i.status.as_str().to_string(),
            version: i.version,
            purpose: i.purpose,
            outcome: i.outcome,
        }
    }
}

/// The result of an interaction.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ReportInput {
    /// What came of it (required).
    pub outcome: String,
    /// The user the report goes to (they get a confirmation task).
    pub report_to: Option<String>,
}

impl TryFrom<ReportInput> for sfa_core::ReportInput {
    type Error = SfaError;

    fn try_from(r: ReportInput) -> Result<Self, SfaError> {
        Ok(sfa_core::ReportInput {
            report_to: r.report_to.map(|u| parse_id(&u, "report_to")).transpose()?,
            ..sfa_core::ReportInput::outcome(r.outcome)
        })
    }
}

/// A task's editable fields (this increment: without links).
#[derive(Debug, Clone, uniffi::Record)]
pub struct TaskInput {
    /// What to do.
    pub title: String,
    /// The day it is due.
    pub due_date: Option<Day>,
    /// When the assignee gets a reminder.
    pub remind_at: Option<Instant>,
    /// Who does it; the acting user when none.
    pub assignee_id: Option<String>,
}

impl TryFrom<TaskInput> for sfa_core::TaskInput {
    type Error = SfaError;

    fn try_from(t: TaskInput) -> Result<Self, SfaError> {
        Ok(sfa_core::TaskInput {
            due_date: t.due_date.map(|d| d.0),
            remind_at: t.remind_at.map(|i| i.0),
            assignee_id: t
                .assignee_id
                .map(|u| parse_id(&u, "assignee_id"))
                .transpose()?,
            ..sfa_core::TaskInput::titled(t.title)
        })
    }
}

/// A stored task.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Task {
    /// The id.
    pub id: String,
    /// `todo` or `confirmation`.
    pub kind: String,
    /// What to do.
    pub title: String,
    /// Due day.
    pub due_date: Option<Day>,
    /// Who does it.
    pub assignee_id: String,
    /// `open` or `completed`.
    pub status: String,
    /// Incremented on every change.
    pub version: i64,
}

impl From<sfa_core::Task> for Task {
    fn from(t: sfa_core::Task) -> Self {
        Task {
            id: t.id.to_string(),
            kind: t.kind.as_str().to_string(),
            due_date: t.due_date.map(Day),
            assignee_id: t.assignee_id.to_string(),
            status: t.status.as_str().to_string(),
            version: t.version,
            title: t.title,
        }
    }
}

/// A queued notification.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Notification {
    /// The id (pass it to `mark_delivered`).
    pub id: String,
    /// `reminder_due`, `task_assigned` or `confirmation_requested`.
    pub kind: String,
    /// The task it is about.
    pub task_id: String,
    /// The task's title.
    pub task_title: String,
    /// When it became due.
    pub due_at: Instant,
}

impl From<sfa_core::Notification> for Notification {
    fn from(n: sfa_core::Notification) -> Self {
        Notification {
            id: n.id.to_string(),
            kind: n.kind.as_str().to_string(),
            task_id: n.task_id.to_string(),
            due_at: Instant(n.due_at),
            task_title: n.task_title,
        }
    }
}
