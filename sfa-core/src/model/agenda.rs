//! The agenda (予定 / 今日): a user's planned interactions and open tasks for a local
//! day or range of days.

use chrono::{Duration, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use super::{Interaction, Task, Timestamp, UserId};
use crate::error::{Entity, Reason, ValidationError};

/// Japan Standard Time, the default offset of agenda days.
pub const DEFAULT_UTC_OFFSET_MINUTES: i32 = 9 * 60;

/// The longest agenda range, in days.
pub const MAX_AGENDA_DAYS: i64 = 366;

/// Which agenda to build. Every field has a default: `AgendaRequest::default()` is the
/// acting user's today in Japan.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AgendaRequest {
    /// Whose agenda; the acting user when not given.
    pub user_id: Option<UserId>,
    /// The first local day; today (at the offset) when not given.
    pub first_day: Option<NaiveDate>,
    /// The last local day, inclusive; `first_day` when not given.
    pub last_day: Option<NaiveDate>,
    /// The local time zone as minutes east of UTC (+09:00 = 540, the default).
    pub utc_offset_minutes: Option<i32>,
}

impl AgendaRequest {
    /// The agenda of one local day.
    pub fn day(day: NaiveDate) -> Self {
        AgendaRequest {
            first_day: Some(day),
            ..AgendaRequest::default()
        }
    }

    /// Resolves the defaults against `now` and checks the range.
    pub(crate) fn resolve(
        &self,
        me: UserId,
        now: Timestamp,
    ) -> Result<AgendaSpan, ValidationError> {
        let refuse = |field, reason| ValidationError::single(Entity::AgendaRequest, field, reason);
        let minutes = self
            .utc_offset_minutes
            .unwrap_or(DEFAULT_UTC_OFFSET_MINUTES);
        let offset = (minutes.abs() <= 14 * 60)
            .then(|| FixedOffset::east_opt(minutes * 60))
            .flatten()
            .ok_or_else(|| refuse("utc_offset_minutes", Reason::OutOfRange))?;
        let today = now.with_timezone(&offset).date_naive();
        let first_day = self.first_day.unwrap_or(today);
        let last_day = self.last_day.unwrap_or(first_day);
        super::time::check_date(first_day).map_err(|r| refuse("first_day", r))?;
        super::time::check_date(last_day).map_err(|r| refuse("last_day", r))?;
        if last_day < first_day {
            return Err(refuse("last_day", Reason::BeforeStart));
        }
        if (last_day - first_day).num_days() >= MAX_AGENDA_DAYS {
            return Err(refuse("last_day", Reason::OutOfRange));
        }
        let start = local_midnight(offset, first_day)
            .ok_or_else(|| refuse("first_day", Reason::OutOfRange))?;
        let end = last_day
            .checked_add_signed(Duration::days(1))
            .and_then(|d| local_midnight(offset, d))
            .ok_or_else(|| refuse("last_day", Reason::OutOfRange))?;
        Ok(AgendaSpan {
            user: self.user_id.unwrap_or(me),
            first_day,
            last_day,
            utc_offset_minutes: minutes,
            today,
            start,
            end,
        })
    }
}

fn local_midnight(offset: FixedOffset, day: NaiveDate) -> Option<Timestamp> {
    offset
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.to_utc())
}

/// A resolved agenda request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AgendaSpan {
    pub user: UserId,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub utc_offset_minutes: i32,
    /// The local date of `now`, which decides what is overdue.
    pub today: NaiveDate,
    /// Local midnight starting `first_day`, as a UTC instant.
    pub start: Timestamp,
    /// Local midnight ending `last_day`, as a UTC instant (exclusive).
    pub end: Timestamp,
}

/// A user's agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agenda {
    /// Whose agenda.
    pub user_id: UserId,
    /// The first local day.
    pub first_day: NaiveDate,
    /// The last local day (inclusive).
    pub last_day: NaiveDate,
    /// The offset the days were read in.
    pub utc_offset_minutes: i32,
    /// Planned interactions the user takes part in that overlap the days, by start.
    pub interactions: Vec<Interaction>,
    /// The user's open tasks due by the last day, or undated: overdue first, then by
    /// due date, undated last.
    pub tasks: Vec<AgendaTask>,
}

/// An open task on an agenda.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaTask {
    /// The task.
    pub task: Task,
    /// Due before today (in the agenda's offset) and still open.
    pub overdue: bool,
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn today_is_the_local_day_of_now() {
        // 2026-11-30 16:00 UTC is already 12-01 in Tokyo.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap();
        let me = UserId::new();
        let span = AgendaRequest::default().resolve(me, now).unwrap();
        assert_eq!(span.first_day, date(2026, 12, 1));
        assert_eq!(span.user, me);
        assert_eq!(
            span.start,
            Utc.with_ymd_and_hms(2026, 11, 30, 15, 0, 0).unwrap()
        );
        assert_eq!(
            span.end,
            Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap()
        );
        let utc = AgendaRequest {
            utc_offset_minutes: Some(0),
            ..AgendaRequest::default()
        }
        .resolve(me, now)
        .unwrap();
        assert_eq!(utc.first_day, date(2026, 11, 30));
    }

    #[test]
    fn bad_ranges_name_their_field() {
        let now = Utc::now();
        let me = UserId::new();
        let e = AgendaRequest {
            first_day: Some(date(2026, 12, 2)),
            last_day: Some(date(2026, 12, 1)),
            ..AgendaRequest::default()
        }
        .resolve(me, now)
        .unwrap_err();
        assert_eq!(e.reason_for("last_day"), Some(&Reason::BeforeStart));
        let e = AgendaRequest {
            utc_offset_minutes: Some(15 * 60),
            ..AgendaRequest::default()
        }
        .resolve(me, now)
        .unwrap_err();
        assert_eq!(
            e.reason_for("utc_offset_minutes"),
            Some(&Reason::OutOfRange)
        );
        let e = AgendaRequest {
            first_day: Some(date(2026, 1, 1)),
            last_day: Some(date(2027, 1, 2)), // 367 days

            ..AgendaRequest::default()
        }
        .resolve(me, now)
        .unwrap_err();
        assert_eq!(e.reason_for("last_day"), Some(&Reason::OutOfRange));
        let year = AgendaRequest {
            first_day: Some(date(2026, 1, 1)),
            last_day: Some(date(2027, 1, 1)), // 366 days
            ..AgendaRequest::default()
        };
        assert!(year.resolve(me, now).is_ok());
    }
}
