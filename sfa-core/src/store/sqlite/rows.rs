//! Conversions between records and SQLite rows. Column lists and `from_row`
//! constructors live together so that their order cannot drift apart.

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Row, params};

use crate::model::{
    CampaignId, CardId, Company, CompanyId, ConfidenceId, DealId, Person, PersonId,
    ProductCategoryId, ProductId, Role, StageId, TeamId, Timestamp, User, UserId, format_timestamp,
    parse_timestamp,
};

/// Ids bind and read as their hyphenated text.
macro_rules! sql_id {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }
        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value.as_str()?.parse().map_err(|_| FromSqlError::InvalidType)
            }
        }
    )*};
}
pub(super) use sql_id;
sql_id!(
    UserId,
    CompanyId,
    PersonId,
    DealId,
    CampaignId,
    StageId,
    ConfidenceId,
    ProductCategoryId,
    ProductId,
    TeamId,
    CardId
);

/// Timestamps as stored text.
pub(super) struct Ts(pub Timestamp);

impl FromSql for Ts {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        parse_timestamp(value.as_str()?)
            .map(Ts)
            .ok_or(FromSqlError::InvalidType)
    }
}

pub(super) const USER_COLUMNS: &str =
    "id, name, email, role, active, created_at, created_by, updated_at, updated_by, version";

pub(super) fn user_from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    let role: String = row.get(3)?;
    Ok(User {
        id: row.get(0)?,
        name: row.get(1)?,
        email: row.get(2)?,
        role: Role::parse(&role).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, "role".into())
        })?,
        active: row.get(4)?,
        created_at: row.get::<_, Ts>(5)?.0,
        created_by: row.get(6)?,
        updated_at: row.get::<_, Ts>(7)?.0,
        updated_by: row.get(8)?,
        version: row.get(9)?,
    })
}

// Parameters are positional, in column order, with the expected version last. An
// INSERT binds all but the last; an UPDATE skips the creation columns' numbers, which
// SQLite allows for numbered parameters.

pub(super) const INSERT_USER: &str = "INSERT INTO users (id, name, email, role, active, created_at, created_by, updated_at, updated_by, version) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

pub(super) const UPDATE_USER: &str = "UPDATE users SET name = ?2, email = ?3, role = ?4, active = ?5, \
     updated_at = ?8, updated_by = ?9, version = ?10 WHERE id = ?1 AND version = ?11";

pub(super) fn user_params(u: &User, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    let created_at = format_timestamp(&u.created_at);
    let updated_at = format_timestamp(&u.updated_at);
    f(params![
        u.id,
        u.name,
        u.email,
        u.role.as_str(),
        u.active,
        created_at,
        u.created_by,
        updated_at,
        u.updated_by,
        u.version,
        expected,
    ])
}

/// Executes a statement with the record's parameters.
pub(super) type Exec<'a> = &'a mut dyn FnMut(&[&dyn ToSql]) -> rusqlite::Result<usize>;

pub(super) const COMPANY_COLUMNS: &str = "id, name, name_reading, postal_code, address, phone, website, industry, notes, \
     archived, created_at, created_by, updated_at, updated_by, version";

pub(super) fn company_from_row(row: &Row<'_>) -> rusqlite::Result<Company> {
    Ok(Company {
        id: row.get(0)?,
        name: row.get(1)?,
        name_reading: row.get(2)?,
        postal_code: row.get(3)?,
        address: row.get(4)?,
        phone: row.get(5)?,
        website: row.get(6)?,
        industry: row.get(7)?,
        notes: row.get(8)?,
        archived: row.get(9)?,
        created_at: row.get::<_, Ts>(10)?.0,
        created_by: row.get(11)?,
        updated_at: row.get::<_, Ts>(12)?.0,
        updated_by: row.get(13)?,
        version: row.get(14)?,
    })
}

pub(super) const INSERT_COMPANY: &str = "INSERT INTO companies (id, name, name_reading, postal_code, address, phone, website, industry, notes, \
     archived, sort_key, created_at, created_by, updated_at, updated_by, version) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";

pub(super) const UPDATE_COMPANY: &str = "UPDATE companies SET name = ?2, name_reading = ?3, postal_code = ?4, address = ?5, \
     phone = ?6, website = ?7, industry = ?8, notes = ?9, archived = ?10, sort_key = ?11, \
     updated_at = ?14, updated_by = ?15, version = ?16 WHERE id = ?1 AND version = ?17";

pub(super) fn company_params(c: &Company, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    let created_at = format_timestamp(&c.created_at);
    let updated_at = format_timestamp(&c.updated_at);
    let sort_key = c.sort_key();
    f(params![
        c.id,
        c.name,
        c.name_reading,
        c.postal_code,
        c.address,
        c.phone,
        c.website,
        c.industry,
        c.notes,
        c.archived,
        sort_key,
        created_at,
        c.created_by,
        updated_at,
        c.updated_by,
        c.version,
        expected,
    ])
}

pub(super) const PERSON_COLUMNS: &str = "id, company_id, name, name_reading, department, title, email, office_phone, mobile_phone, \
     notes, archived, created_at, created_by, updated_at, updated_by, version";

pub(super) fn person_from_row(row: &Row<'_>) -> rusqlite::Result<Person> {
    Ok(Person {
        id: row.get(0)?,
        company_id: row.get(1)?,
        name: row.get(2)?,
        name_reading: row.get(3)?,
        department: row.get(4)?,
        title: row.get(5)?,
        email: row.get(6)?,
        office_phone: row.get(7)?,
        mobile_phone: row.get(8)?,
        notes: row.get(9)?,
        archived: row.get(10)?,
        created_at: row.get::<_, Ts>(11)?.0,
        created_by: row.get(12)?,
        updated_at: row.get::<_, Ts>(13)?.0,
        updated_by: row.get(14)?,
        version: row.get(15)?,
    })
}

pub(super) const INSERT_PERSON: &str = "INSERT INTO persons (id, company_id, name, name_reading, department, title, email, office_phone, \
     mobile_phone, notes, archived, sort_key, created_at, created_by, updated_at, updated_by, version) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";

pub(super) const UPDATE_PERSON: &str = "UPDATE persons SET company_id = ?2, name = ?3, name_reading = ?4, department = ?5, \
     title = ?6, email = ?7, office_phone = ?8, mobile_phone = ?9, notes = ?10, archived = ?11, \
     sort_key = ?12, updated_at = ?15, updated_by = ?16, version = ?17 WHERE id = ?1 AND version = ?18";

pub(super) fn person_params(p: &Person, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    let created_at = format_timestamp(&p.created_at);
    let updated_at = format_timestamp(&p.updated_at);
    let sort_key = p.sort_key();
    f(params![
        p.id,
        p.company_id,
        p.name,
        p.name_reading,
        p.department,
        p.title,
        p.email,
        p.office_phone,
        p.mobile_phone,
        p.notes,
        p.archived,
        sort_key,
        created_at,
        p.created_by,
        updated_at,
        p.updated_by,
        p.version,
        expected,
    ])
}
