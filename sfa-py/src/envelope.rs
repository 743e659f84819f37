//! Outcomes as JSON envelopes: `{"ok": value}` or `{"error": {"kind": ..., "message":
//! ..., details}}`. The message never carries personal data (the core's errors do not).

use serde_json::{Value, json};
use sfa_core::{Error, RowProblem};

/// A failed call, as the Python layer sees it.
#[derive(Debug)]
pub(crate) struct Failure(pub Value);

/// What a call returns.
pub(crate) type Outcome = Result<Value, Failure>;

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        let fields = |v: &sfa_core::ValidationError| {
            v.errors
                .iter()
                .map(|f| json!(sfa_core::RefusedField::from(f)))
                .collect::<Vec<_>>()
        };
        Failure(match &e {
            Error::Validation(v) => json!({
                "kind": "validation", "message": message, "entity": v.entity.to_string(),
                "field": v.field(), "fields": fields(v),
            }),
            Error::NotFound { entity, id } => json!({
                "kind": "not_found", "message": message, "entity": entity.to_string(), "id": id,
            }),
            Error::Conflict {
                entity,
                id,
                expected,
                actual,
            } => json!({
                "kind": "conflict", "message": message, "entity": entity.to_string(), "id": id,
                "expected": expected, "actual": actual,
            }),
            Error::PermissionDenied { reason } => json!({
                "kind": "permission_denied", "message": message, "reason": reason,
            }),
            Error::InUse { entity, id } => json!({
                "kind": "in_use", "message": message, "entity": entity.to_string(), "id": id,
            }),
            Error::Import(row) => {
                let (entity, field, all) = match &row.problem {
                    RowProblem::Invalid(v) => {
                        (Some(v.entity.to_string()), Some(v.field()), fields(v))
                    }
                    RowProblem::Malformed(_) => (None, None, Vec::new()),
                };
                json!({
                    "kind": "import", "message": message, "line": row.line, "entity": entity,
                    "field": field, "fields": all,
                })
            }
            Error::SchemaTooNew { found, supported } => json!({
                "kind": "schema_too_new", "message": message, "found": found, "supported": supported,
            }),
            Error::NotADatabase => json!({"kind": "not_a_database", "message": message}),
            Error::Damaged => json!({"kind": "damaged", "message": message}),
            Error::Busy => json!({"kind": "busy", "message": message}),
            Error::Timeout => json!({"kind": "timeout", "message": message}),
            Error::Unavailable => json!({"kind": "unavailable", "message": message}),
            Error::WrongKey => json!({"kind": "wrong_key", "message": message}),
            Error::KeyChangeBusy => json!({"kind": "key_change_busy", "message": message}),
            Error::EncryptionUnavailable => {
                json!({"kind": "encryption_unavailable", "message": message})
            }
            Error::Unrepresentable { entity, id, field } => json!({
                "kind": "unrepresentable", "message": message, "entity": entity.to_string(),
                "id": id, "field": field,
            }),
            Error::Search(_) => json!({"kind": "search", "message": message}),
            Error::Storage(_) => json!({"kind": "storage", "message": message}),
            Error::Io(_) => json!({"kind": "io", "message": message}),
        })
    }
}

impl From<sfa_core::ValidationError> for Failure {
    fn from(e: sfa_core::ValidationError) -> Self {
        Failure::from(Error::Validation(e))
    }
}

/// An argument the Python layer passed that the call cannot take.
pub(crate) fn invalid_argument(name: &str, why: &str) -> Failure {
    Failure(json!({
        "kind": "invalid_argument", "message": format!("argument `{name}` {why}"), "field": name,
    }))
}

/// A stored value Python cannot represent (written outside the library): Python's
/// `DatabaseError`, as when the package decodes such a value from JSON.
pub(crate) fn unreadable() -> Failure {
    Failure(json!({
        "kind": "storage", "message": "a stored value cannot be read in Python",
    }))
}

/// A call on a database that was closed.
pub(crate) fn closed() -> Failure {
    Failure(json!({"kind": "closed", "message": "the database is closed"}))
}

/// A failure inside the bindings themselves.
/// An Arrow export that failed: a stored value the Arrow types cannot hold exactly
/// (written from outside the library) is damage; anything else is a bug.
pub(crate) fn arrow(e: arrow_schema::ArrowError) -> Failure {
    match e {
        arrow_schema::ArrowError::InvalidArgumentError(message) => {
            Failure(json!({"kind": "damaged", "message": message}))
        }
        other => internal(&other.to_string()),
    }
}

pub(crate) fn internal(message: &str) -> Failure {
    Failure(json!({"kind": "internal", "message": message}))
}

pub(crate) fn to_envelope(outcome: Outcome) -> String {
    let value = match outcome {
        Ok(v) => json!({"ok": v}),
        Err(Failure(e)) => json!({"error": e}),
    };
    value.to_string()
}
