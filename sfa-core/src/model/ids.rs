//! Typed record ids (UUIDv7: time-ordered, so new records sort last and index well).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::Reason;

macro_rules! define_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered id.
            pub fn new() -> Self {
                $name(Uuid::now_v7())
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
