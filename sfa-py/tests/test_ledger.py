"""Users, the customer ledger, links, search and CSV from Python."""

from __future__ import annotations

from datetime import datetime

import pytest

import sfa


def test_users_and_sessions(office):
    users = office.manager.list_users()
    assert [u.name for u in users] == ["営業 次郎", "営業 花子", "部長 一郎"] or len(users) == 3
    me = office.db.session_by_email("HANAKO@example.jp")
    assert me.me().name == "営業 花子"
    assert office.db.has_users()
    updated = office.hanako.update_user(me.user_id, me.me().version, sfa.UserInput(name="営業 花子2", email="hanako@example.jp"))
    assert updated.version == 2
    assert office.manager.get_user(me.user_id).name == "営業 花子2"
    with pytest.raises(sfa.PermissionDeniedError):
        office.hanako.add_user(sfa.UserInput(name="x", email="x@example.jp"))
    with pytest.raises(sfa.SfaError):
        office.db.create_first_admin(sfa.UserInput(name="二人目", email="two@example.jp"))


def test_company_and_person_records_are_pythonic(office):
    c = office.hanako.add_company(
        sfa.CompanyInput(name="ＡＢＣ商事", phone="03-1234-5678", website="abc.example.jp", postal_code="〒1000005")
    )
    assert c.name == "ABC商事"
    assert c.phone == "+81312345678"
    assert c.website == "https://abc.example.jp"
    assert c.postal_code == "100-0005"
    assert isinstance(c.created_at, datetime) and c.created_at.tzinfo is not None
    assert "ABC商事" in repr(c)
    assert office.hanako.get_company(c.id) == c
    links = office.hanako.company_links(c.id)
    assert links.tel == "tel:+81312345678"
    assert office.hanako.person_links(office.person.id).mailto == "mailto:ichiro@yamada.example.jp"

    changed = office.hanako.update_company(c.id, c.version, sfa.CompanyInput(name="ABC商事株式会社"))
    archived = office.hanako.archive_company(c.id, changed.version)
    assert archived.archived
    restored = office.hanako.restore_company(c.id, archived.version)
    assert not restored.archived
    with pytest.raises(sfa.ConflictError) as stale:
        office.hanako.update_company(c.id, 1, sfa.CompanyInput(name="古い"))
    assert (stale.value.expected, stale.value.actual) == (1, restored.version)

    p = office.hanako.add_person(sfa.PersonInput(company_id=c.id, name="佐藤 健", mobile_phone="090-1234-5678"))
    assert p.mobile_phone == "+819012345678"
    p2 = office.hanako.update_person(p.id, p.version, sfa.PersonInput(company_id=c.id, name="佐藤 健一"))
    p3 = office.hanako.archive_person(p.id, p2.version)
    office.hanako.restore_person(p.id, p3.version)
    assert office.hanako.get_person(p.id).name == "佐藤 健一"
    assert [x.name for x in office.hanako.company_persons(c.id).items] == ["佐藤 健一"]


def test_lists_paginate(office):
    office.hanako.add_companies([sfa.CompanyInput(name=f"会社{i:02}") for i in range(7)])
    seen = []
    page = sfa.PageRequest(limit=3)
    while True:
        got = office.hanako.list_companies(page)
        seen += [c.name for c in got.items]
        if got.next_cursor is None:
            break
        page = sfa.PageRequest(limit=3, cursor=got.next_cursor)
    assert len(seen) == 8 and len(set(seen)) == 8
    assert len(office.hanako.list_persons().items) == 1


def test_validation_errors_name_the_field(office):
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_company(sfa.CompanyInput(name="", phone="03-12"))
    assert e.value.entity == "company"
    assert [f["field"] for f in e.value.fields] == ["name", "phone"]
    assert [f["code"] for f in e.value.fields] == ["required", "invalid_phone"]
    assert e.value.code == "required"
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_company(sfa.CompanyInput(name="株" * 1000))
    assert (e.value.code, e.value.fields[0]["limit"]) == ("too_long", 200)
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_person(sfa.PersonInput(name="誰か"))
    assert e.value.field == "company_id"
    with pytest.raises(sfa.NotFoundError) as nf:
        office.hanako.get_company("0190a4b2-0000-7000-8000-000000000000")
    assert nf.value.entity == "company"
    with pytest.raises(sfa.InvalidArgumentError):
        office.hanako.get_company("not-an-id")


def test_search_finds_readings_and_phones(office):
    office.hanako.add_company(sfa.CompanyInput(name="株式会社みなと精密", name_reading="ミナトセイミツ", phone="045-222-1100"))
    hits = office.hanako.search("ﾐﾅﾄ")
    assert hits[0].display_name == "株式会社みなと精密"
    assert office.hanako.search(sfa.SearchRequest(text="045-222-1100", limit=1))[0].kind == sfa.HitKind.COMPANY
    assert office.hanako.search("yamada")[0].display_name == "株式会社山田製作所"
    assert office.db.rebuild_search_index() >= 2
    assert office.db.catch_up_search_index() >= 0
    assert office.db.pending_search_changes() == 0


def test_csv_round_trip_and_import_errors(office):
    data = "会社名,電話番号\n株式会社テスト,03-5555-0000\n".encode()
    report = office.hanako.import_companies_csv(data)
    assert report.imported == 1 and report.skipped == []
    persons = "会社名,氏名,メールアドレス\n株式会社テスト,試験 太郎,t@test.example.jp\n株式会社テスト,誤り,bad@@\n".encode()
    with pytest.raises(sfa.CsvImportError) as e:
        office.hanako.import_persons_csv(persons)
    assert e.value.line == 3 and e.value.field == "email"
    skipped = office.hanako.import_persons_csv(persons, sfa.ImportOptions(skip_bad_rows=True))
    assert (skipped.imported, skipped.skipped[0].line) == (1, 3)
    sjis = office.hanako.export_companies_csv(sfa.ExportOptions(encoding=sfa.CsvEncoding.SHIFT_JIS))
    assert "株式会社テスト".encode("cp932") in sjis
    assert office.hanako.export_persons_csv().startswith(b"\xef\xbb\xbf")


def test_a_page_iterates_and_all_pages_follow_one_another(office):
    office.hanako.add_companies([sfa.CompanyInput(name=f"株式会社頁{i:02}") for i in range(25)])
    page = office.hanako.list_companies(sfa.PageRequest(limit=10))
    assert len(page) == 10 and list(page) == page.items and page.next_cursor
    every = list(page.all())
    assert len(every) == 26 and len({c.id for c in every}) == 26  # with the fixture's company
    assert every[:10] == page.items
    last = office.hanako.list_companies(sfa.PageRequest(limit=100))
    assert last.next_cursor is None and list(last.all()) == last.items


def test_an_import_reports_progress_and_a_failing_callback_stops_it(office):
    me = office.hanako
    csv = ("会社名,住所\n" + "".join(f"株式会社進捗{i:05},東京都港区芝{i % 5 + 1}-1\n" for i in range(5000))).encode()
    seen: list[tuple[int, int]] = []
    report = me.import_companies_csv(csv, progress=lambda done, total: seen.append((done, total)))
    assert report.imported == 5000
    assert len(seen) >= 2 and seen[-1] == (len(csv), len(csv))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and seen[0][0] < len(csv)

    class Cancelled(Exception):
        pass

    def cancel(done: int, total: int) -> None:
        if done * 2 >= total:
            raise Cancelled("the user pressed cancel")

    again = csv.replace("株式会社進捗".encode(), "株式会社中止".encode())
    with pytest.raises(Cancelled):
        me.import_companies_csv(again, progress=cancel)
    assert me.search(sfa.SearchRequest(text="株式会社中止", limit=5)) == []  # nothing stored
    names = {c.name for c in me.list_companies(sfa.PageRequest(limit=1000)).all()}
    assert not any(n.startswith("株式会社中止") for n in names) and "株式会社進捗00000" in names


def test_index_work_reports_progress_and_a_failing_callback_is_raised(tmp_path):
    with sfa.Sfa.open(str(tmp_path / "progress.sqlite")) as db:
        admin = db.create_first_admin(sfa.UserInput(name="管理", email="admin@example.jp"))
        me = db.session(admin.id)
        csv = "会社名\n" + "".join(f"株式会社進捗{i:03}\n" for i in range(300))
        me.import_companies_csv(csv.encode())
        seen: list[tuple[int, int]] = []
        assert db.rebuild_search_index(progress=lambda done, total: seen.append((done, total))) == 300
        assert seen and seen[-1] == (300, 300)
        assert all(d <= t for d, t in seen)
        caught = db.catch_up_search_index(progress=lambda done, total: None)
        assert caught == 0

        def stop(done: int, total: int) -> None:
            raise RuntimeError("stop")

        with pytest.raises(RuntimeError, match="stop"):
            db.rebuild_search_index(progress=stop)
        assert len(me.search(sfa.SearchRequest(text="進捗", limit=1000))) == 300
