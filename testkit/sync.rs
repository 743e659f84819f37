//! Phones that sync with a server database in the same process: the transport is a
//! direct call, so the tests see exactly what the bytes carry.

use sfa_core::sync::{Exchange, SyncRecord, SyncReport};
use sfa_core::{Result, Session, Sfa, UserId};

use crate::ManualClock;

/// A device: its own in-memory database, acting as one user of the server's.
pub struct Phone {
    /// The device's database.
    pub sfa: Sfa,
    /// Whom the device belongs to (the user its pushes are authenticated as).
    pub user: UserId,
}

impl Phone {
    /// A new device for `user`, with sync enabled, not yet synced.
    ///
    /// # Panics
    /// If the database cannot be made.
    pub fn new(user: UserId, clock: &ManualClock) -> Phone {
        let sfa = Sfa::open_in_memory()
            .expect("device database")
            .with_clock(std::sync::Arc::new(clock.clone()));
        sfa.sync_client().enable().expect("sync enabled");
        Phone { sfa, user }
    }

    /// A whole sync with `server`: push everything, then pull until up to date.
    pub fn sync(&self, server: &Sfa) -> Result<SyncReport> {
        let user = self.user;
        let mut send = |exchange: Exchange<'_>| match exchange {
            Exchange::Push(bytes) => server.sync_server().push(user, bytes),
            Exchange::Pull(bytes) => server.sync_server().pull(user, bytes),
        };
        self.sfa.sync_client().run(&mut send)
    }

    /// The device's user, acting on the device.
    ///
    /// # Panics
    /// If the user is not on the device (sync first).
    pub fn me(&self) -> Session {
        self.sfa
            .session(self.user)
            .expect("the user is on the device")
    }

    /// Every record the device holds that its user may see, in id order per kind.
    ///
    /// # Panics
    /// If the device's database fails.
    pub fn records(&self) -> Vec<SyncRecord> {
        sorted(
            self.sfa
                .sync_server()
                .records_for(self.user)
                .expect("device records"),
        )
    }

    /// The server's records the device's user may see, in the same order.
    ///
    /// # Panics
    /// If the server's database fails.
    pub fn expected(&self, server: &Sfa) -> Vec<SyncRecord> {
        sorted(
            server
                .sync_server()
                .records_for(self.user)
                .expect("server records"),
        )
    }
}

/// The names of every company `session` lists (archived ones left out), page by page.
///
/// # Panics
/// If a page cannot be read.
pub fn company_names(session: &Session) -> Vec<String> {
    let mut names = Vec::new();
    let mut page = sfa_core::PageRequest {
        limit: 500,
        ..sfa_core::PageRequest::default()
    };
    loop {
        let p = session.list_companies(&page).expect("a page of companies");
        names.extend(p.items.into_iter().map(|c| c.name));
        match p.next_cursor {
            Some(c) => page.cursor = Some(c),
            None => return names,
        }
    }
}

fn sorted(mut records: Vec<SyncRecord>) -> Vec<SyncRecord> {
    records.sort_by_key(|r| r.key());
    records
}
