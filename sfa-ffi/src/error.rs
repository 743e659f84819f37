//! The one public error, mapped from the core's in one place. Messages carry no
//! customer data (the core's do not).

use sfa_core::Error;

/// What went wrong; every variant says enough for a caller to act on it.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum SfaError {
    /// Input was refused: `field` is the first refused field, `reason` why.
    #[error("{description}")]
    Validation {
        /// The kind of record.
        entity: String,
        /// The first refused field.
        field: String,
        /// Why it was refused.
        reason: String,
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
            Error::Validation(v) => SfaError::Validation {
                entity: v.entity.to_string(),
                field: v.field().to_string(),
                reason: v
                    .errors
                    .first()
                    .map(|f| f.reason.to_string())
                    .unwrap_or_default(),
                description,
            },
            Error::Import(row) => match e.validation() {
                Some(v) => SfaError::Validation {
                    entity: v.entity.to_string(),
                    field: v.field().to_string(),
                    reason: format!("line {}", row.line),
                    description,
                },
                None => SfaError::Validation {
                    entity: String::new(),
                    field: String::new(),
                    reason: format!("line {}", row.line),
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
            Error::Unrepresentable { field, .. } => SfaError::Validation {
                entity: String::new(),
                field: field.clone(),
                reason: "cannot be encoded".into(),
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

/// An argument that is not a valid value (a malformed id), as a validation error.
pub(crate) fn invalid(field: &str, reason: &str) -> SfaError {
    SfaError::Validation {
        entity: "argument".into(),
        field: field.into(),
        reason: reason.into(),
        description: format!("`{field}` {reason}"),
    }
}
