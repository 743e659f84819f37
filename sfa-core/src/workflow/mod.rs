//! The workflow API: the calls host apps make. Plain records in and out, owned values,
//! one storage transaction per call.
//!
//! [`Sfa`] is the open database; [`Session`] acts as one user, and every write it makes
//! records that user as its author.

pub(crate) mod ledger;
mod links;
mod session;
mod users;

pub use links::{CompanyLinks, ContactLinks};
pub use session::{EAGER_INDEX_CHANGES, Session, Sfa};
