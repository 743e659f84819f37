//! A write call as sync sees it: one instant, ids derived from the call, and the call
//! recorded (on a device) or its answer kept (on the server) in the same transaction
//! as its writes.
//!
//! Every write workflow call starts with [`Session::call`], naming itself as a
//! [`Mutation`]. While it runs, its thread carries a [`Call`]: `Session::now` answers
//! the call's instant and new ids are derived from the call's id (see
//! [`crate::model::ids`]), so that the server, replaying the same mutation through the
//! same code with the same instant and id, writes byte-identical records. When the
//! call's write transaction is about to commit, [`Call::log`] finds what it wrote in
//! the sync log and, on a database that is a sync client, appends the mutation to the
//! outbox; when the server replays a device's mutation it stores its receipt instead.
//! The context is per thread because a call runs on its caller's thread from start to
//! commit; a call made while another is running on the thread (a mutation replayed
//! by the server calls the public method) joins the running one.

use std::cell::RefCell;
use std::io::Read;
use std::rc::Rc;
use std::sync::Arc;

use serde::Serialize;
use uuid::Uuid;

use super::Session;
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{DerivedIds, Timestamp, derived_ids};
use crate::store::{OutboxEntry, Store, WriteTx};
use crate::sync::{CLIENT_ID_SETTING, Mutation, Receipt, RecordKey, RecordedCall};

thread_local! {
    static CURRENT: RefCell<Option<Rc<Call>>> = const { RefCell::new(None) };
}

/// What a call does with itself at commit.
pub(crate) enum Role {
    /// A call made by the host: recorded in the outbox if the database is a sync
    /// client. `None` when the call cannot be recorded (an import whose input was not
    /// kept because the database was not a client when it started).
    Host(Option<Box<Mutation>>),
    /// A device's mutation the server replays: its receipt is stored for `client_id`.
    Replay {
        /// The device.
        client_id: String,
    },
}

/// An import's input: streamed, or read whole to be recorded.
pub(crate) enum ImportInput<R> {
    Stream(R),
    Bytes(std::io::Cursor<Vec<u8>>),
}

impl<R: Read> Read for ImportInput<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            ImportInput::Stream(r) => r.read(buf),
            ImportInput::Bytes(b) => b.read(buf),
        }
    }
}

/// The running write call of this thread.
pub(crate) struct Call {
    /// The store the call writes to (a call on another database joins no context).
    store: usize,
    pub(crate) id: Uuid,
    pub(crate) now: Timestamp,
    role: Role,
    /// Set once the call's transaction has logged it.
    pub(crate) logged: std::cell::Cell<bool>,
}

/// Keeps a call current on its thread; dropping it ends the call.
pub(crate) struct CallGuard {
    _ids: Option<DerivedIds>,
    installed: bool,
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        if self.installed {
            CURRENT.with(|c| c.borrow_mut().take());
        }
    }
}

fn store_key(store: &Arc<dyn Store>) -> usize {
    Arc::as_ptr(store) as *const () as usize
}

/// The call running on this thread against `store`, if any.
pub(crate) fn current(store: &Arc<dyn Store>) -> Option<Rc<Call>> {
    let key = store_key(store);
    CURRENT.with(|c| c.borrow().as_ref().filter(|c| c.store == key).cloned())
}

impl Session {
    /// Starts a write call (see the module docs); the call lasts while the guard lives.
    pub(crate) fn call(&self, mutation: impl FnOnce() -> Mutation) -> CallGuard {
        self.begin(|| Role::Host(Some(Box::new(mutation()))), None, None)
    }

    /// Starts an import call. On a sync client the input is read whole first, so that
    /// the call can be recorded with it (the server replays the same bytes); elsewhere
    /// it streams as before.
    pub(crate) fn import_call<R: Read>(
        &self,
        mut input: R,
        mutation: impl FnOnce(Vec<u8>) -> Mutation,
    ) -> Result<(CallGuard, ImportInput<R>)> {
        let store = &self.sfa.store;
        let recorded = current(store).is_none()
            && store
                .read(|tx| tx.sync_setting(CLIENT_ID_SETTING))?
                .is_some();
        if !recorded {
            let guard = self.begin(|| Role::Host(None), None, None);
            return Ok((guard, ImportInput::Stream(input)));
        }
        let mut data = Vec::new();
        input.read_to_end(&mut data)?;
        let guard = self.begin(
            || Role::Host(Some(Box::new(mutation(data.clone())))),
            None,
            None,
        );
        Ok((guard, ImportInput::Bytes(std::io::Cursor::new(data))))
    }

    /// Replays a device's mutation with its id and instant.
    pub(crate) fn replay_call(&self, id: Uuid, now: Timestamp, client_id: &str) -> CallGuard {
        let role = || Role::Replay {
            client_id: client_id.to_string(),
        };
        self.begin(role, Some(id), Some(now))
    }

    fn begin(
        &self,
        role: impl FnOnce() -> Role,
        id: Option<Uuid>,
        now: Option<Timestamp>,
    ) -> CallGuard {
        let busy = CURRENT.with(|c| c.borrow().is_some());
        if busy {
            return CallGuard {
                _ids: None,
                installed: false,
            };
        }
        let id = id.unwrap_or_else(Uuid::now_v7);
        let now = now.unwrap_or_else(|| self.sfa.clock.now());
        let call = Call {
            store: store_key(&self.sfa.store),
            id,
            now,
            role: role(),
            logged: std::cell::Cell::new(false),
        };
        let millis = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        let ids = derived_ids(id, millis);
        CURRENT.with(|c| *c.borrow_mut() = Some(Rc::new(call)));
        CallGuard {
            _ids: Some(ids),
            installed: true,
        }
    }
}

impl Call {
    /// Whether the call is logged at commit: a replay always, a host's call on a sync
    /// client.
    pub(crate) fn is_recorded(&self, tx: &mut dyn WriteTx) -> Result<bool> {
        match self.role {
            Role::Replay { .. } => Ok(true),
            Role::Host(_) => Ok(tx.sync_setting(CLIENT_ID_SETTING)?.is_some()),
        }
    }

    /// Inside the call's write transaction, just before it commits, when
    /// [`Call::is_recorded`]: records the call (device) or its receipt (server), with
    /// the records written since seq `before`.
    pub(crate) fn log(&self, tx: &mut dyn WriteTx, before: i64, user: crate::UserId) -> Result<()> {
        if self.logged.get() {
            // A call writes in one transaction; a second one would be replayed as one.
            return Err(Error::Storage(crate::StorageError::message(
                "a recorded call wrote in two transactions",
            )));
        }
        match &self.role {
            Role::Host(mutation) => {
                let touched = touched_since(tx, before)?;
                let Some(mutation) = mutation else {
                    // The database became a sync client while the call ran.
                    return Err(ValidationError::single(
                        Entity::Database,
                        "sync",
                        Reason::NotWhile("becoming a sync client; run the import again"),
                    )
                    .into());
                };
                let body = RecordedCall {
                    id: self.id.to_string(),
                    now: self.now,
                    call: mutation.as_ref().clone(),
                };
                tx.push_outbox(&OutboxEntry {
                    seq: 0,
                    mutation_id: self.id.to_string(),
                    user_id: user,
                    body: json(&body)?,
                    touched: json(&touched)?,
                })?;
            }
            Role::Replay { client_id } => {
                let touched = touched_since(tx, before)?;
                let receipt = Receipt::Applied { touched };
                tx.put_sync_receipt(client_id, &self.id.to_string(), &json(&receipt)?, self.now)?;
            }
        }
        self.logged.set(true);
        Ok(())
    }
}

/// The records written in this transaction since seq `before`, from the sync log.
fn touched_since(tx: &mut dyn WriteTx, before: i64) -> Result<Vec<RecordKey>> {
    let changes = tx.sync_changes(before, u32::MAX)?;
    Ok(changes
        .into_iter()
        .map(|c| RecordKey {
            kind: c.kind,
            id: c.id,
        })
        .collect())
}

pub(crate) fn json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::Storage(crate::StorageError::message(e.to_string())))
}
