//! The ledger's CSV codec: company and person rows to inputs and back. References are
//! left as the file gives them ([`CompanyRef`]); the workflow resolves and stores.

use super::columns::ColumnMap;
use super::rows::{CsvRow, Decoded};
use super::writer::text;
use crate::model::{
    Company, CompanyId, CompanyInput, Person, PersonId, PersonInput, format_timestamp,
};

/// A company row.
#[derive(Debug, Clone)]
pub(crate) struct CompanyRow {
    /// The id to keep (an export's), or a new one when absent.
    pub(crate) id: Option<CompanyId>,
    pub(crate) input: CompanyInput,
    pub(crate) archived: bool,
}

/// How a row names its company: by id (any existing company, archived ones included,
/// so an export restores whole) or else by exact name (one non-archived company).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CompanyRef {
    Id(CompanyId),
    Name(String),
    /// Neither given.
    Missing,
    /// The id could not be read (already recorded as a field error).
    Unreadable,
}

/// A person row.
#[derive(Debug, Clone)]
pub(crate) struct PersonRow {
    pub(crate) id: Option<PersonId>,
    pub(crate) company: CompanyRef,
    /// The input, with the company still to be resolved.
    pub(crate) input: PersonInput,
    pub(crate) archived: bool,
}

pub(crate) fn company_row(map: &ColumnMap, row: &CsvRow) -> Decoded<CompanyRow> {
    let mut f = row.fields(map);
    let id = f.id("id");
    let input = CompanyInput {
        name: f.text("name"),
        name_reading: f.opt("name_reading"),
        postal_code: f.opt("postal_code"),
        address: f.opt("address"),
        phone: f.opt("phone"),
        website: f.opt("website"),
        industry: f.opt("industry"),
        notes: f.opt("notes"),
    };
    let archived = f.flag("archived");
    Decoded {
        line: row.line,
        value: CompanyRow {
            id,
            input,
            archived,
        },
        errors: f.errors,
    }
}

/// The company a row names (`company_id`, else `company_name`).
pub(crate) fn company_ref(f: &mut super::rows::Fields<'_>) -> CompanyRef {
    if f.opt("company_id").is_some() {
        return f
            .id("company_id")
            .map_or(CompanyRef::Unreadable, CompanyRef::Id);
    }
    match f.opt("company_name") {
        Some(name) => CompanyRef::Name(name),
        None => CompanyRef::Missing,
    }
}

pub(crate) fn person_row(map: &ColumnMap, row: &CsvRow) -> Decoded<PersonRow> {
    let mut f = row.fields(map);
    let id = f.id("id");
    let company = company_ref(&mut f);
    let input = PersonInput {
        company_id: CompanyId::default(),
        name: f.text("name"),
        name_reading: f.opt("name_reading"),
        department: f.opt("department"),
        title: f.opt("title"),
        email: f.opt("email"),
        office_phone: f.opt("office_phone"),
        mobile_phone: f.opt("mobile_phone"),
        notes: f.opt("notes"),
    };
    let archived = f.flag("archived");
    Decoded {
        line: row.line,
        value: PersonRow {
            id,
            company,
            input,
            archived,
        },
        errors: f.errors,
    }
}

pub(crate) const COMPANY_HEADER: &[&str] = &[
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

pub(crate) const PERSON_HEADER: &[&str] = &[
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

pub(crate) fn company_fields(c: &Company) -> Vec<String> {
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

pub(crate) fn person_fields(p: &Person, company_name: &str) -> Vec<String> {
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
