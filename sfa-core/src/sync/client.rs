//! A device's side: the outbox pushed in batches, answers applied (refused calls kept
//! as rejections, the device's copies restored to the server's), pages of changes
//! applied without undoing calls still waiting to be pushed.

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::records::{RecordKey, SyncRecord};
use super::wire::{
    Outcome, PullRequest, PullResponse, PushRequest, PushResponse, PushedMutation, RawCall,
    RecordState, RecordedCall, Refusal, Rejection, decode, encode,
};
use super::{CLIENT_ID_SETTING, MAX_PULL_RECORDS, walk_sync_log};
use crate::Sfa;
use crate::error::{Entity, Reason, Result, ValidationError};
use crate::model::{CardId, Timestamp, format_timestamp, parse_timestamp};
use crate::store::{ReadTx, Removal, WaitingCall, WriteTx};
use crate::workflow::call_json;

const CURSOR_SETTING: &str = "sync_cursor";
const SERVER_SETTING: &str = "sync_server_id";
const REFRESH_SETTING: &str = "sync_refresh";
const LAST_PUSH_SETTING: &str = "sync_last_push_at";
const LAST_PULL_SETTING: &str = "sync_last_pull_at";

/// The most calls one push carries.
pub const MAX_PUSH_CALLS: u32 = 500;

/// A device's side of sync on an open database (see [`crate::sync`]).
#[derive(Debug, Clone)]
pub struct SyncClient {
    pub(crate) sfa: Sfa,
}

/// Where a device stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatus {
    /// The device's client id (`None` until sync is enabled).
    pub client_id: Option<String>,
    /// Calls waiting to be pushed.
    pub pending: i64,
    /// Refused calls kept for the user to resolve.
    pub rejections: i64,
    /// The seq of the last server change applied.
    pub cursor: i64,
    /// When a push answer was last applied.
    pub last_push_at: Option<Timestamp>,
    /// When a pull answer was last applied.
    pub last_pull_at: Option<Timestamp>,
}

/// What applying a push answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PushReport {
    /// Calls the server applied.
    pub applied: i64,
    /// Calls the server refused, and calls refused with them because they changed the
    /// same records.
    pub rejected: i64,
}

/// What applying a pull answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PullReport {
    /// Records stored or removed.
    pub applied: i64,
    /// Changes still on the server after this page (0: up to date).
    pub remaining: i64,
}

/// What one whole sync did ([`SyncClient::run`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SyncReport {
    /// Calls the server applied.
    pub pushed: i64,
    /// Calls refused (see [`SyncClient::rejections`]).
    pub rejected: i64,
    /// Records received.
    pub pulled: i64,
}

/// A request [`SyncClient::run`] asks its transport to deliver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exchange<'a> {
    /// A push request, for the server's push endpoint.
    Push(&'a [u8]),
    /// A pull request, for the server's pull endpoint.
    Pull(&'a [u8]),
}

fn not_a_client() -> crate::Error {
    ValidationError::single(
        Entity::SyncMessage,
        "client_id",
        Reason::NotWhile("the database is not a sync client (enable sync first)"),
    )
    .into()
}

fn client_id(tx: &mut dyn ReadTx) -> Result<String> {
    tx.sync_setting(CLIENT_ID_SETTING)?.ok_or_else(not_a_client)
}

fn setting_i64(tx: &mut dyn ReadTx, key: &str) -> Result<i64> {
    Ok(tx
        .sync_setting(key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

fn refresh_keys(tx: &mut dyn ReadTx) -> Result<BTreeSet<RecordKey>> {
    Ok(tx
        .sync_setting(REFRESH_SETTING)?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

fn touched(touched: &str) -> Vec<RecordKey> {
    serde_json::from_str(touched).unwrap_or_default()
}

/// A waiting call's recorded body (read only for a call that is refused).
fn recorded(tx: &mut dyn ReadTx, mutation_id: &str) -> Result<RecordedCall<RawCall>> {
    let body = tx.outbox_body(mutation_id)?.unwrap_or_default();
    decode(body.as_bytes(), "outbox")
}

/// Stores the server's states: present records first, in order (references come
/// first), then removals in reverse order (a part before what it belongs to). Keys in
/// `skip` (touched by calls still waiting) are left as they are. Returns the keys
/// applied and those whose removal failed (something local still refers to them).
fn apply_states(
    tx: &mut dyn WriteTx,
    states: &[RecordState],
    skip: &HashSet<RecordKey>,
    force: bool,
) -> Result<(u64, Vec<RecordKey>)> {
    let mut applied = 0;
    let mut kept = Vec::new();
    for state in states.iter().filter(|s| !skip.contains(&s.key)) {
        if let Some(record) = &state.record {
            record.put(tx, force)?;
            applied += 1;
        }
    }
    for state in states.iter().rev().filter(|s| !skip.contains(&s.key)) {
        if state.record.is_none() {
            match tx.delete_record(&state.key.kind, &state.key.id)? {
                Removal::Removed | Removal::Absent => applied += 1,
                Removal::InUse => kept.push(state.key.clone()),
            }
        }
    }
    Ok((applied, kept))
}

/// The kinds in the order they are removed in a reset: a record before those it refers
/// to.
const REMOVAL_ORDER: &[&str] = &[
    "notification",
    "task",
    "card",
    "deal",
    "interaction",
    "person",
    "company",
    "team",
    "product",
    "product_category",
    "campaign",
    "stage",
    "confidence",
    "user",
];

/// Starts the device again from an empty cursor: removes every record except those
/// touched by calls still waiting to be pushed and the records they refer to (so the
/// calls' records stay whole; the pulls bring the rest back as the server has them).
fn reset(tx: &mut dyn WriteTx, waiting: &HashSet<RecordKey>) -> Result<()> {
    let mut keep: HashSet<RecordKey> = HashSet::new();
    let mut todo: Vec<RecordKey> = waiting.iter().cloned().collect();
    while let Some(key) = todo.pop() {
        if !keep.insert(key.clone()) {
            continue;
        }
        if let Some(record) = SyncRecord::read(tx, &key)? {
            todo.extend(record.references());
        }
    }
    let mut by_kind: HashMap<String, Vec<String>> = HashMap::new();
    walk_sync_log(tx, |_, key| {
        if !keep.contains(&key) {
            by_kind.entry(key.kind).or_default().push(key.id);
        }
        Ok(())
    })?;
    for kind in REMOVAL_ORDER {
        for id in by_kind.remove(*kind).unwrap_or_default() {
            // A record another kept one still refers to stays (`InUse`); the pulls
            // replace it.
            tx.delete_record(kind, &id)?;
        }
    }
    tx.set_sync_setting(CURSOR_SETTING, "0")?;
    tx.set_sync_setting(REFRESH_SETTING, "[]")?;
    Ok(())
}

impl SyncClient {
    /// Makes this database a sync client (once; later calls return the same id):
    /// from now on every write call is also recorded in the outbox, in its own
    /// transaction. Only a new, empty database becomes a client (records made before
    /// would never reach the server: a validation error on `client_id` says so); pull
    /// before acting.
    pub fn enable(&self) -> Result<String> {
        self.sfa.store.write(|tx| {
            if let Some(id) = tx.sync_setting(CLIENT_ID_SETTING)? {
                return Ok(id);
            }
            if tx.sync_head()? > 0 {
                return Err(ValidationError::single(
                    Entity::SyncMessage,
                    "client_id",
                    Reason::NotWhile("the database holds records made without sync"),
                )
                .into());
            }
            let id = uuid::Uuid::now_v7().to_string();
            tx.set_sync_setting(CLIENT_ID_SETTING, &id)?;
            Ok(id)
        })
    }

    /// Where the device stands: pending calls, rejections, last syncs.
    pub fn status(&self) -> Result<SyncStatus> {
        self.sfa.store.read(|tx| {
            let time = |tx: &mut dyn ReadTx, key| -> Result<Option<Timestamp>> {
                Ok(tx.sync_setting(key)?.and_then(|v| parse_timestamp(&v)))
            };
            Ok(SyncStatus {
                client_id: tx.sync_setting(CLIENT_ID_SETTING)?,
                pending: tx.outbox_count()? as i64,
                rejections: tx.sync_rejections()?.len() as i64,
                cursor: setting_i64(tx, CURSOR_SETTING)?,
                last_push_at: time(tx, LAST_PUSH_SETTING)?,
                last_pull_at: time(tx, LAST_PULL_SETTING)?,
            })
        })
    }

    /// The next push: the oldest waiting calls, up to `max_bytes` of calls (at least
    /// one, whatever its size) and [`MAX_PUSH_CALLS`]; `None` when nothing waits.
    /// Send it to the server's push endpoint and apply the answer with
    /// [`SyncClient::apply_push_response`]; sending the same push again is safe.
    pub fn push_request(&self, max_bytes: usize) -> Result<Option<Vec<u8>>> {
        let (client_id, server_id, entries) = self.sfa.store.read(|tx| {
            Ok((
                client_id(tx)?,
                tx.sync_setting(SERVER_SETTING)?,
                tx.outbox(0, MAX_PUSH_CALLS)?,
            ))
        })?;
        let mut size = 0;
        let mut mutations = Vec::new();
        for entry in entries {
            size += entry.body.len() + entry.touched.len();
            if !mutations.is_empty() && size > max_bytes {
                break;
            }
            let call: RecordedCall<RawCall> = decode(entry.body.as_bytes(), "outbox")?;
            mutations.push(PushedMutation {
                id: call.id,
                user_id: entry.user_id,
                now: call.now,
                call: call.call,
                touched: touched(&entry.touched),
            });
        }
        if mutations.is_empty() {
            return Ok(None);
        }
        encode(&PushRequest {
            client_id,
            server_id,
            mutations,
        })
        .map(Some)
    }

    /// Applies the server's answer to a push: applied calls leave the outbox; a
    /// refused one becomes a [`Rejection`] and the records it touched are restored to
    /// the server's; waiting calls that changed the same records are refused with it
    /// (their records are refreshed by the next pull). Applying an answer twice
    /// changes nothing the second time.
    pub fn apply_push_response(&self, response: &[u8]) -> Result<PushReport> {
        let response: PushResponse = decode(response, "push response")?;
        let now = self.sfa.clock.now();
        let report = self.sfa.store.write(|tx| {
            client_id(tx)?;
            let mut waiting: HashMap<String, WaitingCall> = tx
                .outbox_waiting()?
                .into_iter()
                .map(|e| (e.mutation_id.clone(), e))
                .collect();
            let mut report = PushReport::default();
            let mut refused: HashSet<RecordKey> = HashSet::new();
            let mut restore: Vec<RecordState> = Vec::new();
            for result in &response.results {
                let Some(entry) = waiting.remove(&result.id) else {
                    continue; // answered before
                };
                match &result.outcome {
                    Outcome::Applied => report.applied += 1,
                    Outcome::Rejected { refusal } => {
                        report.rejected += 1;
                        refused.extend(touched(&entry.touched));
                        let call = recorded(tx, &result.id)?;
                        let rejection = Rejection {
                            mutation_id: result.id.clone(),
                            call,
                            refusal: refusal.clone(),
                            server_records: result.records.clone(),
                        };
                        tx.put_sync_rejection(&result.id, &call_json(&rejection)?)?;
                    }
                }
                tx.remove_outbox(&result.id)?;
                restore.extend(result.records.iter().cloned());
            }
            // Calls still waiting that build on a refused one are refused with it.
            let mut rest: Vec<WaitingCall> = waiting.into_values().collect();
            rest.sort_by_key(|e| e.seq);
            let mut refresh = refresh_keys(tx)?;
            let mut still_waiting: HashSet<RecordKey> = HashSet::new();
            for entry in rest {
                let keys = touched(&entry.touched);
                match keys.iter().find(|k| refused.contains(k)) {
                    Some(shared) => {
                        report.rejected += 1;
                        let call = recorded(tx, &entry.mutation_id)?;
                        tx.remove_outbox(&entry.mutation_id)?;
                        let rejection = Rejection {
                            mutation_id: entry.mutation_id.clone(),
                            call,
                            refusal: Refusal::depends_on(shared),
                            server_records: Vec::new(),
                        };
                        tx.put_sync_rejection(&entry.mutation_id, &call_json(&rejection)?)?;
                        refused.extend(keys.iter().cloned());
                        refresh.extend(keys);
                    }
                    None => still_waiting.extend(keys),
                }
            }
            let (_, kept) = apply_states(tx, &restore, &still_waiting, true)?;
            for state in &restore {
                refresh.remove(&state.key);
            }
            refresh.extend(kept);
            tx.set_sync_setting(REFRESH_SETTING, &call_json(&refresh)?)?;
            tx.set_sync_setting(LAST_PUSH_SETTING, &format_timestamp(&now))?;
            Ok(report)
        })?;
        self.sfa.search.kick(&self.sfa.store);
        self.sfa.committed();
        Ok(report)
    }

    /// The next pull: the changes after the device's cursor, at most `limit` (up to
    /// [`MAX_PULL_RECORDS`]), and the records to refresh.
    pub fn pull_request(&self, limit: u32) -> Result<Vec<u8>> {
        let request = self.sfa.store.read(|tx| {
            Ok(PullRequest {
                client_id: client_id(tx)?,
                cursor: setting_i64(tx, CURSOR_SETTING)?,
                limit: limit.clamp(1, MAX_PULL_RECORDS),
                refresh: refresh_keys(tx)?.into_iter().collect(),
            })
        })?;
        encode(&request)
    }

    /// Applies a page of server changes in one transaction. Records touched by calls
    /// still waiting to be pushed are left alone (the push's answer corrects them).
    /// A page from another server database is refused.
    pub fn apply_pull_response(&self, response: &[u8]) -> Result<PullReport> {
        let response: PullResponse = decode(response, "pull response")?;
        let now = self.sfa.clock.now();
        let report = self.sfa.store.write(|tx| {
            client_id(tx)?;
            match tx.sync_setting(SERVER_SETTING)? {
                Some(id) if id != response.server_id => {
                    return Err(ValidationError::single(
                        Entity::SyncMessage,
                        "server_id",
                        Reason::Inconsistent,
                    )
                    .into());
                }
                Some(_) => {}
                None => tx.set_sync_setting(SERVER_SETTING, &response.server_id)?,
            }
            let waiting: HashSet<RecordKey> = tx
                .outbox_waiting()?
                .iter()
                .flat_map(|w| touched(&w.touched))
                .collect();
            if response.reset {
                reset(tx, &waiting)?;
                return Ok(PullReport {
                    applied: 0,
                    remaining: response.remaining.max(1) as i64,
                });
            }
            let (applied, kept) = apply_states(tx, &response.records, &waiting, false)?;
            let mut refresh = refresh_keys(tx)?;
            for state in &response.records {
                refresh.remove(&state.key);
            }
            refresh.extend(kept);
            tx.set_sync_setting(REFRESH_SETTING, &call_json(&refresh)?)?;
            let cursor = setting_i64(tx, CURSOR_SETTING)?.max(response.cursor);
            tx.set_sync_setting(CURSOR_SETTING, &cursor.to_string())?;
            tx.set_sync_setting(LAST_PULL_SETTING, &format_timestamp(&now))?;
            Ok(PullReport {
                applied: applied as i64,
                remaining: response.remaining as i64,
            })
        })?;
        // The index follows the pages on its own thread while the next ones arrive.
        self.sfa.search.kick_all(&self.sfa.store);
        self.sfa.committed();
        Ok(report)
    }

    /// The calls the server refused, oldest first, each with the server's records.
    pub fn rejections(&self) -> Result<Vec<Rejection>> {
        self.rejections_as()
    }

    /// The same rejections as a JSON array (for hosts that hand them on as JSON: the
    /// calls are not read, only checked to be JSON).
    pub fn rejections_json(&self) -> Result<String> {
        let rejections: Vec<Rejection<RawCall>> = self.rejections_as()?;
        serde_json::to_string(&rejections)
            .map_err(|e| crate::Error::Storage(crate::StorageError::message(e.to_string())))
    }

    fn rejections_as<C: serde::de::DeserializeOwned>(&self) -> Result<Vec<Rejection<C>>> {
        let bodies = self.sfa.store.read(|tx| tx.sync_rejections())?;
        bodies
            .iter()
            .map(|b| decode(b.as_bytes(), "rejection"))
            .collect()
    }

    /// Forgets a rejection once the user has dealt with it; false if there was none.
    pub fn dismiss_rejection(&self, mutation_id: &str) -> Result<bool> {
        self.sfa
            .store
            .write(|tx| tx.remove_sync_rejection(mutation_id))
    }

    /// Stores a card's image fetched from the server ([`super::SyncServer::card_image`]).
    pub fn store_card_image(&self, card: CardId, image: &[u8]) -> Result<()> {
        self.sfa.store.write(|tx| {
            if tx.get_card(card)?.is_none() {
                return Err(crate::Error::not_found(Entity::BusinessCard, card));
            }
            tx.put_card_image(card, image)
        })
    }

    /// A whole sync over the host's transport: pushes until the outbox is empty (or
    /// the server stops answering), then pulls until up to date. `send` delivers a
    /// request to the server and returns its answer.
    pub fn run(&self, send: &mut dyn FnMut(Exchange<'_>) -> Result<Vec<u8>>) -> Result<SyncReport> {
        let mut report = SyncReport::default();
        while let Some(request) = self.push_request(PUSH_BYTES)? {
            let answer = send(Exchange::Push(&request))?;
            let pushed = self.apply_push_response(&answer)?;
            report.pushed += pushed.applied;
            report.rejected += pushed.rejected;
            if pushed.applied + pushed.rejected == 0 {
                break; // the server answered nothing: try again later
            }
        }
        loop {
            let request = self.pull_request(MAX_PULL_RECORDS)?;
            let answer = send(Exchange::Pull(&request))?;
            let pulled = self.apply_pull_response(&answer)?;
            report.pulled += pulled.applied;
            if pulled.remaining == 0 {
                return Ok(report);
            }
        }
    }
}

/// The size [`SyncClient::run`] aims a push at.
pub const PUSH_BYTES: usize = 4 << 20;
