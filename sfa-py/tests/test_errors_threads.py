"""The exception hierarchy, database errors, and calls from several threads."""

from __future__ import annotations

import threading

import pytest

import sfa
from sfa.errors import raise_for


@pytest.mark.parametrize(
    "kind, cls",
    [
        ("validation", sfa.ValidationError),
        ("not_found", sfa.NotFoundError),
        ("conflict", sfa.ConflictError),
        ("permission_denied", sfa.PermissionDeniedError),
        ("in_use", sfa.InUseError),
        ("import", sfa.CsvImportError),
        ("not_a_database", sfa.DatabaseError),
        ("schema_too_new", sfa.DatabaseError),
        ("storage", sfa.DatabaseError),
        ("busy", sfa.BusyError),
        ("closed", sfa.ClosedError),
        ("damaged", sfa.DamagedError),
        ("invalid_argument", sfa.InvalidArgumentError),
        ("internal", sfa.InternalError),
        ("something_new", sfa.SfaError),
    ],
)
def test_every_error_kind_maps_to_its_class(kind, cls):
    with pytest.raises(cls) as e:
        raise_for({"kind": kind, "message": "m"})
    assert isinstance(e.value, sfa.SfaError) and str(e.value) == "m"


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("これはデータベースではありません。" * 100, encoding="utf-8")
    with pytest.raises(sfa.DatabaseError):
        sfa.Sfa.open(str(path))


def test_a_database_file_is_reopened_with_its_data(tmp_path):
    path = str(tmp_path / "office.sqlite")
    db = sfa.Sfa.open(path)
    admin = db.create_first_admin(sfa.UserInput(name="管理", email="admin@example.jp"))
    db.session(admin.id).add_company(sfa.CompanyInput(name="株式会社永続"))
    del db
    again = sfa.Sfa.open(path).session_by_email("admin@example.jp")
    assert again.list_companies().items[0].name == "株式会社永続"


def test_a_closed_database_refuses_calls_and_reopens_whole(tmp_path):
    path = str(tmp_path / "office.sqlite")
    with sfa.Sfa.open(path) as db:
        admin = db.create_first_admin(sfa.UserInput(name="管理", email="admin@example.jp"))
        me = db.session(admin.id)
        me.add_company(sfa.CompanyInput(name="株式会社閉店前"))
    with pytest.raises(sfa.ClosedError):
        me.list_companies()
    with pytest.raises(sfa.ClosedError):
        db.has_users()
    db.close()  # a second close does nothing
    with sfa.Sfa.open(path) as again:
        me = again.session_by_email("admin@example.jp")
        assert [h.display_name for h in me.search(sfa.SearchRequest(text="閉店前"))] == ["株式会社閉店前"]


def test_unknown_sessions_and_bad_ids(office):
    with pytest.raises(sfa.NotFoundError):
        office.db.session("0190a4b2-0000-7000-8000-000000000000")
    with pytest.raises(sfa.InvalidArgumentError):
        office.db.session("garbage")


def test_errors_name_the_record_and_the_reason(office):
    missing = "0190a4b2-0000-7000-8000-000000000000"
    with pytest.raises(sfa.NotFoundError) as not_found:
        office.hanako.get_company(missing)
    assert (not_found.value.entity, not_found.value.id) == ("company", missing)

    company = office.company
    office.hanako.update_company(company.id, company.version, sfa.CompanyInput(name="株式会社山田製作所 本社"))
    with pytest.raises(sfa.ConflictError) as conflict:
        office.hanako.update_company(company.id, company.version, sfa.CompanyInput(name="株式会社山田"))
    assert conflict.value.id == company.id and conflict.value.entity == "company"
    assert (conflict.value.expected, conflict.value.actual) == (company.version, company.version + 1)

    with pytest.raises(sfa.PermissionDeniedError) as denied:
        office.hanako.add_user(sfa.UserInput(name="新人", email="new@example.jp"))
    assert denied.value.reason and "new@example.jp" not in denied.value.reason


def test_a_malformed_id_names_its_field_without_its_value(office):
    with pytest.raises(sfa.InvalidArgumentError) as e:
        office.hanako.get_company("not-an-id")
    assert e.value.field == "id"
    with pytest.raises(sfa.InvalidArgumentError) as e:
        office.hanako.add_deal(sfa.DealInput(company_id="not-an-id", name="x"))
    assert e.value.field == "input.company_id" and "not-an-id" not in str(e.value)


def test_searches_run_from_several_threads_at_once(office):
    office.hanako.add_companies([sfa.CompanyInput(name=f"株式会社テスト{i}", name_reading="テスト") for i in range(50)])
    errors: list[BaseException] = []
    counts: list[int] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(20):
                counts.append(len(office.hanako.search(sfa.SearchRequest(text="テスト", limit=100))))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert counts == [50] * 80


def test_a_panic_inside_a_write_reaches_python_as_an_internal_error(office):
    office.db._native.fault_panic_in_next_write()
    person = sfa.PersonInput(company_id=office.company.id, name="消える 人")
    with pytest.raises(sfa.InternalError) as e:
        office.hanako.add_person(person)
    assert not type(e.value).__name__ == "PanicException"
    # Nothing was half-written, and the database keeps working afterwards.
    assert [p.name for p in office.hanako.company_persons(office.company.id).items] == ["高橋 一郎"]
    assert office.hanako.add_person(person).name == "消える 人"
    assert office.hanako.me().name == "営業 花子"


def test_values_python_cannot_send_as_they_are_are_sfa_errors(office):
    from datetime import date, datetime
    from decimal import Decimal

    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_task(sfa.TaskInput(title="naive", remind_at=datetime(2026, 12, 1, 9, 0)))
    assert e.value.field == "remind_at"
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_company(sfa.CompanyInput(name="山田\ud800製作所"))
    assert e.value.field == "name"
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_deal(
            sfa.DealInput(company_id=office.company.id, name="細かすぎ", amount=Decimal("1." + "0" * 29 + "1"))
        )
    assert e.value.field == "amount"
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_task(sfa.TaskInput(title="遠い", due_date=date(1800, 1, 1)))
    assert e.value.field == "due_date"
    with pytest.raises(sfa.ConflictError):
        office.hanako.update_company(office.company.id, 2**63 - 1, sfa.CompanyInput(name="改名"))


def test_a_stored_value_python_cannot_read_is_an_sfa_error(tmp_path, write_outside):
    path = tmp_path / "ledger.sqlite"
    db = sfa.Sfa.open(str(path))
    me = db.session(db.create_first_admin(sfa.UserInput(name="部長", email="bucho@example.jp")).id)
    task = me.add_task(sfa.TaskInput(title="後で壊れる"))
    write_outside(path, "UPDATE tasks SET due_date = '+10000-01-01' WHERE id = ?", task.id)
    with pytest.raises(sfa.SfaError):
        me.get_task(task.id)
