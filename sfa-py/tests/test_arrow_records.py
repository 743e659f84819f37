"""Companies, persons, interactions, tasks and the analytics results as Arrow record
batches: a column per field of the record (the same shape as the dataclasses), names
beside ids, exact money, real dates and instants."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import sfa

UTC = timezone.utc


def columns_of(record: type) -> list[str]:
    return [f.name for f in dataclasses.fields(record)]


@pytest.fixture
def activity(office):
    other = office.hanako.add_company(sfa.CompanyInput(name="有限会社佐藤商店"))
    gone = office.hanako.archive_company(other.id, other.version)
    start = datetime.now(UTC) - timedelta(days=1)
    visit = office.hanako.log_interaction(
        sfa.InteractionInput(
            company_id=office.company.id,
            purpose="新製品のご紹介",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            participant_ids=[office.hanako.user_id, office.jiro.user_id],
            person_ids=[office.person.id],
        ),
        sfa.ReportInput(outcome="見積依頼あり"),
    )
    task = office.hanako.add_task(
        sfa.TaskInput(title="見積書を送る", due_date=date(2027, 1, 15), assignee_id=office.jiro.user_id, company_id=office.company.id)
    )
    return {"archived": gone, "visit": visit, "task": task}


def test_companies_have_a_column_per_field_archived_ones_too(office, activity):
    frame = pl.DataFrame(office.manager.companies_arrow())
    assert frame.columns == columns_of(sfa.Company)
    assert frame.height == 2
    rows = {r["id"]: r for r in frame.to_dicts()}
    company = rows[office.company.id]
    assert company["name"] == "株式会社山田製作所" and company["name_reading"] == "ヤマダセイサクショ"
    assert company["created_at"] == office.company.created_at
    assert frame.schema["created_at"] == pl.Datetime("ms", "UTC")
    assert rows[activity["archived"].id]["archived"] is True


def test_persons_carry_their_companys_name(office, activity):
    frame = pl.DataFrame(office.manager.persons_arrow())
    expected = columns_of(sfa.Person)
    expected.insert(expected.index("company_id") + 1, "company_name")
    assert frame.columns == expected
    (person,) = frame.to_dicts()
    assert person["id"] == office.person.id and person["email"] == "ichiro@yamada.example.jp"
    assert person["company_name"] == "株式会社山田製作所"


def test_interactions_with_their_links_as_lists(office, activity):
    stream = office.manager.interactions_arrow()
    frame = pl.DataFrame(stream)
    (visit,) = frame.to_dicts()
    want = activity["visit"]
    assert visit["kind"] == "visit" and visit["status"] == "done"
    assert visit["participant_ids"] == want.participant_ids
    assert visit["person_ids"] == [office.person.id]
    assert visit["company_name"] == "株式会社山田製作所"
    assert visit["starts_at"] == want.starts_at and visit["outcome"] == "見積依頼あり"
    assert frame.schema["participant_ids"] == pl.List(pl.String)
    # DuckDB reads the same batches.
    people = duckdb.sql("SELECT count(*) FROM (SELECT unnest(participant_ids) FROM stream)").fetchall()
    assert people == [(2,)]


def test_tasks_with_the_assignees_name(office, activity):
    table = pa.table(office.manager.tasks_arrow())
    assert table.schema.field("due_date").type == pa.date32()
    assert table.schema.field("remind_at").type == pa.timestamp("ms", tz="UTC")
    (task,) = table.to_pylist()
    assert task["title"] == "見積書を送る" and task["due_date"] == date(2027, 1, 15)
    assert task["assignee_id"] == office.jiro.user_id and task["assignee_name"] == "営業 次郎"
    assert task["status"] == "open" and task["company_id"] == office.company.id


def test_an_empty_ledger_gives_empty_tables_with_their_columns(office):
    for stream in (office.manager.tasks_arrow(), office.manager.interactions_arrow()):
        frame = pl.DataFrame(stream)
        assert frame.height == 0 and "created_at" in frame.columns


def test_analytics_results_match_the_records_exactly(office, catalog):
    m = office.manager
    lined = office.hanako.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="保守契約",
            campaign_id=catalog.campaign.id,
            confidence_id=catalog.levels[0].id,
            lines=[sfa.DealLineInput(product_id=catalog.products[1].id, quantity=Decimal("3"))],
        )
    )
    office.hanako.win_deal(lined.id, lined.version, date.today())
    period = (date.today().replace(day=1), date.today())
    for records, stream in [
        (m.product_summary(*period), m.product_summary_arrow(*period)),
        (m.category_summary(*period), m.category_summary_arrow(*period)),
    ]:
        frame = pl.DataFrame(stream)
        assert frame.to_dicts() == [dataclasses.asdict(r) for r in records]
    roi = pl.DataFrame(m.campaign_roi_arrow(period))
    (campaign,) = m.campaign_roi(period)
    (row,) = roi.to_dicts()
    assert row["won"] == campaign.won == Decimal("0.3") and row["cost"] == Decimal("1000000")
    assert campaign.roi is not None and row["roi"] == pytest.approx(float(campaign.roi))
    assert roi.schema["roi"] == pl.Float64 and roi.schema["won"] == pl.Decimal(38, 4)
    calibration = pl.DataFrame(m.calibration_arrow())
    by_level = {r["confidence"]: r for r in calibration.to_dicts()}
    a = by_level[catalog.levels[0].id]
    assert (a["stated_percentage"], a["closed_count"], a["won_count"], a["observed_percentage"]) == (80, 1, 1, 100.0)


def test_the_forecast_range_is_one_exact_row(office, catalog):
    open_deal = office.hanako.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="更新",
            amount=Decimal("1000.0001"),
            expected_close_on=date.today(),
            confidence_id=catalog.levels[1].id,
        )
    )
    assert open_deal.status == sfa.DealStatus.OPEN
    request = sfa.RangeRequest(first_month=date.today(), last_month=date.today(), trials=200)
    record = office.manager.forecast_range(request)
    frame = pl.DataFrame(office.manager.forecast_range_arrow(request))
    assert frame.schema["mean"] == pl.Decimal(38, 6) and frame.schema["p50"] == pl.Decimal(38, 4)
    (row,) = frame.to_dicts()
    assert row == dataclasses.asdict(record)
    # 1000.0001 x 50%: six places, exact.
    assert row["mean"] == Decimal("500.00005")
