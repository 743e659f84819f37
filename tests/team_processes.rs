//! Many processes, one database: four processes run a sales team's day on one shared
//! database at once (see `testkit/team/worker.rs`): they race to bootstrap the first
//! admin, add companies and persons, log calls whose reports ask the manager to confirm,
//! update one shared company racing on its version, and deliver the manager's
//! notifications. Then every acknowledged write is there, the shared company's versions
//! account for every update (none lost, none doubled), each process found the search
//! index consistent, and no notification was delivered twice.
//!
//! Runs on a SQLite file always, and on a PostgreSQL tenant when `SFA_TEST_POSTGRES`
//! holds a libpq connection string (skipped, and saying so, otherwise).
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::process::{Command, Stdio};

use chrono::Utc;
use sfa_core::store::postgres::testing;
use sfa_core::{CompanyId, InteractionId, InteractionStatus, PersonId, Sfa};
use sfa_testkit::team::{MANAGER_EMAIL, SHARED_COMPANY};

const WORKER: &str = env!("CARGO_BIN_EXE_sfa-team-worker");
const PROCESSES: u64 = 4;
const ROUNDS: u64 = 40;

#[test]
fn four_processes_share_a_sqlite_file() {
    let dir = std::env::temp_dir().join(format!("sfa-team-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("team.sqlite");
    let location = path.to_str().unwrap().to_owned();
    run_team("sqlite", &location, || Sfa::open(&path).unwrap());
    sfa_testkit::remove_scratch_dir(&dir);
}

#[test]
fn four_processes_share_a_postgres_tenant() {
    let Some(url) = testing::url() else {
        eprintln!("skipped: SFA_TEST_POSTGRES is not set");
        return;
    };
    let tenant = testing::fresh_tenant();
    run_team("postgres", &tenant, || {
        Sfa::open_postgres(&url, &tenant).unwrap()
    });
}

/// What the workers acknowledged, from their stdout.
#[derive(Default)]
struct Acks {
    admins: usize,
    companies: Vec<String>,
    persons: Vec<String>,
    reports: Vec<String>,
    shared_versions: Vec<i64>,
    delivered: Vec<String>,
    checked: usize,
}

impl Acks {
    fn read(&mut self, stdout: &str) {
        for line in stdout.lines() {
            let (what, value) = line.split_once(' ').unwrap();
            match what {
                "admin" => self.admins += 1,
                "company" => self.companies.push(value.into()),
                "person" => self.persons.push(value.into()),
                "report" => self.reports.push(value.into()),
                "shared" => self.shared_versions.push(value.parse().unwrap()),
                "delivered" => self.delivered.push(value.into()),
                "checked" => self.checked += 1,
                other => panic!("unexpected worker output {other}"),
            }
        }
    }
}

fn run_team(backend: &str, location: &str, open: impl Fn() -> Sfa) {
    let children: Vec<_> = (0..PROCESSES)
        .map(|w| {
            Command::new(WORKER)
                .args([&w.to_string(), &ROUNDS.to_string(), backend, location])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    // Every worker's complaint, not only the first's: one process's failure can be
    // another's doing.
    let failures: Vec<String> = outputs
        .iter()
        .enumerate()
        .filter(|(_, out)| !out.status.success())
        .map(|(w, out)| format!("worker {w}: {}", String::from_utf8_lossy(&out.stderr)))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let mut acks = Acks::default();
    for out in outputs {
        acks.read(&String::from_utf8(out.stdout).unwrap());
    }

    // The first admin was made once, by one process.
    assert_eq!(acks.admins, 1);
    let sfa = open();
    let manager = sfa.session_by_email(MANAGER_EMAIL).unwrap();

    // Every acknowledged write is there.
    let writes = (PROCESSES * ROUNDS) as usize;
    assert_eq!(acks.companies.len(), writes + 1, "the shared company too");
    assert_eq!((acks.persons.len(), acks.reports.len()), (writes, writes));
    for id in &acks.companies {
        manager
            .get_company(id.parse::<CompanyId>().unwrap())
            .unwrap();
    }
    for id in &acks.persons {
        manager.get_person(id.parse::<PersonId>().unwrap()).unwrap();
    }
    for id in &acks.reports {
        let call = manager
            .get_interaction(id.parse::<InteractionId>().unwrap())
            .unwrap();
        assert_eq!(call.status, InteractionStatus::Done);
        assert_eq!(call.report_to, Some(manager.user_id()));
    }

    // No update of the shared company was lost or doubled: the versions the updates
    // produced are exactly 2..=1+updates, and the company is at the last of them.
    let mut versions = acks.shared_versions.clone();
    versions.sort_unstable();
    let expected: Vec<i64> = (2..=1 + writes as i64).collect();
    assert_eq!(versions, expected);
    let shared = manager
        .list_companies(&sfa_core::PageRequest::first(1000))
        .unwrap()
        .items
        .into_iter()
        .filter(|c| c.name == SHARED_COMPANY)
        .collect::<Vec<_>>();
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].version, 1 + writes as i64);

    // Each report made one notification; none was handed out twice, and whatever the
    // workers had not polled yet is still due, once.
    let delivered: HashSet<&String> = acks.delivered.iter().collect();
    assert_eq!(
        delivered.len(),
        acks.delivered.len(),
        "a notification was delivered twice"
    );
    let rest = manager.due_notifications(Utc::now()).unwrap();
    for n in &rest {
        assert!(
            !delivered.contains(&n.id.to_string()),
            "delivered, yet due again"
        );
    }
    assert_eq!(acks.delivered.len() + rest.len(), writes);

    // Every process found its index consistent, and so does a fresh handle.
    assert_eq!(acks.checked, PROCESSES as usize);
    let check = sfa.check_search_index().unwrap();
    assert!(check.is_consistent(), "{check:?}");
    assert_eq!(check.records, 2 * writes as u64 + 1);
}
