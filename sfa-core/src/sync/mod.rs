//! Offline sync between devices (each with its own embedded database) and a team
//! server, sans I/O: the library builds and applies request and response bytes, the
//! host moves them over its own transport (and authenticates the user on the server).
//!
//! - **Calls, replayed.** On a database that is a sync client ([`SyncClient::enable`])
//!   every write workflow call is also recorded as a [`Mutation`] (the call, its
//!   arguments, its instant and id) in the outbox, in the call's own transaction. The
//!   server ([`SyncServer::push`]) replays each call through the same workflow code as
//!   the authenticated user, with the device's instant and with ids derived from the
//!   call's id, so both sides write identical records; permissions and side effects
//!   (a confirmation task, a notification) are decided there. A call pushed twice is
//!   applied once (the server keeps a receipt per device and call).
//! - **Changes, pulled.** Every store keeps a sync log: one row per record with the
//!   seq of its latest change, in commit order. A pull ([`SyncServer::pull`]) returns
//!   the records changed after the device's cursor, each once and as it is now,
//!   removals included, in pages, each record preceded by those it refers to, and
//!   never another user's notifications.
//! - **Refusals are shown, never dropped.** A call the server refuses (a stale
//!   version, a permission, a validation) comes back as a [`Rejection`] the app lists
//!   ([`SyncClient::rejections`]) with the server's current records, and the device's
//!   copies are restored to those. A refused call does not block the ones behind it,
//!   except those that change the same records, which are refused with it.
//!
//! ```
//! use sfa_core::sync::Exchange;
//! use sfa_core::{CompanyInput, Sfa, UserInput};
//!
//! # fn main() -> sfa_core::Result<()> {
//! let server = Sfa::open_in_memory()?; // the team server's database (PostgreSQL in production)
//! let admin = server.create_first_admin(&UserInput::admin("管理 太郎", "admin@example.co.jp"))?;
//!
//! let phone = Sfa::open_in_memory()?; // a device's own database
//! phone.sync_client().enable()?;
//! // The host's transport: here a direct call; in an app, HTTPS with the user's token.
//! let mut send = |exchange: Exchange<'_>| match exchange {
//!     Exchange::Push(bytes) => server.sync_server().push(admin.id, bytes),
//!     Exchange::Pull(bytes) => server.sync_server().pull(admin.id, bytes),
//! };
//! phone.sync_client().run(&mut send)?; // the first sync brings the users
//!
//! let me = phone.session(admin.id)?; // offline from here
//! me.add_company(&CompanyInput::named("株式会社山田製作所"))?;
//! let report = phone.sync_client().run(&mut send)?;
//! assert_eq!(report.pushed, 1);
//! assert_eq!(server.session(admin.id)?.list_companies(&Default::default())?.items.len(), 1);
//! # Ok(())
//! # }
//! ```

mod client;
mod mutation;
mod records;
mod server;
mod wire;

pub use client::{
    Exchange, MAX_PUSH_CALLS, PUSH_BYTES, PullReport, PushReport, SyncClient, SyncReport,
    SyncStatus,
};
pub use mutation::Mutation;
pub(crate) use records::KINDS as RECORD_KINDS;
pub use records::{RecordKey, SyncRecord};
pub use server::SyncServer;
pub use wire::{
    MutationResult, Outcome, PullRequest, PullResponse, PushRequest, PushResponse, PushedMutation,
    RawCall, Receipt, RecordState, RecordedCall, Refusal, RefusalCode, RefusedField, Rejection,
};

use crate::Sfa;

/// The setting that makes a database a sync client (its client id).
pub(crate) const CLIENT_ID_SETTING: &str = "sync_client_id";

/// The most records one pull returns (references ride along on top).
pub const MAX_PULL_RECORDS: u32 = 1000;

/// The longest client id a server takes.
pub const MAX_CLIENT_ID_CHARS: usize = 100;

/// Calls `f` with every record the sync log holds now (removed ones left out), in
/// commit order, reading the log a page at a time.
pub(crate) fn walk_sync_log<T: crate::store::SyncReadTx + ?Sized>(
    tx: &mut T,
    mut f: impl FnMut(&mut T, RecordKey) -> crate::Result<()>,
) -> crate::Result<()> {
    let mut after = 0;
    loop {
        let changes = tx.sync_changes(after, MAX_PULL_RECORDS)?;
        let Some(last) = changes.last() else {
            return Ok(());
        };
        after = last.seq;
        for change in changes.into_iter().filter(|c| !c.gone) {
            let key = RecordKey {
                kind: change.kind,
                id: change.id,
            };
            f(tx, key)?;
        }
    }
}

impl Sfa {
    /// This database as a sync client (a device).
    pub fn sync_client(&self) -> SyncClient {
        SyncClient { sfa: self.clone() }
    }

    /// This database as a sync server (the team server's store).
    pub fn sync_server(&self) -> SyncServer {
        SyncServer { sfa: self.clone() }
    }
}
