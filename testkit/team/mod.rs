//! What the multi-process team test (`tests/team_processes.rs`) and its worker
//! processes (the `sfa-team-worker` binary, `testkit/team/worker.rs`) share.

/// The manager every process's reports go to: the first admin.
pub const MANAGER_EMAIL: &str = "bucho@team.example.jp";
/// The company every process updates, racing on its version.
pub const SHARED_COMPANY: &str = "共有商事株式会社";
