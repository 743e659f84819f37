//! The one public error, mapped from the core's in one place. Messages carry no
//! customer data (the core's do not).

use sfa_core::Error;

/// What went wrong; every variant says enough for a caller to act on it.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SfaError {
    /// Input was refused. `errors` holds every refused field with a code for the app
    /// to translate (`required`, `too_long`, ...), the limit it broke and the reason in
    /// English; `field` names the first. `line` is the CSV line (1 = the header) when
    /// an import was refused.
    #[error("{description}")]
    Validation {
        /// The kind of record.
        entity: String,
        /// The first refused field.
        field: String,
        /// Every refused field, in field order.
        errors: Vec<sfa_core::RefusedField>,
        /// The CSV line of an import's refused row.
        line: Option<i64>,
        /// The whole message (every refused field).
        description: String,
    },
    /// The record does not exist.
    #[error("{description}")]
    NotFound {
        /// The kind of record.
        entity: String,
        /// The id asked for.
        id: String,
        /// What went wrong, without customer data.
        description: String,
    },
    /// The record changed since it was read.
    #[error("{description}")]
    Conflict {
        /// The version the caller sent.
        expected: i64,
        /// The version stored.
        actual: i64,
        /// What went wrong, without customer data.
        description: String,
    },
    /// The acting user may not do this.
    #[error("{description}")]
    PermissionDenied {
        /// What went wrong, without customer data.
        description: String,
    },
    /// A master record in use cannot be deleted.
    #[error("{description}")]
    InUse {
        /// What went wrong, without customer data.
        description: String,
    },
    /// The key does not open this encrypted database: ask for it again.
    #[error("{description}")]
    WrongKey {
        /// What went wrong.
        description: String,
    },
    /// The database was busy, too slow or unreachable; nothing was written (see the
    /// description): try again.
    #[error("{description}")]
    Busy {
        /// What went wrong.
        description: String,
    },
    /// The database file is damaged: reads work, writes are refused; restore a backup.
    #[error("{description}")]
    Damaged {
        /// What went wrong.
        description: String,
    },
    /// The database or its files failed (not a database, newer schema, I/O).
    #[error("{description}")]
    Storage {
        /// What went wrong, without customer data.
        description: String,
    },
}

impl From<Error> for SfaError {
    fn from(e: Error) -> Self {
        let description = e.to_string();
        match &e {
            Error::Validation(v) => validation(v, None, description),
            Error::Import(row) => match e.validation() {
                Some(v) => validation(v, Some(row.line), description),
                // A row that could not be read at all (a bad header, broken quoting).
                None => SfaError::Validation {
                    entity: "csv".into(),
                    field: String::new(),
                    errors: vec![sfa_core::RefusedField {
                        field: String::new(),
                        code: "malformed".into(),
                        limit: None,
                        reason: "cannot be read as CSV".into(),
                    }],
                    line: Some(row.line),
                    description,
                },
            },
            Error::NotFound { entity, id } => SfaError::NotFound {
                entity: entity.to_string(),
                id: id.clone(),
                description,
            },
            Error::Conflict {
                expected, actual, ..
            } => SfaError::Conflict {
                expected: *expected,
                actual: *actual,
                description,
            },
            Error::PermissionDenied { .. } => SfaError::PermissionDenied { description },
            Error::InUse { .. } => SfaError::InUse { description },
            Error::Unrepresentable { entity, field, .. } => SfaError::Validation {
                entity: entity.to_string(),
                field: field.clone(),
                errors: vec![sfa_core::RefusedField {
                    field: field.clone(),
                    code: "unrepresentable".into(),
                    limit: None,
                    reason: "cannot be encoded".into(),
                }],
                line: None,
                description,
            },
            Error::WrongKey => SfaError::WrongKey { description },
            Error::Busy | Error::Timeout | Error::Unavailable => SfaError::Busy { description },
            Error::Damaged => SfaError::Damaged { description },
            Error::SchemaTooNew { .. }
            | Error::KeyChangeBusy
            | Error::EncryptionUnavailable
            | Error::NotADatabase
            | Error::Search(_)
            | Error::Storage(_)
            | Error::Io(_) => SfaError::Storage { description },
        }
    }
}

fn validation(v: &sfa_core::ValidationError, line: Option<i64>, description: String) -> SfaError {
    SfaError::Validation {
        entity: v.entity.to_string(),
        field: v.field().to_string(),
        errors: v.errors.iter().map(Into::into).collect(),
        line,
        description,
    }
}

/// An argument that is not a valid id, as a validation error.
pub(crate) fn invalid(field: &str, words: &str) -> SfaError {
    refused(field, sfa_core::Reason::InvalidId, words)
}

/// An argument refused before it reaches the core (a malformed instant, date or
/// decimal, a half-given range), as a validation error with `why`'s code.
pub(crate) fn refused(field: &str, why: sfa_core::Reason, words: &str) -> SfaError {
    let one = sfa_core::RefusedField {
        field: field.into(),
        code: why.code().into(),
        limit: why.limit(),
        reason: words.into(),
    };
    SfaError::Validation {
        entity: "argument".into(),
        field: field.into(),
        errors: vec![one],
        line: None,
        description: format!("`{field}` {words}"),
    }
}
