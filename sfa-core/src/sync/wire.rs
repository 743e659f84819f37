//! The messages a device and the server exchange (JSON), and what each side keeps.
//! Hosts move them as opaque bytes; their shapes are public so that a server written
//! outside this crate (or a test) can read them.

use serde::{Deserialize, Serialize};

use super::mutation::Mutation;
use super::records::{RecordKey, SyncRecord};
pub use crate::error::RefusedField;
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{Timestamp, UserId};

/// The JSON of a recorded call, as a device reads it back to send it on or to keep a
/// refused one: the device never needs the call itself, so the library on a phone
/// holds no reader for [`Mutation`] (the server's side reads them).
pub type RawCall = Box<serde_json::value::RawValue>;

/// A call as a device's outbox keeps it. `C` is the call: a [`Mutation`], or on the
/// device's way out its JSON ([`RawCall`]); both have the same JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedCall<C = Mutation> {
    /// The mutation's id (the call's; new ids are derived from it).
    pub id: String,
    /// The call's instant.
    pub now: Timestamp,
    /// The call and its arguments.
    pub call: C,
}

/// One recorded call sent to the server (`C` as in [`RecordedCall`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushedMutation<C = Mutation> {
    /// The mutation's id.
    pub id: String,
    /// Who made the call on the device.
    pub user_id: UserId,
    /// The call's instant.
    pub now: Timestamp,
    /// The call and its arguments.
    pub call: C,
    /// The records the call wrote on the device.
    pub touched: Vec<RecordKey>,
}

/// What a device sends: recorded calls, oldest first (`C` as in [`RecordedCall`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest<C = Mutation> {
    /// The device (its sync client id).
    pub client_id: String,
    /// The server database the device has synced with (`None` before its first pull):
    /// a server that is another database refuses the push.
    #[serde(default)]
    pub server_id: Option<String>,
    /// The calls, in the order they were made.
    pub mutations: Vec<PushedMutation<C>>,
}

/// Why the server refused a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefusalCode {
    /// A record it changed was changed by someone else first (stale version).
    Conflict,
    /// A record it names does not exist on the server.
    NotFound,
    /// The user may not do this (any more).
    PermissionDenied,
    /// An input value is refused (see `fields`).
    Validation,
    /// A record it deletes is in use.
    InUse,
    /// It builds on an earlier call that was refused.
    DependsOnRefused,
    /// The server could not store it.
    Failed,
}

/// The server's reason for refusing a call: a code for the app, a message without
/// customer data, and for validation the refused fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// What kind of refusal.
    pub code: RefusalCode,
    /// The error's message (names records and fields, never values).
    pub message: String,
    /// The refused fields, for validation.
    pub fields: Vec<RefusedField>,
}

impl Refusal {
    /// The refusal for a workflow error, or `None` for a failure worth retrying (the
    /// server's database unreachable, busy, or out of time).
    pub(crate) fn of(error: &Error) -> Option<Refusal> {
        let code = match error {
            Error::Unavailable | Error::Timeout | Error::Busy | Error::Damaged | Error::Io(_) => {
                return None;
            }
            Error::Conflict { .. } => RefusalCode::Conflict,
            Error::NotFound { .. } => RefusalCode::NotFound,
            Error::PermissionDenied { .. } => RefusalCode::PermissionDenied,
            Error::InUse { .. } => RefusalCode::InUse,
            Error::Validation(_) | Error::Import(_) => RefusalCode::Validation,
            _ => RefusalCode::Failed,
        };
        let fields = error
            .validation()
            .map(|v| v.errors.iter().map(RefusedField::from).collect())
            .unwrap_or_default();
        Some(Refusal {
            code,
            message: error.to_string(),
            fields,
        })
    }

    pub(crate) fn permission(reason: &str) -> Refusal {
        Refusal {
            code: RefusalCode::PermissionDenied,
            message: Error::permission_denied(reason).to_string(),
            fields: Vec::new(),
        }
    }

    pub(crate) fn depends_on(record: &RecordKey) -> Refusal {
        Refusal {
            code: RefusalCode::DependsOnRefused,
            message: format!(
                "it changes {} {}, which an earlier refused call changed",
                record.kind, record.id
            ),
            fields: Vec::new(),
        }
    }
}

/// A record as the server has it now: present, or gone (`record` is `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordState {
    /// Which record.
    pub key: RecordKey,
    /// Its current value; `None` when the server does not have it (deleted, or the
    /// call that made it on the device was refused).
    pub record: Option<SyncRecord>,
}

/// The server's answer to one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Replayed and stored.
    Applied,
    /// Refused; nothing of it was stored.
    Rejected {
        /// Why.
        refusal: Refusal,
    },
}

/// The answer to one pushed call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutationResult {
    /// The mutation's id.
    pub id: String,
    /// Applied or rejected.
    #[serde(flatten)]
    pub outcome: Outcome,
    /// The server's current state of the records the device must correct: all the
    /// call touched when it was refused, else those it touched on the device but not
    /// on the server.
    pub records: Vec<RecordState>,
}

/// The server's answer to a push.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One result per answered call, in order; a call that could not be answered now
    /// (the server's database failed) and those behind it have none: push them again.
    pub results: Vec<MutationResult>,
}

/// What the server keeps per (device, mutation), so that a call pushed twice is
/// applied once and answered the same way.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Receipt {
    /// Applied; the records it wrote on the server.
    Applied {
        /// Its writes.
        touched: Vec<RecordKey>,
    },
    /// Refused.
    Rejected {
        /// Why.
        refusal: Refusal,
    },
}

/// What a device asks for: the changes after its cursor, and the current state of
/// records it needs refreshed (those of calls refused on the device's side).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullRequest {
    /// The device.
    pub client_id: String,
    /// The seq of the last change the device has applied (0 for a first sync).
    pub cursor: i64,
    /// The most changes to return.
    pub limit: u32,
    /// Records to send as they are now, whatever the cursor.
    #[serde(default)]
    pub refresh: Vec<RecordKey>,
}

/// The server's answer to a pull.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    /// The server database's identity: a device refuses pages of another database.
    pub server_id: String,
    /// Records to store, in an order that never refers ahead (a record's references
    /// come before it), or to remove.
    pub records: Vec<RecordState>,
    /// The device's cursor once it has stored these.
    pub cursor: i64,
    /// How many changes come after `cursor` (0: the device is up to date).
    pub remaining: u64,
    /// Records the server could not read (damaged) and left out.
    pub unreadable: u64,
    /// The device must start again from an empty cursor: its cursor is behind the
    /// removals the server still keeps, or ahead of the server's log (a database
    /// restored from a backup). `records` is then empty.
    #[serde(default)]
    pub reset: bool,
}

/// A call the server refused, kept on the device until the app resolves it (`C` as in
/// [`RecordedCall`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rejection<C = Mutation> {
    /// The mutation's id.
    pub mutation_id: String,
    /// The call as the user made it.
    pub call: RecordedCall<C>,
    /// Why it was refused.
    pub refusal: Refusal,
    /// The server's current state of the records the call touched (the device's
    /// copies were restored to these).
    pub server_records: Vec<RecordState>,
}

/// Reads a message; a malformed one is a validation error naming what it is.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(
    bytes: &[u8],
    what: &'static str,
) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|_| ValidationError::single(Entity::SyncMessage, what, Reason::NotAllowed).into())
}

/// Writes a message.
pub(crate) fn encode(value: &impl Serialize) -> Result<Vec<u8>> {
    serde_json::to_vec(value)
        .map_err(|e| Error::Storage(crate::StorageError::message(e.to_string())))
}
