//! CSV import of companies and persons: streaming, one transaction, all-or-nothing
//! unless the caller asks to skip bad rows.

use std::collections::HashMap;
use std::io::Read;

use csv::StringRecord;

use super::columns::{COMPANY_COLUMNS, Column, ColumnMap, PERSON_COLUMNS, header_error};
use super::decode::{DecodingReader, MalformedInput};
use super::{ImportOptions, ImportReport, MAX_IMPORT_ROWS, MAX_ROW_BYTES};
use crate::error::{
    Entity, Error, FieldError, Reason, Result, RowError, RowProblem, ValidationError,
};
use crate::model::{CompanyId, CompanyInput, PersonId, PersonInput, Timestamp, User, limits};
use crate::normalize::clean_line;
use crate::store::WriteTx;
use crate::workflow::Session;
use crate::workflow::ledger::{new_company, new_person};

impl Session {
    /// Imports companies from CSV (header mapping in [`crate::csv_io`]).
    ///
    /// All rows are imported in one transaction. A bad row fails the whole import with
    /// [`Error::Import`] (its line and reason) and nothing is stored, unless
    /// `options.skip_bad_rows` is set: then the bad rows are skipped and listed in the
    /// report.
    pub fn import_companies_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        run_import(self, input, options, &mut CompanyRows)
    }

    /// Imports persons from CSV. Each row names its company by `company_id` (an id of
    /// any existing company, archived ones included, so that exports restore whole) or,
    /// when that column is absent or blank, by `company_name` (the exact name of one
    /// non-archived company).
    pub fn import_persons_csv(
        &self,
        input: impl Read,
        options: &ImportOptions,
    ) -> Result<ImportReport> {
        run_import(self, input, options, &mut PersonRows::default())
    }
}

/// What differs between importing companies and persons.
trait RowImporter {
    const COLUMNS: &'static [Column];
    fn check_header(&self, map: &ColumnMap) -> Result<(), RowError>;
    /// Stores one row; `Ok(Err(..))` is a bad row, `Err(..)` aborts the import.
    fn import_row(
        &mut self,
        tx: &mut dyn WriteTx,
        me: &User,
        now: Timestamp,
        map: &ColumnMap,
        row: &StringRecord,
    ) -> Result<Result<(), ValidationError>>;
}

fn run_import<I: RowImporter>(
    session: &Session,
    input: impl Read,
    options: &ImportOptions,
    importer: &mut I,
) -> Result<ImportReport> {
    let (mut reader, map) = open_csv(input, options, I::COLUMNS)?;
    importer.check_header(&map)?;
    let mut row = StringRecord::new();
    let now = session.now();
    session.write(|tx, me| {
        let mut report = ImportReport::default();
        let mut rows = 0;
        while read_row(&mut reader, &mut row, &mut rows)? {
            let line = row.position().map_or(0, |p| p.line());
            if row.iter().all(|f| f.trim().is_empty()) {
                report.blank_rows += 1;
                continue;
            }
            let problem = if !fits(&row, map.width) {
                Some(RowProblem::Malformed(format!(
                    "the row has {} fields but the header has {}",
                    row.len(),
                    map.width
                )))
            } else {
                importer
                    .import_row(tx, me, now, &map, &row)?
                    .err()
                    .map(RowProblem::Invalid)
            };
            match problem {
                None => report.imported += 1,
                Some(problem) if options.skip_bad_rows => {
                    report.skipped.push(RowError { line, problem })
                }
                Some(problem) => return Err(RowError { line, problem }.into()),
            }
        }
        Ok(report)
    })
}

/// A CSV reader in the file's encoding, past its header row, and the header's map.
pub(super) fn open_csv<R: Read>(
    input: R,
    options: &ImportOptions,
    columns: &'static [Column],
) -> Result<(csv::Reader<DecodingReader<R>>, ColumnMap)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(DecodingReader::new(input, options.encoding));
    let mut row = StringRecord::new();
    if !reader.read_record(&mut row).map_err(csv_error)? {
        return Err(header_error("the file is empty".into()).into());
    }
    let map = ColumnMap::new(&row, columns, options.ignore_unknown_columns)?;
    Ok((reader, map))
}

/// A row must have the header's width; trailing empty fields (as spreadsheets write)
/// are tolerated.
pub(super) fn fits(row: &StringRecord, width: usize) -> bool {
    row.len() == width || (row.len() > width && row.iter().skip(width).all(|f| f.trim().is_empty()))
}

/// Reads the next data row into `row` (false at the end), counting it in `rows` and
/// enforcing [`MAX_IMPORT_ROWS`] and [`MAX_ROW_BYTES`]: either stops the whole import.
pub(super) fn read_row<R: Read>(
    reader: &mut csv::Reader<R>,
    row: &mut StringRecord,
    rows: &mut u64,
) -> Result<bool> {
    if !reader.read_record(row).map_err(csv_error)? {
        return Ok(false);
    }
    *rows += 1;
    let line = row.position().map_or(0, |p| p.line());
    let problem = if *rows > MAX_IMPORT_ROWS {
        format!("the file has more than {MAX_IMPORT_ROWS} rows; split it")
    } else if row.as_byte_record().as_slice().len() > MAX_ROW_BYTES {
        format!("the row is longer than {} KiB", MAX_ROW_BYTES / 1024)
    } else {
        return Ok(true);
    };
    Err(RowError {
        line,
        problem: RowProblem::Malformed(problem),
    }
    .into())
}

pub(super) fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(io) => {
            match io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<MalformedInput>())
            {
                Some(bad) => RowError {
                    line: bad.line,
                    problem: RowProblem::Malformed(bad.to_string()),
                }
                .into(),
                None => Error::Io(io),
            }
        }
        _ => RowError {
            line,
            problem: RowProblem::Malformed("the row is not valid CSV".into()),
        }
        .into(),
    }
}

fn parse_archived(text: &str) -> Result<bool, Reason> {
    match text.trim().to_lowercase().as_str() {
        "" | "0" | "false" | "no" | "いいえ" => Ok(false),
        "1" | "true" | "yes" | "はい" => Ok(true),
        _ => Err(Reason::NotAllowed),
    }
}

/// Validates the row's fields and merges the id, archive and reference errors found
/// outside the input record, in column order.
pub(super) fn merge<T>(
    entity: Entity,
    mut early: Vec<FieldError>,
    validated: Result<T, ValidationError>,
    late: Vec<FieldError>,
) -> Result<T, ValidationError> {
    let value = match validated {
        Ok(v) if early.is_empty() && late.is_empty() => return Ok(v),
        Ok(_) => None,
        Err(v) => Some(v.errors),
    };
    early.extend(value.unwrap_or_default());
    early.extend(late);
    Err(ValidationError {
        entity,
        errors: early,
    })
}

/// Reads the optional `id` column: a new id when blank, else the given one if unused.
fn explicit_id<T: std::str::FromStr<Err = Reason> + Default>(
    text: Option<String>,
    exists: impl FnOnce(&T) -> Result<bool>,
    errors: &mut Vec<FieldError>,
    fresh: impl FnOnce() -> T,
) -> Result<T> {
    let Some(text) = text else { return Ok(fresh()) };
    match text.parse::<T>() {
        Err(reason) => errors.push(FieldError {
            field: "id",
            reason,
        }),
        Ok(id) if exists(&id)? => errors.push(FieldError {
            field: "id",
            reason: Reason::AlreadyUsed,
        }),
        Ok(id) => return Ok(id),
    }
    Ok(T::default())
}

struct CompanyRows;

impl RowImporter for CompanyRows {
    const COLUMNS: &'static [Column] = COMPANY_COLUMNS;

    fn check_header(&self, map: &ColumnMap) -> Result<(), RowError> {
        if map.has("name") {
            Ok(())
        } else {
            Err(header_error(
                "the column `name` (会社名) is required".into(),
            ))
        }
    }

    fn import_row(
        &mut self,
        tx: &mut dyn WriteTx,
        me: &User,
        now: Timestamp,
        map: &ColumnMap,
        row: &StringRecord,
    ) -> Result<Result<(), ValidationError>> {
        let mut early = Vec::new();
        let id: CompanyId = explicit_id(
            map.opt(row, "id"),
            |id| Ok(tx.get_company(*id)?.is_some()),
            &mut early,
            CompanyId::new,
        )?;
        let input = CompanyInput {
            name: map.get(row, "name").to_string(),
            name_reading: map.opt(row, "name_reading"),
            postal_code: map.opt(row, "postal_code"),
            address: map.opt(row, "address"),
            phone: map.opt(row, "phone"),
            website: map.opt(row, "website"),
            industry: map.opt(row, "industry"),
            notes: map.opt(row, "notes"),
        };
        let mut late = Vec::new();
        let archived = parse_archived(map.get(row, "archived")).unwrap_or_else(|reason| {
            late.push(FieldError {
                field: "archived",
                reason,
            });
            false
        });
        let input = match merge(Entity::Company, early, input.validate(), late) {
            Ok(input) => input,
            Err(v) => return Ok(Err(v)),
        };
        let mut company = new_company(id, input, me, now);
        company.archived = archived;
        tx.insert_company(&company)?;
        Ok(Ok(()))
    }
}

/// Resolves the company a row names, caching what it found, by id and by name.
#[derive(Default)]
pub(super) struct CompanyResolver {
    by_id: HashMap<CompanyId, bool>,
    by_name: HashMap<String, Result<CompanyId, Reason>>,
}

impl CompanyResolver {
    /// The row's company: by `company_id` (any existing company, archived ones
    /// included, so that exports restore whole) or else by `company_name` (exactly one
    /// non-archived company).
    pub(super) fn resolve(
        &mut self,
        tx: &mut dyn WriteTx,
        map: &ColumnMap,
        row: &StringRecord,
    ) -> Result<Result<CompanyId, FieldError>> {
        let fail = |field, reason| Ok(Err(FieldError { field, reason }));
        if let Some(text) = map.opt(row, "company_id") {
            let id: CompanyId = match text.parse() {
                Ok(id) => id,
                Err(reason) => return fail("company_id", reason),
            };
            let exists = match self.by_id.get(&id) {
                Some(&exists) => exists,
                None => {
                    let exists = tx.get_company(id)?.is_some();
                    self.by_id.insert(id, exists);
                    exists
                }
            };
            return if exists {
                Ok(Ok(id))
            } else {
                fail("company_id", Reason::UnknownReference)
            };
        }
        let name = match clean_line(map.get(row, "company_name"), limits::NAME) {
            Ok(Some(name)) => name,
            Ok(None) => return fail("company_id", Reason::Required),
            Err(reason) => return fail("company_name", reason),
        };
        if let Some(found) = self.by_name.get(&name) {
            return Ok(found.clone().map_err(|reason| FieldError {
                field: "company_name",
                reason,
            }));
        }
        let ids = tx.company_ids_by_name(&name)?;
        let found = match ids.as_slice() {
            [id] => Ok(*id),
            [] => Err(Reason::UnknownReference),
            _ => Err(Reason::Ambiguous),
        };
        self.by_name.insert(name, found.clone());
        Ok(found.map_err(|reason| FieldError {
            field: "company_name",
            reason,
        }))
    }
}

/// Persons name their company through the resolver.
#[derive(Default)]
struct PersonRows {
    companies: CompanyResolver,
}

impl RowImporter for PersonRows {
    const COLUMNS: &'static [Column] = PERSON_COLUMNS;

    fn check_header(&self, map: &ColumnMap) -> Result<(), RowError> {
        if !map.has("name") {
            return Err(header_error("the column `name` (氏名) is required".into()));
        }
        if !map.has("company_id") && !map.has("company_name") {
            return Err(header_error(
                "a company column is required: `company_id` or `company_name` (会社名)".into(),
            ));
        }
        Ok(())
    }

    fn import_row(
        &mut self,
        tx: &mut dyn WriteTx,
        me: &User,
        now: Timestamp,
        map: &ColumnMap,
        row: &StringRecord,
    ) -> Result<Result<(), ValidationError>> {
        let mut early = Vec::new();
        let id: PersonId = explicit_id(
            map.opt(row, "id"),
            |id| Ok(tx.get_person(*id)?.is_some()),
            &mut early,
            PersonId::new,
        )?;
        let company_id = match self.companies.resolve(tx, map, row)? {
            Ok(id) => id,
            Err(e) => {
                early.push(e);
                CompanyId::new()
            }
        };
        let input = PersonInput {
            company_id,
            name: map.get(row, "name").to_string(),
            name_reading: map.opt(row, "name_reading"),
            department: map.opt(row, "department"),
            title: map.opt(row, "title"),
            email: map.opt(row, "email"),
            office_phone: map.opt(row, "office_phone"),
            mobile_phone: map.opt(row, "mobile_phone"),
            notes: map.opt(row, "notes"),
        };
        let mut late = Vec::new();
        let archived = parse_archived(map.get(row, "archived")).unwrap_or_else(|reason| {
            late.push(FieldError {
                field: "archived",
                reason,
            });
            false
        });
        let input = match merge(Entity::Person, early, input.validate(), late) {
            Ok(input) => input,
            Err(v) => return Ok(Err(v)),
        };
        let mut person = new_person(id, input, me, now);
        person.archived = archived;
        tx.insert_person(&person)?;
        Ok(Ok(()))
    }
}
