//! The day screen at scale: a user's agenda, a notifications poll and the team board
//! on a database that holds a sales team's years of history, side by side with
//! hand-written SQL that returns the same rows from the same file.
//!
//! Run: `cargo bench --bench activity` (200k interactions, 100k tasks, 100k
//! notifications, 100k deals, 50 users in one team), or with a size:
//! `cargo bench --bench activity -- 20000`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use sfa_core::model::{Clock, format_timestamp};
use sfa_core::store::sqlite::SqliteStore;
use sfa_core::{AgendaRequest, BoardRequest, Sfa, TeamInput, UserId};
use sfa_testkit::history::{self, COMPANIES, USERS};
use sfa_testkit::{ManualClock, Rng, jst};

const CALLS: usize = 1000;
const BOARD_CALLS: usize = 100;

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(200_000);
    let dir = std::env::temp_dir().join(format!("sfa-bench-activity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("team.sqlite");
    let clock = ManualClock::at_jst(2026, 12, 1, 9, 0);

    let started = Instant::now();
    let users = {
        let sfa = Sfa::open(&path)
            .expect("open")
            .with_clock(Arc::new(clock.clone()));
        let store = SqliteStore::open(&path).expect("store");
        history::seed(&sfa, &store, clock.now(), n)
    };
    println!(
        "activity: {n} interactions, {} tasks, {} notifications, {USERS} users, {COMPANIES} companies (seeded in {:.1} s)",
        n / 2,
        n / 2,
        started.elapsed().as_secs_f64()
    );

    let sfa = Sfa::open(&path)
        .expect("open")
        .with_clock(Arc::new(clock.clone()));
    let raw = Connection::open(&path).expect("raw connection");
    let today = (jst(2026, 12, 1, 0, 0), jst(2026, 12, 2, 0, 0));

    let mut rng = Rng::new(11);
    let mut lib = Vec::with_capacity(CALLS);
    let mut base = Vec::with_capacity(CALLS);
    let mut rows = 0usize;
    for _ in 0..CALLS {
        let user = users[rng.below(USERS)];
        let me = sfa.session(user).expect("session");
        let t = Instant::now();
        let agenda = me.agenda(&AgendaRequest::default()).expect("agenda");
        lib.push(t.elapsed());
        let t = Instant::now();
        let (i, k) = baseline_agenda(&raw, user, today);
        base.push(t.elapsed());
        assert_eq!(
            (agenda.interactions.len(), agenda.tasks.len()),
            (i, k),
            "both paths return the same rows"
        );
        rows += i + k;
    }
    println!(
        "agenda for today ({CALLS} calls, {:.1} rows per agenda):",
        rows as f64 / CALLS as f64
    );
    report("library Session::agenda", &mut lib);
    report("hand-written SQL, same rows", &mut base);

    let mut lib = Vec::with_capacity(CALLS);
    let mut base = Vec::with_capacity(CALLS);
    for call in 0..CALLS {
        let user = users[rng.below(USERS)];
        let me = sfa.session(user).expect("session");
        // Each poll is a minute after the last, so earlier reservations have lapsed.
        let now = clock.now() + chrono::Duration::minutes(call as i64);
        let t = Instant::now();
        let found = baseline_poll(&raw, user, now);
        base.push(t.elapsed());
        let t = Instant::now();
        let due = me.due_notifications(now).expect("poll");
        lib.push(t.elapsed());
        assert_eq!(
            found,
            due.len(),
            "both paths see the same due notifications"
        );
    }
    println!("notifications poll ({CALLS} polls, reserving what is due):");
    report("library Session::due_notifications", &mut lib);
    report("hand-written SQL select", &mut base);

    // The team board: all 50 users in one team.
    let admin = sfa.session(users[0]).expect("session");
    let team = admin
        .add_team(&TeamInput {
            name: "全社営業".into(),
            member_ids: users.clone(),
        })
        .expect("team");
    let mut lib = Vec::with_capacity(BOARD_CALLS);
    let mut base = Vec::with_capacity(BOARD_CALLS);
    let mut deals = 0;
    for _ in 0..BOARD_CALLS {
        let me = sfa.session(users[rng.below(USERS)]).expect("session");
        let t = Instant::now();
        let board = me
            .team_board(&BoardRequest {
                team_id: team.id,
                ..BoardRequest::default()
            })
            .expect("board");
        lib.push(t.elapsed());
        let t = Instant::now();
        let figures = baseline_board(&raw, &users, clock.now());
        base.push(t.elapsed());
        for (m, (count, tasks)) in board.members.iter().zip(&figures) {
            assert_eq!(
                (m.open_deal_count, m.open_task_count, m.overdue_task_count),
                (*count, tasks.0, tasks.1),
                "both paths count the same"
            );
        }
        deals = board.members.iter().map(|m| m.open_deal_count).sum::<i64>();
    }
    println!(
        "team board, 50 members ({BOARD_CALLS} calls; {deals} open deals of {} on the board):",
        n / 2
    );
    report("library Session::team_board", &mut lib);
    report("hand-written SQL per member", &mut base);
    drop(sfa);
    let _ = std::fs::remove_dir_all(&dir);
}

fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    let pick = |q: f64| times[((times.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3;
    println!(
        "  {label:<38} p50 {:>7.3} ms   p99 {:>7.3} ms",
        pick(0.5),
        pick(0.99)
    );
}

/// The agenda's rows with plain SQL on the same schema and indexes: planned
/// interactions of the user overlapping today with their links, and open tasks due
/// by today or undated.
fn baseline_agenda(
    conn: &Connection,
    user: UserId,
    (start, end): (sfa_core::Timestamp, sfa_core::Timestamp),
) -> (usize, usize) {
    let mut interactions = conn
        .prepare_cached(
            "SELECT i.id, i.company_id, i.kind, i.purpose, i.starts_at, i.ends_at, i.location, i.notes \
             FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id \
             WHERE p.user_id = ?1 AND i.status = 'planned' AND i.starts_at < ?3 \
             AND (i.ends_at > ?2 OR i.starts_at >= ?2) ORDER BY i.starts_at, i.id",
        )
        .expect("prepare");
    let mut links = conn
        .prepare_cached(
            "SELECT user_id FROM interaction_participants WHERE interaction_id = ? ORDER BY position",
        )
        .expect("prepare");
    let mut persons = conn
        .prepare_cached(
            "SELECT person_id FROM interaction_persons WHERE interaction_id = ? ORDER BY position",
        )
        .expect("prepare");
    let ids: Vec<String> = interactions
        .query_map(
            params![
                user.to_string(),
                format_timestamp(&start),
                format_timestamp(&end)
            ],
            |r| r.get(0),
        )
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    for id in &ids {
        let _: Vec<String> = links
            .query_map([id], |r| r.get(0))
            .expect("links")
            .map(|r| r.expect("row"))
            .collect();
        let _: Vec<String> = persons
            .query_map([id], |r| r.get(0))
            .expect("persons")
            .map(|r| r.expect("row"))
            .collect();
    }
    let mut tasks = conn
        .prepare_cached(
            "SELECT id, title, due_date FROM tasks WHERE assignee_id = ?1 AND status = 'open' \
             AND (due_date IS NULL OR due_date <= ?2) ORDER BY due_date IS NULL, due_date, id",
        )
        .expect("prepare");
    let tasks = tasks
        .query_map(params![user.to_string(), "2026-12-01"], |r| {
            r.get::<_, String>(0)
        })
        .expect("tasks")
        .count();
    (ids.len(), tasks)
}

/// Per member, with plain SQL: open deals (amounts summed exactly), the interactions
/// of the 7 days either side, open and overdue tasks. Returns (open deals, (open
/// tasks, overdue tasks)) per member.
fn baseline_board(
    conn: &Connection,
    members: &[UserId],
    now: sfa_core::Timestamp,
) -> Vec<(i64, (i64, i64))> {
    let mut deals = conn
        .prepare_cached(
            "SELECT amount, stage_id, confidence_id FROM deals WHERE owner_id = ? AND status = 'open'",
        )
        .expect("prepare");
    let mut interactions = conn
        .prepare_cached(
            "SELECT i.id FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id \
             WHERE p.user_id = ?1 AND i.starts_at >= ?2 AND i.starts_at < ?3",
        )
        .expect("prepare");
    let mut tasks = conn
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE due_date < ?2) FROM tasks \
             WHERE assignee_id = ?1 AND status = 'open'",
        )
        .expect("prepare");
    let from = format_timestamp(&(now - chrono::Duration::days(7)));
    let to = format_timestamp(&(now + chrono::Duration::days(7)));
    let today = now
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("offset"))
        .date_naive()
        .to_string();
    members
        .iter()
        .map(|m| {
            let id = m.to_string();
            let mut count = 0i64;
            let mut total = sfa_core::Decimal::ZERO;
            let rows = deals
                .query_map([&id], |r| r.get::<_, Option<String>>(0))
                .expect("deals");
            for amount in rows {
                count += 1;
                if let Some(a) = amount.expect("row") {
                    total += a.parse::<sfa_core::Decimal>().expect("decimal");
                }
            }
            let _ = interactions
                .query_map(params![id, from, to], |r| r.get::<_, String>(0))
                .expect("interactions")
                .count();
            let t: (i64, i64) = tasks
                .query_row(params![id, today], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("tasks");
            (count, (t.0, t.1))
        })
        .collect()
}

/// The due, undelivered, unreserved notifications of the user, with plain SQL.
fn baseline_poll(conn: &Connection, user: UserId, now: sfa_core::Timestamp) -> usize {
    let now = format_timestamp(&now);
    conn.prepare_cached(
        "SELECT n.id, n.kind, n.task_id, t.title FROM notifications n JOIN tasks t ON t.id = n.task_id \
         WHERE n.user_id = ?1 AND n.delivered_at IS NULL AND n.due_at <= ?2 \
         AND (n.claimed_until IS NULL OR n.claimed_until <= ?2) ORDER BY n.due_at, n.id LIMIT 200",
    )
    .expect("prepare")
    .query_map(params![user.to_string(), now], |r| r.get::<_, String>(0))
    .expect("poll")
    .count()
}
