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


def test_unknown_sessions_and_bad_ids(office):
    with pytest.raises(sfa.NotFoundError):
        office.db.session("0190a4b2-0000-7000-8000-000000000000")
    with pytest.raises(sfa.InvalidArgumentError):
        office.db.session("garbage")


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
    office.db._db("fault_panic_in_next_write")
    person = sfa.PersonInput(company_id=office.company.id, name="消える 人")
    with pytest.raises(sfa.InternalError) as e:
        office.hanako.add_person(person)
    assert not type(e.value).__name__ == "PanicException"
    # Nothing was half-written, and the database keeps working afterwards.
    assert [p.name for p in office.hanako.company_persons(office.company.id).items] == ["高橋 一郎"]
    assert office.hanako.add_person(person).name == "消える 人"
    assert office.hanako.me().name == "営業 花子"
