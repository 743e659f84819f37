//! A sales team's years of history, for the benchmarks: 50 users, 2,000 companies,
//! `n` interactions over the last two years and the next month (past ones reported, one
//! in twenty left planned), `n / 2` tasks (most completed), `n / 2` notifications (most
//! delivered) and `n / 2` deals (60% open). Users and companies are made through the
//! library; the history is written through the [`Store`] in one transaction, so any
//! store (a SQLite file, a PostgreSQL tenant) gets the same data from the same seed.

use sfa_core::store::{Store, WriteTx};
use sfa_core::{
    CompanyId, CompanyInput, Deal, DealId, DealStatus, Interaction, InteractionId, InteractionKind,
    InteractionStatus, Notification, NotificationId, NotificationKind, Session, Sfa, Task, TaskId,
    TaskKind, TaskStatus, Timestamp, UserId, UserInput,
};

use crate::Rng;

/// The team's users; the first is the admin (`bench@example.jp`).
pub const USERS: usize = 50;
/// The customer companies the history is about.
pub const COMPANIES: usize = 2000;

/// The bench team in an empty database: the admin `bench@example.jp` (acting in the
/// returned session) and `size - 1` members; returns the session and every user.
///
/// # Panics
/// When a write fails: this is benchmark setup.
pub fn team(sfa: &Sfa, size: usize) -> (Session, Vec<UserId>) {
    let admin = sfa
        .create_first_admin(&UserInput::admin("ベンチ 部長", "bench@example.jp"))
        .expect("admin");
    let me = sfa.session(admin.id).expect("session");
    let mut users = vec![admin.id];
    for u in 1..size {
        let user = me
            .add_user(&UserInput::member(
                format!("営業 {u}"),
                format!("sales{u}@example.jp"),
            ))
            .expect("user");
        users.push(user.id);
    }
    (me, users)
}

/// Seeds an empty database: `sfa` makes the users and companies (with its clock's
/// time), `store` (the same database) takes the history, as of `now`. Returns the users.
///
/// # Panics
/// When a write fails: this is benchmark setup.
pub fn seed(sfa: &Sfa, store: &dyn Store, now: Timestamp, n: usize) -> Vec<UserId> {
    let (users, companies) = {
        let (me, users) = team(sfa, USERS);
        let inputs: Vec<CompanyInput> = (0..COMPANIES)
            .map(|c| CompanyInput::named(format!("株式会社ベンチ{c}")))
            .collect();
        let companies: Vec<_> = me
            .add_companies(&inputs)
            .expect("companies")
            .into_iter()
            .map(|c| c.id)
            .collect();
        (users, companies)
    };
    let mut rng = Rng::new(2026);
    store
        .write(|tx| {
            let mut task_ids = Vec::with_capacity(n / 2);
            for _ in 0..n {
                let offset_minutes = rng.below(760 * 24 * 60) as i64 - 730 * 24 * 60;
                let start = now + chrono::Duration::minutes(offset_minutes);
                let me = users[rng.below(USERS)];
                let mut participants = vec![me];
                let other = users[rng.below(USERS)];
                if other != me && rng.below(3) == 0 {
                    participants.push(other);
                }
                let status = if start > now || rng.below(20) == 0 {
                    InteractionStatus::Planned
                } else {
                    InteractionStatus::Done
                };
                insert_interaction(tx, &companies, &mut rng, start, participants, status)?;
            }
            for t in 0..n / 2 {
                let assignee = users[rng.below(USERS)];
                let due = (now + chrono::Duration::days(rng.below(400) as i64 - 365)).date_naive();
                let open = rng.below(20) == 0;
                let task = Task {
                    id: TaskId::new(),
                    kind: TaskKind::Todo,
                    title: format!("フォロー {t}"),
                    description: None,
                    due_date: (rng.below(5) > 0).then_some(due),
                    remind_at: None,
                    assignee_id: assignee,
                    company_id: Some(companies[rng.below(COMPANIES)]),
                    person_id: None,
                    interaction_id: None,
                    deal_id: None,
                    status: if open {
                        TaskStatus::Open
                    } else {
                        TaskStatus::Completed
                    },
                    completed_at: (!open).then_some(now),
                    completed_by: (!open).then_some(assignee),
                    created_at: now,
                    created_by: assignee,
                    updated_at: now,
                    updated_by: assignee,
                    version: 1,
                };
                tx.insert_task(&task)?;
                task_ids.push((task.id, assignee, task.title));
            }
            for k in 0..n / 2 {
                let (task_id, user, title) = rng.pick(&task_ids);
                let due_at = now + chrono::Duration::minutes(rng.below(60 * 24 * 30) as i64)
                    - chrono::Duration::days(29);
                tx.insert_notification(&Notification {
                    id: NotificationId::new(),
                    user_id: *user,
                    kind: NotificationKind::ReminderDue,
                    task_id: *task_id,
                    task_title: title.clone(),
                    interaction_id: None,
                    due_at,
                    created_at: now,
                    delivered_at: (k % 20 != 0).then_some(due_at),
                })?;
            }
            for _ in 0..n / 2 {
                let owner = users[rng.below(USERS)];
                let open = rng.below(10) < 6;
                let close =
                    (now + chrono::Duration::days(rng.below(400) as i64 - 200)).date_naive();
                tx.insert_deal(&Deal {
                    id: DealId::new(),
                    company_id: companies[rng.below(COMPANIES)],
                    name: "ベンチ案件".into(),
                    owner_id: owner,
                    amount: Some(sfa_core::Decimal::new(rng.below(50_000_000) as i64 + 1, 0)),
                    expected_close_on: Some(close),
                    stage_id: None,
                    confidence_id: None,
                    campaign_id: None,
                    lines: Vec::new(),
                    notes: None,
                    status: if open {
                        DealStatus::Open
                    } else {
                        DealStatus::Won
                    },
                    closed_on: (!open).then_some(close),
                    lost_reason: None,
                    created_at: now,
                    created_by: owner,
                    updated_at: now,
                    updated_by: owner,
                    version: 1,
                })?;
            }
            Ok(())
        })
        .expect("seed history");
    users
}

fn insert_interaction(
    tx: &mut dyn WriteTx,
    companies: &[CompanyId],
    rng: &mut Rng,
    start: Timestamp,
    participants: Vec<UserId>,
    status: InteractionStatus,
) -> sfa_core::Result<()> {
    let by = participants[0];
    let i = Interaction {
        id: InteractionId::new(),
        company_id: companies[rng.below(COMPANIES)],
        kind: *rng.pick(InteractionKind::ALL),
        purpose: "定例訪問".into(),
        starts_at: start,
        ends_at: start + chrono::Duration::minutes(30 + rng.below(90) as i64),
        participant_ids: participants,
        person_ids: Vec::new(),
        location: None,
        notes: None,
        status,
        outcome: (status == InteractionStatus::Done).then(|| "報告済み".into()),
        report_to: None,
        reported_at: None,
        reported_by: None,
        cancel_reason: None,
        created_at: start,
        created_by: by,
        updated_at: start,
        updated_by: by,
        version: 1,
    };
    tx.insert_interaction(&i)
}
