//! Deals and the weighted forecast across the boundary: money as exact decimal text
//! (`java.math.BigDecimal` in Kotlin), dates as `YYYY-MM-DD` (`java.time.LocalDate`).

use std::str::FromStr;

use chrono::NaiveDate;
use sfa_core::Decimal;

use crate::convert::parse_id;
use crate::error::{SfaError, invalid};

/// An exact amount, decimal text on the wire, `java.math.BigDecimal` in Kotlin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money(pub Decimal);

uniffi::custom_type!(Money, String, {
    try_lift: |text| Ok(Money(
        Decimal::from_str(&text).map_err(|_| invalid("amount", "is not a decimal number"))?,
    )),
    lower: |money| money.0.normalize().to_string(),
});

/// A calendar date, `YYYY-MM-DD` on the wire, `java.time.LocalDate` in Kotlin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day(pub NaiveDate);

uniffi::custom_type!(Day, String, {
    try_lift: |text| Ok(Day(
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| invalid("date", "is not a date like 2026-12-01"))?,
    )),
    lower: |day| day.0.format("%Y-%m-%d").to_string(),
});

/// A deal's editable fields (this increment: without stages, levels, campaigns and
/// line items).
#[derive(Debug, Clone, uniffi::Record)]
pub struct DealInput {
    /// The company's id.
    pub company_id: String,
    /// Name.
    pub name: String,
    /// Amount, exact.
    pub amount: Option<Money>,
    /// Expected close date.
    pub expected_close_on: Option<Day>,
    /// Notes.
    pub notes: Option<String>,
}

impl TryFrom<DealInput> for sfa_core::DealInput {
    type Error = SfaError;

    fn try_from(d: DealInput) -> Result<Self, SfaError> {
        Ok(sfa_core::DealInput {
            amount: d.amount.map(|m| m.0),
            expected_close_on: d.expected_close_on.map(|d| d.0),
            notes: d.notes,
            ..sfa_core::DealInput::named(parse_id(&d.company_id, "company_id")?, d.name)
        })
    }
}

/// A stored deal.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Deal {
    /// The id.
    pub id: String,
    /// The company's id.
    pub company_id: String,
    /// Name.
    pub name: String,
    /// The owner's id.
    pub owner_id: String,
    /// Amount.
    pub amount: Option<Money>,
    /// Expected close date.
    pub expected_close_on: Option<Day>,
    /// `open`, `won` or `lost`.
    pub status: String,
    /// Close date.
    pub closed_on: Option<Day>,
    /// Incremented on every change.
    pub version: i64,
}

impl From<sfa_core::Deal> for Deal {
    fn from(d: sfa_core::Deal) -> Self {
        Deal {
            id: d.id.to_string(),
            company_id: d.company_id.to_string(),
            owner_id: d.owner_id.to_string(),
            amount: d.amount.map(Money),
            expected_close_on: d.expected_close_on.map(Day),
            status: d.status.as_str().to_string(),
            closed_on: d.closed_on.map(Day),
            version: d.version,
            name: d.name,
        }
    }
}

/// One month (and owner) of the weighted forecast.
#[derive(Debug, Clone, uniffi::Record)]
pub struct ForecastRow {
    /// `2026-12`.
    pub month: String,
    /// The owner's id, when grouped by owner.
    pub owner: Option<String>,
    /// Open deals expected to close in the month.
    pub deal_count: u64,
    /// Deals won in the month.
    pub won_count: u64,
    /// Unweighted pipeline.
    pub pipeline: Money,
    /// Sum of amount x probability.
    pub weighted: Money,
    /// Won amount.
    pub won: Money,
    /// won + weighted.
    pub expected: Money,
}

impl From<sfa_core::forecast::ForecastRow> for ForecastRow {
    fn from(r: sfa_core::forecast::ForecastRow) -> Self {
        ForecastRow {
            month: r.month,
            owner: r.owner,
            deal_count: r.deal_count,
            won_count: r.won_count,
            pipeline: Money(r.pipeline),
            weighted: Money(r.weighted),
            won: Money(r.won),
            expected: Money(r.expected),
        }
    }
}
