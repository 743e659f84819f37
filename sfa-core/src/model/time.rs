//! Timestamps: UTC instants with millisecond precision, stored as ISO-8601 text
//! (`2026-11-26T06:30:00.000Z`), which sorts correctly as text and reads well in SQL.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};

/// A UTC instant, millisecond precision.
pub type Timestamp = DateTime<Utc>;

/// Where the library reads the current time; replaceable in tests.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        truncate_to_millis(Utc::now())
    }
}

/// Drops sub-millisecond precision so that a stored and re-read value compares equal.
pub fn truncate_to_millis(t: Timestamp) -> Timestamp {
    Utc.timestamp_millis_opt(t.timestamp_millis())
        .single()
        .unwrap_or(t)
}

/// The stored text form of a timestamp.
pub fn format_timestamp(t: &Timestamp) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses the stored text form.
pub fn parse_timestamp(s: &str) -> Option<Timestamp> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The years the library takes for dates and instants: four digits, so that their
/// text form sorts in time order (a date in year 30000 sorted first in every agenda).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

/// True for instants the library stores: years 1900 to 9999.
pub(crate) fn storable(t: &Timestamp) -> bool {
    use chrono::Datelike;
    YEARS.contains(&t.year())
}

/// A calendar date in years 1900 to 9999, else [`crate::Reason::OutOfRange`].
pub(crate) fn check_date(d: chrono::NaiveDate) -> Result<chrono::NaiveDate, crate::Reason> {
    use chrono::Datelike;
    if YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(crate::Reason::OutOfRange)
    }
}
