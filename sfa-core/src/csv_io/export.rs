//! CSV export of companies and persons, in UTF-8 (with or without BOM) or Shift_JIS.
//! The export reads one consistent snapshot and streams it page by page.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write;

use encoding_rs::SHIFT_JIS;

use super::{CsvEncoding, ExportOptions};
use crate::error::{Entity, Error, Result};
use crate::model::{Company, CompanyId, Person, format_timestamp};
use crate::store::{walk_companies, walk_persons};
use crate::workflow::Session;

const COMPANY_HEADER: &[&str] = &[
    "id",
    "name",
    "name_reading",
    "postal_code",
    "address",
    "phone",
    "website",
    "industry",
    "notes",
    "archived",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
];

const PERSON_HEADER: &[&str] = &[
    "id",
    "company_id",
    "company_name",
    "name",
    "name_reading",
    "department",
    "title",
    "email",
    "office_phone",
    "mobile_phone",
    "notes",
    "archived",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
];

impl Session {
    /// Writes companies as CSV (the columns of the import, plus the read-only audit
    /// columns); returns how many were written.
    pub fn export_companies_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, COMPANY_HEADER)?;
        self.read(|tx, _| {
            walk_companies(tx, options.include_archived, |_, c| {
                out.record(Entity::Company, &c.id.to_string(), &company_fields(c))
            })
        })?;
        out.finish()
    }

    /// Writes persons as CSV with their company's id and name; returns how many.
    pub fn export_persons_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, PERSON_HEADER)?;
        self.read(|tx, _| {
            let mut names: HashMap<CompanyId, String> = HashMap::new();
            walk_persons(tx, None, options.include_archived, |tx, p| {
                let company_name = match names.entry(p.company_id) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(
                        tx.get_company(p.company_id)?
                            .map(|c| c.name)
                            .unwrap_or_default(),
                    ),
                };
                out.record(
                    Entity::Person,
                    &p.id.to_string(),
                    &person_fields(p, company_name),
                )
            })
        })?;
        out.finish()
    }
}

pub(super) fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

fn company_fields(c: &Company) -> Vec<String> {
    vec![
        c.id.to_string(),
        c.name.clone(),
        text(&c.name_reading),
        text(&c.postal_code),
        text(&c.address),
        text(&c.phone),
        text(&c.website),
        text(&c.industry),
        text(&c.notes),
        c.archived.to_string(),
        format_timestamp(&c.created_at),
        c.created_by.to_string(),
        format_timestamp(&c.updated_at),
        c.updated_by.to_string(),
        c.version.to_string(),
    ]
}

fn person_fields(p: &Person, company_name: &str) -> Vec<String> {
    vec![
        p.id.to_string(),
        p.company_id.to_string(),
        company_name.to_string(),
        p.name.clone(),
        text(&p.name_reading),
        text(&p.department),
        text(&p.title),
        text(&p.email),
        text(&p.office_phone),
        text(&p.mobile_phone),
        text(&p.notes),
        p.archived.to_string(),
        format_timestamp(&p.created_at),
        p.created_by.to_string(),
        format_timestamp(&p.updated_at),
        p.updated_by.to_string(),
        p.version.to_string(),
    ]
}

/// Formats records as CSV (CRLF, as spreadsheets expect) and writes them encoded.
pub(super) struct CsvOut<'h, W: Write> {
    output: W,
    encoding: CsvEncoding,
    header: &'h [&'h str],
    line: String,
    records: u64,
}

impl<'h, W: Write> CsvOut<'h, W> {
    pub(super) fn new(mut output: W, encoding: CsvEncoding, header: &'h [&'h str]) -> Result<Self> {
        if matches!(encoding, CsvEncoding::Auto | CsvEncoding::Utf8WithBom) {
            output.write_all(&[0xEF, 0xBB, 0xBF])?;
        }
        let mut out = CsvOut {
            output,
            encoding,
            header,
            line: String::new(),
            records: 0,
        };
        out.write_row(header)?;
        Ok(out)
    }

    /// Writes one row; for Shift_JIS, returns the index of a field it cannot represent
    /// (and writes nothing).
    fn write_row<T: AsRef<str>>(&mut self, fields: &[T]) -> Result<Option<usize>> {
        self.line.clear();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            push_field(&mut self.line, field.as_ref());
        }
        self.line.push_str("\r\n");
        if self.encoding != CsvEncoding::ShiftJis {
            self.output.write_all(self.line.as_bytes())?;
            return Ok(None);
        }
        let (bytes, _, unmappable) = SHIFT_JIS.encode(&self.line);
        if unmappable {
            return Ok(Some(
                fields
                    .iter()
                    .position(|f| SHIFT_JIS.encode(f.as_ref()).2)
                    .unwrap_or(0),
            ));
        }
        self.output.write_all(&bytes)?;
        Ok(None)
    }

    pub(super) fn record(&mut self, entity: Entity, id: &str, fields: &[String]) -> Result<()> {
        if let Some(i) = self.write_row(fields)? {
            return Err(Error::Unrepresentable {
                entity,
                id: id.to_string(),
                field: self.header.get(i).copied().unwrap_or("").to_string(),
            });
        }
        self.records += 1;
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<u64> {
        self.output.flush()?;
        Ok(self.records)
    }
}

/// RFC 4180 quoting: fields with commas, quotes, line breaks or edge spaces are quoted.
fn push_field(line: &mut String, field: &str) {
    let quote =
        field.contains([',', '"', '\r', '\n']) || field.starts_with(' ') || field.ends_with(' ');
    if quote {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}
