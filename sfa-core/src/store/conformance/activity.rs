//! The activity part of the suite: interactions with their links, tasks, and the
//! notifications outbox.

use chrono::NaiveDate;

use super::{at, person, seed, user};
use crate::error::{Entity, Error};
use crate::model::{
    Interaction, InteractionId, InteractionKind, InteractionStatus, ListQuery, Notification,
    NotificationId, NotificationKind, Task, TaskId, TaskKind, TaskStatus, User,
};
use crate::store::{HistoryOf, Store};

pub(crate) fn interaction(by: &User, company: crate::CompanyId, start: i64) -> Interaction {
    Interaction {
        id: InteractionId::new(),
        company_id: company,
        kind: InteractionKind::WebMeeting,
        purpose: "定例会".into(),
        starts_at: at(start),
        ends_at: at(start + 3600),
        participant_ids: vec![by.id],
        person_ids: Vec::new(),
        location: Some("オンライン".into()),
        notes: Some("議題\n1. 進捗".into()),
        status: InteractionStatus::Planned,
        outcome: None,
        report_to: None,
        reported_at: None,
        reported_by: None,
        cancel_reason: None,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn task(by: &User, due: Option<NaiveDate>) -> Task {
    Task {
        id: TaskId::new(),
        kind: TaskKind::Todo,
        title: "見積書を送る".into(),
        description: None,
        due_date: due,
        remind_at: None,
        assignee_id: by.id,
        company_id: None,
        person_id: None,
        interaction_id: None,
        deal_id: None,
        status: TaskStatus::Open,
        completed_at: None,
        completed_by: None,
        created_at: at(0),
        created_by: by.id,
        updated_at: at(0),
        updated_by: by.id,
        version: 1,
    }
}

pub(crate) fn notification(to: &User, task: &Task, due: i64) -> Notification {
    Notification {
        id: NotificationId::new(),
        user_id: to.id,
        kind: NotificationKind::ReminderDue,
        task_id: task.id,
        task_title: task.title.clone(),
        interaction_id: None,
        due_at: at(due),
        created_at: at(0),
        delivered_at: None,
    }
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).expect("valid date")
}

/// A conformance check (see [the suite](super)).
pub fn interactions_round_trip_with_their_links(store: &dyn Store) {
    let (u, c) = seed(store);
    let other = user("営業", "sales@example.jp");
    let p1 = person(&u, c.id, "高橋 一郎", None);
    let p2 = person(&u, c.id, "鈴木 花子", None);
    let mut i = interaction(&u, c.id, 100);
    i.participant_ids = vec![other.id, u.id];
    i.person_ids = vec![p2.id, p1.id];
    store
        .write(|tx| {
            tx.insert_user(&other)?;
            tx.insert_person(&p1)?;
            tx.insert_person(&p2)?;
            tx.insert_interaction(&i)
        })
        .expect("insert interaction");
    let stored = store.read(|tx| tx.get_interaction(i.id)).expect("read");
    assert_eq!(
        stored.as_ref(),
        Some(&i),
        "interaction round trip, links in order"
    );

    let mut done = i.clone();
    done.participant_ids = vec![u.id];
    done.person_ids = vec![p1.id];
    done.status = InteractionStatus::Done;
    done.outcome = Some("受注見込み".into());
    done.report_to = Some(other.id);
    done.reported_at = Some(at(5000));
    done.reported_by = Some(u.id);
    done.version = 2;
    store
        .write(|tx| tx.update_interaction(&done, 1))
        .expect("update interaction");
    let stored = store.read(|tx| tx.get_interaction(i.id)).expect("read");
    assert_eq!(stored.as_ref(), Some(&done), "an update replaces the links");
    match store.write(|tx| tx.update_interaction(&done, 1)) {
        Err(Error::Conflict {
            entity: Entity::Interaction,
            ..
        }) => {}
        other => panic!("a stale interaction update must be a Conflict, got {other:?}"),
    }
    assert_eq!(
        store
            .read(|tx| tx.get_interaction(InteractionId::new()))
            .expect("read"),
        None,
        "missing interaction is None"
    );
}

/// A conformance check (see [the suite](super)).
pub fn histories_are_newest_first_and_paginate(store: &dyn Store) {
    let (u, c) = seed(store);
    let p = person(&u, c.id, "高橋 一郎", None);
    let items: Vec<Interaction> = (0..5)
        .map(|n| {
            let mut i = interaction(&u, c.id, n * 86_400);
            if n % 2 == 0 {
                i.person_ids = vec![p.id];
            }
            i
        })
        .collect();
    store
        .write(|tx| {
            tx.insert_person(&p)?;
            items.iter().try_for_each(|i| tx.insert_interaction(i))
        })
        .expect("inserts");
    let ids = |v: Vec<Interaction>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
    let first = store
        .read(|tx| {
            tx.list_interactions(
                HistoryOf::Company(c.id),
                &ListQuery {
                    limit: 2,
                    after: None,
                    include_archived: true,
                },
            )
        })
        .expect("page 1");
    assert_eq!(
        ids(first.clone()),
        vec![items[4].id, items[3].id],
        "newest first"
    );
    let last = first.last().expect("two items");
    let next = store
        .read(|tx| {
            tx.list_interactions(
                HistoryOf::Company(c.id),
                &ListQuery {
                    limit: 10,
                    after: Some((
                        crate::model::format_timestamp(&last.starts_at),
                        last.id.to_string(),
                    )),
                    include_archived: true,
                },
            )
        })
        .expect("page 2");
    assert_eq!(
        ids(next),
        vec![items[2].id, items[1].id, items[0].id],
        "the page after the cursor"
    );
    let of_person = store
        .read(|tx| {
            tx.list_interactions(
                HistoryOf::Person(p.id),
                &ListQuery {
                    limit: 10,
                    after: None,
                    include_archived: true,
                },
            )
        })
        .expect("person history");
    assert_eq!(
        ids(of_person),
        vec![items[4].id, items[2].id, items[0].id],
        "a person's history holds what they took part in"
    );
}

/// A conformance check (see [the suite](super)).
pub fn every_interaction_and_task_walks_in_id_order(store: &dyn Store) {
    let (u, c) = seed(store);
    let items: Vec<Interaction> = (0..5).map(|n| interaction(&u, c.id, n * 60)).collect();
    let tasks: Vec<Task> = (0..5).map(|n| task(&u, Some(day(n + 1)))).collect();
    store
        .write(|tx| {
            items.iter().try_for_each(|i| tx.insert_interaction(i))?;
            tasks.iter().try_for_each(|t| tx.insert_task(t))
        })
        .expect("inserts");
    let mut want: Vec<InteractionId> = items.iter().map(|i| i.id).collect();
    want.sort();
    let mut got = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .read(|tx| tx.interactions_by_id(after, 2))
            .expect("a page of interactions");
        assert!(page.len() <= 2, "a page holds at most its limit");
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        assert_eq!(last.participant_ids, vec![u.id], "with their links");
        got.extend(page.iter().map(|i| i.id));
    }
    assert_eq!(got, want, "every interaction once, in id order");
    let mut want: Vec<TaskId> = tasks.iter().map(|t| t.id).collect();
    want.sort();
    let first = store.read(|tx| tx.tasks_by_id(None, 3)).expect("tasks");
    let rest = store
        .read(|tx| tx.tasks_by_id(first.last().map(|t| t.id), 3))
        .expect("more tasks");
    let got: Vec<TaskId> = first.iter().chain(&rest).map(|t| t.id).collect();
    assert_eq!(got, want, "every task once, in id order");
    assert_eq!(rest.len(), 2);
}

/// A conformance check (see [the suite](super)).
pub fn planned_interactions_overlap_the_range(store: &dyn Store) {
    let (u, c) = seed(store);
    let before = interaction(&u, c.id, 0); // [0, 3600)
    let inside = interaction(&u, c.id, 7200);
    let mut cancelled = interaction(&u, c.id, 7200);
    cancelled.status = InteractionStatus::Cancelled;
    let other = user("営業", "sales@example.jp");
    let mut not_mine = interaction(&u, c.id, 7200);
    not_mine.participant_ids = vec![other.id];
    store
        .write(|tx| {
            tx.insert_user(&other)?;
            for i in [&before, &inside, &cancelled, &not_mine] {
                tx.insert_interaction(i)?;
            }
            Ok(())
        })
        .expect("inserts");
    let found = store
        .read(|tx| tx.planned_interactions(u.id, at(3000), at(8000)))
        .expect("range");
    let ids: Vec<_> = found.iter().map(|i| i.id).collect();
    assert_eq!(
        ids,
        vec![before.id, inside.id],
        "planned, mine, overlapping, by start"
    );
    let none = store
        .read(|tx| tx.planned_interactions(u.id, at(3600), at(7200)))
        .expect("range");
    assert!(
        none.is_empty(),
        "the range end and an event's end are exclusive"
    );
}

/// A conformance check (see [the suite](super)).
pub fn tasks_round_trip_and_list_open_ones_by_due_date(store: &dyn Store) {
    let (u, _) = seed(store);
    let late = task(&u, Some(day(1)));
    let soon = task(&u, Some(day(3)));
    let undated = task(&u, None);
    let far = task(&u, Some(day(20)));
    let mut done = task(&u, Some(day(2)));
    done.status = TaskStatus::Completed;
    done.completed_at = Some(at(10));
    done.completed_by = Some(u.id);
    store
        .write(|tx| {
            for t in [&undated, &far, &soon, &late, &done] {
                tx.insert_task(t)?;
            }
            Ok(())
        })
        .expect("inserts");
    assert_eq!(
        store
            .read(|tx| tx.get_task(done.id))
            .expect("read")
            .as_ref(),
        Some(&done),
        "task round trip"
    );
    let open: Vec<_> = store
        .read(|tx| tx.open_tasks(u.id, day(3)))
        .expect("open tasks")
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(
        open,
        vec![late.id, soon.id, undated.id],
        "open, due by the day, by due date, undated last"
    );
    let mut changed = soon.clone();
    changed.title = "見積書を再送".into();
    changed.version = 2;
    store
        .write(|tx| tx.update_task(&changed, 1))
        .expect("update task");
    assert!(
        matches!(
            store.write(|tx| tx.update_task(&changed, 1)),
            Err(Error::Conflict {
                entity: Entity::Task,
                ..
            })
        ),
        "a stale task update is a Conflict"
    );
}

/// A conformance check (see [the suite](super)).
pub fn claims_hide_notifications_until_they_lapse(store: &dyn Store) {
    let (u, _) = seed(store);
    let t = task(&u, None);
    let early = notification(&u, &t, 100);
    let late = notification(&u, &t, 200);
    store
        .write(|tx| {
            tx.insert_task(&t)?;
            tx.insert_notification(&late)?;
            tx.insert_notification(&early)
        })
        .expect("inserts");
    let first = store
        .write(|tx| tx.claim_due_notifications(u.id, at(150), at(210), 10))
        .expect("claim");
    assert_eq!(
        first.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![early.id],
        "only what is due"
    );
    assert_eq!(
        first[0], early,
        "notification round trip with the task title"
    );
    let second = store
        .write(|tx| tx.claim_due_notifications(u.id, at(200), at(260), 10))
        .expect("claim");
    assert_eq!(
        second.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![late.id],
        "a live claim hides a notification"
    );
    let lapsed = store
        .write(|tx| tx.claim_due_notifications(u.id, at(300), at(360), 1))
        .expect("claim");
    assert_eq!(
        lapsed.iter().map(|n| n.id).collect::<Vec<_>>(),
        vec![early.id],
        "a lapsed claim frees it again, oldest first, up to the limit"
    );
    store
        .write(|tx| tx.withdraw_reminders(t.id))
        .expect("withdraw");
    let none = store
        .write(|tx| tx.claim_due_notifications(u.id, at(1000), at(1060), 10))
        .expect("claim");
    assert!(none.is_empty(), "withdrawn reminders are gone");
}

/// A conformance check (see [the suite](super)).
pub fn marking_delivered_is_idempotent_and_checks_the_owner(store: &dyn Store) {
    let (u, _) = seed(store);
    let other = user("営業", "sales@example.jp");
    let t = task(&u, None);
    let n = notification(&u, &t, 0);
    store
        .write(|tx| {
            tx.insert_user(&other)?;
            tx.insert_task(&t)?;
            tx.insert_notification(&n)
        })
        .expect("inserts");
    assert!(
        matches!(
            store.write(|tx| tx.mark_notifications_delivered(other.id, &[n.id], at(5))),
            Err(Error::NotFound {
                entity: Entity::Notification,
                ..
            })
        ),
        "another user's notification is not found"
    );
    let marked = store
        .write(|tx| tx.mark_notifications_delivered(u.id, &[n.id], at(5)))
        .expect("mark");
    assert_eq!(marked, 1);
    let again = store
        .write(|tx| tx.mark_notifications_delivered(u.id, &[n.id], at(9)))
        .expect("mark again");
    assert_eq!(again, 0, "marking twice changes nothing");
    store
        .write(|tx| tx.withdraw_reminders(t.id))
        .expect("withdraw");
    let due = store
        .write(|tx| tx.claim_due_notifications(u.id, at(1000), at(1060), 10))
        .expect("claim");
    assert!(due.is_empty(), "delivered ones are never handed out again");
}
