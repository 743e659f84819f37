"""Enums are `str` Enum classes generated from the core, in one casing (lower-case
snake_case names): records come back with members, inputs take members or their names."""

from __future__ import annotations

import enum
from datetime import date
from decimal import Decimal

import pytest

import sfa
from sfa import _records


def test_every_enum_is_a_str_enum_in_one_casing():
    classes = [c for c in vars(_records).values() if isinstance(c, type) and issubclass(c, enum.Enum) and c not in (enum.Enum, _records._Choice)]
    assert {c.__name__ for c in classes} >= {"CsvEncoding", "HitKind", "SearchScope", "Dimension", "DealStatus", "MasterKind", "Role"}
    for cls in classes:
        assert issubclass(cls, str), cls
        for member in cls:
            value = member.value
            assert value == value.lower() and " " not in value, (cls, value)
            assert str(member) == value and f"{member}" == value
            assert cls(value) is member


def test_records_come_back_with_members_and_inputs_take_either(office):
    deal = office.hanako.add_deal(sfa.DealInput(company_id=office.company.id, name="更新", amount=Decimal(100)))
    assert deal.status is sfa.DealStatus.OPEN and deal.status == "open"
    won = office.hanako.win_deal(deal.id, deal.version, date.today())
    assert won.status is sfa.DealStatus.WON
    hit = office.hanako.search(sfa.SearchRequest(text="山田", scope=sfa.SearchScope.COMPANIES))[0]
    assert hit.kind is sfa.HitKind.COMPANY
    assert office.hanako.search(sfa.SearchRequest(text="山田", scope="companies"))[0].kind == "company"  # type: ignore[arg-type]
    user = office.manager.add_user(sfa.UserInput(name="事務 三郎", email="saburo@example.jp", role=sfa.Role.ADMIN))
    assert user.role is sfa.Role.ADMIN
    csv = office.hanako.export_companies_csv(sfa.ExportOptions(encoding=sfa.CsvEncoding.UTF8_WITH_BOM))
    assert csv.startswith(b"\xef\xbb\xbf")
    rows = office.hanako.forecast(sfa.ForecastRequest(first_month=date.today(), last_month=date.today(), group_by=[sfa.Dimension.OWNER]))
    assert rows[0].owner == office.hanako.user_id


def test_a_master_id_takes_a_kind_member_and_refuses_other_names(office, catalog):
    retired = office.manager.retire_master(sfa.MasterId(sfa.MasterKind.PRODUCT_CATEGORY, catalog.category.id), catalog.category.version)
    assert isinstance(retired, sfa.ProductCategory) and retired.retired
    with pytest.raises(sfa.ValidationError) as e:
        office.manager.retire_master(sfa.MasterId("Stage", catalog.stages[0].id), catalog.stages[0].version)  # type: ignore[arg-type]
    assert e.value.field == "kind"
