//! Conversions between activity records (interactions, tasks, notifications) and
//! SQLite rows. Column lists and `from_row` constructors live together so that their
//! order cannot drift apart.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Row, params};

use super::rows::{Exec, Ts, sql_id};
use crate::error::Reason;
use crate::model::{
    Interaction, InteractionId, InteractionKind, InteractionStatus, Notification, NotificationId,
    NotificationKind, Task, TaskId, TaskKind, TaskStatus, Timestamp, format_timestamp,
};

sql_id!(InteractionId, TaskId, NotificationId);

/// A calendar date as stored text (`2026-12-01`).
pub(super) struct Day(pub NaiveDate);

pub(super) const DAY_FORMAT: &str = "%Y-%m-%d";

impl FromSql for Day {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_day(value.as_str()?)
            .map(Day)
            .ok_or(FromSqlError::InvalidType)
    }
}

/// `YYYY-MM-DD` by hand: scans read millions of dates, and the general parser is
/// several times slower.
fn parse_day(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return NaiveDate::parse_from_str(text, DAY_FORMAT).ok();
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

impl ToSql for Day {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.format(DAY_FORMAT).to_string()))
    }
}

/// The stored text of an instant, for binding.
pub(super) fn ts(t: &Timestamp) -> String {
    format_timestamp(t)
}

fn opt_ts(t: &Option<Timestamp>) -> Option<String> {
    t.as_ref().map(format_timestamp)
}

/// Reads a stored enum name, failing the row when it is not one this build knows.
fn stored<T>(
    row: &Row<'_>,
    idx: usize,
    parse: fn(&str) -> Result<T, Reason>,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    parse(&text).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            "unknown stored value".into(),
        )
    })
}

pub(super) const INTERACTION_COLUMNS: &str = "id, company_id, kind, purpose, starts_at, ends_at, location, notes, status, outcome, \
     report_to, reported_at, reported_by, cancel_reason, created_at, created_by, updated_at, updated_by, version";

/// An interaction without its participants and persons (the caller loads them).
pub(super) fn interaction_from_row(row: &Row<'_>) -> rusqlite::Result<Interaction> {
    Ok(Interaction {
        id: row.get(0)?,
        company_id: row.get(1)?,
        kind: stored(row, 2, InteractionKind::parse)?,
        purpose: row.get(3)?,
        starts_at: row.get::<_, Ts>(4)?.0,
        ends_at: row.get::<_, Ts>(5)?.0,
        participant_ids: Vec::new(),
        person_ids: Vec::new(),
        location: row.get(6)?,
        notes: row.get(7)?,
        status: stored(row, 8, InteractionStatus::parse)?,
        outcome: row.get(9)?,
        report_to: row.get(10)?,
        reported_at: row.get::<_, Option<Ts>>(11)?.map(|t| t.0),
        reported_by: row.get(12)?,
        cancel_reason: row.get(13)?,
        created_at: row.get::<_, Ts>(14)?.0,
        created_by: row.get(15)?,
        updated_at: row.get::<_, Ts>(16)?.0,
        updated_by: row.get(17)?,
        version: row.get(18)?,
    })
}

pub(super) const INSERT_INTERACTION: &str = "INSERT INTO interactions (id, company_id, kind, purpose, starts_at, ends_at, location, notes, \
     status, outcome, report_to, reported_at, reported_by, cancel_reason, created_at, created_by, \
     updated_at, updated_by, version) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

pub(super) const UPDATE_INTERACTION: &str = "UPDATE interactions SET company_id = ?2, kind = ?3, purpose = ?4, starts_at = ?5, \
     ends_at = ?6, location = ?7, notes = ?8, status = ?9, outcome = ?10, report_to = ?11, \
     reported_at = ?12, reported_by = ?13, cancel_reason = ?14, updated_at = ?17, updated_by = ?18, \
     version = ?19 WHERE id = ?1 AND version = ?20";

pub(super) fn interaction_params(
    i: &Interaction,
    expected: i64,
    f: Exec<'_>,
) -> rusqlite::Result<usize> {
    f(params![
        i.id,
        i.company_id,
        i.kind.as_str(),
        i.purpose,
        ts(&i.starts_at),
        ts(&i.ends_at),
        i.location,
        i.notes,
        i.status.as_str(),
        i.outcome,
        i.report_to,
        opt_ts(&i.reported_at),
        i.reported_by,
        i.cancel_reason,
        ts(&i.created_at),
        i.created_by,
        ts(&i.updated_at),
        i.updated_by,
        i.version,
        expected,
    ])
}

pub(super) const TASK_COLUMNS: &str = "id, kind, title, description, due_date, remind_at, assignee_id, company_id, person_id, \
     interaction_id, status, completed_at, completed_by, created_at, created_by, updated_at, updated_by, version, deal_id";

pub(super) fn task_from_row(row: &Row<'_>) -> rusqlite::Result<Task> {
    Ok(Task {
        id: row.get(0)?,
        kind: stored(row, 1, TaskKind::parse)?,
        title: row.get(2)?,
        description: row.get(3)?,
        due_date: row.get::<_, Option<Day>>(4)?.map(|d| d.0),
        remind_at: row.get::<_, Option<Ts>>(5)?.map(|t| t.0),
        assignee_id: row.get(6)?,
        company_id: row.get(7)?,
        person_id: row.get(8)?,
        interaction_id: row.get(9)?,
        status: stored(row, 10, TaskStatus::parse)?,
        completed_at: row.get::<_, Option<Ts>>(11)?.map(|t| t.0),
        completed_by: row.get(12)?,
        created_at: row.get::<_, Ts>(13)?.0,
        created_by: row.get(14)?,
        updated_at: row.get::<_, Ts>(15)?.0,
        updated_by: row.get(16)?,
        version: row.get(17)?,
        deal_id: row.get(18)?,
    })
}

pub(super) const INSERT_TASK: &str = "INSERT INTO tasks (id, kind, title, description, due_date, remind_at, assignee_id, company_id, \
     person_id, interaction_id, status, completed_at, completed_by, created_at, created_by, \
     updated_at, updated_by, version, deal_id) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)";

pub(super) const UPDATE_TASK: &str = "UPDATE tasks SET kind = ?2, title = ?3, description = ?4, due_date = ?5, remind_at = ?6, \
     assignee_id = ?7, company_id = ?8, person_id = ?9, interaction_id = ?10, status = ?11, \
     completed_at = ?12, completed_by = ?13, updated_at = ?16, updated_by = ?17, version = ?18, \
     deal_id = ?19 WHERE id = ?1 AND version = ?20";

pub(super) fn task_params(t: &Task, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        t.id,
        t.kind.as_str(),
        t.title,
        t.description,
        t.due_date.map(Day),
        opt_ts(&t.remind_at),
        t.assignee_id,
        t.company_id,
        t.person_id,
        t.interaction_id,
        t.status.as_str(),
        opt_ts(&t.completed_at),
        t.completed_by,
        ts(&t.created_at),
        t.created_by,
        ts(&t.updated_at),
        t.updated_by,
        t.version,
        t.deal_id,
        expected,
    ])
}

/// Notification columns, read joined with the task (`n` and `t`) for its title.
pub(super) const NOTIFICATION_COLUMNS: &str = "n.id, n.user_id, n.kind, n.task_id, t.title, n.interaction_id, n.due_at, n.created_at, n.delivered_at";

pub(super) fn notification_from_row(row: &Row<'_>) -> rusqlite::Result<Notification> {
    Ok(Notification {
        id: row.get(0)?,
        user_id: row.get(1)?,
        kind: stored(row, 2, NotificationKind::parse)?,
        task_id: row.get(3)?,
        task_title: row.get(4)?,
        interaction_id: row.get(5)?,
        due_at: row.get::<_, Ts>(6)?.0,
        created_at: row.get::<_, Ts>(7)?.0,
        delivered_at: row.get::<_, Option<Ts>>(8)?.map(|t| t.0),
    })
}

pub(super) const INSERT_NOTIFICATION: &str = "INSERT INTO notifications (id, user_id, kind, task_id, interaction_id, due_at, created_at, \
     delivered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

pub(super) fn notification_params(n: &Notification, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        n.id,
        n.user_id,
        n.kind.as_str(),
        n.task_id,
        n.interaction_id,
        ts(&n.due_at),
        ts(&n.created_at),
        opt_ts(&n.delivered_at),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_parse_by_hand_like_the_general_parser() {
        for text in ["2026-12-01", "0001-01-01", "9999-12-31", "2024-02-29"] {
            assert_eq!(
                parse_day(text),
                NaiveDate::parse_from_str(text, DAY_FORMAT).ok()
            );
        }
        for bad in ["2026-13-01", "2023-02-29", "2026-1a-01", "20261201", ""] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
