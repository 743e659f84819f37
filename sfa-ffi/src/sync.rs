//! Offline sync as bytes the app moves over its own transport (HTTPS with the user's
//! token, certificate pinning, background scheduling are the app's): the device's side
//! on a phone's database. The server's side is `sync_server.rs` (feature
//! `sync-server`). See `sfa_core::sync`.

use sfa_core::CardId;
use sfa_core::sync::{PullReport, PushReport, SyncStatus};

use crate::{Sfa, SfaError};

#[uniffi::export]
impl Sfa {
    /// Makes this (empty) database a sync client; returns its client id (the same on
    /// later calls). From then on every write call is also queued for the server.
    pub fn sync_enable(&self) -> Result<String, SfaError> {
        Ok(self.inner.sync_client().enable()?)
    }

    /// Where this device stands: calls waiting, rejections, last push and pull.
    pub fn sync_status(&self) -> Result<SyncStatus, SfaError> {
        Ok(self.inner.sync_client().status()?)
    }

    /// The next push (POST it to the server's `/v1/sync/push`), about `max_bytes` of
    /// calls at most (at least one); `null` when nothing waits.
    pub fn sync_push_request(&self, max_bytes: i64) -> Result<Option<Vec<u8>>, SfaError> {
        let max = usize::try_from(max_bytes).map_err(|_| {
            crate::error::refused("max_bytes", sfa_core::Reason::Negative, "is negative")
        })?;
        Ok(self.inner.sync_client().push_request(max)?)
    }

    /// Applies the server's answer to a push (applying it twice is harmless).
    pub fn sync_apply_push_response(&self, response: Vec<u8>) -> Result<PushReport, SfaError> {
        Ok(self.inner.sync_client().apply_push_response(&response)?)
    }

    /// The next pull (POST it to `/v1/sync/pull`): at most `limit` changes.
    pub fn sync_pull_request(&self, limit: i32) -> Result<Vec<u8>, SfaError> {
        let limit = u32::try_from(limit).map_err(|_| {
            crate::error::refused("limit", sfa_core::Reason::Negative, "is negative")
        })?;
        Ok(self.inner.sync_client().pull_request(limit)?)
    }

    /// Applies a page of server changes; pull again while `remaining` is not 0.
    pub fn sync_apply_pull_response(&self, response: Vec<u8>) -> Result<PullReport, SfaError> {
        Ok(self.inner.sync_client().apply_pull_response(&response)?)
    }

    /// The calls the server refused, oldest first, as JSON (each with `mutation_id`,
    /// `call`, `refusal` {`code`, `message`, `fields`} and `server_records`).
    pub fn sync_rejections_json(&self) -> Result<String, SfaError> {
        Ok(self.inner.sync_client().rejections_json()?)
    }

    /// Forgets a rejection once the user has dealt with it.
    pub fn sync_dismiss_rejection(&self, mutation_id: String) -> Result<bool, SfaError> {
        Ok(self.inner.sync_client().dismiss_rejection(&mutation_id)?)
    }

    /// Stores a card's image fetched from the server (`GET /v1/cards/{id}/image`).
    pub fn sync_store_card_image(&self, card: CardId, image: Vec<u8>) -> Result<(), SfaError> {
        Ok(self.inner.sync_client().store_card_image(card, &image)?)
    }
}
