//! The server's side: replaying pushed calls as their user, and answering pulls from
//! the sync log. Sans-I/O: bytes in, bytes out; the host authenticates the user.

use std::collections::HashSet;

use uuid::Uuid;

use super::records::{RecordKey, SyncRecord};
use super::wire::{
    MutationResult, Outcome, PullRequest, PullResponse, PushRequest, PushResponse, PushedMutation,
    Receipt, RecordState, Refusal, decode, encode,
};
use super::{MAX_CLIENT_ID_CHARS, MAX_PULL_RECORDS, walk_sync_log};
use crate::error::{Entity, Reason, Result, ValidationError};
use crate::model::UserId;
use crate::store::ReadTx;
use crate::workflow::call_json;
use crate::{Session, Sfa};

/// The server's side of sync on an open database (see [`crate::sync`]).
#[derive(Debug, Clone)]
pub struct SyncServer {
    pub(crate) sfa: Sfa,
}

fn check_client(client_id: &str) -> Result<()> {
    if client_id.trim().is_empty() || client_id.chars().count() > MAX_CLIENT_ID_CHARS {
        return Err(
            ValidationError::single(Entity::SyncMessage, "client_id", Reason::NotAllowed).into(),
        );
    }
    Ok(())
}

impl SyncServer {
    /// Answers a push from a device, authenticated as `user`: replays each call (once:
    /// a call pushed again gets its first answer), as `user`, with the device's ids
    /// and instant. A refused call is answered with its refusal and does not stop the
    /// calls behind it, except those that change the same records. When the server's
    /// database fails, the answer ends before that call (the device pushes the rest
    /// again later); the error itself is returned only when no call was answered.
    pub fn push(&self, user: UserId, request: &[u8]) -> Result<Vec<u8>> {
        let request: PushRequest = decode(request, "push")?;
        check_client(&request.client_id)?;
        if let Some(expected) = &request.server_id {
            let id = self.sfa.store.read(|tx| tx.database_id())?;
            if *expected != id {
                return Err(ValidationError::single(
                    Entity::SyncMessage,
                    "server_id",
                    Reason::Inconsistent,
                )
                .into());
            }
        }
        let mut refused: HashSet<RecordKey> = HashSet::new();
        let mut results = Vec::with_capacity(request.mutations.len());
        for m in &request.mutations {
            let receipt = match self.receipt(&request.client_id, m, user, &refused) {
                Ok(receipt) => receipt,
                Err(e) if results.is_empty() => return Err(e),
                Err(_) => break,
            };
            let to_correct: Vec<RecordKey> = match &receipt {
                Receipt::Applied { touched } => m
                    .touched
                    .iter()
                    .filter(|k| !touched.contains(k))
                    .cloned()
                    .collect(),
                Receipt::Rejected { .. } => {
                    refused.extend(m.touched.iter().cloned());
                    m.touched.clone()
                }
            };
            let records = match self.states(user, &to_correct) {
                Ok(records) => records,
                Err(e) if results.is_empty() => return Err(e),
                Err(_) => break,
            };
            results.push(MutationResult {
                id: m.id.clone(),
                outcome: match receipt {
                    Receipt::Applied { .. } => Outcome::Applied,
                    Receipt::Rejected { refusal } => Outcome::Rejected { refusal },
                },
                records,
            });
        }
        encode(&PushResponse { results })
    }

    /// The call's receipt: the stored one, or the answer of replaying it now.
    fn receipt(
        &self,
        client_id: &str,
        m: &PushedMutation,
        user: UserId,
        refused: &HashSet<RecordKey>,
    ) -> Result<Receipt> {
        let store = self.sfa.store.as_ref();
        if let Some(body) = store.read(|tx| tx.sync_receipt(client_id, &m.id))? {
            return decode(body.as_bytes(), "receipt");
        }
        let refusal = if m.user_id != user {
            Refusal::permission("the call was made by another user than the one pushing it")
        } else if let Some(earlier) = m.touched.iter().find(|k| refused.contains(k)) {
            Refusal::depends_on(earlier)
        } else {
            match self.replay(client_id, m, user) {
                Ok(receipt) => return Ok(receipt),
                Err(e) => match Refusal::of(&e) {
                    Some(refusal) => refusal,
                    None => return Err(e),
                },
            }
        };
        let receipt = Receipt::Rejected { refusal };
        let body = call_json(&receipt)?;
        let now = self.sfa.clock.now();
        store.write(|tx| tx.put_sync_receipt(client_id, &m.id, &body, now))?;
        Ok(receipt)
    }

    /// Replays one call; its receipt is stored in the call's own transaction.
    fn replay(&self, client_id: &str, m: &PushedMutation, user: UserId) -> Result<Receipt> {
        let id = Uuid::parse_str(&m.id)
            .map_err(|_| ValidationError::single(Entity::SyncMessage, "id", Reason::InvalidId))?;
        let session: Session = self.sfa.session(user)?;
        {
            let _call = session.replay_call(id, m.now, client_id);
            m.call.apply(&session)?;
        }
        let store = self.sfa.store.as_ref();
        match store.read(|tx| tx.sync_receipt(client_id, &m.id))? {
            Some(body) => decode(body.as_bytes(), "receipt"),
            None => {
                // The call wrote nothing (a change to what already was).
                let receipt = Receipt::Applied {
                    touched: Vec::new(),
                };
                let body = call_json(&receipt)?;
                store.write(|tx| tx.put_sync_receipt(client_id, &m.id, &body, m.now))?;
                Ok(receipt)
            }
        }
    }

    /// Forgets the removals logged before `before` (a retention of, say, 90 days
    /// keeps the log small); a device whose cursor is older than what is kept is reset
    /// on its next pull and pulls everything anew. Returns the new floor (the highest
    /// seq pruned).
    pub fn prune_removals(&self, before: crate::model::Timestamp) -> Result<i64> {
        self.sfa.store.write(|tx| tx.prune_sync_tombstones(before))
    }

    /// A card's image, for a device that shows the card (images travel on demand, not
    /// in pulls); store it there with [`super::SyncClient::store_card_image`].
    pub fn card_image(&self, user: UserId, card: crate::CardId) -> Result<Vec<u8>> {
        self.sfa.session(user)?.card_image(card)
    }

    /// Every record of this database that `user` may see, in sync-log order: what a
    /// device of theirs holds once synced (a diagnostic: it reads everything).
    pub fn records_for(&self, user: UserId) -> Result<Vec<SyncRecord>> {
        self.sfa.store.read(|tx| {
            let mut out = Vec::new();
            walk_sync_log(tx, |tx, key| {
                if let Some(r) = SyncRecord::read(tx, &key)?.filter(|r| r.visible_to(user)) {
                    out.push(r);
                }
                Ok(())
            })?;
            Ok(out)
        })
    }

    /// The current state of records, as `user` may see them.
    fn states(&self, user: UserId, keys: &[RecordKey]) -> Result<Vec<RecordState>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.sfa.store.read(|tx| {
            let mut out = Vec::with_capacity(keys.len());
            for key in keys {
                let record = SyncRecord::read(tx, key)?.filter(|r| r.visible_to(user));
                out.push(RecordState {
                    key: key.clone(),
                    record,
                });
            }
            Ok(out)
        })
    }

    /// Answers a pull from a device, authenticated as `user`: the records changed
    /// after its cursor (each once, as it is now; removals as gone), oldest change
    /// first, without what `user` may not see, each preceded by the records it refers
    /// to that the device may not have yet; and the records it asked to refresh.
    pub fn pull(&self, user: UserId, request: &[u8]) -> Result<Vec<u8>> {
        let request: PullRequest = decode(request, "pull")?;
        check_client(&request.client_id)?;
        if request.refresh.len() > MAX_PULL_RECORDS as usize {
            return Err(ValidationError::single(
                Entity::SyncMessage,
                "refresh",
                Reason::OutOfRange,
            )
            .into());
        }
        self.sfa.session(user)?;
        let limit = request.limit.clamp(1, MAX_PULL_RECORDS);
        let response = self.sfa.store.read(|tx| {
            let head = tx.sync_head()?;
            let behind = request.cursor > 0 && request.cursor < tx.sync_floor()?;
            if behind || request.cursor > head {
                return Ok(PullResponse {
                    server_id: tx.database_id()?,
                    records: Vec::new(),
                    cursor: 0,
                    remaining: tx.sync_change_count(0)?,
                    unreadable: 0,
                    reset: true,
                });
            }
            let mut page = Page {
                user,
                after: request.cursor,
                sent: HashSet::new(),
                records: Vec::new(),
                unreadable: 0,
            };
            for key in &request.refresh {
                match SyncRecord::read(tx, key) {
                    Ok(Some(r)) if r.visible_to(user) => page.add(tx, r)?,
                    Ok(_) => page.records.push(RecordState {
                        key: key.clone(),
                        record: None,
                    }),
                    Err(e) if Refusal::of(&e).is_none() => return Err(e),
                    Err(_) => page.unreadable += 1,
                }
            }
            let changes = tx.sync_changes(request.cursor, limit)?;
            let cursor = changes.last().map_or(request.cursor, |c| c.seq);
            for change in changes {
                let key = RecordKey {
                    kind: change.kind,
                    id: change.id,
                };
                if page.sent.contains(&key) {
                    continue;
                }
                if change.gone {
                    page.records.push(RecordState { key, record: None });
                    continue;
                }
                match SyncRecord::read(tx, &key) {
                    Ok(Some(r)) if r.visible_to(user) => page.add(tx, r)?,
                    Ok(Some(_)) => {}
                    Ok(None) => page.records.push(RecordState { key, record: None }),
                    // One damaged record must not stop the pull for the rest.
                    Err(e) if Refusal::of(&e).is_none() => return Err(e),
                    Err(_) => page.unreadable += 1,
                }
            }
            Ok(PullResponse {
                server_id: tx.database_id()?,
                records: page.records,
                cursor,
                remaining: tx.sync_change_count(cursor)?,
                unreadable: page.unreadable,
                reset: false,
            })
        })?;
        encode(&response)
    }
}

/// A pull's answer being built.
struct Page {
    user: UserId,
    /// The device has every change up to this seq.
    after: i64,
    sent: HashSet<RecordKey>,
    records: Vec<RecordState>,
    unreadable: u64,
}

impl Page {
    /// Adds a record after the records it refers to that the device may lack (changed
    /// after its cursor, not sent yet).
    fn add(&mut self, tx: &mut dyn ReadTx, record: SyncRecord) -> Result<()> {
        let key = record.key();
        if !self.sent.insert(key.clone()) {
            return Ok(());
        }
        for reference in record.references() {
            if self.sent.contains(&reference) {
                continue;
            }
            let newer = tx
                .sync_seq(&reference.kind, &reference.id)?
                .is_none_or(|seq| seq > self.after);
            if !newer {
                continue;
            }
            if let Some(r) = SyncRecord::read(tx, &reference)?.filter(|r| r.visible_to(self.user)) {
                self.add(tx, r)?;
            }
        }
        self.records.push(RecordState {
            key,
            record: Some(record),
        });
        Ok(())
    }
}
