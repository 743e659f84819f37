"""Per-call cost of the Python face, beside a plain sqlite3 lookup of the same rows from
Python, in the same run (issue 19, item 1).

    python benches/python_calls.py [COMPANIES]

Needs the `sfa` wheel built with `--release` in the running Python (see BENCHMARKS.md).
Builds a file database with COMPANIES companies (default 1,000) in a temporary folder,
then times, each as the median of several rounds:

- `get_company(id)` against `SELECT ... FROM companies WHERE id = ?` through sqlite3 on
  a copy of the same file (the row as a tuple, no record object: the floor a Python program pays for one row);
- `get_company` of an id nobody has (`NotFoundError`);
- `list_companies` pages of 1,000 against the same SELECT of 1,000 rows, per row;
- the native method alone (`NativeSession.get_company`: the argument read, the call
  and the record built by the native module), without the package's typed wrapper.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sfa


def per_call(f, n: int, rounds: int = 7) -> float:
    """Median over rounds of the mean seconds per call of `f` over `n` calls."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(n):
            f()
        times.append((time.perf_counter() - start) / n)
    return statistics.median(times)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    folder = Path(tempfile.mkdtemp(prefix="sfa-pycalls-"))
    path = folder / "ledger.sqlite"
    db = sfa.Sfa.open(str(path))
    admin = db.create_first_admin(sfa.UserInput(name="管理 太郎", email="admin@example.jp"))
    me = db.session(admin.id)
    companies = me.add_companies(
        [
            sfa.CompanyInput(
                name=f"株式会社テスト{i:05}",
                name_reading="テスト",
                address=f"東京都千代田区丸の内{i % 9 + 1}-{i % 20 + 1}",
                phone=f"03-{1000 + i % 9000:04}-{i % 10000:04}",
                industry="製造",
            )
            for i in range(count)
        ]
    )
    target = companies[count // 2].id

    # sqlite3 reads a copy: two copies of SQLite in one process share its POSIX locks,
    # so the second would take the WAL index for its own and truncate it under the first.
    db.close()
    peer = folder / "peer.sqlite"
    for suffix in ("", "-wal"):
        if Path(f"{path}{suffix}").exists():
            shutil.copyfile(f"{path}{suffix}", f"{peer}{suffix}")
    db = sfa.Sfa.open(str(path))
    me = db.session(admin.id)
    con = sqlite3.connect(str(peer))
    columns = [r[1] for r in con.execute("PRAGMA table_info(companies)")]
    select_one = f"SELECT {', '.join(columns)} FROM companies WHERE id = ?"
    select_page = f"SELECT {', '.join(columns)} FROM companies ORDER BY sort_key, id LIMIT 1000"
    key = con.execute("SELECT id FROM companies LIMIT 1").fetchone()[0]
    stored_id = con.execute("SELECT id FROM companies WHERE name = ?", (companies[count // 2].name,)).fetchone()[0]
    assert type(stored_id) is type(key)

    n = 20_000
    sqlite_one = per_call(lambda: con.execute(select_one, (stored_id,)).fetchone(), n)
    sfa_one = per_call(lambda: me.get_company(target), n)
    native = me._native
    parts = {"native_call": per_call(lambda: native.get_company(target), n) * 1e6}

    unknown = "0190d3a4-0000-7000-8000-000000000000"

    def refused() -> None:
        try:
            me.get_company(unknown)
        except sfa.NotFoundError:
            pass

    sfa_refused = per_call(refused, 2_000)

    pages = 50
    rows = min(count, 1000)
    sqlite_page = per_call(lambda: con.execute(select_page).fetchall(), pages) / rows
    sfa_page = per_call(lambda: me.list_companies(sfa.PageRequest(limit=1000)), pages) / rows

    print(json.dumps({
        "companies": count,
        "sqlite3_get_us": sqlite_one * 1e6,
        "sfa_get_company_us": sfa_one * 1e6,
        "ratio": sfa_one / sqlite_one,
        "parts_us": parts,
        "sfa_get_company_unknown_id_us": sfa_refused * 1e6,
        "sqlite3_page_per_row_us": sqlite_page * 1e6,
        "sfa_page_per_row_us": sfa_page * 1e6,
    }, indent=2))
    db.close()
    con.close()
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
