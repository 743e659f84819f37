//! Chapter 2: the day's activity -- plan a visit, hand out tasks, look at today's
//! agenda, report the visit to the manager (who gets a confirmation task and a
//! notification), poll the outbox, drill down the contact history, and export the
//! agenda to a phone calendar.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use sfa_core::model::Clock;
use sfa_core::{
    AgendaRequest, Error, InteractionInput, InteractionKind, PageRequest, ReportInput, Session,
    Sfa, TaskInput, Timestamp,
};
use sfa_testkit::ManualClock;

use super::ledger::Added;
use super::step;

pub fn run(
    sfa: &Sfa,
    clock: &ManualClock,
    admin: &Session,
    me: &Session,
    added: &Added,
    path: &Path,
) -> Result<(), Box<dyn std::error::Error>> {
    let jiro = sfa.session_by_email("jiro@demo.example.jp")?;
    let nine = clock.now();
    let at =
        |hours: i64, minutes: i64| nine + Duration::hours(hours - 9) + Duration::minutes(minutes);
    let today = local_day(nine);

    step("12. Plan today's visit and tomorrow's call (予定登録)");
    let visit = me.plan_interaction(&InteractionInput {
        company_id: added.company.id,
        kind: InteractionKind::Visit,
        purpose: "新製品のご紹介".into(),
        starts_at: at(14, 0),
        ends_at: at(15, 0),
        participant_ids: vec![me.user_id()],
        person_ids: vec![added.person.id],
        location: Some("先方本社 3F 会議室".into()),
        notes: Some("カタログと見積書の雛形を持参".into()),
    })?;
    println!(
        "   planned: {} {} at {} ({})",
        hm(visit.starts_at),
        visit.purpose,
        added.company.name,
        visit.status
    );
    let call = me.plan_interaction(&InteractionInput {
        kind: InteractionKind::Call,
        purpose: "見積のフォロー".into(),
        starts_at: at(24 + 10, 0),
        ends_at: at(24 + 10, 15),
        location: None,
        notes: None,
        ..visit.input()
    })?;
    println!(
        "   planned: tomorrow {} {}",
        hm(call.starts_at),
        call.purpose
    );

    step("13. Tasks: my own with a reminder, and a request from the manager");
    let own = me.add_task(&TaskInput {
        due_date: Some(today),
        remind_at: Some(at(13, 0)),
        company_id: Some(added.company.id),
        ..TaskInput::titled("訪問前に過去の商談履歴を確認")
    })?;
    println!(
        "   {} (due {}, reminder at {})",
        own.title,
        today,
        hm(at(13, 0))
    );
    let request = admin.add_task(&TaskInput {
        due_date: today.pred_opt(),
        assignee_id: Some(me.user_id()),
        ..TaskInput::titled("11月の活動報告を提出")
    })?;
    println!(
        "   {} (requested by {}, was due {})",
        request.title,
        admin.me()?.name,
        request.due_date.map(|d| d.to_string()).unwrap_or_default()
    );

    step("14. Today's agenda at 09:00 (予定 / 今日)");
    print_agenda(me)?;

    step("15. 13:00 -- the phone polls the outbox and shows what is due");
    clock.set(at(13, 0));
    let due = me.due_notifications(clock.now())?;
    for n in &due {
        println!("   [{}] {}", n.kind, n.task_title);
    }
    println!(
        "   marked delivered: {}; polling again: {} due",
        me.mark_delivered(&due.iter().map(|n| n.id).collect::<Vec<_>>())?,
        me.due_notifications(clock.now())?.len()
    );

    step("16. Someone outside the visit may not report it");
    match jiro.report_interaction(visit.id, visit.version, &ReportInput::outcome("?")) {
        Err(e @ Error::PermissionDenied { .. }) => println!("   {e}"),
        other => println!("   unexpected: {other:?}"),
    }
    let backwards = InteractionInput {
        ends_at: at(13, 0),
        ..visit.input()
    };
    match me.update_interaction(visit.id, visit.version, &backwards) {
        Err(e) => println!("   {e}"),
        Ok(_) => println!("   unexpectedly accepted"),
    }

    step("17. 15:30 -- report the visit to the manager (結果登録, 報告者)");
    clock.set(at(15, 30));
    let reported = me.report_interaction(
        visit.id,
        visit.version,
        &ReportInput {
            outcome: "製品に関心あり。来週までに見積を提出する。".into(),
            started_at: Some(at(14, 5)),
            ended_at: Some(at(15, 10)),
            report_to: Some(admin.user_id()),
        },
    )?;
    println!(
        "   {} {}-{}: {}",
        reported.status,
        hm(reported.starts_at),
        hm(reported.ends_at),
        reported.outcome.as_deref().unwrap_or("")
    );
    for t in admin.interaction_tasks(visit.id)? {
        println!("   manager's task: {} ({}, {})", t.title, t.kind, t.status);
    }
    let inbox = admin.due_notifications(clock.now())?;
    for n in &inbox {
        println!("   manager's phone: [{}] {}", n.kind, n.task_title);
    }
    admin.mark_delivered(&inbox.iter().map(|n| n.id).collect::<Vec<_>>())?;
    let confirm = admin
        .interaction_tasks(visit.id)?
        .into_iter()
        .next()
        .ok_or("no confirmation task")?;
    let confirmed = admin.complete_task(confirm.id, confirm.version)?;
    println!("   the manager confirms: task {}", confirmed.status);
    me.complete_task(own.id, own.version)?;

    step("18. The agenda at 15:30: the visit is reported, one task is done");
    print_agenda(me)?;

    step("19. Related records: company -> person -> contact history");
    let persons = me.company_persons(added.company.id, &PageRequest::default())?;
    let person = persons.items.first().ok_or("no person")?;
    let history = me.person_interactions(person.id, &PageRequest::default())?;
    println!("   {} / {}:", added.company.name, person.name);
    for i in &history.items {
        println!(
            "   - {} {} {} ({})",
            i.starts_at.with_timezone(&tokyo()).format("%m/%d %H:%M"),
            i.kind,
            i.purpose,
            i.status
        );
    }

    step("20. Export the week's agenda to the phone's calendar (iCalendar)");
    let ics = me.export_agenda_ical(&AgendaRequest {
        last_day: today.checked_add_signed(Duration::days(6)),
        ..AgendaRequest::default()
    })?;
    let ics_path = path.with_extension("agenda.ics");
    std::fs::write(&ics_path, &ics)?;
    println!(
        "   wrote {} event(s) and {} to-do(s) to {}",
        ics.matches("BEGIN:VEVENT").count(),
        ics.matches("BEGIN:VTODO").count(),
        ics_path.display()
    );
    for line in ics
        .lines()
        .filter(|l| l.starts_with("UID") || l.starts_with("DTSTART") || l.starts_with("SUMMARY"))
    {
        println!("   {line}");
    }
    Ok(())
}

fn print_agenda(me: &Session) -> Result<(), Box<dyn std::error::Error>> {
    let agenda = me.agenda(&AgendaRequest::default())?;
    println!(
        "   {} (UTC{:+})",
        agenda.first_day,
        agenda.utc_offset_minutes / 60
    );
    if agenda.interactions.is_empty() {
        println!("   no planned interactions");
    }
    for i in &agenda.interactions {
        println!(
            "   {}-{} {} {}",
            hm(i.starts_at),
            hm(i.ends_at),
            i.kind,
            i.purpose
        );
    }
    for t in &agenda.tasks {
        println!(
            "   [ ] {}{}",
            t.task.title,
            if t.overdue { "  (overdue)" } else { "" }
        );
    }
    Ok(())
}

fn tokyo() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset")
}

fn hm(t: Timestamp) -> String {
    t.with_timezone(&tokyo()).format("%H:%M").to_string()
}

fn local_day(t: Timestamp) -> NaiveDate {
    t.with_timezone(&tokyo()).date_naive()
}
