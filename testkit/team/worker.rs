//! A child process of the multi-process team test (`tests/team_processes.rs`): one of
//! several processes running a sales team's day on one shared database (a SQLite file,
//! or a PostgreSQL tenant). It races the others to bootstrap the first admin, then, as
//! its own salesperson, for each of `rounds`: adds a company and a person there, logs a
//! call whose report asks the manager to confirm, renames the one company every process
//! shares (retrying on `Conflict`), and searches for its own new company; every few
//! rounds it polls the manager's notifications and marks them delivered. At the end it
//! checks the search index against the database.
//!
//! The process that wins the bootstrap also makes the shared company the others wait for.
//!
//! Every acknowledged write is printed on stdout, one per line, for the parent to check:
//! `admin <id>` (won the bootstrap), `company <id>`, `person <id>`, `report <id>`,
//! `shared <version>` (the shared company's version this process's update produced),
//! `delivered <notification id>`, and finally `checked <records>`.
//!
//! Usage: `sfa-team-worker <worker number> <rounds> sqlite <path>` or
//! `sfa-team-worker <worker number> <rounds> postgres <tenant>` (the URL in
//! `SFA_TEST_POSTGRES`), and `writes-only` last to leave out the searches, the
//! deliveries and the check (the write-throughput benchmark, `benches/backends.rs`).

use chrono::{Duration, Utc};
use sfa_core::{
    CompanyId, CompanyInput, Error, InteractionInput, InteractionKind, PageRequest, PersonInput,
    ReportInput, SearchRequest, Session, Sfa, UserInput,
};
use sfa_testkit::team::{MANAGER_EMAIL, SHARED_COMPANY};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let writes_only = args.get(4).map(String::as_str) == Some("writes-only");
    let parsed = match args.get(..4) {
        Some([worker, rounds, backend, location]) if args.len() == 4 || writes_only => worker
            .parse::<u64>()
            .ok()
            .zip(rounds.parse::<u64>().ok())
            .map(|(w, r)| (w, r, backend.as_str(), location.as_str())),
        _ => None,
    };
    let Some((worker, rounds, backend, location)) = parsed else {
        eprintln!(
            "usage: sfa-team-worker <worker> <rounds> (sqlite <path> | postgres <tenant>) [writes-only]"
        );
        std::process::exit(2);
    };
    let day = Day {
        worker,
        rounds,
        writes_only,
    };
    if let Err(e) = open(backend, location).and_then(|sfa| day.run(&sfa)) {
        eprintln!("worker {worker}: {e}");
        std::process::exit(1);
    }
}

fn open(backend: &str, location: &str) -> Result<Sfa, String> {
    match backend {
        "sqlite" => Sfa::open(location).map_err(|e| e.to_string()),
        "postgres" => {
            let url =
                sfa_core::store::postgres::testing::url().ok_or("SFA_TEST_POSTGRES is not set")?;
            Sfa::open_postgres(&url, location).map_err(|e| e.to_string())
        }
        other => Err(format!("unknown backend {other}")),
    }
}

fn text<T>(r: sfa_core::Result<T>) -> Result<T, String> {
    r.map_err(|e| e.to_string())
}

/// One process's part of the team's day.
struct Day {
    worker: u64,
    rounds: u64,
    writes_only: bool,
}

impl Day {
    fn run(&self, sfa: &Sfa) -> Result<(), String> {
        let Day {
            worker,
            rounds,
            writes_only,
        } = *self;
        // Every process tries the bootstrap at once: exactly one may win.
        match sfa.create_first_admin(&UserInput::admin("部長 一郎", MANAGER_EMAIL)) {
            Ok(admin) => {
                println!("admin {}", admin.id);
                let manager = text(sfa.session(admin.id))?;
                let shared = text(manager.add_company(&CompanyInput::named(SHARED_COMPANY)))?;
                println!("company {}", shared.id);
            }
            Err(Error::PermissionDenied { .. }) => {}
            Err(e) => return Err(format!("bootstrap: {e}")),
        }
        let manager = text(sfa.session_by_email(MANAGER_EMAIL))?;
        let me = text(manager.add_user(&UserInput::member(
            format!("営業 {worker}号"),
            format!("sales{worker}@example.jp"),
        )))?;
        let me = text(sfa.session(me.id))?;
        let shared = shared_company(&manager)?;

        for round in 0..rounds {
            let name = format!(
                "{}工業{worker}の{round}",
                ["北辰", "南海", "東邦", "西京"][worker as usize % 4]
            );
            let company = text(me.add_company(&CompanyInput::named(name.clone())))?;
            println!("company {}", company.id);
            let person = text(me.add_person(&PersonInput::named(
                company.id,
                format!("担当 {worker}の{round}"),
            )))?;
            println!("person {}", person.id);

            let start = Utc::now() - Duration::hours(2);
            let call = InteractionInput {
                company_id: company.id,
                kind: InteractionKind::Call,
                purpose: "導入のご相談".into(),
                starts_at: start,
                ends_at: start + Duration::minutes(30),
                participant_ids: vec![me.user_id()],
                person_ids: vec![person.id],
                location: None,
                notes: None,
            };
            let report = ReportInput {
                report_to: Some(manager.user_id()),
                ..ReportInput::outcome("見積を依頼された")
            };
            let logged = text(me.log_interaction(&call, &report))?;
            println!("report {}", logged.id);

            println!("shared {}", rename_shared(&me, shared, worker, round)?);
            if writes_only {
                continue;
            }

            let hits = text(me.search(&SearchRequest::new(&name)))?;
            if !hits.iter().any(|h| h.id == company.id.to_string()) {
                return Err(format!(
                    "round {round}: its own committed company was not found"
                ));
            }
            if round % 4 == 3 {
                deliver(&manager)?;
            }
        }
        if writes_only {
            return Ok(());
        }
        deliver(&manager)?;

        let check = text(sfa.check_search_index())?;
        if !check.is_consistent() {
            return Err(format!("the index disagrees with the database: {check:?}"));
        }
        println!("checked {}", check.records);
        Ok(())
    }
}

/// The shared company, once the bootstrap winner has made it.
fn shared_company(manager: &Session) -> Result<CompanyId, String> {
    for _ in 0..200 {
        let page = text(manager.list_companies(&PageRequest::first(10)))?;
        if let Some(c) = page.items.iter().find(|c| c.name == SHARED_COMPANY) {
            return Ok(c.id);
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    Err("the bootstrap winner never made the shared company".into())
}

/// Renames the shared company from its latest version, retrying while another process
/// wins the race; returns the version this update produced.
fn rename_shared(me: &Session, id: CompanyId, worker: u64, round: u64) -> Result<i64, String> {
    loop {
        let current = text(me.get_company(id))?;
        let input = CompanyInput {
            notes: Some(format!("最終更新 {worker}号 {round}回目")),
            ..CompanyInput::named(current.name)
        };
        match me.update_company(id, current.version, &input) {
            Ok(updated) => return Ok(updated.version),
            Err(Error::Conflict { .. }) => continue,
            Err(e) => return Err(format!("update of the shared company: {e}")),
        }
    }
}

/// Polls the manager's due notifications (reserving them) and marks them delivered.
fn deliver(manager: &Session) -> Result<(), String> {
    loop {
        let due = text(manager.due_notifications(Utc::now()))?;
        if due.is_empty() {
            return Ok(());
        }
        let ids: Vec<_> = due.iter().map(|n| n.id).collect();
        text(manager.mark_delivered(&ids))?;
        for id in ids {
            println!("delivered {id}");
        }
    }
}
