//! Tasks (タスク) and their reminders.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::company::optional;
use super::time::{check_date, storable, truncate_to_millis};
use super::{CompanyId, DealId, InteractionId, PersonId, TaskId, Timestamp, UserId, limits};
use crate::error::{Checker, Entity, Reason, ValidationError};
use crate::normalize::{clean_multiline, required_line};

stored_enum! {
    /// Why a task exists.
    TaskKind {
        /// A to-do someone added.
        #[default]
        Todo = "todo",
        /// A request to confirm a reported interaction, created for its `report_to` user.
        Confirmation = "confirmation",
    }
}

stored_enum! {
    /// Whether a task still needs doing.
    TaskStatus {
        /// Still to do; on the assignee's agenda.
        #[default]
        Open = "open",
        /// Done.
        Completed = "completed",
    }
}

/// The editable fields of a task.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TaskInput {
    /// What to do (required).
    pub title: String,
    /// Details; line breaks kept.
    pub description: Option<String>,
    /// The day it is due (a local calendar date).
    pub due_date: Option<NaiveDate>,
    /// When a reminder becomes due for the assignee (リマインダー送信日).
    pub remind_at: Option<Timestamp>,
    /// Who does it; the acting user when not given. Another user makes the task a
    /// request, and they are notified.
    pub assignee_id: Option<UserId>,
    /// The company it concerns.
    pub company_id: Option<CompanyId>,
    /// The person it concerns.
    pub person_id: Option<PersonId>,
    /// The interaction it follows up.
    pub interaction_id: Option<InteractionId>,
    /// The deal it moves forward.
    pub deal_id: Option<DealId>,
}

impl TaskInput {
    /// A task with just a title.
    pub fn titled(title: impl Into<String>) -> Self {
        TaskInput {
            title: title.into(),
            ..TaskInput::default()
        }
    }

    /// Checks every field and returns the normalised input, or every refused field.
    /// Whether the referenced records exist is checked when the task is stored.
    pub fn validate(&self) -> Result<TaskInput, ValidationError> {
        let mut c = Checker::new(Entity::Task);
        let title = c.check("title", required_line(&self.title, limits::TASK_TITLE));
        let description = c.check(
            "description",
            optional(&self.description, |v| clean_multiline(v, limits::NOTES)),
        );
        if self.remind_at.is_some_and(|t| !storable(&t)) {
            c.check::<()>("remind_at", Err(Reason::OutOfRange));
        }
        let due_date = c.check("due_date", self.due_date.map(check_date).transpose());
        for (field, nil) in [
            ("assignee_id", self.assignee_id == Some(UserId::default())),
            ("company_id", self.company_id == Some(CompanyId::default())),
            ("person_id", self.person_id == Some(PersonId::default())),
            (
                "interaction_id",
                self.interaction_id == Some(InteractionId::default()),
            ),
            ("deal_id", self.deal_id == Some(DealId::default())),
        ] {
            if nil {
                c.check::<()>(field, Err(Reason::InvalidId));
            }
        }
        c.finish(TaskInput {
            title,
            description,
            due_date,
            remind_at: self.remind_at.map(truncate_to_millis),
            ..self.clone()
        })
    }
}

/// A stored task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// The id.
    pub id: TaskId,
    /// A to-do or a confirmation request.
    pub kind: TaskKind,
    /// What to do.
    pub title: String,
    /// Details.
    pub description: Option<String>,
    /// The local day it is due.
    pub due_date: Option<NaiveDate>,
    /// When the assignee gets a reminder.
    pub remind_at: Option<Timestamp>,
    /// Who does it.
    pub assignee_id: UserId,
    /// The company it concerns.
    pub company_id: Option<CompanyId>,
    /// The person it concerns.
    pub person_id: Option<PersonId>,
    /// The interaction it follows up.
    pub interaction_id: Option<InteractionId>,
    /// The deal it moves forward.
    pub deal_id: Option<DealId>,
    /// Open or completed.
    pub status: TaskStatus,
    /// When it was completed.
    pub completed_at: Option<Timestamp>,
    /// Who completed it.
    pub completed_by: Option<UserId>,
    /// When it was created.
    pub created_at: Timestamp,
    /// Who created it: the requester when the assignee is someone else.
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with a change.
    pub version: i64,
}

impl Task {
    /// A new open task from validated input, assigned to `assignee`.
    pub(crate) fn new(
        kind: TaskKind,
        input: TaskInput,
        assignee: UserId,
        by: UserId,
        now: Timestamp,
    ) -> Task {
        let mut t = Task {
            id: TaskId::new(),
            kind,
            title: String::new(),
            description: None,
            due_date: None,
            remind_at: None,
            assignee_id: assignee,
            company_id: None,
            person_id: None,
            interaction_id: None,
            deal_id: None,
            status: TaskStatus::Open,
            completed_at: None,
            completed_by: None,
            created_at: now,
            created_by: by,
            updated_at: now,
            updated_by: by,
            version: 1,
        };
        t.set_input(input, assignee);
        t
    }

    /// The editable fields, e.g. to change some and send them back.
    pub fn input(&self) -> TaskInput {
        TaskInput {
            title: self.title.clone(),
            description: self.description.clone(),
            due_date: self.due_date,
            remind_at: self.remind_at,
            assignee_id: Some(self.assignee_id),
            company_id: self.company_id,
            person_id: self.person_id,
            interaction_id: self.interaction_id,
            deal_id: self.deal_id,
        }
    }

    /// Replaces the editable fields with already validated ones.
    pub(crate) fn set_input(&mut self, input: TaskInput, assignee: UserId) {
        self.title = input.title;
        self.description = input.description;
        self.due_date = input.due_date;
        self.remind_at = input.remind_at;
        self.assignee_id = assignee;
        self.company_id = input.company_id;
        self.person_id = input.person_id;
        self.interaction_id = input.interaction_id;
        self.deal_id = input.deal_id;
    }

    /// True while it still needs doing.
    pub fn is_open(&self) -> bool {
        self.status == TaskStatus::Open
    }

    /// True when the assignee was asked by someone else.
    pub fn is_request(&self) -> bool {
        self.assignee_id != self.created_by
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_required_and_cleaned() {
        let e = TaskInput::titled("　").validate().unwrap_err();
        assert_eq!(e.entity, Entity::Task);
        assert_eq!(e.reason_for("title"), Some(&Reason::Required));
        let ok = TaskInput::titled(" 見積書を送る ").validate().unwrap();
        assert_eq!(ok.title, "見積書を送る");
    }

    #[test]
    fn nil_references_are_named() {
        let e = TaskInput {
            assignee_id: Some(UserId::default()),
            interaction_id: Some(InteractionId::default()),
            ..TaskInput::titled("x")
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.reason_for("assignee_id"), Some(&Reason::InvalidId));
        assert_eq!(e.reason_for("interaction_id"), Some(&Reason::InvalidId));
    }
}
