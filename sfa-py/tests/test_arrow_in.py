"""Arrow in: the library's exact forecast of a frame that lives in no database (polars,
pandas, pyarrow, DuckDB), with the same rules as a forecast of the ledger, and errors
that name the column and the row."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date
from decimal import Decimal

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import sfa

# Deals are won and lost today (a close date cannot precede creation): the period
# reaches today whenever the tests run.
PERIOD = dict(first_month=date(2026, 10, 1), last_month=max(date(2027, 3, 1), date.today()))


@pytest.fixture
def ledger(office, catalog):
    """Deals over months, owners, stages, levels, a campaign and lines, won and lost."""
    stages, levels = catalog.stages, catalog.levels
    for i in range(24):
        who = office.hanako if i % 3 else office.jiro
        lines = []
        if i % 4 == 0:
            lines = [
                sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal(1 + i % 3)),
                sfa.DealLineInput(product_id=catalog.products[1].id, quantity=Decimal("2.5")),
            ]
        d = who.add_deal(
            sfa.DealInput(
                company_id=office.company.id,
                name=f"案件{i}",
                amount=None if lines else Decimal(100_000 + i * 12_345) / Decimal(100),
                expected_close_on=date(2026, 10 + i % 3, 1 + i % 27) if i % 7 else None,
                stage_id=stages[i % 2].id if i % 5 else None,
                confidence_id=levels[i % 2].id if i % 2 else None,
                campaign_id=catalog.campaign.id if i % 6 == 0 else None,
                lines=lines,
            )
        )
        if i % 8 == 1:
            who.win_deal(d.id, d.version, date.today())
        elif i % 8 == 2:
            who.lose_deal(d.id, d.version, date.today(), "価格")
    team = office.manager.add_team(sfa.TeamInput(name="東京一課", member_ids=[office.hanako.user_id, office.jiro.user_id]))
    solo = office.manager.add_team(sfa.TeamInput(name="大阪", member_ids=[office.jiro.user_id]))
    teams: dict[str, list[str]] = defaultdict(list)
    for t in (team, solo):
        for member in t.member_ids:
            teams[member].append(t.id)
    return dict(teams)


def ordered(rows: list[sfa.ForecastRow]) -> list[sfa.ForecastRow]:
    """Rows by month then labels: within a month a forecast lists labels in the order it
    first met them, which differs between a ledger's masters and a frame's rows."""
    return sorted(rows, key=lambda r: (r.month, r.owner or "", r.team or "", r.stage or "", r.product or "", r.campaign or ""))


LABELS = ["month", "owner", "team", "stage", "product", "campaign"]

GROUPINGS = [list(g) for n in range(3) for g in itertools.combinations(["owner", "team", "stage", "product", "campaign"], n)]


@pytest.mark.parametrize("group_by", GROUPINGS, ids=lambda g: "+".join(g) or "month")
def test_the_ledger_frame_forecasts_exactly_as_the_ledger(office, ledger, group_by):
    me = office.manager
    request = sfa.ForecastRequest(**PERIOD, group_by=group_by)
    want = ordered(me.forecast(request))
    assert want, "the ledger has deals in the period"
    frame = pl.DataFrame(me.deals_arrow())
    assert ordered(sfa.forecast(frame, request, teams=ledger)) == want
    assert ordered(sfa.forecast(me.deals_arrow(), request, teams=ledger)) == want


def test_pyarrow_pandas_and_duckdb_frames_give_the_same_rows(office, ledger):
    me = office.manager
    request = sfa.ForecastRequest(**PERIOD, group_by=["owner", "product"])
    want = ordered(me.forecast(request))
    ledger_table = pa.table(me.deals_arrow())
    assert ordered(sfa.forecast(ledger_table, request)) == want
    assert ordered(sfa.forecast(ledger_table.to_pandas(types_mapper=pd.ArrowDtype), request)) == want
    # Plain pandas too: Decimal and date objects, lists of dicts.
    plain = ledger_table.to_pandas()
    assert plain["amount"].dtype == object
    assert ordered(sfa.forecast(plain, request)) == want
    relation = duckdb.sql("FROM ledger_table")
    assert ordered(sfa.forecast(relation, request)) == want


def test_the_arrow_rows_of_a_frame_match_the_ledgers(office, ledger):
    me = office.manager
    request = sfa.ForecastRequest(**PERIOD, group_by=["team", "stage"])
    got = pl.DataFrame(sfa.forecast_arrow(pl.DataFrame(me.deals_arrow()), request, teams=ledger)).sort(LABELS)
    assert got.equals(pl.DataFrame(me.forecast_arrow(request)).sort(LABELS))
    assert got.schema["weighted"] == pl.Decimal(38, 6)


def test_an_analysts_own_frame_with_name_labels(office):
    frame = pl.DataFrame(
        {
            "owner_id": ["花子", "花子", "次郎", "次郎"],
            "status": ["open", "open", "won", "lost"],
            "amount": [Decimal("1000000.5"), Decimal("0.0001"), Decimal("300"), Decimal("999")],
            "expected_close_on": [date(2026, 12, 10), date(2026, 12, 31), None, date(2026, 12, 1)],
            "closed_on": [None, None, date(2026, 12, 2), date(2026, 12, 3)],
            "probability": [70, 33, None, 50],
        },
        schema_overrides={"amount": pl.Decimal(38, 4), "probability": pl.Int8},
    )
    request = sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), group_by=["owner"])
    rows = {r.owner: r for r in sfa.forecast(frame, request)}
    assert set(rows) == {"花子", "次郎"}
    hanako = rows["花子"]
    assert (hanako.deal_count, hanako.pipeline) == (2, Decimal("1000000.5001"))
    # 1000000.5 x 70% + 0.0001 x 33%, exactly (six places).
    assert hanako.weighted == Decimal("700000.350033")
    jiro = rows["次郎"]
    assert (jiro.deal_count, jiro.won_count, jiro.won, jiro.expected) == (0, 1, Decimal("300"), Decimal("300"))


def test_integer_money_is_exact_and_float_money_is_refused(office):
    base = {
        "owner_id": ["a"],
        "status": ["open"],
        "expected_close_on": [date(2026, 12, 1)],
        "probability": [50],
    }
    request = sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1))
    (row,) = sfa.forecast(pl.DataFrame({**base, "amount": [1_000_001]}), request)
    assert row.weighted == Decimal("500000.5")
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(pl.DataFrame({**base, "amount": [0.1]}), request)
    assert e.value.field == "amount" and e.value.code == "invalid_number"


def test_a_bad_value_names_its_column_and_row(office):
    frame = pl.DataFrame(
        {
            "owner_id": ["a", "b", "c"],
            "status": ["open", "open", "maybe"],
            "amount": [Decimal(1), Decimal(2), Decimal(3)],
            "expected_close_on": [date(2026, 12, 1)] * 3,
            "probability": [10, 150, 10],
        }
    )
    request = sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1))
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame, request)
    assert (e.value.field, e.value.code, e.value.row) == ("probability", "out_of_range", 1)
    assert "row 1" in str(e.value)
    # A float percentage (pandas' integers with gaps) is read when whole, refused when not.
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame.with_columns(probability=pl.Series([10.0, 12.5, None])), request)
    assert (e.value.field, e.value.code, e.value.row) == ("probability", "out_of_range", 1)
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame.with_columns(probability=pl.lit(10)), request)
    assert (e.value.field, e.value.code, e.value.row) == ("status", "not_allowed", 2)
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame.drop("status"), request)
    assert (e.value.field, e.value.code, e.value.row) == ("status", "required", None)
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame.with_columns(expected_close_on=pl.lit("2026-12-01")), request)
    assert e.value.field == "expected_close_on" and e.value.code == "invalid_date"
    # Too many places for money is refused as the ledger refuses it.
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(
            frame.with_columns(probability=pl.lit(10), status=pl.lit("open"), amount=pl.lit(Decimal("0.00001"))),
            request,
        )
    assert e.value.field == "amount" and e.value.code == "too_precise"


def test_a_grouping_needs_its_column_and_teams(office):
    frame = pl.DataFrame(
        {
            "owner_id": ["a"],
            "status": ["open"],
            "amount": [Decimal(1)],
            "expected_close_on": [date(2026, 12, 1)],
            "probability": [10],
        }
    )
    month = dict(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1))
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame, sfa.ForecastRequest(**month, group_by=["stage"]))
    assert (e.value.field, e.value.code) == ("stage_id", "required")
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(frame, sfa.ForecastRequest(**month, group_by=["product"]))
    assert e.value.field == "lines"
    with pytest.raises(sfa.InvalidArgumentError) as ia:
        sfa.forecast(frame, sfa.ForecastRequest(**month, group_by=["team"]))
    assert ia.value.details["field"] == "teams"
    (row,) = sfa.forecast(frame, sfa.ForecastRequest(**month, group_by=["team"]), teams={"a": ["t"]})
    assert row.team == "t"


def test_something_that_is_not_a_frame_is_refused(office):
    request = sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1))
    with pytest.raises(sfa.InvalidArgumentError) as e:
        sfa.forecast([{"owner_id": "a"}], request)  # type: ignore[arg-type]
    assert e.value.details["field"] == "deals"


def test_a_frame_of_no_rows_is_checked_for_its_columns(office):
    request = sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), group_by=["owner"])
    schema = pa.schema(
        [
            ("owner_id", pa.string()),
            ("status", pa.string()),
            ("amount", pa.decimal128(38, 4)),
            ("expected_close_on", pa.date32()),
            ("probability", pa.int8()),
        ]
    )
    # A stream of no batches at all: its schema is all there is to check.
    empty = pa.Table.from_batches([], schema=schema)
    assert empty.to_batches() == []
    assert sfa.forecast(empty, request) == []
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(empty.drop_columns(["amount"]), request)
    assert (e.value.field, e.value.code, e.value.row) == ("amount", "required", None)
    with pytest.raises(sfa.ValidationError) as e:
        sfa.forecast(empty.set_column(2, "amount", pa.array([], pa.float64())), request)
    assert (e.value.field, e.value.code) == ("amount", "invalid_number")
