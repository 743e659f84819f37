//! Customer companies (顧客企業).

use serde::{Deserialize, Serialize};

use super::{CompanyId, Timestamp, UserId, limits};
use crate::error::{Checker, Entity, ValidationError};
use crate::normalize::{
    clean_line, clean_multiline, clean_reading, normalize_phone, normalize_postal_code,
    normalize_website, required_line,
};

/// The editable fields of a company. Empty optional strings mean "not given".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CompanyInput {
    /// Company name (required), e.g. `株式会社山田製作所`.
    pub name: String,
    /// Reading of the name in kana, e.g. `ヤマダセイサクショ`.
    pub name_reading: Option<String>,
    /// Postal code, stored as `123-4567`.
    pub postal_code: Option<String>,
    /// Address text.
    pub address: Option<String>,
    /// Main phone, stored in E.164 (`+81312345678`).
    pub phone: Option<String>,
    /// Homepage, stored as an absolute `http(s)` URL.
    pub website: Option<String>,
    /// Industry (業種).
    pub industry: Option<String>,
    /// Free notes; line breaks kept.
    pub notes: Option<String>,
}

impl CompanyInput {
    /// A company with just a name.
    pub fn named(name: impl Into<String>) -> Self {
        CompanyInput {
            name: name.into(),
            ..CompanyInput::default()
        }
    }

    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<CompanyInput, ValidationError> {
        let mut c = Checker::new(Entity::Company);
        let out = CompanyInput {
            name: c.check("name", required_line(&self.name, limits::NAME)),
            name_reading: c.check(
                "name_reading",
                optional(&self.name_reading, |v| clean_reading(v, limits::READING)),
            ),
            postal_code: c.check(
                "postal_code",
                optional(&self.postal_code, |v| some(normalize_postal_code(v))),
            ),
            address: c.check(
                "address",
                optional(&self.address, |v| clean_line(v, limits::ADDRESS)),
            ),
            phone: c.check("phone", optional(&self.phone, |v| some(normalize_phone(v)))),
            website: c.check(
                "website",
                optional(&self.website, |v| some(normalize_website(v))),
            ),
            industry: c.check(
                "industry",
                optional(&self.industry, |v| clean_line(v, limits::SHORT_TEXT)),
            ),
            notes: c.check(
                "notes",
                optional(&self.notes, |v| clean_multiline(v, limits::NOTES)),
            ),
        };
        c.finish(out)
    }
}

/// Runs `check` on a present, non-blank value; blank or absent means `None`.
pub(crate) fn optional<F>(value: &Option<String>, check: F) -> Result<Option<String>, crate::Reason>
where
    F: FnOnce(&str) -> Result<Option<String>, crate::Reason>,
{
    match value
        .as_deref()
        .map(|v| v.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}'))
    {
        None | Some("") => Ok(None),
        Some(v) => check(v),
    }
}

pub(crate) fn some(r: Result<String, crate::Reason>) -> Result<Option<String>, crate::Reason> {
    r.map(Some)
}

/// A stored company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    /// The id.
    pub id: CompanyId,
    /// Company name.
    pub name: String,
    /// Reading in kana.
    pub name_reading: Option<String>,
    /// Postal code (`123-4567`).
    pub postal_code: Option<String>,
    /// Address text.
    pub address: Option<String>,
    /// Main phone (E.164).
    pub phone: Option<String>,
    /// Homepage URL.
    pub website: Option<String>,
    /// Industry.
    pub industry: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Archived companies are hidden from lists but kept with their history.
    pub archived: bool,
    /// When it was created.
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with an update.
    pub version: i64,
}

impl Company {
    /// The editable fields, e.g. to change some and send them back with `update_company`.
    pub fn input(&self) -> CompanyInput {
        CompanyInput {
            name: self.name.clone(),
            name_reading: self.name_reading.clone(),
            postal_code: self.postal_code.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            website: self.website.clone(),
            industry: self.industry.clone(),
            notes: self.notes.clone(),
        }
    }

    /// Replaces the editable fields with already validated ones.
    pub(crate) fn set_input(&mut self, input: CompanyInput) {
        self.name = input.name;
        self.name_reading = input.name_reading;
        self.postal_code = input.postal_code;
        self.address = input.address;
        self.phone = input.phone;
        self.website = input.website;
        self.industry = input.industry;
        self.notes = input.notes;
    }

    /// The key lists are ordered by (reading, else name).
    pub fn sort_key(&self) -> String {
        crate::normalize::sort_key(&self.name, self.name_reading.as_deref())
    }
}
