"""Shared fixtures: an office with a manager (admin), two salespeople and a customer
company with a person.

The office lives in a private in-memory database, or, when SFA_TEST_BACKEND=postgres and
SFA_TEST_POSTGRES holds a libpq connection string, in a fresh tenant of that PostgreSQL
database: the same tests check both stores."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest

import sfa


def fresh_database() -> sfa.Sfa:
    """A new, empty database on the backend this run tests."""
    if os.environ.get("SFA_TEST_BACKEND") == "postgres":
        url = os.environ.get("SFA_TEST_POSTGRES")
        if not url:
            raise RuntimeError("SFA_TEST_BACKEND=postgres needs SFA_TEST_POSTGRES")
        return sfa.Sfa.open_postgres(url, "py_" + uuid.uuid4().hex)
    return sfa.Sfa.open_in_memory()


def write_from_another_process(path: object, sql: str, *params: object) -> None:
    """Runs one statement on the database file with Python's own sqlite3, in a child
    process, as a tool outside the library would.

    Never in this process while an `Sfa` has the file open: two copies of SQLite in one
    process share its POSIX locks, so the second believes it is alone and truncates the
    shared WAL index under the first (a bus error, or worse, a corrupt database).
    Fails unless the statement changed a row (a test built on it would prove nothing).
    """
    script = (
        "import sqlite3, sys, json\n"
        "with sqlite3.connect(sys.argv[1]) as c:\n"
        "    assert c.execute(sys.argv[2], json.loads(sys.argv[3])).rowcount > 0\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path), sql, json.dumps(params)], check=True)


@pytest.fixture
def write_outside() -> Callable[..., None]:
    """`write_outside(path, sql, *params)`: see `write_from_another_process`."""
    return write_from_another_process


@pytest.fixture
def new_database() -> Callable[[], sfa.Sfa]:
    """Makes further empty databases on this run's backend (a second office)."""
    return fresh_database


@dataclass
class Office:
    db: sfa.Sfa
    manager: sfa.Session
    hanako: sfa.Session
    jiro: sfa.Session
    company: sfa.Company
    person: sfa.Person


@pytest.fixture
def office() -> Office:
    db = fresh_database()
    boss = db.create_first_admin(sfa.UserInput(name="部長 一郎", email="bucho@example.jp"))
    manager = db.session(boss.id)
    hanako = db.session(manager.add_user(sfa.UserInput(name="営業 花子", email="hanako@example.jp")).id)
    jiro = db.session(manager.add_user(sfa.UserInput(name="営業 次郎", email="jiro@example.jp")).id)
    company = hanako.add_company(sfa.CompanyInput(name="株式会社山田製作所", name_reading="ヤマダセイサクショ"))
    person = hanako.add_person(sfa.PersonInput(company_id=company.id, name="高橋 一郎", email="ichiro@yamada.example.jp"))
    return Office(db, manager, hanako, jiro, company, person)


@dataclass
class Catalog:
    stages: list[sfa.Stage]
    levels: list[sfa.Confidence]
    campaign: sfa.Campaign
    category: sfa.ProductCategory
    products: list[sfa.Product]


@pytest.fixture
def catalog(office: Office) -> Catalog:
    from datetime import date

    m = office.manager
    stages = [m.add_stage(sfa.StageInput(name=n, default_percentage=p)) for n, p in [("提案", 40), ("交渉", 70)]]
    levels = [m.add_confidence(sfa.ConfidenceInput(label=l, percentage=p)) for l, p in [("A", 80), ("B", 50)]]
    campaign = m.add_campaign(
        sfa.CampaignInput(name="展示会", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 3), cost=Decimal("1000000"))
    )
    category = m.add_product_category(sfa.ProductCategoryInput(name="ソフトウェア"))
    products = [
        m.add_product(sfa.ProductInput(category_id=category.id, code=c, name=n, unit_price=Decimal(p)))
        for c, n, p in [("SV-100", "生産管理", "500000"), ("SP-10", "保守", "0.1")]
    ]
    return Catalog(stages, levels, campaign, category, products)
