//! The records as they cross the boundary, and their conversions to and from the
//! core's, all here.

use std::str::FromStr;

use crate::error::{SfaError, invalid};

/// An instant, RFC 3339 text on the wire, `java.time.Instant` in Kotlin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant(pub sfa_core::Timestamp);

uniffi::custom_type!(Instant, String, {
    try_lift: |text| Ok(Instant(
        chrono::DateTime::parse_from_rfc3339(&text)
            .map_err(|_| invalid("instant", "is not an RFC 3339 instant"))?
            .with_timezone(&chrono::Utc),
    )),
    lower: |instant| sfa_core::model::format_timestamp(&instant.0),
});

/// Parses an id argument; a malformed one is a validation error naming the argument.
pub(crate) fn parse_id<T: FromStr>(text: &str, field: &str) -> Result<T, SfaError> {
    text.parse()
        .map_err(|_| invalid(field, "is not a valid id"))
}

/// A user's editable fields.
#[derive(Debug, Clone, uniffi::Record)]
pub struct UserInput {
    /// Display name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// True for an admin.
    pub admin: bool,
    /// Inactive users cannot act.
    pub active: bool,
}

impl From<UserInput> for sfa_core::UserInput {
    fn from(u: UserInput) -> Self {
        sfa_core::UserInput {
            name: u.name,
            email: u.email,
            role: if u.admin {
                sfa_core::Role::Admin
            } else {
                sfa_core::Role::Member
            },
            active: u.active,
        }
    }
}

/// A user.
#[derive(Debug, Clone, uniffi::Record)]
pub struct User {
    /// The id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// True for an admin.
    pub admin: bool,
    /// Whether they can act.
    pub active: bool,
    /// Incremented on every change.
    pub version: i64,
}

impl From<sfa_core::User> for User {
    fn from(u: sfa_core::User) -> Self {
        User {
            id: u.id.to_string(),
            admin: u.is_admin(),
            name: u.name,
            email: u.email,
            active: u.active,
            version: u.version,
        }
    }
}

/// A company's editable fields (empty optional values mean "not given").
#[derive(Debug, Clone, Default, uniffi::Record)]
pub struct CompanyInput {
    /// Name (required).
    pub name: String,
    /// Reading in kana.
    pub name_reading: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Main phone.
    pub phone: Option<String>,
    /// Homepage.
    pub website: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl From<CompanyInput> for sfa_core::CompanyInput {
    fn from(c: CompanyInput) -> Self {
        sfa_core::CompanyInput {
            name: c.name,
            name_reading: c.name_reading,
            postal_code: c.postal_code,
            address: c.address,
            phone: c.phone,
            website: c.website,
            industry: c.industry,
            notes: c.notes,
        }
    }
}

/// A stored company.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Company {
    /// The id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Reading.
    pub name_reading: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Main phone (E.164).
    pub phone: Option<String>,
    /// Homepage URL.
    pub website: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: Instant,
    /// When it last changed.
    pub updated_at: Instant,
    /// Incremented on every change; send it back with an update.
    pub version: i64,
}

impl From<sfa_core::Company> for Company {
    fn from(c: sfa_core::Company) -> Self {
        Company {
            id: c.id.to_string(),
            name: c.name,
            name_reading: c.name_reading,
            postal_code: c.postal_code,
            address: c.address,
            phone: c.phone,
            website: c.website,
            industry: c.industry,
            notes: c.notes,
            archived: c.archived,
            created_at: Instant(c.created_at),
            updated_at: Instant(c.updated_at),
            version: c.version,
        }
    }
}

/// A person's editable fields.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PersonInput {
    /// The company's id (required).
    pub company_id: String,
    /// Full name (required).
    pub name: String,
    /// Reading in kana.
    pub name_reading: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Office phone.
    pub office_phone: Option<String>,
    /// Mobile phone.
    pub mobile_phone: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl TryFrom<PersonInput> for sfa_core::PersonInput {
    type Error = SfaError;

    fn try_from(p: PersonInput) -> Result<Self, SfaError> {
        Ok(sfa_core::PersonInput {
            company_id: parse_id(&p.company_id, "company_id")?,
            name: p.name,
            name_reading: p.name_reading,
            department: p.department,
            title: p.title,
            email: p.email,
            office_phone: p.office_phone,
            mobile_phone: p.mobile_phone,
            notes: p.notes,
        })
    }
}

/// A stored person.
#[derive(Debug, Clone, uniffi::Record)]
pub struct Person {
    /// The id.
    pub id: String,
    /// The company's id.
    pub company_id: String,
    /// Full name.
    pub name: String,
    /// Reading.
    pub name_reading: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Office phone (E.164).
    pub office_phone: Option<String>,
    /// Mobile phone (E.164).
    pub mobile_phone: Option<String>,
    /// Archived.
    pub archived: bool,
    /// When it was created.
    pub created_at: Instant,
    /// Incremented on every change.
    pub version: i64,
}

impl From<sfa_core::Person> for Person {
    fn from(p: sfa_core::Person) -> Self {
        Person {
            id: p.id.to_string(),
            company_id: p.company_id.to_string(),
            name: p.name,
            name_reading: p.name_reading,
            department: p.department,
            title: p.title,
            email: p.email,
            office_phone: p.office_phone,
            mobile_phone: p.mobile_phone,
            archived: p.archived,
            created_at: Instant(p.created_at),
            version: p.version,
        }
    }
}

/// Which page of a list.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PageRequest {
    /// At most this many (1 to 1000).
    pub limit: u32,
    /// The previous page's `next_cursor`; none for the first page.
    pub cursor: Option<String>,
    /// Include archived records.
    pub include_archived: bool,
}

impl From<PageRequest> for sfa_core::PageRequest {
    fn from(p: PageRequest) -> Self {
        sfa_core::PageRequest {
            limit: p.limit,
            cursor: p.cursor,
            include_archived: p.include_archived,
        }
    }
}

/// A page of companies.
#[derive(Debug, Clone, uniffi::Record)]
pub struct CompanyPage {
    /// The companies.
    pub items: Vec<Company>,
    /// Pass it in the next request; none on the last page.
    pub next_cursor: Option<String>,
}

impl From<sfa_core::Page<sfa_core::Company>> for CompanyPage {
    fn from(p: sfa_core::Page<sfa_core::Company>) -> Self {
        CompanyPage {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// A page of persons.
#[derive(Debug, Clone, uniffi::Record)]
pub struct PersonPage {
    /// The persons.
    pub items: Vec<Person>,
    /// Pass it in the next request; none on the last page.
    pub next_cursor: Option<String>,
}

impl From<sfa_core::Page<sfa_core::Person>> for PersonPage {
    fn from(p: sfa_core::Page<sfa_core::Person>) -> Self {
        PersonPage {
            items: p.items.into_iter().map(Into::into).collect(),
            next_cursor: p.next_cursor,
        }
    }
}

/// One search result.
#[derive(Debug, Clone, uniffi::Record)]
pub struct SearchHit {
    /// True for a company, false for a person.
    pub is_company: bool,
    /// The record's id.
    pub id: String,
    /// What to show.
    pub display_name: String,
}

impl From<sfa_core::SearchHit> for SearchHit {
    fn from(h: sfa_core::SearchHit) -> Self {
        SearchHit {
            is_company: h.kind == sfa_core::HitKind::Company,
            id: h.id,
            display_name: h.display_name,
        }
    }
}
