//! Persons at customer companies (所属担当者).

use serde::{Deserialize, Serialize};

use super::company::{optional, some};
use super::{CompanyId, PersonId, Timestamp, UserId, limits};
use crate::error::{Checker, Entity, ValidationError};
use crate::normalize::{
    clean_line, clean_multiline, clean_reading, normalize_email, normalize_phone, required_line,
};

/// The editable fields of a person. Empty optional strings mean "not given".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PersonInput {
    /// The company the person works at (required; must exist and not be archived).
    pub company_id: CompanyId,
    /// Full name (required), e.g. `高橋 一郎`.
    pub name: String,
    /// Reading in kana, e.g. `タカハシ イチロウ`.
    pub name_reading: Option<String>,
    /// Department (部署).
    pub department: Option<String>,
    /// Title (役職).
    pub title: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Office phone (E.164).
    pub office_phone: Option<String>,
    /// Mobile phone (E.164).
    pub mobile_phone: Option<String>,
    /// Free notes; line breaks kept.
    pub notes: Option<String>,
}

impl PersonInput {
    /// A person with just a company and a name.
    pub fn named(company_id: CompanyId, name: impl Into<String>) -> Self {
        PersonInput {
            company_id,
            name: name.into(),
            ..PersonInput::default()
        }
    }

    /// Checks every field and returns the normalised input, or every refused field.
    /// Whether the company exists is checked when the person is stored.
    pub fn validate(&self) -> Result<PersonInput, ValidationError> {
        let mut c = Checker::new(Entity::Person);
        if self.company_id == CompanyId::default() {
            c.check::<()>("company_id", Err(crate::Reason::Required));
        }
        let out = PersonInput {
            company_id: self.company_id,
            name: c.check("name", required_line(&self.name, limits::NAME)),
            name_reading: c.check(
                "name_reading",
                optional(&self.name_reading, |v| clean_reading(v, limits::READING)),
            ),
            department: c.check(
                "department",
                optional(&self.department, |v| clean_line(v, limits::SHORT_TEXT)),
            ),
            title: c.check(
                "title",
                optional(&self.title, |v| clean_line(v, limits::SHORT_TEXT)),
            ),
            email: c.check("email", optional(&self.email, |v| some(normalize_email(v)))),
            office_phone: c.check(
                "office_phone",
                optional(&self.office_phone, |v| some(normalize_phone(v))),
            ),
            mobile_phone: c.check(
                "mobile_phone",
                optional(&self.mobile_phone, |v| some(normalize_phone(v))),
            ),
            notes: c.check(
                "notes",
                optional(&self.notes, |v| clean_multiline(v, limits::NOTES)),
            ),
        };
        c.finish(out)
    }
}

/// A stored person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The id.
    pub id: PersonId,
    /// The company the person works at.
    pub company_id: CompanyId,
    /// Full name.
    pub name: String,
    /// Reading in kana.
    pub name_reading: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Office phone (E.164).
    pub office_phone: Option<String>,
    /// Mobile phone (E.164).
    pub mobile_phone: Option<String>,
    /// Notes.
    pub notes: Option<String>,
    /// Archived persons are hidden from lists but kept with their history.
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

impl Person {
    /// The editable fields, e.g. to change some and send them back with `update_person`.
    pub fn input(&self) -> PersonInput {
        PersonInput {
            company_id: self.company_id,
            name: self.name.clone(),
            name_reading: self.name_reading.clone(),
            department: self.department.clone(),
            title: self.title.clone(),
            email: self.email.clone(),
            office_phone: self.office_phone.clone(),
            mobile_phone: self.mobile_phone.clone(),
            notes: self.notes.clone(),
        }
    }

    /// Replaces the editable fields with already validated ones.
    pub(crate) fn set_input(&mut self, input: PersonInput) {
        self.company_id = input.company_id;
        self.name = input.name;
        self.name_reading = input.name_reading;
        self.department = input.department;
        self.title = input.title;
        self.email = input.email;
        self.office_phone = input.office_phone;
        self.mobile_phone = input.mobile_phone;
        self.notes = input.notes;
    }

    /// The key lists are ordered by (reading, else name).
    pub fn sort_key(&self) -> String {
        crate::normalize::sort_key(&self.name, self.name_reading.as_deref())
    }
}
