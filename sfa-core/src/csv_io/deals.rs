//! The deals' CSV codec: one row per line item (see the module docs of
//! [`crate::csv_io`] for the format). Rows of one deal are grouped and decoded into a
//! [`DealRow`]; masters, the owner and the company stay names for the workflow to
//! resolve.

use std::collections::HashSet;
use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::columns::ColumnMap;
use super::ledger::{CompanyRef, company_ref};
use super::rows::{CsvRow, CsvRows, Decoded};
use super::writer::text;
use crate::error::{Entity, FieldError, Reason, Result, RowError, RowProblem, ValidationError};
use crate::model::{Deal, DealId, DealInput, DealStatus, Timestamp, format_timestamp};

/// The columns that describe the deal (not the line); rows of one deal must agree on
/// them (or leave them blank after the first).
const DEAL_FIELDS: &[&str] = &[
    "company_id",
    "company_name",
    "name",
    "owner_email",
    "amount",
    "expected_close_on",
    "stage",
    "confidence",
    "campaign",
    "status",
    "closed_on",
    "lost_reason",
    "notes",
    "created_at",
];

/// One deal as the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct DealRow {
    /// A `deal_ref` that is a UUID: the id to keep.
    pub(crate) id: Option<DealId>,
    pub(crate) company: CompanyRef,
    /// The owner's e-mail; the importing user when absent.
    pub(crate) owner_email: Option<String>,
    /// Masters by name (a stage's name, a confidence level's label, a campaign's name).
    pub(crate) stage: Option<String>,
    pub(crate) confidence: Option<String>,
    pub(crate) campaign: Option<String>,
    pub(crate) status: DealStatus,
    pub(crate) closed_on: Option<NaiveDate>,
    pub(crate) lost_reason: Option<String>,
    pub(crate) created_at: Option<Timestamp>,
    /// The input without its references (company, owner, masters, products).
    pub(crate) input: DealInput,
    pub(crate) lines: Vec<LineRow>,
}

/// One line item as the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct LineRow {
    pub(crate) line: i64,
    /// A product's code.
    pub(crate) product_code: String,
    pub(crate) quantity: Decimal,
    /// The product's list price when absent.
    pub(crate) unit_price: Option<Decimal>,
}

/// Reads deals: groups consecutive rows with the same `deal_ref` and decodes each
/// group. A problem of one deal (a malformed, inconsistent or unreadable row) is its
/// `Err`; the import skips it or stops, as asked.
pub(crate) struct DealRows<R: Read> {
    rows: CsvRows<R>,
    /// The first row of the next deal, read ahead.
    ahead: Option<CsvRow>,
    /// `deal_ref`s already used in the file.
    seen: HashSet<String>,
    pub(crate) blank_rows: i64,
}

impl<R: Read> DealRows<R> {
    pub(crate) fn new(rows: CsvRows<R>) -> DealRows<R> {
        DealRows {
            rows,
            ahead: None,
            seen: HashSet::new(),
            blank_rows: 0,
        }
    }

    fn next_filled(&mut self) -> Result<Option<CsvRow>> {
        if let Some(row) = self.ahead.take() {
            return Ok(Some(row));
        }
        while let Some(row) = self.rows.next_row()? {
            if row.is_blank() {
                self.blank_rows += 1;
            } else {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    /// The next deal, `None` at the end.
    pub(crate) fn next_deal(
        &mut self,
    ) -> Result<Option<std::result::Result<Decoded<DealRow>, RowError>>> {
        let Some(first) = self.next_filled()? else {
            return Ok(None);
        };
        let map = self.rows.map();
        let key = first.opt(map, "deal_ref").map(|k| k.trim().to_string());
        let mut group = vec![first];
        if key.is_some() {
            while let Some(row) = self.next_filled()? {
                let map = self.rows.map();
                if row.opt(map, "deal_ref").map(|k| k.trim().to_string()) == key {
                    group.push(row);
                } else {
                    self.ahead = Some(row);
                    break;
                }
            }
        }
        let map = self.rows.map();
        let mut decoded = decode_group(map, &group);
        if let (Ok(deal), Some(key)) = (&mut decoded, key)
            && !self.seen.insert(key)
        {
            deal.errors.insert(
                0,
                FieldError {
                    field: "deal_ref",
                    reason: Reason::AlreadyUsed,
                },
            );
        }
        Ok(Some(decoded))
    }
}

fn row_error(line: i64, field: &'static str, reason: Reason) -> RowError {
    RowError {
        line,
        problem: RowProblem::Invalid(ValidationError::single(Entity::Deal, field, reason)),
    }
}

fn decode_group(
    map: &ColumnMap,
    group: &[CsvRow],
) -> std::result::Result<Decoded<DealRow>, RowError> {
    let first = &group[0];
    for row in group {
        if let Some(problem) = row.width_problem(map) {
            return Err(problem);
        }
    }
    for row in &group[1..] {
        let differs = DEAL_FIELDS.iter().find(|f| {
            let v = row.get(map, f).trim();
            !v.is_empty() && v != first.get(map, f).trim()
        });
        if let Some(field) = differs {
            return Err(row_error(row.line, field, Reason::Inconsistent));
        }
    }
    let mut f = first.fields(map);
    let id = f
        .opt("deal_ref")
        .and_then(|k| k.trim().parse::<DealId>().ok());
    let company = company_ref(&mut f);
    let status = f.parsed("status", parse_status).unwrap_or(DealStatus::Open);
    let history = status != DealStatus::Open;
    let owner_email = f.trimmed("owner_email");
    let stage = f.trimmed("stage");
    let confidence = f.trimmed("confidence");
    let campaign = f.trimmed("campaign");
    let amount = f.decimal("amount");
    let expected_close_on = f.date("expected_close_on");
    let closed_on = f.date("closed_on");
    let created_at = f.instant("created_at");
    let lost_reason = f.opt("lost_reason");
    if lost_reason.is_some() && status != DealStatus::Lost {
        f.refuse("lost_reason", Reason::NotAllowed);
    }
    if history && f.opt("closed_on").is_none() {
        f.refuse("closed_on", Reason::Required);
    }
    if !history && closed_on.is_some() {
        f.refuse("closed_on", Reason::NotAllowed);
    }
    let input = DealInput {
        name: f.text("name"),
        amount,
        expected_close_on,
        notes: f.opt("notes"),
        ..DealInput::default()
    };
    let errors = f.errors;

    // Line items: one per row that names a product.
    let mut lines = Vec::new();
    for row in group {
        let mut f = row.fields(map);
        let Some(code) = f.trimmed("product_code") else {
            if group.len() > 1 || f.opt("quantity").is_some() {
                return Err(row_error(row.line, "product_code", Reason::Required));
            }
            continue;
        };
        let quantity = f.decimal("quantity");
        let unit_price = f.decimal("unit_price");
        if f.opt("quantity").is_none() {
            f.refuse("quantity", Reason::Required);
        }
        if !f.errors.is_empty() {
            return Err(RowError {
                line: row.line,
                problem: RowProblem::Invalid(ValidationError {
                    entity: Entity::Deal,
                    errors: f.errors,
                }),
            });
        }
        lines.push(LineRow {
            line: row.line,
            product_code: code,
            quantity: quantity.unwrap_or_default(),
            unit_price,
        });
    }
    Ok(Decoded {
        line: first.line,
        value: DealRow {
            id,
            company,
            owner_email,
            stage,
            confidence,
            campaign,
            status,
            closed_on,
            lost_reason,
            created_at,
            input,
            lines,
        },
        errors,
    })
}

/// `open` / `won` / `lost`, or as Japanese sheets write them.
fn parse_status(text: &str) -> Result<DealStatus, Reason> {
    match text.trim() {
        "進行中" | "商談中" | "オープン" => Ok(DealStatus::Open),
        "受注" | "成約" => Ok(DealStatus::Won),
        "失注" => Ok(DealStatus::Lost),
        other => DealStatus::parse(other),
    }
}

pub(crate) const DEAL_HEADER: &[&str] = &[
    "id",
    "company_id",
    "company_name",
    "name",
    "owner_email",
    "amount",
    "expected_close_on",
    "stage",
    "confidence",
    "campaign",
    "status",
    "closed_on",
    "lost_reason",
    "notes",
    "product_code",
    "quantity",
    "unit_price",
    "line_amount",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
];

/// The names a deal's ids stand for, as exports show them beside the ids (see
/// [`crate::Session::walk_deals`]). A reference the deal does not have, or that names
/// no record, is the empty string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealNames<'a> {
    /// The company's name.
    pub company: &'a str,
    /// The owner's name.
    pub owner_name: &'a str,
    /// The owner's e-mail address.
    pub owner_email: &'a str,
    /// The stage's name.
    pub stage: &'a str,
    /// The confidence level's label.
    pub confidence: &'a str,
    /// The campaign's name.
    pub campaign: &'a str,
    /// The code of each line's product, in line order.
    pub product_codes: Vec<&'a str>,
    /// The name of each line's product, in line order.
    pub product_names: Vec<&'a str>,
    /// The deal's probability in percent as forecasts weigh it: its confidence
    /// level's percentage, else its stage's default; none without either.
    pub probability: Option<i32>,
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// The rows of one deal: one per line item, or one with blank product columns.
pub(crate) fn deal_rows(d: &Deal, names: &DealNames<'_>) -> Vec<Vec<String>> {
    let head = vec![
        d.id.to_string(),
        d.company_id.to_string(),
        names.company.to_string(),
        d.name.clone(),
        names.owner_email.to_string(),
        d.amount.map(|a| a.to_string()).unwrap_or_default(),
        day(d.expected_close_on),
        names.stage.to_string(),
        names.confidence.to_string(),
        names.campaign.to_string(),
        d.status.as_str().to_string(),
        day(d.closed_on),
        text(&d.lost_reason),
        text(&d.notes),
    ];
    let tail = vec![
        format_timestamp(&d.created_at),
        d.created_by.to_string(),
        format_timestamp(&d.updated_at),
        d.updated_by.to_string(),
        d.version.to_string(),
    ];
    if d.lines.is_empty() {
        return vec![[head, vec![String::new(); 4], tail].concat()];
    }
    d.lines
        .iter()
        .zip(&names.product_codes)
        .map(|(l, code)| {
            let line = vec![
                code.to_string(),
                l.quantity.to_string(),
                l.unit_price.to_string(),
                l.amount.to_string(),
            ];
            [head.clone(), line, tail.clone()].concat()
        })
        .collect()
}
