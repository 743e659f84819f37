//! The server's side of sync, for a server written on the JVM or a test that plays the
//! server in process (feature `sync-server`, off in the phone library: a phone never
//! answers a push, and reading and replaying the pushed calls is 0.4 MB of the
//! library; BENCHMARKS.md, "Mobile library size"). The team server of this repository
//! is `sfa-server`.

use sfa_core::UserId;

use crate::{Sfa, SfaError};

#[uniffi::export]
impl Sfa {
    /// Server side: answers a push from a device, authenticated as `user`.
    pub fn sync_server_push(&self, user: UserId, request: Vec<u8>) -> Result<Vec<u8>, SfaError> {
        Ok(self.inner.sync_server().push(user, &request)?)
    }

    /// Server side: answers a pull from a device, authenticated as `user`.
    pub fn sync_server_pull(&self, user: UserId, request: Vec<u8>) -> Result<Vec<u8>, SfaError> {
        Ok(self.inner.sync_server().pull(user, &request)?)
    }
}
