//! The core's value types that are not records: instants, dates and exact decimals.
//! Each crosses as text and surfaces as the platform's type (see `uniffi.toml`):
//! `java.time.Instant` / `Date`, `java.time.LocalDate` / `DateComponents`-free text,
//! `java.math.BigDecimal` / `Decimal`. A malformed value is a validation error, and so
//! is a date or instant outside the years 1900-9999 or a decimal that cannot be held
//! exactly (more than 28 significant digits would be rounded).

use chrono::{DateTime, Datelike, Utc};
use sfa_core::model::YEARS;
use sfa_core::model::format_timestamp;
use sfa_core::{Reason, Timestamp};

use crate::error::refused;

pub use chrono::NaiveDate;
pub use sfa_core::Decimal;

uniffi::custom_type!(Timestamp, String, {
    remote,
    try_lift: |text| {
        let instant = DateTime::parse_from_rfc3339(&text)
            .map_err(|_| refused("instant", Reason::InvalidDate, "is not an RFC 3339 instant"))?
            .with_timezone(&Utc);
        if !YEARS.contains(&instant.year()) {
            return Err(refused("instant", Reason::OutOfRange, "is outside the years 1900-9999").into());
        }
        Ok(instant)
    },
    lower: |instant| format_timestamp(&instant),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    try_lift: |text| {
        let day = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| refused("date", Reason::InvalidDate, "is not a date like 2026-12-01"))?;
        if !YEARS.contains(&day.year()) {
            return Err(refused("date", Reason::OutOfRange, "is outside the years 1900-9999").into());
        }
        Ok(day)
    },
    lower: |day| day.format("%Y-%m-%d").to_string(),
});

uniffi::custom_type!(Decimal, String, {
    remote,
    try_lift: |text| Ok(Decimal::from_str_exact(&text)
        .map_err(|_| refused("decimal", Reason::InvalidNumber, "is not a decimal number it can hold exactly"))?),
    lower: |value| value.normalize().to_string(),
});
