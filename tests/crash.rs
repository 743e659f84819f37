//! Crash safety under `kill -9`: a child process (`sfa-crash-writer`,
//! `testkit/crash/writer.rs`) does mixed writes and acknowledges each committed one on
//! a pipe; it is killed at random moments, and after every kill the database is
//! reopened and checked: `PRAGMA integrity_check` is ok, every acknowledged write is
//! there and whole, nothing half-written is visible (a CSV import is all or nothing, a
//! deal's amount is its lines' sum, a report always has its confirmation task), and
//! the search index agrees with the database (same ids, same searchable text).
//!
//! CI runs 100 kills (`cargo test --test crash`). The long run is
//! `SFA_CRASH_KILLS=1000 SFA_CRASH_SEED=7 cargo test --release --test crash -- --nocapture`.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sfa_core::{CompanyId, DealId, DealStatus, InteractionId, PersonId, Sfa, TaskKind};
use sfa_testkit::Rng;
use sfa_testkit::crash::{ADMIN_EMAIL, card_image};

const WRITER: &str = env!("CARGO_BIN_EXE_sfa-crash-writer");

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Everything acknowledged so far, across all runs.
#[derive(Default)]
struct Acked {
    /// Company id -> (version, name) of its latest acknowledged state.
    companies: HashMap<String, (i64, String)>,
    persons: Vec<(String, String)>,
    reports: Vec<String>,
    deals: Vec<(String, String)>,
    won: Vec<String>,
    cards: Vec<(String, u64, u64)>,
    begun: Vec<String>,
    batches: Vec<String>,
    total: u64,
}

impl Acked {
    fn record(&mut self, line: &str) {
        let parts: Vec<&str> = line.splitn(4, ' ').collect();
        self.total += 1;
        match parts.as_slice() {
            ["company", id, version, name] => {
                let version: i64 = version.parse().unwrap();
                let entry = self
                    .companies
                    .entry((*id).to_string())
                    .or_insert((0, String::new()));
                if version > entry.0 {
                    *entry = (version, (*name).to_string());
                }
            }
            ["person", id, company] => self.persons.push((id.to_string(), company.to_string())),
            ["report", id] => self.reports.push(id.to_string()),
            ["deal", id, amount] => self.deals.push((id.to_string(), amount.to_string())),
            ["won", id] => self.won.push(id.to_string()),
            ["card", id, seed, n] => {
                self.cards
                    .push((id.to_string(), seed.parse().unwrap(), n.parse().unwrap()));
            }
            ["begin", prefix] => self.begun.push(prefix.to_string()),
            ["batch", prefix] => self.batches.push(prefix.to_string()),
            _ => panic!("unexpected acknowledgement: {line}"),
        }
    }
}

/// Runs the writer with `seed` for `run_for`, kills it with SIGKILL and returns the
/// complete lines it acknowledged (a line cut by the kill is not an acknowledgement).
fn run_and_kill(db: &Path, seed: u64, run_for: Duration) -> Vec<String> {
    let mut child = Command::new(WRITER)
        .arg(db)
        .arg(seed.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        let mut reader = BufReader::new(stdout);
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(done) = line.strip_suffix('\n') {
                lines.push(done.to_string());
            }
            line.clear();
        }
        lines
    });
    std::thread::sleep(run_for);
    let exited = child.try_wait().unwrap();
    if exited.is_none() {
        child.kill().unwrap(); // SIGKILL on Unix
    }
    let status = child.wait().unwrap();
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert!(
        exited.is_none(),
        "the writer stopped by itself ({status}): {err}"
    );
    reader.join().unwrap()
}

fn check(db: &Path, acked: &Acked) {
    {
        let raw = rusqlite::Connection::open(db).unwrap();
        let integrity: String = raw
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(integrity, "ok");
        // On a loaded machine the first kill can land before the schema is made:
        // nothing was acknowledged then, and the next open makes it.
        let tables: i64 = raw
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'interactions'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if tables == 0 {
            assert_eq!(acked.total, 0, "acknowledged writes, and no schema");
            return;
        }
        // A report and its confirmation task are written in one transaction.
        let orphans: i64 = raw
            .query_row(
                "SELECT count(*) FROM interactions i WHERE i.report_to IS NOT NULL AND NOT EXISTS
                   (SELECT 1 FROM tasks t WHERE t.interaction_id = i.id AND t.kind = 'confirmation')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(orphans, 0, "a report without its confirmation task");
        // A CSV import is all or nothing.
        for prefix in &acked.begun {
            let n: i64 = raw
                .query_row(
                    "SELECT count(*) FROM companies WHERE name LIKE ?1 || '-%'",
                    [prefix],
                    |r| r.get(0),
                )
                .unwrap();
            let expected = if acked.batches.contains(prefix) {
                20
            } else {
                n
            };
            assert!(n == 0 || n == 20, "import {prefix} is half there: {n} rows");
            assert_eq!(n, expected, "acknowledged import {prefix} lost");
        }
    }
    let sfa = Sfa::open(db).unwrap();
    let index = sfa.check_search_index().unwrap();
    assert!(index.is_consistent(), "search index disagrees: {index:?}");
    // A kill can also land between the schema and the first admin's commit (the first
    // run lasts 150 ms, and a loaded machine can spend that opening): nothing was
    // acknowledged then either, and the next run creates the admin.
    if !sfa.has_users().unwrap() {
        assert_eq!(acked.total, 0, "acknowledged writes, and no users");
        return;
    }
    let me = sfa.session_by_email(ADMIN_EMAIL).unwrap();
    for (id, (version, name)) in &acked.companies {
        let c = me.get_company(id.parse::<CompanyId>().unwrap()).unwrap();
        assert!(c.version >= *version, "company {id} went back a version");
        if c.version == *version {
            assert_eq!(&c.name, name);
        }
    }
    for (id, company) in &acked.persons {
        let p = me.get_person(id.parse::<PersonId>().unwrap()).unwrap();
        assert_eq!(&p.company_id.to_string(), company);
    }
    for id in &acked.reports {
        let id: InteractionId = id.parse().unwrap();
        assert!(me.get_interaction(id).unwrap().outcome.is_some());
        let tasks = me.interaction_tasks(id).unwrap();
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].kind, TaskKind::Confirmation);
    }
    for (id, amount) in &acked.deals {
        let d = me.get_deal(id.parse::<DealId>().unwrap()).unwrap();
        assert_eq!(d.amount.unwrap().to_string(), *amount);
        let sum: sfa_core::Decimal = d.lines.iter().map(|l| l.amount).sum();
        assert_eq!(d.amount, Some(sum));
        assert_eq!(d.lines.len(), 2);
    }
    for id in &acked.won {
        let d = me.get_deal(id.parse::<DealId>().unwrap()).unwrap();
        assert_eq!(d.status, DealStatus::Won);
    }
    for (id, seed, n) in &acked.cards {
        let image = me.card_image(id.parse().unwrap()).unwrap();
        assert!(image == card_image(*seed, *n), "card {id} image differs");
    }
}

#[test]
fn acknowledged_writes_survive_kill_9() {
    let kills = env_number("SFA_CRASH_KILLS", 100);
    let seed = env_number("SFA_CRASH_SEED", 2026);
    let dir = std::env::temp_dir().join(format!("sfa-crash-{}-{seed}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("crash.sqlite");
    let mut rng = Rng::new(seed);
    let mut acked = Acked::default();
    let started = Instant::now();
    for kill in 0..kills {
        // The first run also creates the schema; later kills land anywhere from the
        // open (catching up the index) to deep in a run (a write takes about a
        // millisecond, its index catch-up runs in the background).
        let run_for = Duration::from_millis(if kill == 0 {
            150
        } else {
            5 + rng.below(60) as u64
        });
        for line in run_and_kill(&db, seed * 100_000 + kill, run_for) {
            acked.record(&line);
        }
        check(&db, &acked);
    }
    println!(
        "{kills} kills, {} acknowledged writes ({} companies, {} persons, {} reports, {} deals, {} won, {} cards, {} imports), all present, in {:.1} s",
        acked.total,
        acked.companies.len(),
        acked.persons.len(),
        acked.reports.len(),
        acked.deals.len(),
        acked.won.len(),
        acked.cards.len(),
        acked.batches.len(),
        started.elapsed().as_secs_f64()
    );
    assert!(
        acked.total > kills,
        "too few writes were acknowledged to mean anything"
    );
    sfa_testkit::remove_scratch_dir(&dir);
}
