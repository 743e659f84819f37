"""Interactions, tasks, notifications, the agenda and iCalendar from Python."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

import sfa

UTC = timezone.utc


def visit(office, start: datetime, **kw) -> sfa.InteractionInput:
    base = sfa.InteractionInput(
        company_id=office.company.id,
        purpose="新製品のご紹介",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        participant_ids=[office.hanako.user_id],
        person_ids=[office.person.id],
    )
    return replace(base, **kw)


def test_plan_report_with_a_reviewer(office):
    later = datetime.now(UTC) + timedelta(hours=2)
    future = office.hanako.plan_interaction(visit(office, later, location="本社"))
    assert future.status == "planned" and future.kind == "visit"
    with pytest.raises(sfa.ValidationError) as early:
        office.hanako.report_interaction(future.id, future.version, sfa.ReportInput(outcome="まだ"))
    assert early.value.field == "starts_at"
    # Under way now: started half an hour ago.
    planned = office.hanako.plan_interaction(visit(office, datetime.now(UTC) - timedelta(minutes=30)))
    moved = office.hanako.reschedule_interaction(
        planned.id, planned.version, planned.starts_at - timedelta(minutes=5), planned.ends_at
    )
    done = office.hanako.report_interaction(
        moved.id, moved.version, sfa.ReportInput(outcome="見積依頼あり", report_to=office.manager.user_id)
    )
    assert done.status == "done" and done.outcome == "見積依頼あり"
    tasks = office.manager.interaction_tasks(done.id)
    assert tasks[0].kind == "confirmation" and tasks[0].assignee_id == office.manager.user_id
    due = office.manager.due_notifications(datetime.now(UTC))
    assert due[0].kind == "confirmation_requested"
    assert office.manager.mark_delivered([due[0].id]) == 1
    assert office.manager.mark_delivered([due[0].id]) == 0
    assert done.id in [i.id for i in office.hanako.person_interactions(office.person.id).items]
    assert len(office.hanako.company_interactions(office.company.id).items) == 2
    assert office.hanako.get_interaction(done.id) == done


def test_log_update_cancel_and_permissions(office):
    past = datetime.now(UTC) - timedelta(days=1)
    call = office.hanako.log_interaction(visit(office, past, kind="call"), sfa.ReportInput(outcome="了承"))
    assert call.kind == "call"
    future = office.hanako.plan_interaction(visit(office, datetime.now(UTC) + timedelta(days=2)))
    with pytest.raises(sfa.PermissionDeniedError):
        office.jiro.cancel_interaction(future.id, future.version)
    noted = office.hanako.update_interaction(future.id, future.version, visit(office, future.starts_at, notes="駐車場あり"))
    cancelled = office.hanako.cancel_interaction(future.id, noted.version, "先方都合")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "先方都合"
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.plan_interaction(visit(office, past, participant_ids=[]))
    assert e.value.field in ("participant_ids", "ends_at")


def test_tasks_reminders_and_agenda(office):
    remind = datetime.now(UTC) + timedelta(minutes=30)
    task = office.manager.add_task(
        sfa.TaskInput(title="見積書を送る", due_date=date.today() - timedelta(days=2), remind_at=remind, assignee_id=office.hanako.user_id)
    )
    assert task.status == "open" and task.created_by == office.manager.user_id
    assigned = office.hanako.due_notifications(datetime.now(UTC))
    assert [n.kind for n in assigned] == ["task_assigned"]
    office.hanako.mark_delivered([n.id for n in assigned])
    assert [n.kind for n in office.hanako.due_notifications(remind + timedelta(minutes=2))] == ["reminder_due"]
    changed = office.hanako.update_task(task.id, task.version, sfa.TaskInput(title="見積書を再送", due_date=task.due_date, assignee_id=office.hanako.user_id))
    done = office.hanako.complete_task(task.id, changed.version)
    assert done.status == "completed"
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.update_task(task.id, done.version, sfa.TaskInput(title="x", remind_at=remind + timedelta(days=1)))
    assert e.value.field == "remind_at"
    reopened = office.hanako.reopen_task(task.id, done.version)
    assert office.hanako.get_task(task.id) == reopened

    office.hanako.plan_interaction(visit(office, datetime.now(UTC) + timedelta(minutes=5)))
    agenda = office.hanako.agenda(sfa.AgendaRequest(utc_offset_minutes=540))
    assert agenda.utc_offset_minutes == 540
    assert any(t.overdue for t in agenda.tasks)
    ics = office.hanako.export_agenda_ical()
    assert ics.startswith("BEGIN:VCALENDAR")
    one = office.hanako.export_interactions_ical([i.id for i in agenda.interactions])
    assert "BEGIN:VEVENT" in one or agenda.interactions == []
