"""`Sfa.sync` against the reference server (`sfa-server`) on loopback, with the private
PostgreSQL cluster of the test run (skipped without SFA_TEST_POSTGRES). The server
binary is SFA_SERVER_BIN, or the workspace's debug build."""

from __future__ import annotations

import os
import pathlib
import subprocess
import uuid
from collections.abc import Iterator

import pytest

import sfa

URL = os.environ.get("SFA_TEST_POSTGRES")
ROOT = pathlib.Path(__file__).resolve().parents[2]


def server_binary() -> str:
    binary = os.environ.get("SFA_SERVER_BIN") or str(ROOT / "target" / "debug" / "sfa-server")
    if not pathlib.Path(binary).exists():
        raise RuntimeError(f"the sync server is not built ({binary}): cargo build -p sfa-server")
    return binary


def cli(*args: str) -> str:
    done = subprocess.run([server_binary(), *args], capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def server() -> Iterator[tuple[str, str, str]]:
    """A tenant with its first admin, the admin's token, and a running server:
    (base URL, tenant, token)."""
    assert URL
    tenant = "py_" + uuid.uuid4().hex
    cli("tenant", "create", "--postgres", URL, "--tenant", tenant,
        "--admin-name", "部長 一郎", "--admin-email", "bucho@example.jp")
    token = cli("token", "create", "--postgres", URL, "--tenant", tenant, "--email", "bucho@example.jp")
    process = subprocess.Popen(
        [server_binary(), "serve", "--postgres", URL, "--listen", "127.0.0.1:0"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().strip()
        address = line.removeprefix("sfa-server listening on ")
        assert address.startswith("http://127.0.0.1:"), line
        yield address, tenant, token
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.skipif(not URL, reason="SFA_TEST_POSTGRES is not set")
def test_a_fresh_database_syncs_with_the_server_and_its_work_reaches_the_server(
    server: tuple[str, str, str],
) -> None:
    address, tenant, token = server
    assert URL
    with sfa.Sfa.open_in_memory() as phone:
        first = phone.sync(address, token)
        assert first.pushed == 0 and first.pulled >= 1
        me = phone.session_by_email("bucho@example.jp")
        made = me.add_company(sfa.CompanyInput(name="株式会社蛇使い", name_reading="ヘビツカイ"))
        assert phone.sync_status().pending == 1
        report = phone.sync(address, token)
        assert (report.pushed, report.rejected) == (1, 0)
        status = phone.sync_status()
        assert status.pending == 0 and status.last_push_at is not None and status.last_pull_at is not None
        with sfa.Sfa.open_postgres(URL, tenant) as team:
            there = team.session(me.user_id).get_company(made.id)
            assert there == made
        # What synced is searchable here.
        assert [h.id for h in me.search("へびつかい")][:1] == [made.id]


@pytest.mark.skipif(not URL, reason="SFA_TEST_POSTGRES is not set")
def test_a_refused_call_is_a_rejection_and_a_bad_token_or_no_server_a_typed_error(
    server: tuple[str, str, str],
) -> None:
    address, tenant, token = server
    assert URL
    with sfa.Sfa.open_in_memory() as phone:
        phone.sync(address, token)
        me = phone.session_by_email("bucho@example.jp")
        company = me.add_company(sfa.CompanyInput(name="株式会社競合"))
        phone.sync(address, token)
        # The same company changed on the server first: the phone's edit is refused.
        with sfa.Sfa.open_postgres(URL, tenant) as team:
            boss = team.session(me.user_id)
            boss.update_company(company.id, company.version, sfa.CompanyInput(name="株式会社競合本店"))
        me.update_company(company.id, company.version, sfa.CompanyInput(name="株式会社競合支店"))
        report = phone.sync(address, token)
        assert report.rejected == 1
        [rejection] = phone.sync_rejections()
        assert rejection["refusal"]["code"] == "conflict"
        assert me.get_company(company.id).name == "株式会社競合本店"
        assert phone.dismiss_sync_rejection(rejection["mutation_id"])
        assert phone.sync_rejections() == []

        with pytest.raises(sfa.SyncServerError) as bad:
            phone.sync(address, "sfa_not_a_token")
        assert bad.value.status == 401
        with pytest.raises(sfa.UnavailableError):
            phone.sync("http://127.0.0.1:9", token, timeout=5)


def test_only_an_empty_database_becomes_a_sync_client() -> None:
    with sfa.Sfa.open_in_memory() as db:
        db.create_first_admin(sfa.UserInput(name="管理 太郎", email="admin@example.jp"))
        with pytest.raises(sfa.ValidationError) as refused:
            db.enable_sync()
        assert refused.value.field == "client_id"
