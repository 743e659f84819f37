//! Search sees every committed write, from any process: four processes write to one
//! database file and search for their own writes and each other's as they go (see
//! `testkit/feed/worker.rs`); no search may miss a committed company. Afterwards the
//! index agrees with the database, from a fresh handle.
#![allow(clippy::unwrap_used)]

use std::process::Command;

use sfa_core::{PageRequest, Sfa, UserInput};

const WORKER: &str = env!("CARGO_BIN_EXE_sfa-index-worker");

#[test]
fn four_processes_write_and_each_search_sees_every_committed_write() {
    let dir = std::env::temp_dir().join(format!("sfa-processes-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("shared.sqlite");
    {
        let sfa = Sfa::open(&path).unwrap();
        sfa.create_first_admin(&UserInput::admin(
            "管理 太郎",
            sfa_testkit::crash::ADMIN_EMAIL,
        ))
        .unwrap();
    }
    let writes = 100;
    let children: Vec<_> = (0..4)
        .map(|w| {
            Command::new(WORKER)
                .args([path.to_str().unwrap(), &w.to_string(), &writes.to_string()])
                .output_and_wait_later()
        })
        .collect();
    for (w, child) in children.into_iter().enumerate() {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "worker {w} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let sfa = Sfa::open(&path).unwrap();
    let me = sfa
        .session_by_email(sfa_testkit::crash::ADMIN_EMAIL)
        .unwrap();
    let all = me.list_companies(&PageRequest::first(500)).unwrap();
    assert_eq!(all.items.len(), 4 * writes);
    let check = sfa.check_search_index().unwrap();
    assert!(check.is_consistent(), "{check:?}");
    assert_eq!(check.records, 4 * writes as u64);
    drop((me, sfa));
    sfa_testkit::remove_scratch_dir(&dir);
}

/// Starts a command with its output captured.
trait Spawn {
    fn output_and_wait_later(&mut self) -> std::process::Child;
}

impl Spawn for Command {
    fn output_and_wait_later(&mut self) -> std::process::Child {
        self.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    }
}
