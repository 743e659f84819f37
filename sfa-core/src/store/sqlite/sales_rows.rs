//! Conversions between master data, deals and SQLite rows. Each record's column list
//! drives its `from_row`, its parameters and its INSERT and UPDATE statements, so
//! their order cannot drift apart.

use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Row, params};
use rust_decimal::Decimal;

use super::activity_rows::{Day, ts};
use super::rows::{Exec, Ts};
use crate::model::{
    Campaign, Confidence, Deal, DealStatus, Product, ProductCategory, Stage, Timestamp, UserId,
};

/// An exact decimal as stored text (`1234.5`).
pub(super) struct Dec(pub Decimal);

impl ToSql for Dec {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.0.normalize().to_string()))
    }
}

impl FromSql for Dec {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Decimal::from_str(value.as_str()?)
            .map(Dec)
            .map_err(|_| FromSqlError::InvalidType)
    }
}

/// `INSERT INTO table (c1, ..., cn) VALUES (?1, ..., ?n)`.
pub(super) fn insert_sql(table: &str, columns: &str) -> String {
    let n = columns.split(',').count();
    let marks: Vec<String> = (1..=n).map(|i| format!("?{i}")).collect();
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({})",
        marks.join(", ")
    )
}

/// `UPDATE table SET c2 = ?2, ... WHERE id = ?1 AND version = ?(n+1)`, leaving the
/// creation columns alone. The columns start with `id` and end with `version`.
pub(super) fn update_sql(table: &str, columns: &str) -> String {
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    let sets: Vec<String> = names
        .iter()
        .enumerate()
        .skip(1)
        .filter(|(_, c)| !matches!(**c, "created_at" | "created_by"))
        .map(|(i, c)| format!("{c} = ?{}", i + 1))
        .collect();
    format!(
        "UPDATE {table} SET {} WHERE id = ?1 AND version = ?{}",
        sets.join(", "),
        names.len() + 1
    )
}

/// Reads the audit columns starting at `at`.
fn audit(
    row: &Row<'_>,
    at: usize,
) -> rusqlite::Result<(Timestamp, UserId, Timestamp, UserId, i64)> {
    Ok((
        row.get::<_, Ts>(at)?.0,
        row.get(at + 1)?,
        row.get::<_, Ts>(at + 2)?.0,
        row.get(at + 3)?,
        row.get(at + 4)?,
    ))
}

macro_rules! columns {
    ($($c:literal),*) => { concat!($($c, ", ",)* "retired, created_at, created_by, updated_at, updated_by, version") };
}

pub(super) const CAMPAIGN_COLUMNS: &str =
    columns!("id", "name", "starts_on", "ends_on", "cost", "notes");

pub(super) fn campaign_from_row(row: &Row<'_>) -> rusqlite::Result<Campaign> {
    let (created_at, created_by, updated_at, updated_by, version) = audit(row, 7)?;
    Ok(Campaign {
        id: row.get(0)?,
        name: row.get(1)?,
        starts_on: row.get::<_, Day>(2)?.0,
        ends_on: row.get::<_, Day>(3)?.0,
        cost: row.get::<_, Dec>(4)?.0,
        notes: row.get(5)?,
        retired: row.get(6)?,
        created_at,
        created_by,
        updated_at,
        updated_by,
        version,
    })
}

pub(super) fn campaign_params(m: &Campaign, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        m.id,
        m.name,
        Day(m.starts_on),
        Day(m.ends_on),
        Dec(m.cost),
        m.notes,
        m.retired,
        ts(&m.created_at),
        m.created_by,
        ts(&m.updated_at),
        m.updated_by,
        m.version,
        expected,
    ])
}

pub(super) const STAGE_COLUMNS: &str = columns!("id", "name", "position", "default_percentage");

pub(super) fn stage_from_row(row: &Row<'_>) -> rusqlite::Result<Stage> {
    let (created_at, created_by, updated_at, updated_by, version) = audit(row, 5)?;
    Ok(Stage {
        id: row.get(0)?,
        name: row.get(1)?,
        position: row.get(2)?,
        default_percentage: row.get(3)?,
        retired: row.get(4)?,
        created_at,
        created_by,
        updated_at,
        updated_by,
        version,
    })
}

pub(super) fn stage_params(m: &Stage, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        m.id,
        m.name,
        m.position,
        m.default_percentage,
        m.retired,
        ts(&m.created_at),
        m.created_by,
        ts(&m.updated_at),
        m.updated_by,
        m.version,
        expected,
    ])
}

pub(super) const CONFIDENCE_COLUMNS: &str = columns!("id", "label", "percentage");

pub(super) fn confidence_from_row(row: &Row<'_>) -> rusqlite::Result<Confidence> {
    let (created_at, created_by, updated_at, updated_by, version) = audit(row, 4)?;
    Ok(Confidence {
        id: row.get(0)?,
        label: row.get(1)?,
        percentage: row.get(2)?,
        retired: row.get(3)?,
        created_at,
        created_by,
        updated_at,
        updated_by,
        version,
    })
}

pub(super) fn confidence_params(
    m: &Confidence,
    expected: i64,
    f: Exec<'_>,
) -> rusqlite::Result<usize> {
    f(params![
        m.id,
        m.label,
        m.percentage,
        m.retired,
        ts(&m.created_at),
        m.created_by,
        ts(&m.updated_at),
        m.updated_by,
        m.version,
        expected,
    ])
}

pub(super) const CATEGORY_COLUMNS: &str = columns!("id", "name");

pub(super) fn category_from_row(row: &Row<'_>) -> rusqlite::Result<ProductCategory> {
    let (created_at, created_by, updated_at, updated_by, version) = audit(row, 3)?;
    Ok(ProductCategory {
        id: row.get(0)?,
        name: row.get(1)?,
        retired: row.get(2)?,
        created_at,
        created_by,
        updated_at,
        updated_by,
        version,
    })
}

pub(super) fn category_params(
    m: &ProductCategory,
    expected: i64,
    f: Exec<'_>,
) -> rusqlite::Result<usize> {
    f(params![
        m.id,
        m.name,
        m.retired,
        ts(&m.created_at),
        m.created_by,
        ts(&m.updated_at),
        m.updated_by,
        m.version,
        expected,
    ])
}

pub(super) const PRODUCT_COLUMNS: &str =
    columns!("id", "category_id", "code", "name", "unit_price");

pub(super) fn product_from_row(row: &Row<'_>) -> rusqlite::Result<Product> {
    let (created_at, created_by, updated_at, updated_by, version) = audit(row, 6)?;
    Ok(Product {
        id: row.get(0)?,
        category_id: row.get(1)?,
        code: row.get(2)?,
        name: row.get(3)?,
        unit_price: row.get::<_, Dec>(4)?.0,
        retired: row.get(5)?,
        created_at,
        created_by,
        updated_at,
        updated_by,
        version,
    })
}

pub(super) fn product_params(m: &Product, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        m.id,
        m.category_id,
        m.code,
        m.name,
        Dec(m.unit_price),
        m.retired,
        ts(&m.created_at),
        m.created_by,
        ts(&m.updated_at),
        m.updated_by,
        m.version,
        expected,
    ])
}

pub(super) const DEAL_COLUMNS: &str = concat!(
    "id, company_id, name, owner_id, amount, expected_close_on, stage_id, confidence_id, ",
    "campaign_id, notes, status, closed_on, lost_reason, sort_key, ",
    "created_at, created_by, updated_at, updated_by, version"
);

/// A deal without its lines (the caller loads them).
pub(super) fn deal_from_row(row: &Row<'_>) -> rusqlite::Result<Deal> {
    let status: String = row.get(10)?;
    let (created_at, created_by, updated_at, updated_by, version) = audit(row, 14)?;
    Ok(Deal {
        id: row.get(0)?,
        company_id: row.get(1)?,
        name: row.get(2)?,
        owner_id: row.get(3)?,
        amount: row.get::<_, Option<Dec>>(4)?.map(|d| d.0),
        expected_close_on: row.get::<_, Option<Day>>(5)?.map(|d| d.0),
        stage_id: row.get(6)?,
        confidence_id: row.get(7)?,
        campaign_id: row.get(8)?,
        lines: Vec::new(),
        notes: row.get(9)?,
        status: DealStatus::parse(&status).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                10,
                rusqlite::types::Type::Text,
                "unknown deal status".into(),
            )
        })?,
        closed_on: row.get::<_, Option<Day>>(11)?.map(|d| d.0),
        lost_reason: row.get(12)?,
        created_at,
        created_by,
        updated_at,
        updated_by,
        version,
    })
}

pub(super) fn deal_params(d: &Deal, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    f(params![
        d.id,
        d.company_id,
        d.name,
        d.owner_id,
        d.amount.map(Dec),
        d.expected_close_on.map(Day),
        d.stage_id,
        d.confidence_id,
        d.campaign_id,
        d.notes,
        d.status.as_str(),
        d.closed_on.map(Day),
        d.lost_reason,
        d.sort_key(),
        ts(&d.created_at),
        d.created_by,
        ts(&d.updated_at),
        d.updated_by,
        d.version,
        expected,
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The audit columns every master and deal ends with.
    const AUDIT: &str = "created_at, created_by, updated_at, updated_by, version";

    #[test]
    fn statements_follow_the_column_list() {
        assert_eq!(
            insert_sql("t", "id, a, version"),
            "INSERT INTO t (id, a, version) VALUES (?1, ?2, ?3)"
        );
        assert_eq!(
            update_sql("t", "id, a, created_at, created_by, updated_at, version"),
            "UPDATE t SET a = ?2, updated_at = ?5, version = ?6 WHERE id = ?1 AND version = ?7"
        );
        assert!(CAMPAIGN_COLUMNS.ends_with(AUDIT));
        assert!(DEAL_COLUMNS.ends_with(AUDIT));
    }
}
