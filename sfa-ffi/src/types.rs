//! The core's value types that are not records: instants, dates and exact decimals.
//! Each crosses as text and surfaces as the platform's type (see `uniffi.toml`):
//! `java.time.Instant` / `Date`, `java.time.LocalDate` / `DateComponents`-free text,
//! `java.math.BigDecimal` / `Decimal`. A malformed value is a validation error.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use sfa_core::Timestamp;
use sfa_core::model::format_timestamp;

use crate::error::invalid;

pub use chrono::NaiveDate;
pub use sfa_core::Decimal;

uniffi::custom_type!(Timestamp, String, {
    remote,
    try_lift: |text| Ok(DateTime::parse_from_rfc3339(&text)
        .map_err(|_| invalid("instant", "is not an RFC 3339 instant"))?
        .with_timezone(&Utc)),
    lower: |instant| format_timestamp(&instant),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    try_lift: |text| Ok(NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|_| invalid("date", "is not a date like 2026-12-01"))?),
    lower: |day| day.format("%Y-%m-%d").to_string(),
});

uniffi::custom_type!(Decimal, String, {
    remote,
    try_lift: |text| Ok(Decimal::from_str(&text)
        .map_err(|_| invalid("decimal", "is not a decimal number"))?),
    lower: |value| value.normalize().to_string(),
});
