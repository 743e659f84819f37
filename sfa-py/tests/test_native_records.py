"""Records the native module builds itself (no JSON between the core and Python): the
generated dataclasses with the same field types and values the JSON decode gives."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import sfa
from sfa._codec import decode, encode


def _json_form(value: object) -> object:
    """The JSON form of a record as the core writes it (`encode`, floats allowed: a
    search score is one)."""
    if isinstance(value, float):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _json_form(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list):
        return [_json_form(v) for v in value]
    return encode(value)


def _same_as_json(record: object) -> None:
    """The record equals what the package decodes from its JSON form."""
    again = decode(type(record), json.loads(json.dumps(_json_form(record))))
    assert again == record
    for f in dataclasses.fields(record):  # type: ignore[arg-type]
        assert type(getattr(again, f.name)) is type(getattr(record, f.name)), f.name


def test_records_are_built_with_their_exact_types(office, catalog):
    me = office.hanako
    company = me.get_company(office.company.id)
    assert type(company) is sfa.Company
    assert company.name == "株式会社山田製作所" and company.phone is None
    assert type(company.created_at) is datetime and company.created_at.tzinfo is timezone.utc
    assert type(company.archived) is bool and type(company.version) is int
    deal = me.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="生産管理導入",
            expected_close_on=date(2026, 12, 20),
            confidence_id=catalog.levels[0].id,
            lines=[
                sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal("2"), unit_price=Decimal("500000")),
                sfa.DealLineInput(product_id=catalog.products[1].id, quantity=Decimal("3"), unit_price=Decimal("0.1")),
            ],
        )
    )
    got = me.get_deal(deal.id)
    assert got == deal
    assert got.status is sfa.DealStatus.OPEN
    assert got.expected_close_on == date(2026, 12, 20) and type(got.expected_close_on) is date
    assert got.amount == Decimal("1000000.3") and type(got.amount) is Decimal
    assert [type(line) for line in got.lines] == [sfa.DealLine, sfa.DealLine]
    won = me.win_deal(got.id, got.version)
    assert won.status is sfa.DealStatus.WON and type(won.closed_on) is date
    for record in [company, me.get_person(office.person.id), got, won, me.me(), catalog.campaign]:
        _same_as_json(record)


def test_pages_and_lists_come_built(office, catalog):
    me = office.hanako
    for i in range(5):
        me.add_company(sfa.CompanyInput(name=f"株式会社テスト{i}"))
    page = me.list_companies(sfa.PageRequest(limit=4))
    assert len(page) == 4 and page.next_cursor is not None
    assert all(type(c) is sfa.Company for c in page)
    assert [c.name for c in page.all()] == [c.name for c in me.list_companies(sfa.PageRequest(limit=50))]
    assert [type(s) for s in me.list_stages()] == [sfa.Stage, sfa.Stage]
    visit = me.log_interaction(
        sfa.InteractionInput(
            kind=sfa.InteractionKind.VISIT,
            company_id=office.company.id,
            starts_at=datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc),
            ends_at=datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc),
            purpose="定例訪問",
            participant_ids=[me.user_id],
            person_ids=[office.person.id],
        ),
        sfa.ReportInput(outcome="次回見積提示", report_to=office.manager.user_id),
    )
    assert visit.kind is sfa.InteractionKind.VISIT
    assert visit.starts_at == datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    [task] = me.interaction_tasks(visit.id)
    assert type(task) is sfa.Task and task.kind is sfa.TaskKind.CONFIRMATION
    _same_as_json(visit)
    _same_as_json(task)


def test_a_failed_call_still_raises_its_error(office):
    import pytest

    with pytest.raises(sfa.NotFoundError):
        office.hanako.get_company("0190d3a4-0000-7000-8000-000000000000")
    with pytest.raises(sfa.InvalidArgumentError) as e:
        office.hanako.get_company("not-an-id")
    assert "`id`" in str(e.value)


def test_a_stored_value_python_cannot_hold_is_a_database_error(tmp_path, write_outside):
    import pytest

    path = tmp_path / "ledger.sqlite"
    db = sfa.Sfa.open(str(path))
    me = db.session(db.create_first_admin(sfa.UserInput(name="管理 太郎", email="admin@example.jp")).id)
    company = me.add_company(sfa.CompanyInput(name="株式会社古代"))
    # written outside the library: year 0
    write_outside(path, "UPDATE companies SET created_at = '0000' || substr(created_at, 5)")
    with pytest.raises(sfa.DatabaseError) as e:
        me.get_company(company.id)
    assert "cannot be read in Python" in str(e.value)
    assert me.me().email == "admin@example.jp"  # the handle still answers
    db.close()


def test_every_kind_of_answer_built_natively_equals_its_json_form(office, catalog):
    from datetime import timedelta

    me, boss = office.hanako, office.manager
    deal = me.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="保守契約",
            expected_close_on=date(2026, 12, 20),
            confidence_id=catalog.levels[1].id,
            campaign_id=catalog.campaign.id,
            lines=[sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal("1"), unit_price=Decimal("123.4567"))],
        )
    )
    team = boss.add_team(sfa.TeamInput(name="東日本", member_ids=[me.user_id]))
    boss.add_task(
        sfa.TaskInput(
            title="見積送付",
            due_date=date.today() - timedelta(days=2),
            remind_at=datetime.now(timezone.utc) + timedelta(minutes=30),
            assignee_id=me.user_id,
        )
    )
    card = me.upload_card(b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image/jpeg")
    december = sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1))
    answers = [
        me.company_links(office.company.id),
        me.person_links(office.person.id),
        *me.search(sfa.SearchRequest(text="山田")),
        *me.due_notifications(datetime.now(timezone.utc)),
        me.agenda(sfa.AgendaRequest(utc_offset_minutes=540)),
        *boss.forecast(december),
        *boss.product_summary(date(2026, 1, 1), date(2026, 12, 31)),
        *boss.category_summary(date(2026, 1, 1), date(2026, 12, 31)),
        *boss.campaign_roi(),
        boss.forecast_range(sfa.RangeRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), trials=100)),
        me.team_board(sfa.BoardRequest(team_id=team.id)),
        me.get_card(card.id),
        *me.card_queue(),
        *me.person_duplicates(sfa.PersonInput(company_id=office.company.id, name="高橋 一郎")),
    ]
    kinds = {type(a).__name__ for a in answers}
    assert {"CompanyLinks", "ContactLinks", "SearchHit", "Notification", "Agenda", "ForecastRow",
            "ProductRow", "CategoryRow", "CampaignRow", "ForecastRange", "TeamBoard", "BusinessCard",
            "DuplicateHint"} <= kinds
    for answer in answers:
        _same_as_json(answer)
    [hint] = [a for a in answers if type(a) is sfa.DuplicateHint]
    assert hint.reasons == [sfa.DuplicateReason.SAME_NAME_AT_COMPANY]
    assert type(hint.reasons[0]) is sfa.DuplicateReason
    [row] = boss.forecast(december)
    assert row.pipeline == Decimal("123.4567") and type(row.weighted) is Decimal
    assert deal.amount == Decimal("123.4567")


def test_arguments_the_library_cannot_take_name_their_field(office):
    import pytest

    company = office.company
    with pytest.raises(sfa.InvalidArgumentError) as e:
        office.hanako.update_company(company.id, 2**70, company.input())
    assert "`version`" in str(e.value) and "too large" in str(e.value)
    with pytest.raises(sfa.InvalidArgumentError) as e:
        office.hanako.get_company(12345)  # type: ignore[arg-type]
    assert "`id`" in str(e.value)
    with pytest.raises(sfa.InvalidArgumentError) as e:
        office.manager.forecast_range(
            sfa.RangeRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), trials=2**70)
        )
    assert "`request.trials`" in str(e.value)
    assert office.hanako.get_company(company.id).version == company.version


def test_reports_master_changes_and_calendars_are_built_natively_too(office, catalog):
    me, boss = office.hanako, office.manager
    csv = "会社名,電話番号\n株式会社報告,03-5555-0101\n,\n株式会社誤り,電話\n".encode()
    report = me.import_companies_csv(csv, sfa.ImportOptions(skip_bad_rows=True))
    assert type(report) is sfa.ImportReport and (report.imported, report.blank_rows) == (1, 1)
    [skipped] = report.skipped
    assert type(skipped) is sfa.SkippedRow and skipped.line == 4 and "phone" in skipped.message
    stage = sfa.MasterId(sfa.MasterKind.STAGE, catalog.stages[0].id)
    retired = boss.retire_master(stage, catalog.stages[0].version)
    assert type(retired) is sfa.Stage and retired.retired is True
    assert boss.delete_master(sfa.MasterId(sfa.MasterKind.CONFIDENCE, catalog.levels[1].id)) is None
    assert type(me.export_agenda_ical()) is str and type(me.mark_delivered([])) is int


def test_instants_and_ids_are_each_records_own(office):
    me = office.hanako
    import time

    first = me.add_company(sfa.CompanyInput(name="株式会社時刻一"))
    time.sleep(0.005)  # instants are kept to the millisecond
    changed = me.update_company(first.id, first.version, sfa.CompanyInput(name="株式会社時刻二"))
    again = me.get_company(first.id)
    assert again.created_at == first.created_at and again.updated_at == changed.updated_at
    assert again.updated_at > again.created_at  # two instants, not the last one built twice
    [a, b] = me.add_companies([sfa.CompanyInput(name="株式会社甲"), sfa.CompanyInput(name="株式会社乙")])
    assert a.id != b.id and len(a.id) == 36 and a.id == a.id.lower()
    assert a.created_by == me.user_id and a.updated_by == me.user_id
    _same_as_json(again)
    _same_as_json(a)


def test_database_level_answers_are_built_natively_too(tmp_path, write_outside):
    path = tmp_path / "ledger.sqlite"
    with sfa.Sfa.open(str(path)) as db:
        assert db.has_users() is False
        admin = db.create_first_admin(sfa.UserInput(name="管理 太郎", email="admin@example.jp"))
        assert type(admin) is sfa.User and admin.role is sfa.Role.ADMIN
        _same_as_json(admin)
        me = db.session_by_email("ADMIN@example.jp")
        assert me.user_id == admin.id
        company = me.add_company(sfa.CompanyInput(name="株式会社検査"))
        deal = me.add_deal(sfa.DealInput(company_id=company.id, name="点検", amount=Decimal("1000")))
        assert db.rebuild_search_index() == 1 and type(db.rebuild_search_index()) is int
        assert db.pending_search_changes() == 0
        check = db.check_search_index()
        assert type(check) is sfa.IndexCheck
        assert (check.records, check.documents, check.missing, check.damaged) == (1, 1, [], False)
        status = db.sync_status()
        assert type(status) is sfa.SyncStatus and status.client_id is None and status.pending == 0
        assert db.sync_rejections() == []
        assert db.check_stored_records() == []
        # written outside the library: an amount that is not a number
        write_outside(path, "UPDATE deals SET amount = 'abc' WHERE id = ?", deal.id)
        [problem] = db.check_stored_records()
        assert type(problem) is sfa.RecordProblem
        assert (problem.entity, problem.id, problem.field) == ("deal", deal.id, "amount")
        _same_as_json(problem)
