"""Deals and forecasts as Arrow record batches: polars, pyarrow (and so pandas) and
DuckDB read them through the Arrow PyCapsule interface, with exact money, real dates and
the names beside the ids."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb
import polars as pl
import pyarrow as pa
import pytest

import sfa


@pytest.fixture
def deals(office, catalog):
    add = office.hanako.add_deal
    plain = add(sfa.DealInput(company_id=office.company.id, name="更新案件", amount=Decimal("1000000.5"), expected_close_on=date(2026, 12, 10), confidence_id=catalog.levels[0].id, stage_id=catalog.stages[1].id, campaign_id=catalog.campaign.id))
    lined = add(sfa.DealInput(company_id=office.company.id, name="保守契約", lines=[
        sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal("3")),
        sfa.DealLineInput(product_id=catalog.products[1].id, quantity=Decimal("2.5")),
    ]))
    bare = office.jiro.add_deal(sfa.DealInput(company_id=office.company.id, name="未定"))
    won = office.jiro.add_deal(sfa.DealInput(company_id=office.company.id, name="受注", amount=Decimal("0.0001")))
    won = office.jiro.win_deal(won.id, won.version, date.today())
    return {"plain": plain, "lined": lined, "bare": bare, "won": won}


def test_polars_reads_every_deal_exactly_with_names(office, catalog, deals):
    stream = office.manager.deals_arrow()
    assert len(stream) == 4
    frame = pl.DataFrame(stream)
    assert frame.height == 4
    # pl.from_arrow takes it too, as a Series of structs (polars' rule for any Arrow
    # C stream): the same rows once unnested.
    assert pl.from_arrow(stream).struct.unnest().equals(frame)
    assert frame.schema["amount"] == pl.Decimal(38, 4)
    assert frame.schema["expected_close_on"] == pl.Date
    assert frame.schema["created_at"] == pl.Datetime("ms", "UTC")
    rows = {r["id"]: r for r in frame.to_dicts()}
    plain = rows[deals["plain"].id]
    assert plain["amount"] == Decimal("1000000.5")
    assert plain["expected_close_on"] == date(2026, 12, 10)
    assert plain["company_name"] == "株式会社山田製作所"
    assert plain["owner_id"] == office.hanako.user_id and plain["owner_name"] == "営業 花子"
    assert plain["stage_id"] == catalog.stages[1].id and plain["stage_name"] == "交渉"
    assert plain["confidence_label"] == "A" and plain["campaign_name"] == "展示会"
    # The probability the forecast weighs it by: the level's 80, not the stage's 70.
    assert plain["probability"] == 80 and frame.schema["probability"] == pl.Int32
    assert plain["lines"] == []
    assert plain["created_at"] == deals["plain"].created_at
    lined = rows[deals["lined"].id]
    assert lined["amount"] == Decimal("1500000.25")
    assert [(l["product_code"], l["product_name"], l["quantity"], l["amount"]) for l in lined["lines"]] == [
        ("SV-100", "生産管理", Decimal("3"), Decimal("1500000")),
        ("SP-10", "保守", Decimal("2.5"), Decimal("0.25")),
    ]
    bare = rows[deals["bare"].id]
    assert bare["amount"] is None and bare["stage_id"] is None and bare["stage_name"] is None
    assert bare["probability"] is None
    won = rows[deals["won"].id]
    assert won["status"] == "won" and won["closed_on"] == date.today()
    assert won["amount"] == Decimal("0.0001")
    # Exact sums: no float on the way.
    assert frame["amount"].sum() == Decimal("2500000.7501")


def test_pyarrow_and_pandas_read_the_same_batches(office, deals):
    stream = office.manager.deals_arrow()
    table = pa.table(stream)
    assert table.num_rows == 4
    assert table.schema.field("amount").type == pa.decimal128(38, 4)
    assert table.schema.field("closed_on").type == pa.date32()
    assert table.schema.field("updated_at").type == pa.timestamp("ms", tz="UTC")
    # The same object can be read again.
    again = pa.table(stream)
    assert again.equals(table)
    frame = table.to_pandas()
    assert frame["amount"].dropna().sum() == Decimal("2500000.7501")
    assert isinstance(frame["created_at"].iloc[0].to_pydatetime(), datetime)
    assert frame["created_at"].iloc[0].tzinfo is not None


def test_duckdb_queries_the_batches(office, deals):
    stream = office.manager.deals_arrow()  # noqa: F841 - DuckDB finds it by name
    totals = duckdb.sql("SELECT sum(amount), count(*) FROM stream").fetchall()
    assert totals == [(Decimal("2500000.7501"), 4)]
    lines = duckdb.sql("SELECT count(*) FROM (SELECT unnest(lines) FROM stream)").fetchall()
    assert lines == [(2,)]


def test_the_forecast_as_arrow_matches_the_records(office, catalog, deals):
    request = sfa.ForecastRequest(first_month=date(2026, 11, 1), last_month=date(2026, 12, 1), group_by=["owner"])
    records = office.manager.forecast(request)
    frame = pl.DataFrame(office.manager.forecast_arrow(request))
    assert frame.height == len(records)
    assert frame.schema["month"] == pl.Date
    assert frame.schema["weighted"] == pl.Decimal(38, 6)
    got = {(r["month"].strftime("%Y-%m"), r["owner"]): (r["deal_count"], r["pipeline"], r["weighted"], r["won"]) for r in frame.to_dicts()}
    want = {(r.month, r.owner): (r.deal_count, r.pipeline, r.weighted, r.won) for r in records}
    assert got == want
    assert frame["weighted"].sum() == Decimal("800000.4")


def test_an_empty_ledger_is_an_empty_table_with_its_columns(office):
    stream = office.manager.deals_arrow()
    assert len(stream) == 0
    assert "owner_name" in stream.columns
    assert pl.DataFrame(stream).height == 0


def test_a_forecast_request_is_checked_before_any_batch(office):
    with pytest.raises(sfa.ValidationError):
        office.manager.forecast_arrow(sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 1, 1)))
