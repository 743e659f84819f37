//! CSV imports (format in [`crate::csv_io`]): the codec decodes rows into inputs with
//! field errors and line numbers; here their names are resolved against the database
//! and each record is stored through the same builders and rules as the API, all in
//! one transaction. A bad record fails the whole import ([`Error::Import`]: its line
//! and reason; nothing is stored) unless the caller asks to skip bad rows.

use std::collections::HashMap;
use std::io::Read;

use super::Session;
use super::deals::{apply_input, close, new_deal};
use super::ledger::{new_company, new_person};
use super::masters::{insert_master, require_admin};
use super::users::{insert_user, require_user_admin};
use crate::csv_io::columns::{
    COMPANY_COLUMNS, Column, ColumnMap, DEAL_COLUMNS, MASTER_COLUMNS, PERSON_COLUMNS, USER_COLUMNS,
    header_error,
};
use crate::csv_io::deals::{DealRow, DealRows};
use crate::csv_io::ledger::{CompanyRef, company_row, person_row};
use crate::csv_io::masters::{MasterRow, master_row};
use crate::csv_io::progress::{ImportProgress, Progress};
use crate::csv_io::rows::{CsvRow, CsvRows, Decoded};
use crate::csv_io::users::user_row;
use crate::csv_io::{ImportKind, ImportOptions, ImportReport};
use crate::error::{
    Entity, Error, FieldError, Reason, Result, RowError, RowProblem, ValidationError,
};
use crate::model::{
    CompanyId, DealLineInput, DealStatus, Master, MasterId, MasterInput, MasterKind, PersonId,
    Timestamp, User, UserId, clean_lost_reason, limits,
};
use crate::normalize::{clean_line, normalize_email};
use crate::store::{ReadTx, WriteTx};
use crate::sync::Mutation;

/// What a row import stores: `Ok(Err(..))` is a bad row, `Err(..)` stops the import.
type Stored = Result<Result<(), ValidationError>>;

impl Session {
    /// Imports `data`, a CSV file of `kind`, as that kind's `import_*_csv` call does,
    /// calling `progress(read, size)` with the bytes of `data` read so far as the rows
    /// are stored (the file is read in blocks: at most once per hundredth of it) and
    /// once at the end, before the commit. `progress` returning `Break` stops the
    /// import: nothing is stored and the call fails with an `Interrupted`
    /// [`Error::Io`]. Runs inside the import's write transaction: `progress` must not
    /// call this database.
    pub fn import_csv_with_progress(
        &self,
        kind: ImportKind,
        data: &[u8],
        options: &ImportOptions,
        progress: ImportProgress<'_>,
    ) -> Result<ImportReport> {
        let progress = Progress::new(data.len() as u64, progress);
        match kind {
            ImportKind::Companies => self.import_companies(data, options, progress),
            ImportKind::Persons => self.import_persons(data, options, progress),
            ImportKind::Deals => self.import_deals(data, options, progress),
            ImportKind::Masters => self.import_masters(data, options, progress),
            ImportKind::Users => self.import_users(data, options, progress),
        }
    }

    /// Imports companies. All rows are stored in one transaction: a bad row fails the
    /// whole import with [`Error::Import`] (its line and reason) and nothing is stored,
    /// unless `options.skip_bad_rows` is set: then bad rows are skipped and listed in
    /// the report.
    pub fn import_companies_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_companies(input, options, Progress::none())
    }

    fn import_companies(
        &self,
        input: impl Read,
        options: &ImportOptions,
        mut progress: Progress<'_>,
    ) -> Result<ImportReport> {
        let (_call, input) = self.import_call(input, |data| Mutation::ImportCompaniesCsv {
            data,
            options: *options,
        })?;
        let input = progress.count(input);
        let header = |map: &ColumnMap| required(map, "name", "`name` (会社名)");
        self.import_rows(
            input,
            options,
            &mut progress,
            COMPANY_COLUMNS,
            header,
            |tx, me, now, map, row| {
                let Decoded {
                    value: c,
                    mut errors,
                    ..
                } = company_row(map, row);
                let id = match c.id {
                    Some(id) if tx.get_company(id)?.is_some() => {
                        errors.push(used("id"));
                        id
                    }
                    Some(id) => id,
                    None => CompanyId::new(),
                };
                let input = match merge(Entity::Company, errors, c.input.validate()) {
                    Ok(input) => input,
                    Err(v) => return Ok(Err(v)),
                };
                let mut company = new_company(id, input, me, now);
                company.archived = c.archived;
                tx.insert_company(&company)?;
                Ok(Ok(()))
            },
        )
    }

    /// Imports persons. Each row names its company by `company_id` (any existing
    /// company, archived ones included, so that exports restore whole) or, when that
    /// is blank, by `company_name` (the exact name of one non-archived company).
    pub fn import_persons_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_persons(input, options, Progress::none())
    }

    fn import_persons(
        &self,
        input: impl Read,
        options: &ImportOptions,
        mut progress: Progress<'_>,
    ) -> Result<ImportReport> {
        let (_call, input) = self.import_call(input, |data| Mutation::ImportPersonsCsv {
            data,
            options: *options,
        })?;
        let input = progress.count(input);
        let header = |map: &ColumnMap| {
            required(map, "name", "`name` (氏名)")?;
            company_column(map)
        };
        let mut companies = CompanyResolver::default();
        self.import_rows(
            input,
            options,
            &mut progress,
            PERSON_COLUMNS,
            header,
            |tx, me, now, map, row| {
                let Decoded {
                    value: p,
                    mut errors,
                    ..
                } = person_row(map, row);
                let id = match p.id {
                    Some(id) if tx.get_person(id)?.is_some() => {
                        errors.push(used("id"));
                        id
                    }
                    Some(id) => id,
                    None => PersonId::new(),
                };
                let company_id = companies.resolve(tx, &p.company, &mut errors)?;
                let input = crate::model::PersonInput {
                    company_id,
                    ..p.input
                };
                let input = match merge(Entity::Person, errors, input.validate()) {
                    Ok(input) => input,
                    Err(v) => return Ok(Err(v)),
                };
                let mut person = new_person(id, input, me, now);
                person.archived = p.archived;
                tx.insert_person(&person)?;
                Ok(Ok(()))
            },
        )
    }

    /// Imports deals, one row per line item. All deals are imported in one
    /// transaction; a bad deal fails the whole import with [`Error::Import`] (its line
    /// and reason) unless `options.skip_bad_rows` is set: then the bad deal (all its
    /// rows) is skipped and listed. `imported` counts deals, not rows.
    pub fn import_deals_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_deals(input, options, Progress::none())
    }

    fn import_deals(
        &self,
        input: impl Read,
        options: &ImportOptions,
        mut progress: Progress<'_>,
    ) -> Result<ImportReport> {
        let (_call, input) = self.import_call(input, |data| Mutation::ImportDealsCsv {
            data,
            options: *options,
        })?;
        let input = progress.count(input);
        let rows = CsvRows::open(input, options, DEAL_COLUMNS)?;
        required(rows.map(), "name", "`name` (案件名)")?;
        company_column(rows.map())?;
        let mut deals = DealRows::new(rows);
        let now = self.now();
        self.write(|tx, me| {
            let mut report = ImportReport::default();
            let mut refs = DealRefs::default();
            while let Some(decoded) = deals.next_deal()? {
                let outcome = match decoded {
                    Err(bad) => Err(bad),
                    Ok(deal) => store_deal(tx, me, now, &mut refs, deal)?,
                };
                report.tally(outcome, options.skip_bad_rows)?;
                progress.row()?;
            }
            progress.finish()?;
            report.blank_rows = deals.blank_rows;
            Ok(report)
        })
    }

    /// Imports master data (categories, products, stages, confidence levels,
    /// campaigns) from one file, in file order. Admins only.
    pub fn import_masters_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_masters(input, options, Progress::none())
    }

    fn import_masters(
        &self,
        input: impl Read,
        options: &ImportOptions,
        mut progress: Progress<'_>,
    ) -> Result<ImportReport> {
        let (_call, input) = self.import_call(input, |data| Mutation::ImportMastersCsv {
            data,
            options: *options,
        })?;
        let input = progress.count(input);
        let header = |map: &ColumnMap| {
            required(map, "kind", "`kind` (種別)")?;
            required(map, "name", "`name` (名前)")
        };
        self.import_rows(
            input,
            options,
            &mut progress,
            MASTER_COLUMNS,
            header,
            |tx, me, now, map, row| {
                require_admin(me)?;
                let Decoded {
                    value, mut errors, ..
                } = master_row(map, row);
                let Some(m) = value else {
                    return Ok(Err(invalid(Entity::Master, errors)));
                };
                store_master(tx, me, now, m, &mut errors)
            },
        )
    }

    /// Imports users (admins only), keeping their ids. A row whose e-mail is already
    /// a user's is recognised as that user and not created again (nor changed), so that
    /// a restore into a new database, where the importing admin exists already, goes
    /// through; a new user whose id another user has is refused.
    pub fn import_users_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        self.import_users(input, options, Progress::none())
    }

    fn import_users(
        &self,
        input: impl Read,
        options: &ImportOptions,
        mut progress: Progress<'_>,
    ) -> Result<ImportReport> {
        let (_call, input) = self.import_call(input, |data| Mutation::ImportUsersCsv {
            data,
            options: *options,
        })?;
        let input = progress.count(input);
        let header = |map: &ColumnMap| {
            required(map, "name", "`name` (氏名)")?;
            required(map, "email", "`email` (メール)")
        };
        self.import_rows(
            input,
            options,
            &mut progress,
            USER_COLUMNS,
            header,
            |tx, me, now, map, row| {
                require_user_admin(me)?;
                let Decoded {
                    value: u, errors, ..
                } = user_row(map, row);
                let input = match merge(Entity::User, errors, u.input.validate()) {
                    Ok(input) => input,
                    Err(v) => return Ok(Err(v)),
                };
                // The e-mail is who a user is (host apps map logins by it): a row for an
                // existing user is that user, whatever id the file gives.
                if tx.find_user_by_email(&input.email)?.is_some() {
                    return Ok(Ok(()));
                }
                let id = match u.id {
                    Some(id) if tx.get_user(id)?.is_some() => {
                        return Ok(Err(single(Entity::User, "id", Reason::AlreadyUsed)));
                    }
                    Some(id) => id,
                    None => UserId::new(),
                };
                stored(insert_user(tx, id, input, me, now))
            },
        )
    }

    /// The loop every one-row-per-record import shares.
    fn import_rows<R: Read>(
        &self,
        input: R,
        options: &ImportOptions,
        progress: &mut Progress<'_>,
        columns: &'static [Column],
        check_header: impl FnOnce(&ColumnMap) -> Result<(), RowError>,
        mut store: impl FnMut(&mut dyn WriteTx, &User, Timestamp, &ColumnMap, &CsvRow) -> Stored,
    ) -> Result<ImportReport> {
        let mut rows = CsvRows::open(input, options, columns)?;
        check_header(rows.map())?;
        let now = self.now();
        self.write(|tx, me| {
            let mut report = ImportReport::default();
            while let Some(row) = rows.next_row()? {
                if row.is_blank() {
                    report.blank_rows += 1;
                    continue;
                }
                let outcome = match row.width_problem(rows.map()) {
                    Some(bad) => Err(bad),
                    None => store(tx, me, now, rows.map(), &row)?.map_err(|v| RowError {
                        line: row.line,
                        problem: RowProblem::Invalid(v),
                    }),
                };
                report.tally(outcome, options.skip_bad_rows)?;
                progress.row()?;
            }
            progress.finish()?;
            Ok(report)
        })
    }
}

fn required(map: &ColumnMap, field: &str, named: &str) -> Result<(), RowError> {
    if map.has(field) {
        Ok(())
    } else {
        Err(header_error(format!("the column {named} is required")))
    }
}

fn company_column(map: &ColumnMap) -> Result<(), RowError> {
    if map.has("company_id") || map.has("company_name") {
        Ok(())
    } else {
        Err(header_error(
            "a company column is required: `company_id` or `company_name` (会社名)".into(),
        ))
    }
}

fn used(field: &'static str) -> FieldError {
    FieldError {
        field,
        reason: Reason::AlreadyUsed,
    }
}

fn single(entity: Entity, field: &'static str, reason: Reason) -> ValidationError {
    ValidationError::single(entity, field, reason)
}

fn invalid(entity: Entity, errors: Vec<FieldError>) -> ValidationError {
    ValidationError { entity, errors }
}

/// The codec's field errors and the reference errors found here, then the input's
/// own validation errors: one error listing every refused field.
fn merge<T>(
    entity: Entity,
    mut errors: Vec<FieldError>,
    validated: Result<T, ValidationError>,
) -> Result<T, ValidationError> {
    match validated {
        Ok(v) if errors.is_empty() => Ok(v),
        Ok(_) => Err(invalid(entity, errors)),
        Err(v) => {
            errors.extend(v.errors);
            Err(invalid(entity, errors))
        }
    }
}

/// A store call whose validation error is a bad row, other errors stop the import.
fn stored<T>(result: Result<T>) -> Stored {
    match result {
        Ok(_) => Ok(Ok(())),
        Err(Error::Validation(v)) => Ok(Err(v)),
        Err(other) => Err(other),
    }
}

/// Resolves the company a row names, caching what it found, by id and by name.
#[derive(Default)]
struct CompanyResolver {
    by_id: HashMap<CompanyId, bool>,
    by_name: HashMap<String, Result<CompanyId, Reason>>,
}

impl CompanyResolver {
    /// The company's id; an unknown or ambiguous one is recorded in `errors` (and a
    /// placeholder returned).
    fn resolve(
        &mut self,
        tx: &mut dyn ReadTx,
        company: &CompanyRef,
        errors: &mut Vec<FieldError>,
    ) -> Result<CompanyId> {
        let mut fail = |field, reason| {
            errors.push(FieldError { field, reason });
            Ok(CompanyId::new())
        };
        match company {
            CompanyRef::Unreadable => Ok(CompanyId::new()),
            CompanyRef::Missing => fail("company_id", Reason::Required),
            CompanyRef::Id(id) => {
                let exists = match self.by_id.get(id) {
                    Some(&exists) => exists,
                    None => {
                        let exists = tx.get_company(*id)?.is_some();
                        self.by_id.insert(*id, exists);
                        exists
                    }
                };
                if exists {
                    Ok(*id)
                } else {
                    fail("company_id", Reason::UnknownReference)
                }
            }
            CompanyRef::Name(text) => {
                let name = match clean_line(text, limits::NAME) {
                    Ok(Some(name)) => name,
                    Ok(None) => return fail("company_id", Reason::Required),
                    Err(reason) => return fail("company_name", reason),
                };
                if !self.by_name.contains_key(&name) {
                    let found = match tx.company_ids_by_name(&name)?.as_slice() {
                        [id] => Ok(*id),
                        [] => Err(Reason::UnknownReference),
                        _ => Err(Reason::Ambiguous),
                    };
                    self.by_name.insert(name.clone(), found);
                }
                match self.by_name.get(&name).cloned() {
                    Some(Ok(id)) => Ok(id),
                    Some(Err(reason)) => fail("company_name", reason),
                    None => fail("company_name", Reason::UnknownReference),
                }
            }
        }
    }
}

/// Resolves the names a deal gives, per import.
#[derive(Default)]
struct DealRefs {
    companies: CompanyResolver,
}

/// Resolves and stores one deal: `Ok(Err(..))` is a bad deal.
fn store_deal(
    tx: &mut dyn WriteTx,
    me: &User,
    now: Timestamp,
    refs: &mut DealRefs,
    decoded: Decoded<DealRow>,
) -> Result<Result<(), RowError>> {
    let Decoded {
        line,
        value: d,
        mut errors,
    } = decoded;
    let bad = |line, v| {
        Ok(Err(RowError {
            line,
            problem: RowProblem::Invalid(v),
        }))
    };
    let mut id = crate::model::DealId::new();
    if let Some(explicit) = d.id {
        if tx.get_deal(explicit)?.is_some() {
            errors.push(FieldError {
                field: "deal_ref",
                reason: Reason::AlreadyUsed,
            });
        } else {
            id = explicit;
        }
    }
    let company_id = refs.companies.resolve(tx, &d.company, &mut errors)?;
    let history = d.status != DealStatus::Open;
    let owner_id = match &d.owner_email {
        None => None,
        Some(email) => match owner(tx, email)? {
            Ok(id) => Some(id),
            Err(reason) => {
                errors.push(FieldError {
                    field: "owner_email",
                    reason,
                });
                None
            }
        },
    };
    let mut master =
        |field: &'static str, kind, name: &Option<String>| -> Result<Option<MasterId>> {
            let Some(name) = name else { return Ok(None) };
            match tx.find_master(kind, name)? {
                None => errors.push(FieldError {
                    field,
                    reason: Reason::UnknownReference,
                }),
                Some(m) if m.retired() && !history => errors.push(FieldError {
                    field,
                    reason: Reason::Inactive,
                }),
                Some(m) => return Ok(Some(m.id())),
            }
            Ok(None)
        };
    let stage_id = match master("stage", MasterKind::Stage, &d.stage)? {
        Some(MasterId::Stage(id)) => Some(id),
        _ => None,
    };
    let confidence_id = match master("confidence", MasterKind::Confidence, &d.confidence)? {
        Some(MasterId::Confidence(id)) => Some(id),
        _ => None,
    };
    let campaign_id = match master("campaign", MasterKind::Campaign, &d.campaign)? {
        Some(MasterId::Campaign(id)) => Some(id),
        _ => None,
    };
    let mut lines = Vec::with_capacity(d.lines.len());
    for l in &d.lines {
        let product = match tx.find_master(MasterKind::Product, &l.product_code)? {
            Some(Master::Product(p)) if !p.retired || history => p,
            Some(_) => {
                return bad(
                    l.line,
                    single(Entity::Deal, "product_code", Reason::Inactive),
                );
            }
            None => {
                return bad(
                    l.line,
                    single(Entity::Deal, "product_code", Reason::UnknownReference),
                );
            }
        };
        lines.push(DealLineInput {
            product_id: product.id,
            quantity: l.quantity,
            unit_price: l.unit_price,
        });
    }
    let input = crate::model::DealInput {
        company_id,
        owner_id,
        stage_id,
        confidence_id,
        campaign_id,
        lines,
        ..d.input
    };
    let input = match merge(Entity::Deal, errors, input.validate()) {
        Ok(input) => input,
        Err(v) => return bad(line, v),
    };
    let mut deal = new_deal(id, me, d.created_at.unwrap_or(now));
    deal.updated_at = now;
    let applied = apply_input(tx, &mut deal, input, None, history).and_then(|()| {
        if let (true, Some(on)) = (history, d.closed_on) {
            let reason = clean_lost_reason(d.lost_reason.as_deref())?;
            close(&mut deal, d.status, on, reason)?;
        }
        Ok(())
    });
    match applied {
        Ok(()) => {}
        Err(Error::Validation(v)) => return bad(line, v),
        Err(other) => return Err(other),
    }
    tx.insert_deal(&deal)?;
    Ok(Ok(()))
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

/// Resolves and stores one master.
fn store_master(
    tx: &mut dyn WriteTx,
    me: &User,
    now: Timestamp,
    m: MasterRow,
    errors: &mut Vec<FieldError>,
) -> Stored {
    let kind = m.input.kind();
    let id = match m.id {
        Some(id) if tx.get_master(id)?.is_some() => {
            errors.push(used("id"));
            id
        }
        Some(id) => id,
        None => kind.new_id(),
    };
    let mut input = m.input;
    if let (MasterInput::Product(p), Some(category)) = (&mut input, &m.category) {
        match tx.find_master(MasterKind::ProductCategory, category)? {
            Some(Master::ProductCategory(c)) => p.category_id = c.id,
            _ => errors.push(FieldError {
                field: "category",
                reason: Reason::UnknownReference,
            }),
        }
    }
    let input = match merge(kind.entity(), std::mem::take(errors), input.validate()) {
        Ok(input) => input,
        Err(v) => return Ok(Err(v)),
    };
    stored(insert_master(tx, id, &input, m.retired, me, now))
}
