//! kill -9 in the middle of sync: a phone process (`testkit/sync/worker.rs`) adds
//! companies offline and syncs every few writes with the server's database, which runs
//! in the same process, and is killed at seeded random moments, at least 50 times: in
//! a local write, in a push (before, inside or after the server's replay and receipt),
//! or while applying a pull. Then one last run syncs to the end, and every write the
//! phone acknowledged is on the server exactly once, nothing was refused, and the
//! phone's records equal the server's.
//!
//! Runs with a SQLite file as the server's database always, and with a PostgreSQL
//! tenant when `SFA_TEST_POSTGRES` is set. `SFA_SYNC_KILLS` sets the number of kills.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use sfa_core::store::postgres::testing;
use sfa_core::{Sfa, UserInput};
use sfa_testkit::Rng;

const WORKER: &str = env!("CARGO_BIN_EXE_sfa-sync-worker");
const PREFIX: &str = "同期試験";
const WRITES: u64 = 400;

fn kills() -> u64 {
    std::env::var("SFA_SYNC_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(50)
}

#[test]
fn a_phone_killed_during_sync_loses_nothing_and_doubles_nothing_sqlite_server() {
    let dir = std::env::temp_dir().join(format!("sfa-sync-crash-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let server_path = dir.join("server.sqlite");
    let server = Sfa::open(&server_path).unwrap();
    run(
        &dir,
        &server,
        "sqlite",
        server_path.to_str().unwrap(),
        0x5EED_0001,
    );
    drop(server);
    sfa_testkit::remove_scratch_dir(&dir);
}

#[test]
fn a_phone_killed_during_sync_loses_nothing_and_doubles_nothing_postgres_server() {
    let Some(url) = testing::url() else {
        eprintln!("skipped: SFA_TEST_POSTGRES is not set");
        return;
    };
    let dir = std::env::temp_dir().join(format!("sfa-sync-crash-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let tenant = testing::fresh_tenant();
    let server = Sfa::open_postgres(&url, &tenant).unwrap();
    run(&dir, &server, "postgres", &tenant, 0x5EED_0002);
    drop(server);
    sfa_testkit::remove_scratch_dir(&dir);
}

fn run(dir: &std::path::Path, server: &Sfa, backend: &str, location: &str, seed: u64) {
    let admin = server
        .create_first_admin(&UserInput::admin("部長 一郎", "bucho@example.jp"))
        .unwrap();
    let user = server
        .session(admin.id)
        .unwrap()
        .add_user(&UserInput::member("営業 花子", "hanako@example.jp"))
        .unwrap();
    let device = dir.join("phone.sqlite");
    let worker = |seed: u64, last: bool| {
        let mut cmd = Command::new(WORKER);
        cmd.args([
            device.to_str().unwrap(),
            backend,
            location,
            &user.id.to_string(),
            PREFIX,
            &WRITES.to_string(),
            &seed.to_string(),
        ]);
        if last {
            cmd.arg("final");
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::inherit());
        cmd.spawn().unwrap()
    };
    let mut rng = Rng::new(seed);
    let mut acked = BTreeSet::new();
    let collect = |child: &mut std::process::Child, acked: &mut BTreeSet<u64>| {
        let out = BufReader::new(child.stdout.take().unwrap());
        let mut done = false;
        for line in out.lines() {
            let line = line.unwrap();
            if let Some(n) = line.strip_prefix("ack ") {
                acked.insert(n.parse::<u64>().unwrap());
            }
            done |= line == "done";
        }
        done
    };
    for kill in 0..kills() {
        let mut child = worker(seed + kill, false);
        std::thread::sleep(Duration::from_millis(20 + rng.below(180) as u64));
        let _ = child.kill(); // SIGKILL
        collect(&mut child, &mut acked);
        child.wait().unwrap();
        assert!(
            acked.len() < WRITES as usize,
            "the worker finished before every kill landed; raise WRITES"
        );
    }
    let mut last = worker(seed + 1000, true);
    assert!(
        collect(&mut last, &mut acked),
        "the last run did not finish"
    );
    assert!(last.wait().unwrap().success());

    // Every acknowledged write is on the server, once.
    let me = server.session(user.id).unwrap();
    let names = sfa_testkit::sync::company_names(&me);
    let unique: BTreeSet<&String> = names.iter().collect();
    assert_eq!(
        unique.len(),
        names.len(),
        "a write reached the server twice"
    );
    for n in &acked {
        assert!(
            unique.contains(&format!("{PREFIX}-{n:05}")),
            "write {n} was lost"
        );
    }
    assert_eq!(names.len() as u64, WRITES);
    // The phone holds what the server holds, and nothing was refused.
    let phone = Sfa::open(&device).unwrap();
    let status = phone.sync_client().status().unwrap();
    assert_eq!((status.pending, status.rejections), (0, 0));
    let mine = |sfa: &Sfa| {
        let mut r = sfa.sync_server().records_for(user.id).unwrap();
        r.sort_by_key(|r| r.key());
        r
    };
    assert_eq!(mine(&phone), mine(server));
    assert!(phone.check_search_index().unwrap().is_consistent());
}
