#![allow(clippy::unwrap_used)]
//! Interactions end to end: plan, report (with a reviewer), log, reschedule, cancel,
//! who may change them, bad input, and the contact history of companies and persons.

use chrono::Duration;
use sfa_core::model::Clock;
use sfa_core::{
    CompanyInput, Entity, Error, InteractionInput, InteractionKind, InteractionStatus,
    NotificationKind, PageRequest, Reason, ReportInput, TaskKind, TaskStatus, UserId,
};
use sfa_testkit::{Office, field_error, jst};

#[test]
fn a_planned_visit_is_reported_to_a_reviewer_who_gets_a_task_and_a_notification() {
    let o = Office::new();
    let planned = o
        .hanako
        .plan_interaction(&o.visit("新製品の説明", jst(2026, 12, 2, 14, 0)))
        .unwrap();
    assert_eq!(planned.status, InteractionStatus::Planned);
    assert_eq!(planned.participant_ids, vec![o.hanako.user_id()]);
    assert_eq!(planned.person_ids, vec![o.takahashi.id]);

    o.clock.set(jst(2026, 12, 2, 16, 0));
    let reported = o
        .hanako
        .report_interaction(
            planned.id,
            planned.version,
            &ReportInput {
                outcome: "見積依頼あり。来週再訪。".into(),
                started_at: Some(jst(2026, 12, 2, 14, 10)),
                ended_at: Some(jst(2026, 12, 2, 15, 0)),
                report_to: Some(o.manager.user_id()),
            },
        )
        .unwrap();
    assert_eq!(reported.status, InteractionStatus::Done);
    assert_eq!(
        reported.outcome.as_deref(),
        Some("見積依頼あり。来週再訪。")
    );
    assert_eq!(reported.starts_at, jst(2026, 12, 2, 14, 10));
    assert_eq!(reported.ends_at, jst(2026, 12, 2, 15, 0));
    assert_eq!(reported.reported_by, Some(o.hanako.user_id()));
    assert_eq!(reported.report_to, Some(o.manager.user_id()));
    assert_eq!(reported.version, planned.version + 1);
    assert_eq!(o.hanako.get_interaction(planned.id).unwrap(), reported);

    let tasks = o.manager.interaction_tasks(planned.id).unwrap();
    assert_eq!(tasks.len(), 1);
    let confirm = &tasks[0];
    assert_eq!(confirm.kind, TaskKind::Confirmation);
    assert_eq!(confirm.assignee_id, o.manager.user_id());
    assert_eq!(confirm.created_by, o.hanako.user_id());
    assert_eq!(confirm.status, TaskStatus::Open);
    assert_eq!(confirm.interaction_id, Some(planned.id));
    assert_eq!(confirm.company_id, Some(o.company.id));
    assert!(confirm.title.ends_with("新製品の説明"), "{}", confirm.title);

    let due = o.manager.due_notifications(o.clock.now()).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].kind, NotificationKind::ConfirmationRequested);
    assert_eq!(due[0].task_id, confirm.id);
    assert_eq!(due[0].interaction_id, Some(planned.id));
    assert!(
        o.hanako
            .due_notifications(o.clock.now())
            .unwrap()
            .is_empty()
    );

    // The reviewer confirms by completing the task.
    let done = o
        .manager
        .complete_task(confirm.id, confirm.version)
        .unwrap();
    assert_eq!(done.status, TaskStatus::Completed);
}

#[test]
fn a_report_with_a_bad_reviewer_changes_nothing() {
    let o = Office::new();
    let planned = o
        .hanako
        .plan_interaction(&o.visit("定例訪問", jst(2026, 12, 1, 10, 0)))
        .unwrap();
    o.clock.set(jst(2026, 12, 1, 12, 0));
    let unknown = o.hanako.report_interaction(
        planned.id,
        planned.version,
        &ReportInput {
            report_to: Some(UserId::new()),
            ..ReportInput::outcome("特になし")
        },
    );
    assert_eq!(
        field_error(unknown),
        (Entity::Interaction, "report_to", Reason::UnknownReference)
    );

    let gone = o.deactivate(&o.jiro);
    let inactive = o.hanako.report_interaction(
        planned.id,
        planned.version,
        &ReportInput {
            report_to: Some(gone),
            ..ReportInput::outcome("特になし")
        },
    );
    assert_eq!(
        field_error(inactive),
        (Entity::Interaction, "report_to", Reason::Inactive)
    );

    let stored = o.hanako.get_interaction(planned.id).unwrap();
    assert_eq!(stored, planned, "nothing half-written");
    assert!(o.hanako.interaction_tasks(planned.id).unwrap().is_empty());
}

#[test]
fn a_report_before_the_start_and_a_second_report_are_refused() {
    let o = Office::new();
    let planned = o
        .hanako
        .plan_interaction(&o.visit("デモ", jst(2026, 12, 1, 15, 0)))
        .unwrap();
    let early =
        o.hanako
            .report_interaction(planned.id, planned.version, &ReportInput::outcome("まだ"));
    assert_eq!(
        field_error(early),
        (Entity::Interaction, "starts_at", Reason::InTheFuture)
    );
    let empty =
        o.hanako
            .report_interaction(planned.id, planned.version, &ReportInput::outcome(" "));
    assert_eq!(
        field_error(empty),
        (Entity::Interaction, "outcome", Reason::Required)
    );

    o.clock.set(jst(2026, 12, 1, 17, 0));
    let done = o
        .hanako
        .report_interaction(planned.id, planned.version, &ReportInput::outcome("好感触"))
        .unwrap();
    let again = o
        .hanako
        .report_interaction(done.id, done.version, &ReportInput::outcome("二回目"));
    assert_eq!(
        field_error(again),
        (Entity::Interaction, "status", Reason::NotWhile("done"))
    );
}

#[test]
fn a_past_call_is_logged_directly_with_its_result() {
    let o = Office::new();
    let call = InteractionInput {
        kind: InteractionKind::Call,
        location: None,
        ..o.visit("納期の確認", jst(2026, 11, 30, 17, 0))
    };
    let logged = o
        .hanako
        .log_interaction(
            &call,
            &ReportInput {
                report_to: Some(o.manager.user_id()),
                ..ReportInput::outcome("12月10日納品で了承")
            },
        )
        .unwrap();
    assert_eq!(logged.status, InteractionStatus::Done);
    assert_eq!(logged.kind, InteractionKind::Call);
    assert_eq!(logged.reported_at, Some(jst(2026, 12, 1, 9, 0)));
    assert_eq!(o.manager.interaction_tasks(logged.id).unwrap().len(), 1);

    let future = o.hanako.log_interaction(
        &o.visit("未来", jst(2026, 12, 3, 10, 0)),
        &ReportInput::outcome("?"),
    );
    assert_eq!(
        field_error(future),
        (Entity::Interaction, "starts_at", Reason::InTheFuture)
    );
}

#[test]
fn bad_input_is_refused_with_the_field_named_and_nothing_stored() {
    let o = Office::new();
    let start = jst(2026, 12, 2, 10, 0);
    let visit = o.visit("説明", start);

    let backwards = InteractionInput {
        ends_at: start - Duration::minutes(1),
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&backwards)),
        (Entity::Interaction, "ends_at", Reason::BeforeStart)
    );
    let nobody = InteractionInput {
        participant_ids: vec![],
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&nobody)),
        (Entity::Interaction, "participant_ids", Reason::Required)
    );
    let ghost_user = InteractionInput {
        participant_ids: vec![o.hanako.user_id(), UserId::new()],
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&ghost_user)),
        (
            Entity::Interaction,
            "participant_ids",
            Reason::UnknownReference
        )
    );
    let ghost_company = InteractionInput {
        company_id: sfa_core::CompanyId::new(),
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&ghost_company)),
        (Entity::Interaction, "company_id", Reason::UnknownReference)
    );
    let ghost_person = InteractionInput {
        person_ids: vec![sfa_core::PersonId::new()],
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&ghost_person)),
        (Entity::Interaction, "person_ids", Reason::UnknownReference)
    );
    let past = o.visit("昨日", jst(2026, 11, 30, 10, 0));
    assert_eq!(
        field_error(o.hanako.plan_interaction(&past)),
        (Entity::Interaction, "ends_at", Reason::InThePast)
    );
    let no_purpose = InteractionInput {
        purpose: "　".into(),
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&no_purpose)),
        (Entity::Interaction, "purpose", Reason::Required)
    );

    let other = o
        .hanako
        .add_company(&CompanyInput::named("閉鎖商事"))
        .unwrap();
    o.hanako.archive_company(other.id, other.version).unwrap();
    let archived = InteractionInput {
        company_id: other.id,
        person_ids: vec![],
        ..visit.clone()
    };
    assert_eq!(
        field_error(o.hanako.plan_interaction(&archived)),
        (Entity::Interaction, "company_id", Reason::Inactive)
    );

    let history = o
        .hanako
        .company_interactions(o.company.id, &PageRequest::default())
        .unwrap();
    assert!(
        history.items.is_empty(),
        "no refused interaction was stored"
    );
    // Error texts carry no personal data.
    let err = o.hanako.plan_interaction(&ghost_person).unwrap_err();
    assert!(!err.to_string().contains("高橋"), "{err}");
}

#[test]
fn only_participants_the_creator_and_admins_may_change_an_interaction() {
    let o = Office::new();
    // 次郎 plans a visit that 花子 makes.
    let planned = o
        .jiro
        .plan_interaction(&o.visit("引き継ぎ訪問", jst(2026, 12, 3, 10, 0)))
        .unwrap();
    let later = jst(2026, 12, 4, 10, 0);
    let denied = [
        o.outsider
            .reschedule_interaction(planned.id, planned.version, later, later)
            .map(|_| ()),
        o.outsider
            .cancel_interaction(planned.id, planned.version, None)
            .map(|_| ()),
        o.outsider
            .update_interaction(planned.id, planned.version, &planned.input())
            .map(|_| ()),
        o.outsider
            .report_interaction(planned.id, planned.version, &ReportInput::outcome("x"))
            .map(|_| ()),
    ];
    for result in denied {
        assert!(
            matches!(result, Err(Error::PermissionDenied { .. })),
            "{result:?}"
        );
    }
    assert_eq!(o.jiro.get_interaction(planned.id).unwrap(), planned);

    // The participant, the creator and an admin may.
    let by_participant = o
        .hanako
        .reschedule_interaction(
            planned.id,
            planned.version,
            later,
            later + Duration::hours(1),
        )
        .unwrap();
    let by_creator = o
        .jiro
        .update_interaction(
            planned.id,
            by_participant.version,
            &InteractionInput {
                notes: Some("先方は購買部長も同席".into()),
                ..by_participant.input()
            },
        )
        .unwrap();
    let by_admin = o
        .manager
        .update_interaction(
            planned.id,
            by_creator.version,
            &InteractionInput {
                participant_ids: vec![o.hanako.user_id(), o.jiro.user_id()],
                ..by_creator.input()
            },
        )
        .unwrap();
    assert_eq!(by_admin.starts_at, later);
    assert_eq!(by_admin.notes.as_deref(), Some("先方は購買部長も同席"));
    assert_eq!(by_admin.participant_ids.len(), 2);
    assert_eq!(by_admin.updated_by, o.manager.user_id());

    // A stale version is a conflict, and changes nothing.
    let stale = o
        .hanako
        .cancel_interaction(planned.id, by_creator.version, None);
    assert!(matches!(stale, Err(Error::Conflict { .. })), "{stale:?}");
    assert_eq!(o.hanako.get_interaction(planned.id).unwrap(), by_admin);
}

#[test]
fn cancelled_interactions_stay_in_the_history_marked_so() {
    let o = Office::new();
    let planned = o
        .hanako
        .plan_interaction(&o.visit("年末のご挨拶", jst(2026, 12, 25, 10, 0)))
        .unwrap();
    let moved = o.hanako.reschedule_interaction(
        planned.id,
        planned.version,
        jst(2026, 12, 26, 10, 0),
        jst(2026, 12, 26, 9, 0),
    );
    assert_eq!(
        field_error(moved),
        (Entity::Interaction, "ends_at", Reason::BeforeStart)
    );
    let cancelled = o
        .hanako
        .cancel_interaction(planned.id, planned.version, Some("先方都合"))
        .unwrap();
    assert_eq!(cancelled.status, InteractionStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("先方都合"));

    let history = o
        .hanako
        .person_interactions(o.takahashi.id, &PageRequest::default())
        .unwrap();
    assert_eq!(history.items, vec![cancelled.clone()]);

    let report =
        o.hanako
            .report_interaction(cancelled.id, cancelled.version, &ReportInput::outcome("x"));
    assert_eq!(
        field_error(report),
        (Entity::Interaction, "status", Reason::NotWhile("cancelled"))
    );
    let update = o
        .hanako
        .update_interaction(cancelled.id, cancelled.version, &cancelled.input());
    assert_eq!(
        field_error(update),
        (Entity::Interaction, "status", Reason::NotWhile("cancelled"))
    );
}

#[test]
fn drill_down_company_to_person_to_contact_history_newest_first() {
    let o = Office::new();
    let mut expected = Vec::new();
    for day in 1..=7 {
        let with_suzuki = day % 2 == 0;
        let input = InteractionInput {
            person_ids: if with_suzuki {
                vec![o.takahashi.id, o.suzuki.id]
            } else {
                vec![o.takahashi.id]
            },
            ..o.visit(&format!("訪問 {day}"), jst(2026, 11, day, 10, 0))
        };
        o.clock.set(jst(2026, 11, day, 18, 0));
        let i = o
            .hanako
            .log_interaction(&input, &ReportInput::outcome("記録"))
            .unwrap();
        expected.push((i.id, with_suzuki));
    }
    expected.reverse();

    // Step 1: company -> persons.
    let persons = o
        .hanako
        .company_persons(o.company.id, &PageRequest::default())
        .unwrap();
    assert_eq!(persons.items.len(), 2);
    // Step 2: person -> interactions, newest first, across pages.
    let mut seen = Vec::new();
    let mut page = PageRequest::first(3);
    loop {
        let got = o.hanako.person_interactions(o.takahashi.id, &page).unwrap();
        seen.extend(got.items.iter().map(|i| i.id));
        match got.next_cursor {
            Some(c) => page = page.after(c),
            None => break,
        }
    }
    assert_eq!(seen, expected.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    let suzuki = o
        .hanako
        .person_interactions(o.suzuki.id, &PageRequest::default())
        .unwrap();
    let with_suzuki: Vec<_> = expected
        .iter()
        .filter(|(_, s)| *s)
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(
        suzuki.items.iter().map(|i| i.id).collect::<Vec<_>>(),
        with_suzuki
    );
    let company = o
        .hanako
        .company_interactions(o.company.id, &PageRequest::first(100))
        .unwrap();
    assert_eq!(company.items.len(), 7);
    assert!(
        company
            .items
            .windows(2)
            .all(|w| w[0].starts_at >= w[1].starts_at)
    );

    let missing = o
        .hanako
        .person_interactions(sfa_core::PersonId::new(), &PageRequest::default());
    assert!(
        matches!(
            missing,
            Err(Error::NotFound {
                entity: Entity::Person,
                ..
            })
        ),
        "{missing:?}"
    );
}

#[test]
fn persons_archived_later_stay_linked_but_cannot_be_added() {
    let o = Office::new();
    let planned = o
        .hanako
        .plan_interaction(&o.visit("打合せ", jst(2026, 12, 2, 10, 0)))
        .unwrap();
    let t = o.hanako.get_person(o.takahashi.id).unwrap();
    o.hanako.archive_person(t.id, t.version).unwrap();
    let s = o.hanako.get_person(o.suzuki.id).unwrap();
    o.hanako.archive_person(s.id, s.version).unwrap();

    let renamed = o
        .hanako
        .update_interaction(
            planned.id,
            planned.version,
            &InteractionInput {
                purpose: "打合せ（変更）".into(),
                ..planned.input()
            },
        )
        .unwrap();
    assert_eq!(renamed.person_ids, vec![o.takahashi.id]);
    let add_archived = o.hanako.update_interaction(
        planned.id,
        renamed.version,
        &InteractionInput {
            person_ids: vec![o.takahashi.id, o.suzuki.id],
            ..renamed.input()
        },
    );
    assert_eq!(
        field_error(add_archived),
        (Entity::Interaction, "person_ids", Reason::Inactive)
    );
}

#[test]
fn times_are_kept_to_the_millisecond_as_stored() {
    let o = Office::new();
    let start = jst(2026, 12, 2, 10, 0) + Duration::nanoseconds(123_456_789);
    let planned = o.hanako.plan_interaction(&o.visit("精度", start)).unwrap();
    assert_eq!(
        planned.starts_at,
        jst(2026, 12, 2, 10, 0) + Duration::milliseconds(123)
    );
    assert_eq!(o.hanako.get_interaction(planned.id).unwrap(), planned);
}

/// A list of ids is refused on its length before any other work: a quarter of a
/// million repeats once took 19 s of deduplication before the 100-id limit refused it.
#[test]
fn a_huge_id_list_is_refused_at_once() {
    let o = Office::new();
    let start = o.clock_now() + chrono::Duration::days(1);
    let input = sfa_core::InteractionInput {
        participant_ids: vec![o.hanako.user_id(); 250_000],
        ..o.visit("大量の参加者", start)
    };
    let err = o.hanako.plan_interaction(&input).unwrap_err();
    let v = err.validation().unwrap();
    assert_eq!(
        v.reason_for("participant_ids"),
        Some(&sfa_core::Reason::OutOfRange)
    );
    let ids = vec![sfa_core::NotificationId::new(); 250_000];
    assert!(matches!(
        o.hanako.mark_delivered(&ids),
        Err(sfa_core::Error::Validation(_))
    ));
}
