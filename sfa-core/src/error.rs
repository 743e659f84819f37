//! The crate's error type.
//!
//! Every message names the entity, the field and the reason, never the value: error
//! texts end up in logs and crash reports, and the values are customers' personal data.

use std::fmt;

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What an error is about: a kind of record the library stores, or a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// A [`crate::User`].
    User,
    /// A [`crate::Company`].
    Company,
    /// A [`crate::Person`].
    Person,
    /// A search request.
    SearchRequest,
    /// An [`crate::Interaction`] (visit, call, ...).
    Interaction,
    /// A [`crate::Task`].
    Task,
    /// A [`crate::Notification`].
    Notification,
    /// An [`crate::AgendaRequest`].
    AgendaRequest,
    /// A [`crate::Campaign`].
    Campaign,
    /// A [`crate::Stage`].
    Stage,
    /// A [`crate::Confidence`] level.
    Confidence,
    /// A [`crate::ProductCategory`].
    ProductCategory,
    /// A [`crate::Product`].
    Product,
    /// A master record of a kind not yet known (a master-data CSV row).
    Master,
    /// A [`crate::Deal`].
    Deal,
    /// A [`crate::Team`].
    Team,
    /// A [`crate::BusinessCard`].
    BusinessCard,
    /// The database itself (its encryption key).
    Database,
    /// A sync request or response (bytes a host moved between a device and the
    /// server).
    SyncMessage,
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Entity::User => "user",
            Entity::Company => "company",
            Entity::Person => "person",
            Entity::SearchRequest => "search request",
            Entity::Database => "database",
            Entity::SyncMessage => "sync message",
            Entity::Interaction => "interaction",
            Entity::Task => "task",
            Entity::Notification => "notification",
            Entity::AgendaRequest => "agenda request",
            Entity::Campaign => "campaign",
            Entity::Stage => "stage",
            Entity::Confidence => "confidence level",
            Entity::ProductCategory => "product category",
            Entity::Product => "product",
            Entity::Master => "master record",
            Entity::Deal => "deal",
            Entity::Team => "team",
            Entity::BusinessCard => "business card",
        })
    }
}

/// Everything that can go wrong in a library call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input failed validation; nothing was written.
    #[error(transparent)]
    Validation(#[from] ValidationError),
    /// The record does not exist.
    #[error("{entity} {id} not found")]
    NotFound {
        /// Which kind of record.
        entity: Entity,
        /// The id that was asked for.
        id: String,
    },
    /// The record was changed since the caller read it; nothing was written.
    #[error(
        "{entity} {id} was changed by someone else (you edited version {expected}, it is now version {actual}); reload and try again"
    )]
    Conflict {
        /// Which kind of record.
        entity: Entity,
        /// The record's id.
        id: String,
        /// The version the caller read and sent back.
        expected: i64,
        /// The version now stored.
        actual: i64,
    },
    /// The record is referenced by others and cannot be deleted (retire it instead);
    /// nothing was written.
    #[error("{entity} {id} is in use by other records; retire it instead of deleting it")]
    InUse {
        /// Which kind of record.
        entity: Entity,
        /// The record's id.
        id: String,
    },
    /// The acting user may not do this; nothing was written.
    #[error("permission denied: {reason}")]
    PermissionDenied {
        /// Why, without personal data.
        reason: String,
    },
    /// A CSV import failed at one row; the whole import was rolled back.
    #[error("CSV import failed, nothing was imported: {0}")]
    Import(#[from] RowError),
    /// The database file was written by a newer version of this library.
    #[error(
        "the database has schema version {found}, newer than the {supported} this library supports; upgrade the library"
    )]
    SchemaTooNew {
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The file is not an SQLite database (or is damaged beyond reading).
    #[error("the file is not an sfa database or is damaged")]
    NotADatabase,
    /// The database file is damaged (its integrity check failed): reads still work, so
    /// what is whole can be exported; writes are refused so as not to spread the
    /// damage. Restore a backup.
    #[error(
        "the database file is damaged: writes are refused; export what reads and restore a backup"
    )]
    Damaged,
    /// The database server cannot be reached: it is down or unreachable at open, or the
    /// connection broke during the call. A call that broke before its commit wrote
    /// nothing; one that broke during the commit may or may not have written (read the
    /// record back before retrying).
    #[error("the database server cannot be reached (down, or the connection was lost); try again")]
    Unavailable,
    /// A statement ran longer than the store's statement timeout and was cancelled;
    /// nothing was written.
    #[error("the database took too long to answer and the call was cancelled; nothing was written")]
    Timeout,
    /// Another handle or process held the database for a write longer than the busy
    /// timeout (a very large import); nothing was written. Try again.
    #[error(
        "the database was busy with another long write for too long; nothing was written, try again"
    )]
    Busy,
    /// The key does not open this encrypted database (or the file is not an encrypted
    /// sfa database).
    #[error("the key does not open this database (or the file is not an encrypted sfa database)")]
    WrongKey,
    /// This build has no encryption at rest (the cargo feature `encryption`).
    #[error("this build of sfa has no encryption at rest (cargo feature `encryption`)")]
    EncryptionUnavailable,
    /// The key can only be changed while no other handle has the database open.
    #[error("the key can only be changed while no other handle has the database open")]
    KeyChangeBusy,
    /// An export to Shift_JIS met a character that encoding cannot represent.
    #[error(
        "{entity} {id}: `{field}` has characters that Shift_JIS cannot represent; export as UTF-8 instead"
    )]
    Unrepresentable {
        /// Which kind of record.
        entity: Entity,
        /// The record's id.
        id: String,
        /// The column that cannot be encoded.
        field: String,
    },
    /// The search index failed.
    #[error(transparent)]
    Search(#[from] SearchError),
    /// The storage layer failed.
    #[error("storage error: {0}")]
    Storage(#[from] StorageError),
    /// Reading or writing a file or stream failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn not_found(entity: Entity, id: impl fmt::Display) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub(crate) fn permission_denied(reason: impl Into<String>) -> Self {
        Error::PermissionDenied {
            reason: reason.into(),
        }
    }

    /// The validation error inside, if this is one (also inside a failed import row).
    pub fn validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Validation(v) => Some(v),
            Error::Import(RowError {
                problem: RowProblem::Invalid(v),
                ..
            }) => Some(v),
            _ => None,
        }
    }
}

/// A failure inside the search index, kept opaque (its text names no customer data).
/// Defined here, not in `search`, so that this module depends on nothing it serves.
#[derive(Debug, thiserror::Error)]
#[error("search index error: {0}")]
pub struct SearchError(pub(crate) String);

/// A failure of the storage backend, kept opaque so that callers do not depend on it.
/// A store (also one written outside this crate) wraps what went wrong in it; the
/// message must not carry customer data.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StorageError(pub(crate) Box<dyn std::error::Error + Send + Sync>);

impl StorageError {
    /// Wraps a store's own error.
    pub fn new(error: impl std::error::Error + Send + Sync + 'static) -> StorageError {
        StorageError(Box::new(error))
    }

    /// A storage error described in words.
    pub fn message(text: impl Into<String>) -> StorageError {
        StorageError(text.into().into())
    }
}

/// Why a field's value was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The field must have a value.
    Required,
    /// The value has more characters than allowed.
    TooLong {
        /// The limit, in characters.
        max_chars: usize,
    },
    /// The value contains control characters (line breaks are only allowed in notes).
    ControlCharacters,
    /// A reading must be written in kana.
    NotKana,
    /// Not an e-mail address.
    InvalidEmail,
    /// Not a web address.
    InvalidWebsite,
    /// Not a phone number.
    InvalidPhone,
    /// Not a Japanese postal code.
    InvalidPostalCode,
    /// Not a valid id.
    InvalidId,
    /// A referenced record does not exist.
    UnknownReference,
    /// A referenced record is archived or inactive.
    Inactive,
    /// Another record already uses this value.
    AlreadyUsed,
    /// A name matches more than one record, so it cannot be resolved.
    Ambiguous,
    /// A value outside its allowed set (e.g. a role or a yes/no column).
    NotAllowed,
    /// An end that comes before its start.
    BeforeStart,
    /// A time that has already passed where a future one is needed.
    InThePast,
    /// A time still to come where a past one is needed.
    InTheFuture,
    /// A number or range outside its bounds.
    OutOfRange,
    /// The change is not allowed while the record is in this state (e.g. `completed`).
    NotWhile(&'static str),
    /// A negative number where none is allowed.
    Negative,
    /// A number that must be more than zero.
    NotPositive,
    /// More decimal places than allowed.
    TooPrecise {
        /// The most decimal places allowed.
        max_places: u32,
    },
    /// Not a decimal number like 1234.5.
    InvalidNumber,
    /// A date before the record was created.
    BeforeCreation,
    /// A total that does not equal the sum of its parts.
    Mismatch,
    /// Not a date like 2026-12-01.
    InvalidDate,
    /// Differs from the value an earlier row of the same record gave.
    Inconsistent,
    /// A stored value that is not in the stored format (written outside the library).
    Unreadable,
    /// The value holds bidi controls or line separators, or nothing visible.
    Invisible,
    /// The value has more bytes (UTF-8) than allowed.
    TooBig {
        /// The limit, in bytes.
        max_bytes: usize,
    },
}

impl Reason {
    /// A stable, machine-readable name for the reason (`required`, `too_long`,
    /// `invalid_email`, ...), for an app to pick its own words (a Japanese UI
    /// translates by code; the English text may change).
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Required => "required",
            Reason::TooLong { .. } => "too_long",
            Reason::ControlCharacters => "control_characters",
            Reason::NotKana => "not_kana",
            Reason::InvalidEmail => "invalid_email",
            Reason::InvalidWebsite => "invalid_website",
            Reason::InvalidPhone => "invalid_phone",
            Reason::InvalidPostalCode => "invalid_postal_code",
            Reason::InvalidId => "invalid_id",
            Reason::UnknownReference => "unknown_reference",
            Reason::Inactive => "inactive",
            Reason::AlreadyUsed => "already_used",
            Reason::Ambiguous => "ambiguous",
            Reason::NotAllowed => "not_allowed",
            Reason::BeforeStart => "before_start",
            Reason::InThePast => "in_the_past",
            Reason::InTheFuture => "in_the_future",
            Reason::OutOfRange => "out_of_range",
            Reason::NotWhile(_) => "not_while",
            Reason::Negative => "negative",
            Reason::NotPositive => "not_positive",
            Reason::TooPrecise { .. } => "too_precise",
            Reason::InvalidNumber => "invalid_number",
            Reason::BeforeCreation => "before_creation",
            Reason::Mismatch => "mismatch",
            Reason::InvalidDate => "invalid_date",
            Reason::Inconsistent => "inconsistent",
            Reason::Unreadable => "unreadable",
            Reason::Invisible => "invisible",
            Reason::TooBig { .. } => "too_big",
        }
    }

    /// The limit the value broke, for the reasons that have one: characters for
    /// `too_long`, decimal places for `too_precise`, bytes for `too_big`.
    pub fn limit(&self) -> Option<i64> {
        match self {
            Reason::TooLong { max_chars } => i64::try_from(*max_chars).ok(),
            Reason::TooPrecise { max_places } => Some(i64::from(*max_places)),
            Reason::TooBig { max_bytes } => i64::try_from(*max_bytes).ok(),
            _ => None,
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Required => f.write_str("is required"),
            Reason::TooLong { max_chars } => write!(f, "is longer than {max_chars} characters"),
            Reason::ControlCharacters => f.write_str("contains control characters"),
            Reason::NotKana => f.write_str("must be written in kana (hiragana or katakana)"),
            Reason::InvalidEmail => f.write_str("is not an e-mail address like name@example.co.jp"),
            Reason::InvalidWebsite => {
                f.write_str("is not a web address like example.co.jp or https://example.co.jp")
            }
            Reason::InvalidPhone => f.write_str(
                "is not a phone number (domestic like 03-1234-5678, or international like +81 3 1234 5678)",
            ),
            Reason::InvalidPostalCode => {
                f.write_str("is not a postal code like 123-4567 (seven digits)")
            }
            Reason::InvalidId => f.write_str("is not a valid id"),
            Reason::UnknownReference => f.write_str("refers to a record that does not exist"),
            Reason::Inactive => f.write_str("refers to an archived or inactive record"),
            Reason::AlreadyUsed => f.write_str("is already used by another record"),
            Reason::Ambiguous => f.write_str("matches more than one record"),
            Reason::NotAllowed => f.write_str("is not one of the allowed values"),
            Reason::BeforeStart => f.write_str("is before the start"),
            Reason::InThePast => f.write_str("is in the past"),
            Reason::InTheFuture => f.write_str("is in the future"),
            Reason::OutOfRange => f.write_str("is outside the allowed range"),
            Reason::NotWhile(state) => write!(f, "cannot be changed while the record is {state}"),
            Reason::Negative => f.write_str("must not be negative"),
            Reason::NotPositive => f.write_str("must be more than zero"),
            Reason::TooPrecise { max_places } => {
                write!(f, "has more than {max_places} decimal places")
            }
            Reason::InvalidNumber => f.write_str("is not a number like 1234.5"),
            Reason::BeforeCreation => f.write_str("is before the record was created"),
            Reason::Mismatch => f.write_str("does not equal the sum of the line amounts"),
            Reason::InvalidDate => f.write_str("is not a date like 2026-12-01"),
            Reason::Inconsistent => {
                f.write_str("differs from the value on an earlier row of the same record")
            }
            Reason::Unreadable => f.write_str("is stored in a form this library cannot read"),
            Reason::TooBig { max_bytes } => write!(f, "is longer than {max_bytes} bytes"),
            Reason::Invisible => f.write_str(
                "contains bidi controls or line separators, or nothing visible",
            ),
        }
    }
}

/// One refused field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as in the record (e.g. `email`, `office_phone`).
    pub field: &'static str,
    /// Why it was refused.
    pub reason: Reason,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {}", self.field, self.reason)
    }
}

/// One refused field as an app or another process sees it: the field, a stable code
/// for the reason ([`Reason::code`]), the limit it broke if any, and the reason in
/// English words. Carries no value, so no customer data.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RefusedField {
    /// The field's name as in the record (e.g. `email`, `office_phone`).
    pub field: String,
    /// Why, as a code (`required`, `too_long`, ...); empty from a sender that did not
    /// send codes yet.
    #[serde(default)]
    pub code: String,
    /// The limit broken (characters, decimal places or bytes), when the reason has one.
    #[serde(default)]
    pub limit: Option<i64>,
    /// Why, in English words.
    pub reason: String,
}

impl From<&FieldError> for RefusedField {
    fn from(e: &FieldError) -> Self {
        RefusedField {
            field: e.field.to_string(),
            code: e.reason.code().to_string(),
            limit: e.reason.limit(),
            reason: e.reason.to_string(),
        }
    }
}

/// A record failed validation. Holds every refused field, at least one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationError {
    /// The kind of record being validated.
    pub entity: Entity,
    /// Every refused field, in field order; never empty.
    pub errors: Vec<FieldError>,
}

impl ValidationError {
    /// A validation error for one field.
    pub fn single(entity: Entity, field: &'static str, reason: Reason) -> Self {
        ValidationError {
            entity,
            errors: vec![FieldError { field, reason }],
        }
    }

    /// The first refused field's name.
    pub fn field(&self) -> &'static str {
        self.errors.first().map_or("", |e| e.field)
    }

    /// The reason the named field was refused, if it was.
    pub fn reason_for(&self, field: &str) -> Option<&Reason> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| &e.reason)
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: ", self.entity)?;
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Collects field errors while validating one record.
#[derive(Debug)]
pub(crate) struct Checker {
    entity: Entity,
    errors: Vec<FieldError>,
}

impl Checker {
    pub(crate) fn new(entity: Entity) -> Self {
        Checker {
            entity,
            errors: Vec::new(),
        }
    }

    /// Keeps the value when the check passed, records the error otherwise.
    pub(crate) fn check<T: Default>(
        &mut self,
        field: &'static str,
        result: Result<T, Reason>,
    ) -> T {
        match result {
            Ok(v) => v,
            Err(reason) => {
                self.errors.push(FieldError { field, reason });
                T::default()
            }
        }
    }

    pub(crate) fn finish<T>(self, value: T) -> Result<T, ValidationError> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(ValidationError {
                entity: self.entity,
                errors: self.errors,
            })
        }
    }
}

/// What was wrong with one CSV row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowProblem {
    /// The row's values failed validation.
    Invalid(ValidationError),
    /// The row could not be read as CSV in the file's encoding.
    Malformed(String),
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowProblem::Invalid(v) => write!(f, "{v}"),
            RowProblem::Malformed(m) => f.write_str(m),
        }
    }
}

/// A CSV row that could not be imported, by its line number in the file (1 = header).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct RowError {
    /// The line the row starts on, counting the header as line 1.
    pub line: i64,
    /// What was wrong.
    pub problem: RowProblem,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_has_its_own_stable_code_and_its_limit() {
        let all = [
            Reason::Required,
            Reason::TooLong { max_chars: 200 },
            Reason::ControlCharacters,
            Reason::NotKana,
            Reason::InvalidEmail,
            Reason::InvalidWebsite,
            Reason::InvalidPhone,
            Reason::InvalidPostalCode,
            Reason::InvalidId,
            Reason::UnknownReference,
            Reason::Inactive,
            Reason::AlreadyUsed,
            Reason::Ambiguous,
            Reason::NotAllowed,
            Reason::BeforeStart,
            Reason::InThePast,
            Reason::InTheFuture,
            Reason::OutOfRange,
            Reason::NotWhile("completed"),
            Reason::Negative,
            Reason::NotPositive,
            Reason::TooPrecise { max_places: 4 },
            Reason::InvalidNumber,
            Reason::BeforeCreation,
            Reason::Mismatch,
            Reason::InvalidDate,
            Reason::Inconsistent,
            Reason::Unreadable,
            Reason::Invisible,
            Reason::TooBig { max_bytes: 1024 },
        ];
        let codes: std::collections::BTreeSet<&str> = all.iter().map(Reason::code).collect();
        assert_eq!(codes.len(), all.len(), "one code per reason");
        assert!(
            codes
                .iter()
                .all(|c| c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_')),
            "codes are snake_case: {codes:?}"
        );
        let limits: Vec<(&str, i64)> = all
            .iter()
            .filter_map(|r| Some((r.code(), r.limit()?)))
            .collect();
        assert_eq!(
            limits,
            vec![("too_long", 200), ("too_precise", 4), ("too_big", 1024)]
        );
        let refused = RefusedField::from(&FieldError {
            field: "name",
            reason: Reason::TooLong { max_chars: 200 },
        });
        assert_eq!(
            (refused.field.as_str(), refused.code.as_str(), refused.limit),
            ("name", "too_long", Some(200))
        );
        assert_eq!(refused.reason, "is longer than 200 characters");
    }
}
