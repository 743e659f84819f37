//! What offline sync needs from a store: the per-record sync log (every store keeps
//! it, by triggers), a device's outbox of recorded calls, the server's receipts, the
//! rejections a device lists, and a few settings. The sync logic itself lives in
//! [`crate::sync`]; these are plain rows.

use crate::error::Result;
use crate::model::{BusinessCard, CardId, Notification, NotificationId, UserId};

/// The setting holding [`SyncReadTx::sync_floor`].
pub(crate) const SYNC_FLOOR_SETTING: &str = "sync_floor";

/// One record's latest change in the sync log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncChange {
    /// Its place in commit order; a record changed again gets a new, higher seq.
    pub seq: i64,
    /// The record's kind, as the log names it (`company`, `product_category`...).
    pub kind: String,
    /// The record's id.
    pub id: String,
    /// The record was deleted (a tombstone).
    pub gone: bool,
}

/// What [`SyncWriteTx::delete_record`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The record and its parts are gone.
    Removed,
    /// There was no such record (or no such kind).
    Absent,
    /// Another record still refers to it: nothing was removed.
    InUse,
}

/// A recorded call waiting in a device's outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Its place in the queue.
    pub seq: i64,
    /// The mutation's id (the call's, unique).
    pub mutation_id: String,
    /// Who made the call.
    pub user_id: UserId,
    /// The call, its arguments and its instant (JSON).
    pub body: String,
    /// The records it wrote, as `[kind, id]` pairs (JSON).
    pub touched: String,
}

/// A waiting call without its body: what applying the server's answers needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingCall {
    /// Its place in the queue.
    pub seq: i64,
    /// The mutation's id.
    pub mutation_id: String,
    /// The records it wrote, as `[kind, id]` pairs (JSON).
    pub touched: String,
}

/// Sync queries available inside any transaction.
pub trait SyncReadTx {
    /// The seq of the newest change in the sync log (0 when empty).
    fn sync_head(&mut self) -> Result<i64>;
    /// The oldest `limit` records changed after seq `after`, in commit order.
    fn sync_changes(&mut self, after: i64, limit: u32) -> Result<Vec<SyncChange>>;
    /// How many records changed after seq `after`.
    fn sync_change_count(&mut self, after: i64) -> Result<u64>;
    /// The seq of a record's latest change, if the log has it.
    fn sync_seq(&mut self, kind: &str, id: &str) -> Result<Option<i64>>;
    /// The highest seq of a pruned tombstone (0 when none was): a device whose cursor
    /// is below it may have missed a removal and must be reset.
    fn sync_floor(&mut self) -> Result<i64> {
        Ok(self
            .sync_setting(SYNC_FLOOR_SETTING)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }
    /// A sync setting (the device's client id, its cursor...).
    fn sync_setting(&mut self, key: &str) -> Result<Option<String>>;
    /// The outbox in order, from seq `after`, at most `limit` entries.
    fn outbox(&mut self, after: i64, limit: u32) -> Result<Vec<OutboxEntry>>;
    /// Every waiting call in order, without the bodies (which may hold card images
    /// and CSV files).
    fn outbox_waiting(&mut self) -> Result<Vec<WaitingCall>>;
    /// One waiting call's body.
    fn outbox_body(&mut self, mutation_id: &str) -> Result<Option<String>>;
    /// How many calls wait in the outbox.
    fn outbox_count(&mut self) -> Result<u64>;
    /// The server's stored answer to a device's mutation, if it has one.
    fn sync_receipt(&mut self, client_id: &str, mutation_id: &str) -> Result<Option<String>>;
    /// Every rejection kept for the user to resolve, oldest first (JSON bodies).
    fn sync_rejections(&mut self) -> Result<Vec<String>>;
    /// A notification by id.
    fn get_notification(&mut self, id: NotificationId) -> Result<Option<Notification>>;
}

/// Sync writes, available inside a write transaction.
pub trait SyncWriteTx {
    /// Appends a recorded call to the outbox.
    fn push_outbox(&mut self, entry: &OutboxEntry) -> Result<()>;
    /// Removes a call from the outbox (answered); false if it was not there.
    fn remove_outbox(&mut self, mutation_id: &str) -> Result<bool>;
    /// Stores the server's answer to a device's mutation.
    fn put_sync_receipt(
        &mut self,
        client_id: &str,
        mutation_id: &str,
        body: &str,
        at: crate::model::Timestamp,
    ) -> Result<()>;
    /// Keeps a rejection for the user (replacing one for the same mutation).
    fn put_sync_rejection(&mut self, mutation_id: &str, body: &str) -> Result<()>;
    /// Forgets a rejection (resolved); false if there was none.
    fn remove_sync_rejection(&mut self, mutation_id: &str) -> Result<bool>;
    /// Sets a sync setting.
    fn set_sync_setting(&mut self, key: &str, value: &str) -> Result<()>;
    /// Forgets the removals logged before `before` (never the newest row of the log)
    /// and raises the floor to match; returns the floor.
    fn prune_sync_tombstones(&mut self, before: crate::model::Timestamp) -> Result<i64>;
    /// Stores a notification received from the server, as it is there.
    fn put_notification(&mut self, notification: &Notification) -> Result<()>;
    /// Deletes a record of a synced kind, with its parts (the server deleted it, or
    /// never had it). A record another one still refers to is left whole, parts and
    /// all, and the transaction goes on: [`Removal::InUse`].
    fn delete_record(&mut self, kind: &str, id: &str) -> Result<Removal>;
    /// Stores a card received from the server without its image (fetched on demand).
    fn insert_card_record(&mut self, card: &BusinessCard) -> Result<()>;
    /// Stores a card's image fetched from the server.
    fn put_card_image(&mut self, id: CardId, image: &[u8]) -> Result<()>;
}

/// A synced kind: its name, its table, and the tables holding its parts with the
/// column naming the record (deleted before it).
type SyncedTable = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Each synced kind's table, and the tables holding its parts.
pub(crate) const SYNCED_TABLES: &[SyncedTable] = &[
    ("user", "users", &[]),
    ("company", "companies", &[]),
    ("person", "persons", &[]),
    (
        "interaction",
        "interactions",
        &[
            ("interaction_participants", "interaction_id"),
            ("interaction_persons", "interaction_id"),
        ],
    ),
    ("task", "tasks", &[]),
    ("notification", "notifications", &[]),
    ("campaign", "campaigns", &[]),
    ("stage", "stages", &[]),
    ("confidence", "confidences", &[]),
    ("product_category", "product_categories", &[]),
    ("product", "products", &[]),
    ("deal", "deals", &[("deal_lines", "deal_id")]),
    ("team", "teams", &[("team_members", "team_id")]),
    ("card", "business_cards", &[("card_images", "card_id")]),
];

/// The statements that delete a record of `kind` (parts first), with `{id}` where the
/// id goes; `None` for a kind sync does not know.
pub(crate) fn delete_statements(kind: &str, id: &str) -> Option<Vec<String>> {
    let (_, table, parts) = SYNCED_TABLES.iter().find(|(k, _, _)| *k == kind)?;
    let mut sql: Vec<String> = parts
        .iter()
        .map(|(part, column)| format!("DELETE FROM {part} WHERE {column} = {id}"))
        .collect();
    sql.push(format!("DELETE FROM {table} WHERE id = {id}"));
    Some(sql)
}
