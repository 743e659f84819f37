#![allow(clippy::unwrap_used)]
//! Tasks, reminders and the notifications outbox end to end: requests notify their
//! assignee, reminders move with `remind_at`, who may complete or reopen, and the
//! outbox neither loses nor double-delivers across restarts and concurrent pollers.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Duration;
use sfa_core::model::Clock;
use sfa_core::store::sqlite::SqliteStore;
use sfa_core::{
    Entity, Error, NotificationId, NotificationKind, Reason, Sfa, TaskInput, TaskKind, TaskStatus,
    UserId,
};
use sfa_testkit::{Office, date, field_error, jst};

fn kinds(n: &[sfa_core::Notification]) -> Vec<NotificationKind> {
    n.iter().map(|n| n.kind).collect()
}

#[test]
fn an_own_task_notifies_nobody_until_its_reminder_is_due() {
    let o = Office::new();
    let task = o
        .hanako
        .add_task(&TaskInput {
            description: Some("見積書を PDF で送付\n金額は税込".into()),
            due_date: Some(date(2026, 12, 3)),
            remind_at: Some(jst(2026, 12, 2, 9, 0)),
            company_id: Some(o.company.id),
            person_id: Some(o.takahashi.id),
            ..TaskInput::titled(" 見積書を送る ")
        })
        .unwrap();
    assert_eq!(task.title, "見積書を送る");
    assert_eq!(task.kind, TaskKind::Todo);
    assert_eq!(task.assignee_id, o.hanako.user_id());
    assert!(!task.is_request());
    assert_eq!(o.hanako.get_task(task.id).unwrap(), task);

    assert!(
        o.hanako
            .due_notifications(o.clock.now())
            .unwrap()
            .is_empty()
    );
    let before = jst(2026, 12, 2, 8, 59);
    assert!(o.hanako.due_notifications(before).unwrap().is_empty());
    let due = o.hanako.due_notifications(jst(2026, 12, 2, 9, 0)).unwrap();
    assert_eq!(kinds(&due), vec![NotificationKind::ReminderDue]);
    assert_eq!(due[0].task_id, task.id);
    assert_eq!(due[0].task_title, "見積書を送る");
    assert_eq!(due[0].due_at, jst(2026, 12, 2, 9, 0));
}

#[test]
fn a_request_to_another_user_notifies_them_at_once() {
    let o = Office::new();
    let task = o
        .manager
        .add_task(&TaskInput {
            assignee_id: Some(o.hanako.user_id()),
            ..TaskInput::titled("来期予算の資料作成")
        })
        .unwrap();
    assert!(task.is_request());
    assert_eq!(task.created_by, o.manager.user_id());
    let due = o.hanako.due_notifications(o.clock.now()).unwrap();
    assert_eq!(kinds(&due), vec![NotificationKind::TaskAssigned]);
    assert!(
        o.manager
            .due_notifications(o.clock.now())
            .unwrap()
            .is_empty()
    );

    // Handing it on to 次郎 notifies 次郎.
    let moved = o
        .hanako
        .update_task(
            task.id,
            task.version,
            &TaskInput {
                assignee_id: Some(o.jiro.user_id()),
                ..task.input()
            },
        )
        .unwrap();
    assert_eq!(moved.assignee_id, o.jiro.user_id());
    let due = o.jiro.due_notifications(o.clock.now()).unwrap();
    assert_eq!(kinds(&due), vec![NotificationKind::TaskAssigned]);
}

#[test]
fn the_assignee_the_requester_and_admins_may_complete_or_reopen() {
    let o = Office::new();
    let task = o
        .jiro
        .add_task(&TaskInput {
            assignee_id: Some(o.hanako.user_id()),
            ..TaskInput::titled("議事録の共有")
        })
        .unwrap();
    let denied = o.outsider.complete_task(task.id, task.version);
    assert!(
        matches!(denied, Err(Error::PermissionDenied { .. })),
        "{denied:?}"
    );
    let denied = o.outsider.update_task(task.id, task.version, &task.input());
    assert!(
        matches!(denied, Err(Error::PermissionDenied { .. })),
        "{denied:?}"
    );
    assert_eq!(o.hanako.get_task(task.id).unwrap(), task);

    let done = o.hanako.complete_task(task.id, task.version).unwrap();
    assert_eq!(done.status, TaskStatus::Completed);
    assert_eq!(done.completed_by, Some(o.hanako.user_id()));
    assert_eq!(done.completed_at, Some(o.clock.now()));
    let twice = o.hanako.complete_task(done.id, done.version);
    assert_eq!(
        field_error(twice),
        (Entity::Task, "status", Reason::NotWhile("completed"))
    );
    let open = o.jiro.reopen_task(done.id, done.version).unwrap();
    assert_eq!(open.status, TaskStatus::Open);
    assert_eq!(open.completed_at, None);
    let done = o.manager.complete_task(open.id, open.version).unwrap();
    assert_eq!(done.completed_by, Some(o.manager.user_id()));
    let stale = o.jiro.reopen_task(done.id, open.version);
    assert!(matches!(stale, Err(Error::Conflict { .. })), "{stale:?}");
}

#[test]
fn changing_or_clearing_remind_at_moves_or_withdraws_the_reminder() {
    let o = Office::new();
    let first = jst(2026, 12, 2, 9, 0);
    let later = jst(2026, 12, 3, 9, 0);
    let task = o
        .hanako
        .add_task(&TaskInput {
            remind_at: Some(first),
            ..TaskInput::titled("電話する")
        })
        .unwrap();
    let moved = o
        .hanako
        .update_task(
            task.id,
            task.version,
            &TaskInput {
                remind_at: Some(later),
                ..task.input()
            },
        )
        .unwrap();
    assert!(o.hanako.due_notifications(first).unwrap().is_empty());
    let due = o.hanako.due_notifications(later).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].due_at, later);

    // A title change alone leaves the queued reminder alone (no second copy).
    let renamed = o
        .hanako
        .update_task(
            task.id,
            moved.version,
            &TaskInput {
                title: "高橋様に電話する".into(),
                ..moved.input()
            },
        )
        .unwrap();
    let after_claim = later + Duration::minutes(5);
    let due = o.hanako.due_notifications(after_claim).unwrap();
    assert_eq!(due.len(), 1, "the one reminder, handed out again");
    assert_eq!(due[0].task_title, "高橋様に電話する");

    let cleared = o
        .hanako
        .update_task(
            task.id,
            renamed.version,
            &TaskInput {
                remind_at: None,
                ..renamed.input()
            },
        )
        .unwrap();
    assert_eq!(cleared.remind_at, None);
    assert!(
        o.hanako
            .due_notifications(later + Duration::days(30))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn completing_withdraws_the_reminder_and_reopening_queues_it_again() {
    let o = Office::new();
    let remind = jst(2026, 12, 5, 9, 0);
    let task = o
        .hanako
        .add_task(&TaskInput {
            remind_at: Some(remind),
            ..TaskInput::titled("契約書の回収")
        })
        .unwrap();
    let done = o.hanako.complete_task(task.id, task.version).unwrap();
    assert!(o.hanako.due_notifications(remind).unwrap().is_empty());

    // A completed task takes no new reminder; other edits keep the old value.
    let refused = o.hanako.update_task(
        done.id,
        done.version,
        &TaskInput {
            remind_at: Some(jst(2026, 12, 6, 9, 0)),
            ..done.input()
        },
    );
    assert_eq!(
        field_error(refused),
        (Entity::Task, "remind_at", Reason::NotWhile("completed"))
    );
    let noted = o
        .hanako
        .update_task(
            done.id,
            done.version,
            &TaskInput {
                description: Some("原本は郵送".into()),
                ..done.input()
            },
        )
        .unwrap();
    assert!(o.hanako.due_notifications(remind).unwrap().is_empty());

    let open = o.hanako.reopen_task(noted.id, noted.version).unwrap();
    let due = o.hanako.due_notifications(remind).unwrap();
    assert_eq!(kinds(&due), vec![NotificationKind::ReminderDue]);
    assert_eq!(due[0].task_id, open.id);
}

#[test]
fn bad_task_input_names_the_field_and_stores_nothing() {
    let o = Office::new();
    assert_eq!(
        field_error(o.hanako.add_task(&TaskInput::titled(""))),
        (Entity::Task, "title", Reason::Required)
    );
    let cases = [
        (
            TaskInput {
                assignee_id: Some(UserId::new()),
                ..TaskInput::titled("x")
            },
            "assignee_id",
        ),
        (
            TaskInput {
                company_id: Some(sfa_core::CompanyId::new()),
                ..TaskInput::titled("x")
            },
            "company_id",
        ),
        (
            TaskInput {
                person_id: Some(sfa_core::PersonId::new()),
                ..TaskInput::titled("x")
            },
            "person_id",
        ),
        (
            TaskInput {
                interaction_id: Some(sfa_core::InteractionId::new()),
                ..TaskInput::titled("x")
            },
            "interaction_id",
        ),
    ];
    for (input, field) in cases {
        assert_eq!(
            field_error(o.hanako.add_task(&input)),
            (Entity::Task, field, Reason::UnknownReference)
        );
    }
    let saburo = o.deactivate(&o.outsider);
    let inactive = o.hanako.add_task(&TaskInput {
        assignee_id: Some(saburo),
        ..TaskInput::titled("x")
    });
    assert_eq!(
        field_error(inactive),
        (Entity::Task, "assignee_id", Reason::Inactive)
    );
    let agenda = o
        .hanako
        .agenda(&sfa_core::AgendaRequest::default())
        .unwrap();
    assert!(agenda.tasks.is_empty(), "no refused task was stored");
}

#[test]
fn mark_delivered_is_idempotent_and_refuses_unknown_ids_whole() {
    let o = Office::new();
    for n in 0..3 {
        o.manager
            .add_task(&TaskInput {
                assignee_id: Some(o.hanako.user_id()),
                ..TaskInput::titled(format!("依頼 {n}"))
            })
            .unwrap();
    }
    let now = o.clock.now();
    let due = o.hanako.due_notifications(now).unwrap();
    assert_eq!(due.len(), 3);
    let ids: Vec<NotificationId> = due.iter().map(|n| n.id).collect();

    let unknown = o.hanako.mark_delivered(&[ids[0], NotificationId::new()]);
    assert!(
        matches!(
            unknown,
            Err(Error::NotFound {
                entity: Entity::Notification,
                ..
            })
        ),
        "{unknown:?}"
    );
    let not_hers = o.jiro.mark_delivered(&ids[..1]);
    assert!(matches!(not_hers, Err(Error::NotFound { .. })));

    assert_eq!(o.hanako.mark_delivered(&ids[..2]).unwrap(), 2);
    assert_eq!(o.hanako.mark_delivered(&ids).unwrap(), 1);
    assert_eq!(o.hanako.mark_delivered(&ids).unwrap(), 0);
    let later = now + Duration::hours(1);
    assert!(o.hanako.due_notifications(later).unwrap().is_empty());
}

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sfa-{name}-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("office.sqlite")
}

#[test]
fn nothing_is_lost_or_delivered_twice_across_a_restart() {
    let path = temp_db("outbox-restart");
    let (hanako, now) = {
        let o = Office::on(Sfa::open(&path).unwrap());
        for n in 0..2 {
            o.manager
                .add_task(&TaskInput {
                    assignee_id: Some(o.hanako.user_id()),
                    ..TaskInput::titled(format!("依頼 {n}"))
                })
                .unwrap();
        }
        // The app polls, shows one, marks it... and is killed before the second.
        let due = o.hanako.due_notifications(o.clock.now()).unwrap();
        assert_eq!(due.len(), 2);
        o.hanako.mark_delivered(&[due[0].id]).unwrap();
        (o.hanako.user_id(), o.clock.now())
    };
    let sfa = Sfa::open(&path).unwrap();
    let me = sfa.session(hanako).unwrap();
    assert!(
        me.due_notifications(now + Duration::seconds(10))
            .unwrap()
            .is_empty(),
        "still reserved for the poller that took it"
    );
    let again = me
        .due_notifications(now + Duration::seconds(sfa_core::NOTIFICATION_CLAIM_SECONDS))
        .unwrap();
    assert_eq!(
        again.len(),
        1,
        "the unmarked one comes back, the marked one does not"
    );
    me.mark_delivered(&[again[0].id]).unwrap();
    drop(sfa);
    let sfa = Sfa::open(&path).unwrap();
    let me = sfa.session(hanako).unwrap();
    assert!(
        me.due_notifications(now + Duration::days(1))
            .unwrap()
            .is_empty()
    );
    sfa_testkit::remove_scratch_dir(path.parent().unwrap());
}

#[test]
fn concurrent_pollers_on_two_connections_share_the_outbox_exactly_once() {
    let path = temp_db("outbox-concurrent");
    let o = Office::on(Sfa::open(&path).unwrap());
    let total = 300;
    let inputs: Vec<TaskInput> = (0..total)
        .map(|n| TaskInput {
            assignee_id: Some(o.hanako.user_id()),
            ..TaskInput::titled(format!("依頼 {n}"))
        })
        .collect();
    for input in &inputs {
        o.manager.add_task(input).unwrap();
    }
    let now = o.clock.now();
    let hanako = o.hanako.user_id();
    let other = Sfa::with_store(Arc::new(SqliteStore::open(&path).unwrap())).unwrap();

    // Every poller polls once before anyone marks anything: without reservations
    // they would all receive the same notifications.
    let all_polled = Arc::new(std::sync::Barrier::new(4));
    let pollers: Vec<_> = [o.sfa.clone(), other.clone(), o.sfa.clone(), other]
        .into_iter()
        .map(|sfa| {
            let all_polled = Arc::clone(&all_polled);
            std::thread::spawn(move || {
                let me = sfa.session(hanako).unwrap();
                let mut got = Vec::new();
                let mut first = true;
                loop {
                    let due = me.due_notifications(now).unwrap();
                    if std::mem::take(&mut first) {
                        all_polled.wait();
                    }
                    if due.is_empty() {
                        return got;
                    }
                    let ids: Vec<_> = due.iter().map(|n| n.id).collect();
                    me.mark_delivered(&ids).unwrap();
                    got.extend(ids);
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for p in pollers {
        all.extend(p.join().unwrap());
    }
    let unique: HashSet<_> = all.iter().copied().collect();
    assert_eq!(all.len(), total, "delivered once each");
    assert_eq!(unique.len(), total, "none twice");
    drop(o);
    sfa_testkit::remove_scratch_dir(path.parent().unwrap());
}
