#![allow(clippy::unwrap_used)]
//! The agenda (today by default, a range, another offset) and its iCalendar export,
//! checked with an independent RFC 5545 parser.

use std::io::BufReader;

use sfa_core::{AgendaRequest, Entity, InteractionInput, Reason, ReportInput, TaskInput, UserId};
use sfa_testkit::{Office, date, field_error, jst};

#[test]
fn today_shows_my_planned_interactions_and_open_tasks_with_overdue_flagged() {
    let o = Office::new(); // 2026-12-01 09:00 JST
    let mine = o
        .hanako
        .plan_interaction(&o.visit("午後の訪問", jst(2026, 12, 1, 14, 0)))
        .unwrap();
    let early = o
        .hanako
        .plan_interaction(&o.visit("朝の訪問", jst(2026, 12, 1, 9, 30)))
        .unwrap();
    let tomorrow = o
        .hanako
        .plan_interaction(&o.visit("明日の訪問", jst(2026, 12, 2, 10, 0)))
        .unwrap();
    let cancelled = o
        .hanako
        .plan_interaction(&o.visit("中止", jst(2026, 12, 1, 16, 0)))
        .unwrap();
    o.hanako
        .cancel_interaction(cancelled.id, cancelled.version, None)
        .unwrap();
    let not_mine = InteractionInput {
        participant_ids: vec![o.jiro.user_id()],
        ..o.visit("次郎の訪問", jst(2026, 12, 1, 11, 0))
    };
    o.jiro.plan_interaction(&not_mine).unwrap();
    // A visit that ran late last night (until 00:30 today) overlaps today.
    o.clock.set(jst(2026, 11, 30, 20, 0));
    let overnight = InteractionInput {
        ends_at: jst(2026, 12, 1, 0, 30),
        ..o.visit("接待", jst(2026, 11, 30, 22, 0))
    };
    let overnight = o.hanako.plan_interaction(&overnight).unwrap();
    o.clock.set(jst(2026, 12, 1, 9, 0));

    let task = |title: &str, due: Option<chrono::NaiveDate>| {
        o.hanako
            .add_task(&TaskInput {
                due_date: due,
                ..TaskInput::titled(title)
            })
            .unwrap()
    };
    let overdue = task("先週の宿題", Some(date(2026, 11, 27)));
    let today = task("今日の締切", Some(date(2026, 12, 1)));
    let undated = task("いつか", None);
    task("来週の準備", Some(date(2026, 12, 8)));
    let finished = task("済み", Some(date(2026, 11, 30)));
    o.hanako
        .complete_task(finished.id, finished.version)
        .unwrap();

    let agenda = o.hanako.agenda(&AgendaRequest::default()).unwrap();
    assert_eq!(agenda.first_day, date(2026, 12, 1));
    assert_eq!(agenda.last_day, date(2026, 12, 1));
    assert_eq!(agenda.utc_offset_minutes, 540);
    assert_eq!(agenda.user_id, o.hanako.user_id());
    let ids: Vec<_> = agenda.interactions.iter().map(|i| i.id).collect();
    assert_eq!(ids, vec![overnight.id, early.id, mine.id]);
    assert!(!ids.contains(&tomorrow.id));

    let tasks: Vec<_> = agenda
        .tasks
        .iter()
        .map(|t| (t.task.id, t.overdue))
        .collect();
    assert_eq!(
        tasks,
        vec![(overdue.id, true), (today.id, false), (undated.id, false)]
    );

    // Reporting a visit takes it off the agenda.
    o.clock.set(jst(2026, 12, 1, 11, 0));
    o.hanako
        .report_interaction(early.id, early.version, &ReportInput::outcome("済"))
        .unwrap();
    let agenda = o.hanako.agenda(&AgendaRequest::default()).unwrap();
    assert_eq!(agenda.interactions.len(), 2);
}

#[test]
fn days_are_local_to_the_offset_given() {
    let o = Office::new();
    // 08:00 on 12-02 in Tokyo is 23:00 on 12-01 in UTC.
    let breakfast = o
        .hanako
        .plan_interaction(&InteractionInput {
            ends_at: jst(2026, 12, 2, 8, 30),
            ..o.visit("朝食会", jst(2026, 12, 2, 8, 0))
        })
        .unwrap();
    let tokyo = o
        .hanako
        .agenda(&AgendaRequest::day(date(2026, 12, 1)))
        .unwrap();
    assert!(tokyo.interactions.is_empty());
    let utc = o
        .hanako
        .agenda(&AgendaRequest {
            utc_offset_minutes: Some(0),
            ..AgendaRequest::day(date(2026, 12, 1))
        })
        .unwrap();
    assert_eq!(utc.interactions[0].id, breakfast.id);
    assert_eq!(
        utc.interactions[0].starts_at,
        jst(2026, 12, 2, 8, 0),
        "stored as the UTC instant"
    );
}

#[test]
fn a_range_and_another_users_agenda() {
    let o = Office::new();
    for day in 1..=10 {
        let input = InteractionInput {
            participant_ids: vec![o.jiro.user_id()],
            ..o.visit(&format!("訪問 {day}"), jst(2026, 12, day, 10, 0))
        };
        o.jiro.plan_interaction(&input).unwrap();
    }
    let week = o
        .manager
        .agenda(&AgendaRequest {
            user_id: Some(o.jiro.user_id()),
            first_day: Some(date(2026, 12, 2)),
            last_day: Some(date(2026, 12, 8)),
            utc_offset_minutes: None,
        })
        .unwrap();
    assert_eq!(week.user_id, o.jiro.user_id());
    let purposes: Vec<_> = week
        .interactions
        .iter()
        .map(|i| i.purpose.as_str())
        .collect();
    assert_eq!(
        purposes,
        [
            "訪問 2", "訪問 3", "訪問 4", "訪問 5", "訪問 6", "訪問 7", "訪問 8"
        ]
    );

    let unknown = o.manager.agenda(&AgendaRequest {
        user_id: Some(UserId::new()),
        ..AgendaRequest::default()
    });
    assert_eq!(
        field_error(unknown),
        (Entity::AgendaRequest, "user_id", Reason::UnknownReference)
    );
    let backwards = o.manager.agenda(&AgendaRequest {
        first_day: Some(date(2026, 12, 8)),
        last_day: Some(date(2026, 12, 2)),
        ..AgendaRequest::default()
    });
    assert_eq!(
        field_error(backwards),
        (Entity::AgendaRequest, "last_day", Reason::BeforeStart)
    );
}

/// The properties of every component of one kind, parsed independently.
fn components(ics: &str, kind: &str) -> Vec<Vec<(String, String)>> {
    let mut parser = ical::IcalParser::new(BufReader::new(ics.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none());
    let props = |p: &[ical::property::Property]| {
        p.iter()
            .map(|p| (p.name.clone(), p.value.clone().unwrap_or_default()))
            .collect::<Vec<_>>()
    };
    match kind {
        "VEVENT" => cal.events.iter().map(|e| props(&e.properties)).collect(),
        "VTODO" => cal.todos.iter().map(|t| props(&t.properties)).collect(),
        _ => unreachable!(),
    }
}

fn get<'a>(props: &'a [(String, String)], name: &str) -> &'a str {
    props
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name}"))
}

/// Undoes RFC 5545 TEXT escaping (the parser leaves values as written).
fn unescape(v: &str) -> String {
    let mut out = String::new();
    let mut chars = v.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn the_agenda_exports_to_icalendar_with_stable_uids() {
    let o = Office::new();
    let notes = "持参物: カタログ, 見積書; サンプル\n駐車場は B2（来客用）".repeat(3);
    let visit = o
        .hanako
        .plan_interaction(&InteractionInput {
            notes: Some(notes.clone()),
            person_ids: vec![o.takahashi.id, o.suzuki.id],
            ..o.visit(
                "新製品「ＸＺ－１」のご説明、価格交渉",
                jst(2026, 12, 1, 14, 0),
            )
        })
        .unwrap();
    let todo = o
        .hanako
        .add_task(&TaskInput {
            due_date: Some(date(2026, 12, 1)),
            ..TaskInput::titled("見積書を送る")
        })
        .unwrap();

    let ics = o
        .hanako
        .export_agenda_ical(&AgendaRequest::default())
        .unwrap();
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(
        ics.split("\r\n").all(|l| l.len() <= 75),
        "folded at 75 octets"
    );
    let events = components(&ics, "VEVENT");
    assert_eq!(events.len(), 1);
    let e = &events[0];
    assert_eq!(get(e, "UID"), format!("{}@sfa", visit.id));
    assert_eq!(get(e, "DTSTART"), "20261201T050000Z");
    assert_eq!(get(e, "DTEND"), "20261201T060000Z");
    assert_eq!(get(e, "STATUS"), "CONFIRMED");
    assert_eq!(get(e, "SEQUENCE"), "0");
    assert_eq!(
        unescape(get(e, "SUMMARY")),
        "新製品「XZ-1」のご説明、価格交渉 (株式会社山田製作所)"
    );
    assert_eq!(unescape(get(e, "LOCATION")), "本社 3F 会議室");
    let description = unescape(get(e, "DESCRIPTION"));
    assert!(
        description.contains("高橋 一郎、鈴木 花子"),
        "{description}"
    );
    assert!(description.contains("営業 花子"), "{description}");
    assert!(description.ends_with(&notes), "{description}");
    let todos = components(&ics, "VTODO");
    assert_eq!(todos.len(), 1);
    assert_eq!(get(&todos[0], "UID"), format!("{}@sfa", todo.id));
    assert_eq!(get(&todos[0], "DUE"), "20261201");

    // Rescheduled: the same UID with a higher SEQUENCE, so calendars update it.
    let moved = o
        .hanako
        .reschedule_interaction(
            visit.id,
            visit.version,
            jst(2026, 12, 1, 16, 0),
            jst(2026, 12, 1, 17, 0),
        )
        .unwrap();
    let again = components(
        &o.hanako
            .export_agenda_ical(&AgendaRequest::default())
            .unwrap(),
        "VEVENT",
    );
    assert_eq!(get(&again[0], "UID"), get(e, "UID"));
    assert_eq!(get(&again[0], "SEQUENCE"), "1");
    assert_eq!(get(&again[0], "DTSTART"), "20261201T070000Z");

    // Cancelled: exported on request as a cancelled event with the same UID.
    let cancelled = o
        .hanako
        .cancel_interaction(moved.id, moved.version, Some("先方都合"))
        .unwrap();
    let chosen = components(
        &o.hanako.export_interactions_ical(&[cancelled.id]).unwrap(),
        "VEVENT",
    );
    assert_eq!(get(&chosen[0], "UID"), get(e, "UID"));
    assert_eq!(get(&chosen[0], "STATUS"), "CANCELLED");
    assert_eq!(get(&chosen[0], "SEQUENCE"), "2");
    assert!(
        o.hanako
            .export_interactions_ical(&[sfa_core::InteractionId::new()])
            .is_err()
    );
}
