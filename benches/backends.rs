//! The team server's store beside the embedded default, in the same run: the same
//! library calls on a SQLite file and on a PostgreSQL tenant, each seeded with the same
//! team history (`testkit/history.rs`): `add_company`, `report_interaction` (a call
//! report that asks the manager to confirm) and `agenda`, p50/p99; then 4 writer
//! processes (`sfa-team-worker … writes-only`: company, person, reported call, an update
//! of one shared company racing on its version) on a fresh database of each kind:
//! writes per second.
//!
//! Run with a PostgreSQL server that syncs its commits, as SQLite's synchronous=FULL does:
//!
//! ```text
//! dir=$(bash scripts/pg-cluster.sh start --durable)
//! SFA_TEST_POSTGRES="host=$dir user=postgres dbname=postgres" cargo bench --bench backends
//! bash scripts/pg-cluster.sh stop "$dir"
//! ```
//!
//! Sizes: `-- 50000` interactions of history (the default), 500 timed calls of each kind.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use sfa_core::model::Clock;
use sfa_core::store::Store;
use sfa_core::store::postgres::{PostgresOptions, PostgresStore, testing};
use sfa_core::store::sqlite::SqliteStore;
use sfa_core::{
    AgendaRequest, CompanyInput, InteractionInput, InteractionKind, ReportInput, Sfa, UserId,
};
use sfa_testkit::history::{self, USERS};
use sfa_testkit::{ManualClock, Rng};

const CALLS: usize = 500;
const WRITERS: u64 = 4;
const ROUNDS: u64 = 100;
const WORKER: &str = env!("CARGO_BIN_EXE_sfa-team-worker");

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(50_000);
    let Some(url) = testing::url() else {
        eprintln!(
            "backends: set SFA_TEST_POSTGRES to a PostgreSQL server (see the header of benches/backends.rs)"
        );
        std::process::exit(2);
    };
    let dir = std::env::temp_dir().join(format!("sfa-bench-backends-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!(
        "backends: {n} interactions of history, {USERS} users; {CALLS} timed calls of each kind"
    );

    let sqlite_path = dir.join("team.sqlite");
    let tenant = testing::fresh_tenant();
    let backends = [
        Backend::Sqlite(&sqlite_path),
        Backend::Postgres {
            url: &url,
            tenant: &tenant,
        },
    ];
    let mut rows = Vec::new();
    for backend in &backends {
        let clock = ManualClock::at_jst(2026, 12, 1, 9, 0);
        let (sfa, store) = backend.open(&clock);
        let t = Instant::now();
        let users = history::seed(&sfa, store.as_ref(), clock.now(), n);
        let name = backend.name();
        println!("  {name}: seeded in {:.1} s", t.elapsed().as_secs_f64());
        rows.push((name, calls(&sfa, &clock, &users)));
    }
    for (kind, label) in [(0, "add_company"), (1, "report_interaction"), (2, "agenda")] {
        println!("{label}:");
        for (name, timed) in &mut rows {
            report(name, &mut timed[kind]);
        }
    }

    println!(
        "{WRITERS} writer processes x {ROUNDS} rounds (4 writes each: company, person, reported call, shared update):"
    );
    let procs = dir.join("procs.sqlite");
    let fresh_tenant = testing::fresh_tenant();
    for (name, backend, location) in [
        ("SQLite file", "sqlite", procs.to_str().expect("utf-8 path")),
        ("PostgreSQL tenant", "postgres", fresh_tenant.as_str()),
    ] {
        let secs = writers(backend, location);
        let writes = (WRITERS * ROUNDS * 4) as f64;
        println!(
            "  {name:<20} {writes:.0} writes in {secs:.2} s = {:>6.0} writes/s",
            writes / secs
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A database of each kind, opened as a handle (with the benchmark's clock) and as a
/// store (for seeding).
enum Backend<'a> {
    Sqlite(&'a Path),
    Postgres { url: &'a str, tenant: &'a str },
}

impl Backend<'_> {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite file",
            Backend::Postgres { .. } => "PostgreSQL tenant",
        }
    }

    fn open(&self, clock: &ManualClock) -> (Sfa, Arc<dyn Store>) {
        let (sfa, store): (Sfa, Arc<dyn Store>) = match *self {
            Backend::Sqlite(path) => (
                Sfa::open(path).expect("open"),
                Arc::new(SqliteStore::open(path).expect("store")),
            ),
            Backend::Postgres { url, tenant } => (
                Sfa::open_postgres(url, tenant).expect("open"),
                Arc::new(
                    PostgresStore::open(url, tenant, PostgresOptions::default()).expect("store"),
                ),
            ),
        };
        (sfa.with_clock(Arc::new(clock.clone())), store)
    }
}

/// Times `CALLS` each of add_company, report_interaction and agenda.
fn calls(sfa: &Sfa, clock: &ManualClock, users: &[UserId]) -> [Vec<Duration>; 3] {
    let mut rng = Rng::new(7);
    let manager = users[0];
    let mut add = Vec::with_capacity(CALLS);
    let mut reports = Vec::with_capacity(CALLS);
    let mut agenda = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let me = sfa.session(users[rng.below(USERS)]).expect("session");
        let t = Instant::now();
        me.agenda(&AgendaRequest::default()).expect("agenda");
        agenda.push(t.elapsed());
    }
    // Calls planned for this afternoon, reported once they are over.
    let start = clock.now() + Span::hours(4);
    let mut planned = Vec::with_capacity(CALLS);
    for k in 0..CALLS {
        let me = sfa.session(users[1 + k % (USERS - 1)]).expect("session");
        let t = Instant::now();
        let company = me
            .add_company(&CompanyInput::named(format!("株式会社計測{k}")))
            .expect("company");
        add.push(t.elapsed());
        let call = me
            .plan_interaction(&InteractionInput {
                company_id: company.id,
                kind: InteractionKind::Call,
                purpose: "導入のご相談".into(),
                starts_at: start,
                ends_at: start + Span::minutes(30),
                participant_ids: vec![me.user_id()],
                person_ids: Vec::new(),
                location: None,
                notes: None,
            })
            .expect("plan");
        planned.push((me, call));
    }
    clock.advance(Span::hours(6));
    for (me, call) in planned {
        let input = ReportInput {
            report_to: Some(manager),
            ..ReportInput::outcome("見積を依頼された")
        };
        let t = Instant::now();
        me.report_interaction(call.id, call.version, &input)
            .expect("report");
        reports.push(t.elapsed());
    }
    [add, reports, agenda]
}

/// Runs the writer processes on one fresh database; returns the wall time.
fn writers(backend: &str, location: &str) -> f64 {
    let t = Instant::now();
    let children: Vec<_> = (0..WRITERS)
        .map(|w| {
            Command::new(WORKER)
                .args([
                    &w.to_string(),
                    &ROUNDS.to_string(),
                    backend,
                    location,
                    "writes-only",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("worker")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("worker");
        assert!(
            out.status.success(),
            "a writer failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let secs = t.elapsed().as_secs_f64();
    if backend == "sqlite" {
        let _ = std::fs::remove_file(Path::new(location));
    }
    secs
}

fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    println!(
        "  {label:<20} p50 {:>7.3} ms   p99 {:>7.3} ms",
        pick(0.5),
        pick(0.99)
    );
}
