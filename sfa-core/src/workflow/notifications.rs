//! The notifications outbox host apps poll (and turn into push or local notifications).
//!
//! A poll ([`Session::due_notifications`]) hands out what is due and reserves it for
//! [`NOTIFICATION_CLAIM_SECONDS`]; [`Session::mark_delivered`] then removes it from
//! later polls. Concurrent pollers never receive the same notification while it is
//! reserved, and one that was handed out but never marked (the app crashed, the push
//! failed) is handed out again once the reservation lapses: nothing is lost, and
//! nothing is delivered twice by pollers that mark what they deliver.

use chrono::Duration;

use super::Session;
use crate::error::Result;
use crate::model::{Notification, NotificationId, Timestamp};

/// How long a poll reserves the notifications it returned.
pub const NOTIFICATION_CLAIM_SECONDS: i64 = 60;

/// The most notifications one poll returns; poll again for more.
pub const MAX_NOTIFICATIONS_PER_POLL: u32 = 200;

/// The most notifications one `mark_delivered` call takes (five polls' worth).
pub const MAX_MARKED_PER_CALL: usize = 1000;

impl Session {
    /// The acting user's notifications due at `now` that are neither delivered nor
    /// reserved by another poll, oldest first; they are reserved for this caller for
    /// [`NOTIFICATION_CLAIM_SECONDS`]. Mark them delivered once shown.
    pub fn due_notifications(&self, now: Timestamp) -> Result<Vec<Notification>> {
        let until = now + Duration::seconds(NOTIFICATION_CLAIM_SECONDS);
        self.write(|tx, me| {
            tx.claim_due_notifications(me.id, now, until, MAX_NOTIFICATIONS_PER_POLL)
        })
    }

    /// Marks the acting user's notifications delivered; returns how many were newly
    /// marked. Idempotent: marking one again changes nothing. An id that is not one of
    /// the user's notifications fails the whole call (`NotFound`), marking none; more
    /// than [`MAX_MARKED_PER_CALL`] ids is a validation error.
    pub fn mark_delivered(&self, ids: &[NotificationId]) -> Result<u64> {
        if ids.len() > MAX_MARKED_PER_CALL {
            return Err(crate::ValidationError::single(
                crate::Entity::Notification,
                "ids",
                crate::Reason::OutOfRange,
            )
            .into());
        }
        let now = self.now();
        self.write(|tx, me| tx.mark_notifications_delivered(me.id, ids, now))
    }
}
