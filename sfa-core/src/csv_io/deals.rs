//! CSV import and export of deals, one row per line item (see the module docs of
//! [`crate::csv_io`] for the format).

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};

use chrono::{FixedOffset, NaiveDate, TimeZone};
use csv::StringRecord;

use super::columns::{ColumnMap, DEAL_COLUMNS, header_error};
use super::export::{CsvOut, text};
use super::import::{CompanyResolver, fits, merge, open_csv, read_row};
use super::{ExportOptions, ImportOptions, ImportReport};
use crate::error::{
    Entity, Error, FieldError, Reason, Result, RowError, RowProblem, ValidationError,
};
use crate::model::money::parse_decimal;
use crate::model::{
    CompanyId, DEFAULT_UTC_OFFSET_MINUTES, Deal, DealId, DealInput, DealLineInput, DealStatus,
    ListQuery, Master, MasterKind, Timestamp, User, UserId, clean_lost_reason, format_timestamp,
    parse_timestamp,
};
use crate::normalize::normalize_email;
use crate::store::{DealsOf, ReadTx, WriteTx};
use crate::workflow::Session;
use crate::workflow::deals::{apply_input, close, new_deal};

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

const HEADER: &[&str] = &[
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

impl Session {
    /// Imports deals from CSV, one row per line item (format in [`crate::csv_io`]).
    ///
    /// All deals are imported in one transaction. A bad deal fails the whole import
    /// with [`Error::Import`] (the line and reason) and nothing is stored, unless
    /// `options.skip_bad_rows` is set: then the bad deal (all its rows) is skipped and
    /// listed in the report. `imported` counts deals, not rows.
    pub fn import_deals_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        let (mut reader, map) = open_csv(input, options, DEAL_COLUMNS)?;
        if !map.has("name") {
            return Err(header_error("the column `name` (案件名) is required".into()).into());
        }
        if !map.has("company_id") && !map.has("company_name") {
            return Err(header_error(
                "a company column is required: `company_id` or `company_name` (会社名)".into(),
            )
            .into());
        }
        let now = self.now();
        self.write(|tx, me| {
            let mut import = DealImport {
                map: &map,
                me,
                now,
                companies: CompanyResolver::default(),
                seen: HashSet::new(),
                report: ImportReport::default(),
                skip: options.skip_bad_rows,
            };
            let mut group: Option<Group> = None;
            let mut row = StringRecord::new();
            let mut rows = 0;
            while read_row(&mut reader, &mut row, &mut rows)? {
                let line = row.position().map_or(0, |p| p.line());
                if row.iter().all(|f| f.trim().is_empty()) {
                    import.report.blank_rows += 1;
                    continue;
                }
                let key = map.opt(&row, "deal_ref").map(|k| k.trim().to_string());
                match &mut group {
                    Some(g) if key.is_some() && g.key == key => g.add(&map, line, &row),
                    _ => {
                        if let Some(done) = group.take() {
                            import.finish(tx, done)?;
                        }
                        group = Some(Group::new(&map, key, line, &row));
                    }
                }
            }
            if let Some(done) = group.take() {
                import.finish(tx, done)?;
            }
            Ok(import.report)
        })
    }

    /// Writes every deal as CSV, one row per line item (one row for a deal without
    /// lines), with masters by name and the owner by e-mail; returns how many deals.
    pub fn export_deals_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, HEADER)?;
        let mut deals = 0u64;
        self.read(|tx, _| {
            let names = Names::load(tx)?;
            let mut owners: HashMap<UserId, String> = HashMap::new();
            let mut companies: HashMap<CompanyId, String> = HashMap::new();
            let mut query = ListQuery {
                limit: 500,
                after: None,
                include_archived: true,
            };
            loop {
                let page = tx.list_deals(DealsOf::All, &query)?;
                for d in &page {
                    if let Entry::Vacant(e) = owners.entry(d.owner_id) {
                        e.insert(
                            tx.get_user(d.owner_id)?
                                .map(|u| u.email)
                                .unwrap_or_default(),
                        );
                    }
                    if let Entry::Vacant(e) = companies.entry(d.company_id) {
                        e.insert(
                            tx.get_company(d.company_id)?
                                .map(|c| c.name)
                                .unwrap_or_default(),
                        );
                    }
                    let head = deal_fields(d, &names, &owners, &companies);
                    let tail = audit_fields(d);
                    let id = d.id.to_string();
                    if d.lines.is_empty() {
                        let row = [head.clone(), vec![String::new(); 4], tail.clone()].concat();
                        out.record(Entity::Deal, &id, &row)?;
                    }
                    for l in &d.lines {
                        let line = vec![
                            names.get(Some(l.product_id)),
                            l.quantity.to_string(),
                            l.unit_price.to_string(),
                            l.amount.to_string(),
                        ];
                        let row = [head.clone(), line, tail.clone()].concat();
                        out.record(Entity::Deal, &id, &row)?;
                    }
                    deals += 1;
                }
                match page.last() {
                    Some(last) if page.len() == query.limit as usize => {
                        query.after = Some((last.sort_key(), last.id.to_string()))
                    }
                    _ => return Ok(()),
                }
            }
        })?;
        out.finish()?;
        Ok(deals)
    }
}

/// The rows of one deal.
struct Group {
    key: Option<String>,
    line: u64,
    first: StringRecord,
    lines: Vec<(u64, StringRecord)>,
    /// The first problem found while collecting rows (a malformed or inconsistent row).
    problem: Option<RowError>,
}

impl Group {
    fn new(map: &ColumnMap, key: Option<String>, line: u64, row: &StringRecord) -> Group {
        let mut g = Group {
            key,
            line,
            first: row.clone(),
            lines: Vec::new(),
            problem: None,
        };
        g.add_line(map, line, row);
        g
    }

    fn add(&mut self, map: &ColumnMap, line: u64, row: &StringRecord) {
        if self.problem.is_none() {
            let differs = DEAL_FIELDS.iter().find(|f| {
                let v = map.get(row, f).trim();
                !v.is_empty() && v != map.get(&self.first, f).trim()
            });
            if let Some(field) = differs {
                self.problem = Some(RowError {
                    line,
                    problem: RowProblem::Invalid(ValidationError::single(
                        Entity::Deal,
                        field,
                        Reason::Inconsistent,
                    )),
                });
            }
        }
        self.add_line(map, line, row);
    }

    fn add_line(&mut self, map: &ColumnMap, line: u64, row: &StringRecord) {
        if self.problem.is_none() && !fits(row, map.width) {
            self.problem = Some(RowError {
                line,
                problem: RowProblem::Malformed(format!(
                    "the row has {} fields but the header has {}",
                    row.len(),
                    map.width
                )),
            });
        }
        self.lines.push((line, row.clone()));
    }
}

struct DealImport<'a> {
    map: &'a ColumnMap,
    me: &'a User,
    now: Timestamp,
    companies: CompanyResolver,
    /// Deal references already used in this file.
    seen: HashSet<String>,
    report: ImportReport,
    skip: bool,
}

impl DealImport<'_> {
    /// Stores one deal, or records (or fails on) its problem.
    fn finish(&mut self, tx: &mut dyn WriteTx, group: Group) -> Result<()> {
        let problem = match group.problem {
            Some(p) => Some(p),
            None => self.store(tx, &group)?.err(),
        };
        match problem {
            None => {
                self.report.imported += 1;
                Ok(())
            }
            Some(p) if self.skip => {
                self.report.skipped.push(p);
                Ok(())
            }
            Some(p) => Err(p.into()),
        }
    }

    /// `Ok(Err(..))` is a bad deal; `Err(..)` aborts the import.
    fn store(&mut self, tx: &mut dyn WriteTx, g: &Group) -> Result<Result<(), RowError>> {
        let (map, row) = (self.map, &g.first);
        let bad = |line, v: ValidationError| {
            Ok(Err(RowError {
                line,
                problem: RowProblem::Invalid(v),
            }))
        };
        let mut early = Vec::new();
        let mut push = |field, reason| early.push(FieldError { field, reason });

        let mut id = DealId::new();
        if let Some(key) = &g.key {
            if !self.seen.insert(key.clone()) {
                push("deal_ref", Reason::AlreadyUsed);
            } else if let Ok(explicit) = key.parse::<DealId>() {
                if tx.get_deal(explicit)?.is_some() {
                    push("deal_ref", Reason::AlreadyUsed);
                } else {
                    id = explicit;
                }
            }
        }
        let company_id = match self.companies.resolve(tx, map, row)? {
            Ok(id) => id,
            Err(e) => {
                early.push(e);
                CompanyId::new()
            }
        };
        let status = match map.opt(row, "status") {
            None => DealStatus::Open,
            Some(text) => parse_status(&text).unwrap_or_else(|reason| {
                early.push(FieldError {
                    field: "status",
                    reason,
                });
                DealStatus::Open
            }),
        };
        let history = status != DealStatus::Open;
        let owner_id = match map.opt(row, "owner_email") {
            None => None,
            Some(email) => match owner(tx, &email)? {
                Ok(id) => Some(id),
                Err(reason) => {
                    early.push(FieldError {
                        field: "owner_email",
                        reason,
                    });
                    None
                }
            },
        };
        let mut master = |field: &'static str, kind| -> Result<Option<Master>> {
            let Some(name) = map.opt(row, field) else {
                return Ok(None);
            };
            match tx.find_master(kind, name.trim())? {
                None => early.push(FieldError {
                    field,
                    reason: Reason::UnknownReference,
                }),
                Some(m) if m.retired() && !history => early.push(FieldError {
                    field,
                    reason: Reason::Inactive,
                }),
                Some(m) => return Ok(Some(m)),
            }
            Ok(None)
        };
        let stage_id = match master("stage", MasterKind::Stage)? {
            Some(Master::Stage(s)) => Some(s.id),
            _ => None,
        };
        let confidence_id = match master("confidence", MasterKind::Confidence)? {
            Some(Master::Confidence(c)) => Some(c.id),
            _ => None,
        };
        let campaign_id = match master("campaign", MasterKind::Campaign)? {
            Some(Master::Campaign(c)) => Some(c.id),
            _ => None,
        };
        let mut number = |field: &'static str, r: &StringRecord| {
            map.opt(r, field).and_then(|t| {
                parse_decimal(&t)
                    .map_err(|reason| early.push(FieldError { field, reason }))
                    .ok()
            })
        };
        let amount = number("amount", row);
        let expected_close_on = date_field(map, row, "expected_close_on", &mut early);
        let closed_on = date_field(map, row, "closed_on", &mut early);
        let created_at = match map.opt(row, "created_at") {
            None => self.now,
            Some(text) => parse_created(&text).unwrap_or_else(|| {
                early.push(FieldError {
                    field: "created_at",
                    reason: Reason::InvalidDate,
                });
                self.now
            }),
        };
        let lost_reason = map.opt(row, "lost_reason");
        if lost_reason.is_some() && status != DealStatus::Lost {
            early.push(FieldError {
                field: "lost_reason",
                reason: Reason::NotAllowed,
            });
        }
        if history && closed_on.is_none() && map.opt(row, "closed_on").is_none() {
            early.push(FieldError {
                field: "closed_on",
                reason: Reason::Required,
            });
        }
        if !history && closed_on.is_some() {
            early.push(FieldError {
                field: "closed_on",
                reason: Reason::NotAllowed,
            });
        }

        // Line items: one per row that names a product.
        let mut lines = Vec::new();
        for (line_no, r) in &g.lines {
            let Some(code) = map.opt(r, "product_code") else {
                if g.lines.len() > 1 || map.opt(r, "quantity").is_some() {
                    let v = ValidationError::single(Entity::Deal, "product_code", Reason::Required);
                    return bad(*line_no, v);
                }
                continue;
            };
            let product = match tx.find_master(MasterKind::Product, code.trim())? {
                Some(Master::Product(p)) if !p.retired || history => p,
                Some(_) => {
                    let v = ValidationError::single(Entity::Deal, "product_code", Reason::Inactive);
                    return bad(*line_no, v);
                }
                None => {
                    let v = ValidationError::single(
                        Entity::Deal,
                        "product_code",
                        Reason::UnknownReference,
                    );
                    return bad(*line_no, v);
                }
            };
            let mut line_errors = Vec::new();
            let mut parse = |field: &'static str| {
                map.opt(r, field).and_then(|t| {
                    parse_decimal(&t)
                        .map_err(|reason| line_errors.push(FieldError { field, reason }))
                        .ok()
                })
            };
            let quantity = parse("quantity");
            let unit_price = parse("unit_price");
            if map.opt(r, "quantity").is_none() {
                line_errors.push(FieldError {
                    field: "quantity",
                    reason: Reason::Required,
                });
            }
            if !line_errors.is_empty() {
                let v = ValidationError {
                    entity: Entity::Deal,
                    errors: line_errors,
                };
                return bad(*line_no, v);
            }
            lines.push(DealLineInput {
                product_id: product.id,
                quantity: quantity.unwrap_or_default(),
                unit_price,
            });
        }

        let input = DealInput {
            company_id,
            name: map.get(row, "name").to_string(),
            owner_id,
            amount,
            expected_close_on,
            stage_id,
            confidence_id,
            campaign_id,
            lines,
            notes: map.opt(row, "notes"),
        };
        let input = match merge(Entity::Deal, early, input.validate(), Vec::new()) {
            Ok(input) => input,
            Err(v) => return bad(g.line, v),
        };
        let mut deal = new_deal(id, self.me, created_at);
        deal.updated_at = self.now;
        let stored = apply_input(tx, &mut deal, input, None, history).and_then(|()| {
            if let (true, Some(on)) = (history, closed_on) {
                let reason = clean_lost_reason(lost_reason.as_deref())?;
                close(&mut deal, status, on, reason)?;
            }
            Ok(())
        });
        match stored {
            Ok(()) => {}
            Err(Error::Validation(v)) => return bad(g.line, v),
            Err(other) => return Err(other),
        }
        tx.insert_deal(&deal)?;
        Ok(Ok(()))
    }
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

/// `2026-12-01` or `2026/12/01` (width folded).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = crate::normalize::fold_width(text.trim()).replace('/', "-");
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
}

fn date_field(
    map: &ColumnMap,
    row: &StringRecord,
    field: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<NaiveDate> {
    let text = map.opt(row, field)?;
    let date = parse_date(&text);
    if date.is_none() {
        errors.push(FieldError {
            field,
            reason: Reason::InvalidDate,
        });
    }
    date
}

/// An RFC 3339 instant, or a date (taken as midnight in Japan).
fn parse_created(text: &str) -> Option<Timestamp> {
    if let Some(t) = parse_timestamp(text.trim()) {
        return Some(crate::model::truncate_to_millis(t));
    }
    let day = parse_date(text)?;
    FixedOffset::east_opt(DEFAULT_UTC_OFFSET_MINUTES * 60)?
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.to_utc())
}

/// The active user with this e-mail address.
fn owner(tx: &mut dyn ReadTx, email: &str) -> Result<Result<UserId, Reason>> {
    let email = match normalize_email(email) {
        Ok(e) => e.to_lowercase(),
        Err(reason) => return Ok(Err(reason)),
    };
    Ok(match tx.find_user_by_email(&email)? {
        None => Err(Reason::UnknownReference),
        Some(u) if !u.active => Err(Reason::Inactive),
        Some(u) => Ok(u.id),
    })
}

/// Master names by id, for the export.
struct Names {
    masters: HashMap<String, String>,
}

impl Names {
    fn load(tx: &mut dyn ReadTx) -> Result<Names> {
        let mut masters = HashMap::new();
        for kind in [
            MasterKind::Stage,
            MasterKind::Confidence,
            MasterKind::Campaign,
            MasterKind::Product,
        ] {
            for m in tx.list_masters(kind)? {
                let name = match &m {
                    Master::Stage(s) => s.name.clone(),
                    Master::Confidence(c) => c.label.clone(),
                    Master::Campaign(c) => c.name.clone(),
                    Master::Product(p) => p.code.clone(),
                    Master::ProductCategory(c) => c.name.clone(),
                };
                masters.insert(m.id().to_string(), name);
            }
        }
        Ok(Names { masters })
    }

    fn get(&self, id: Option<impl ToString>) -> String {
        id.and_then(|id| self.masters.get(&id.to_string()).cloned())
            .unwrap_or_default()
    }
}

fn day(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn deal_fields(
    d: &Deal,
    names: &Names,
    owners: &HashMap<UserId, String>,
    companies: &HashMap<CompanyId, String>,
) -> Vec<String> {
    vec![
        d.id.to_string(),
        d.company_id.to_string(),
        companies.get(&d.company_id).cloned().unwrap_or_default(),
        d.name.clone(),
        owners.get(&d.owner_id).cloned().unwrap_or_default(),
        d.amount.map(|a| a.to_string()).unwrap_or_default(),
        day(d.expected_close_on),
        names.get(d.stage_id),
        names.get(d.confidence_id),
        names.get(d.campaign_id),
        d.status.as_str().to_string(),
        day(d.closed_on),
        text(&d.lost_reason),
        text(&d.notes),
    ]
}

fn audit_fields(d: &Deal) -> Vec<String> {
    vec![
        format_timestamp(&d.created_at),
        d.created_by.to_string(),
        format_timestamp(&d.updated_at),
        d.updated_by.to_string(),
        d.version.to_string(),
    ]
}
