"""A team's tenant on PostgreSQL, opened from Python (the rest of the suite runs there too
when SFA_TEST_BACKEND=postgres)."""

from __future__ import annotations

import os
import uuid

import pytest

import sfa

URL = os.environ.get("SFA_TEST_POSTGRES")


def test_a_bad_tenant_name_or_an_unreachable_server_is_a_typed_error() -> None:
    with pytest.raises(sfa.ValidationError) as bad:
        sfa.Sfa.open_postgres("host=/nonexistent-sfa-socket-dir dbname=sfa", "Tenant-1")
    assert bad.value.field == "tenant"
    with pytest.raises(sfa.UnavailableError) as down:
        sfa.Sfa.open_postgres("host=/nonexistent-sfa-socket-dir dbname=sfa", "tenant_1")
    # The message never echoes the connection string (it may hold a password).
    assert "nonexistent" not in str(down.value)


@pytest.mark.skipif(not URL, reason="SFA_TEST_POSTGRES is not set")
def test_two_handles_on_one_tenant_see_each_others_writes_and_search_them() -> None:
    assert URL
    tenant = "py_" + uuid.uuid4().hex
    first = sfa.Sfa.open_postgres(URL, tenant)
    admin = first.create_first_admin(sfa.UserInput(name="部長 一郎", email="bucho@example.jp"))
    second = sfa.Sfa.open_postgres(URL, tenant)
    with pytest.raises(sfa.SfaError):
        second.create_first_admin(sfa.UserInput(name="別の 管理者", email="other@example.jp"))

    made = first.session(admin.id).add_company(sfa.CompanyInput(name="株式会社北斗電機", name_reading="ホクトデンキ"))
    there = second.session(admin.id)
    assert there.get_company(made.id).name == "株式会社北斗電機"
    hits = there.search("ほくと")
    assert [h.id for h in hits][:1] == [made.id]

    stale = made.version
    there.update_company(made.id, stale, sfa.CompanyInput(name="株式会社北斗電機製作所"))
    with pytest.raises(sfa.ConflictError):
        first.session(admin.id).update_company(made.id, stale, sfa.CompanyInput(name="上書き"))
    for db in (first, second):
        check = db.check_search_index()
        assert (check.records, check.documents, check.missing, check.stale) == (1, 1, [], [])
