"""Forecasts and analytics from Python: exact Decimals, and DataFrames."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import sfa


@pytest.fixture
def pipeline(office, catalog):
    add = office.hanako.add_deal
    add(sfa.DealInput(company_id=office.company.id, name="A", amount=Decimal("1000000"), expected_close_on=date(2026, 12, 10), confidence_id=catalog.levels[0].id, campaign_id=catalog.campaign.id))
    add(sfa.DealInput(company_id=office.company.id, name="B", amount=Decimal("500000.5"), expected_close_on=date(2026, 12, 20), stage_id=catalog.stages[0].id))
    won = office.jiro.add_deal(sfa.DealInput(company_id=office.company.id, name="W", lines=[sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal("3"))], campaign_id=catalog.campaign.id, confidence_id=catalog.levels[1].id))
    office.jiro.win_deal(won.id, won.version, date.today())
    return won


def test_weighted_forecast_is_exact(office, pipeline):
    rows = office.manager.forecast(sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1)))
    dec = [r for r in rows if r.month == "2026-12"][0]
    assert dec.pipeline == Decimal("1500000.5")
    assert dec.weighted == Decimal("1000000.2")
    assert isinstance(dec.weighted, Decimal)
    by_owner = office.manager.forecast(sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), group_by=["owner"]))
    assert {r.owner for r in by_owner} <= {office.hanako.user_id, office.jiro.user_id}


def test_analytics(office, pipeline):
    today = date.today()
    products = office.manager.product_summary(today.replace(day=1), today)
    assert sum(p.won for p in products) == Decimal("1500000")
    cats = office.manager.category_summary(today.replace(day=1), today)
    assert cats[0].won == Decimal("1500000")
    roi = office.manager.campaign_roi()
    assert roi[0].roi == Decimal("0.5")
    assert office.manager.campaign_roi((date(2000, 1, 1), date(2000, 1, 2)))[0].won == 0
    cal = office.manager.calibration()
    assert any(c.closed_count == 1 for c in cal)
    r = office.manager.forecast_range(sfa.RangeRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), trials=500, seed=3))
    assert r.p10 <= r.p50 <= r.p90 and r.trials == 500


def test_rows_as_a_dataframe_keep_decimals(office, pipeline):
    pd = pytest.importorskip("pandas")
    rows = office.manager.forecast(sfa.ForecastRequest(first_month=date(2026, 12, 1), last_month=date(2026, 12, 1), group_by=["owner"]))
    frame = sfa.to_frame(rows)
    assert isinstance(frame, pd.DataFrame)
    assert frame["weighted"].sum() == Decimal("1000000.2")
    assert isinstance(frame["pipeline"].iloc[0], Decimal)


def test_a_forecast_request_names_its_months():
    # A request without its period is an error, not the forecast of January 1970.
    with pytest.raises(TypeError, match="first_month"):
        sfa.ForecastRequest()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="last_month"):
        sfa.RangeRequest(first_month=date(2026, 12, 1))  # type: ignore[call-arg]
