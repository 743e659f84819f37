//! The workflow API: the calls host apps make. Plain records in and out, owned values,
//! one storage transaction per call.
//!
//! [`Sfa`] is the open database; [`Session`] acts as one user, and every write it makes
//! records that user as its author.

mod agenda;
mod call;
mod cards;
pub(crate) mod deals;
mod exports;
mod forecast;
mod imports;
mod interactions;
mod ledger;
mod links;
mod masters;
mod notifications;
mod refs;
mod session;
mod tasks;
mod teams;
mod users;
mod walks;

pub use agenda::MAX_ICAL_INTERACTIONS;
pub(crate) use call::json as call_json;
pub use cards::Transcription;
pub use links::{CompanyLinks, ContactLinks};
pub use notifications::{
    MAX_MARKED_PER_CALL, MAX_NOTIFICATIONS_PER_POLL, NOTIFICATION_CLAIM_SECONDS,
};
pub use session::{Session, Sfa};
pub use tasks::CONFIRMATION_TITLE_PREFIX;
