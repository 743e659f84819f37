//! Typed record ids (UUIDv7: time-ordered, so new records sort last and index well).

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Reason;

thread_local! {
    /// The id source of the write call running on this thread, when it is one sync
    /// records or replays: (the call's id, its instant in ms, ids handed out so far).
    static DERIVED: Cell<Option<(u128, u64, u64)>> = const { Cell::new(None) };
}

/// While the returned guard lives, new ids on this thread are derived from `call` and
/// `millis` (a UUIDv7 whose time is the call's and whose random bits are a hash of the
/// call's id and a counter), so that replaying the same call (same code, same input)
/// creates records with the same ids on another machine. Dropping the guard restores
/// what was before.
pub(crate) fn derived_ids(call: Uuid, millis: u64) -> DerivedIds {
    let before = DERIVED.with(|d| d.replace(Some((call.as_u128(), millis, 0))));
    DerivedIds { before }
}

/// Restores the thread's id source when dropped (see [`derived_ids`]).
pub(crate) struct DerivedIds {
    before: Option<(u128, u64, u64)>,
}

impl Drop for DerivedIds {
    fn drop(&mut self) {
        DERIVED.with(|d| d.set(self.before));
    }
}

fn next_uuid() -> Uuid {
    let derived = DERIVED.with(|d| {
        let (call, millis, n) = d.get()?;
        d.set(Some((call, millis, n + 1)));
        Some((call, millis, n))
    });
    match derived {
        None => Uuid::now_v7(),
        Some((call, millis, n)) => {
            let high = mix(call as u64 ^ mix(n));
            let low = mix((call >> 64) as u64 ^ high.rotate_left(17) ^ n);
            let mut random = [0u8; 10];
            random[..8].copy_from_slice(&high.to_le_bytes());
            random[8..].copy_from_slice(&low.to_le_bytes()[..2]);
            uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid()
        }
    }
}

/// SplitMix64's finaliser: spreads every input bit over the output.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered id (inside a call that sync replays, the next id
            /// derived from the call; see [`derived_ids`]).
            pub fn new() -> Self {
                $name(next_uuid())
            }

            /// The underlying UUID.
            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name(Uuid::nil())
            }
        }

        impl From<Uuid> for $name {
            fn from(u: Uuid) -> Self {
                $name(u)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = Reason;

            /// Parses the hyphenated, simple or braced UUID forms.
            fn from_str(s: &str) -> Result<Self, Reason> {
                Uuid::parse_str(s.trim()).map($name).map_err(|_| Reason::InvalidId)
            }
        }
    };
}

define_id!(
    /// Identifies a [`crate::User`].
    UserId
);
define_id!(
    /// Identifies a [`crate::Company`].
    CompanyId
);
define_id!(
    /// Identifies a [`crate::Person`].
    PersonId
);
define_id!(
    /// Identifies an [`crate::Interaction`].
    InteractionId
);
define_id!(
    /// Identifies a [`crate::Task`].
    TaskId
);
define_id!(
    /// Identifies a [`crate::Notification`].
    NotificationId
);
define_id!(
    /// Identifies a [`crate::Deal`].
    DealId
);
define_id!(
    /// Identifies a [`crate::Campaign`].
    CampaignId
);
define_id!(
    /// Identifies a [`crate::Stage`].
    StageId
);
define_id!(
    /// Identifies a [`crate::Confidence`].
    ConfidenceId
);
define_id!(
    /// Identifies a [`crate::ProductCategory`].
    ProductCategoryId
);
define_id!(
    /// Identifies a [`crate::Product`].
    ProductId
);
define_id!(
    /// Identifies a [`crate::Team`].
    TeamId
);
define_id!(
    /// Identifies a [`crate::BusinessCard`].
    CardId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_derived_from_a_call_repeat_on_replay_and_differ_between_calls() {
        let call = Uuid::now_v7();
        let first: Vec<CompanyId> = {
            let _scope = derived_ids(call, 1_700_000_000_000);
            (0..3).map(|_| CompanyId::new()).collect()
        };
        let again: Vec<CompanyId> = {
            let _scope = derived_ids(call, 1_700_000_000_000);
            (0..3).map(|_| CompanyId::new()).collect()
        };
        assert_eq!(first, again);
        assert_ne!(first[0], first[1]);
        let other = {
            let _scope = derived_ids(Uuid::now_v7(), 1_700_000_000_000);
            CompanyId::new()
        };
        assert!(!first.contains(&other));
        // Outside a scope, ids are random again; they are still UUIDv7.
        assert!(!first.contains(&CompanyId::new()));
        assert_eq!(first[0].as_uuid().get_version_num(), 7);
    }
}
