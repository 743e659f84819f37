"""Master data, deals and deal CSV from Python."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

import sfa


def test_masters_admins_write_members_read(office, catalog):
    assert [s.name for s in office.hanako.list_stages()] == ["提案", "交渉"]
    assert office.hanako.get_campaign(catalog.campaign.id).cost == Decimal("1000000")
    assert office.hanako.get_stage(catalog.stages[0].id).default_percentage == 40
    assert office.hanako.get_confidence(catalog.levels[0].id).percentage == 80
    assert office.hanako.get_product_category(catalog.category.id).name == "ソフトウェア"
    assert office.hanako.get_product(catalog.products[1].id).unit_price == Decimal("0.1")
    assert len(office.hanako.list_confidences()) == 2
    assert len(office.hanako.list_product_categories()) == 1
    assert len(office.hanako.list_campaigns()) == 1
    with pytest.raises(sfa.PermissionDeniedError):
        office.hanako.add_stage(sfa.StageInput(name="勝手"))
    reordered = office.manager.reorder_stages([s.id for s in reversed(catalog.stages)])
    assert [s.name for s in reordered] == ["交渉", "提案"]
    m = office.manager
    stage = m.get_stage(catalog.stages[0].id)
    m.update_stage(stage.id, stage.version, sfa.StageInput(name="提案", default_percentage=45))
    m.update_confidence(catalog.levels[1].id, catalog.levels[1].version, sfa.ConfidenceInput(label="B", percentage=55))
    m.update_campaign(
        catalog.campaign.id,
        catalog.campaign.version,
        sfa.CampaignInput(name="展示会", starts_on=date(2026, 10, 1), ends_on=date(2026, 10, 4), cost=Decimal("1200000.5")),
    )
    m.update_product_category(catalog.category.id, catalog.category.version, sfa.ProductCategoryInput(name="ソフト"))
    p = catalog.products[0]
    m.update_product(p.id, p.version, sfa.ProductInput(category_id=p.category_id, code="SV-100", name="生産管理", unit_price=Decimal("480000")))
    with pytest.raises(sfa.ValidationError) as e:
        m.add_confidence(sfa.ConfidenceInput(label="S", percentage=101))
    assert e.value.field == "percentage"


def test_deals_lines_close_and_lists(office, catalog):
    deal = office.hanako.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="生産管理導入",
            expected_close_on=date(2026, 12, 20),
            confidence_id=catalog.levels[0].id,
            campaign_id=catalog.campaign.id,
            lines=[
                sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal("1")),
                sfa.DealLineInput(product_id=catalog.products[1].id, quantity=Decimal("3")),
            ],
        )
    )
    assert deal.amount == Decimal("500000.3")
    assert deal.lines[1].amount == Decimal("0.3")
    assert office.hanako.get_deal(deal.id) == deal
    assert [d.id for d in office.hanako.open_deals().items] == [deal.id]
    assert len(office.manager.open_deals(owner=office.hanako.user_id).items) == 1
    assert len(office.hanako.product_deals(catalog.products[0].id).items) == 1
    assert len(office.hanako.campaign_deals(catalog.campaign.id).items) == 1
    with pytest.raises(sfa.PermissionDeniedError):
        office.jiro.win_deal(deal.id, deal.version)
    noted = office.hanako.update_deal(
        deal.id, deal.version, sfa.DealInput(company_id=deal.company_id, name=deal.name, notes="至急", lines=[
            sfa.DealLineInput(product_id=l.product_id, quantity=l.quantity, unit_price=l.unit_price) for l in deal.lines
        ])
    )
    won = office.hanako.win_deal(deal.id, noted.version, date.today())
    assert won.status == "won" and won.closed_on == date.today()
    assert office.hanako.open_deals().items == []
    reopened = office.hanako.reopen_deal(deal.id, won.version)
    lost = office.hanako.lose_deal(deal.id, reopened.version, None, "価格")
    assert lost.lost_reason == "価格"
    assert len(office.hanako.company_deals(office.company.id).items) == 1
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_deal(sfa.DealInput(company_id=office.company.id, name="負", amount=Decimal("-1")))
    assert e.value.field == "amount"


def test_masters_in_use_are_retired_not_deleted(office, catalog):
    office.hanako.add_deal(sfa.DealInput(company_id=office.company.id, name="x", stage_id=catalog.stages[0].id))
    stage = sfa.MasterId(sfa.MasterKind.STAGE, catalog.stages[0].id)
    with pytest.raises(sfa.InUseError):
        office.manager.delete_master(stage)
    retired = office.manager.retire_master(stage, catalog.stages[0].version)
    assert isinstance(retired, sfa.Stage) and retired.retired
    assert office.manager.restore_master(stage, retired.version).retired is False
    office.manager.delete_master(sfa.MasterId(sfa.MasterKind.CONFIDENCE, catalog.levels[1].id))
    with pytest.raises(sfa.NotFoundError):
        office.hanako.get_confidence(catalog.levels[1].id)


def test_deals_csv(office, catalog):
    csv = (
        "案件番号,会社名,案件名,受注予定日,確度,状態,完了日,商材コード,数量\n"
        "D-1,株式会社山田製作所,導入,2027-01-31,A,,,SV-100,2\n"
        "D-1,,,,,,,SP-10,10\n"
        "D-2,株式会社山田製作所,受注済,,B,受注,2020-01-10,,\n"
    )
    with pytest.raises(sfa.CsvImportError):
        office.hanako.import_deals_csv(csv.encode())  # won before its creation (no 作成日)
    fixed = csv.replace("受注済,,B,受注,2020-01-10,,", "受注済,,B,,,,")
    report = office.hanako.import_deals_csv(fixed.encode())
    assert report.imported == 2
    out = office.hanako.export_deals_csv(sfa.ExportOptions(encoding=sfa.CsvEncoding.UTF8))
    assert b"SV-100" in out and out.count(b"\n") == 4


def test_line_amounts_round_and_out_of_range_totals_are_refused(office, catalog):
    p = catalog.products[1].id
    deal = office.hanako.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="端数",
            lines=[sfa.DealLineInput(product_id=p, quantity=Decimal("1.5"), unit_price=Decimal("0.0001"))],
        )
    )
    assert deal.lines[0].amount == Decimal("0.0002")
    assert deal.amount == Decimal("0.0002")
    with pytest.raises(sfa.ValidationError) as e:
        office.hanako.add_deal(
            sfa.DealInput(
                company_id=office.company.id,
                name="桁あふれ",
                lines=[sfa.DealLineInput(product_id=p, quantity=Decimal("999999999"), unit_price=Decimal("999999999999999"))],
            )
        )
    assert e.value.field == "lines"
    assert office.db.check_stored_records() == []


def test_the_csv_file_set_restores_into_an_empty_database(office, catalog, new_database):
    deal = office.hanako.add_deal(
        sfa.DealInput(
            company_id=office.company.id,
            name="導入",
            lines=[sfa.DealLineInput(product_id=catalog.products[0].id, quantity=Decimal("2"))],
        )
    )
    m = office.manager
    files = [
        m.export_users_csv(),
        m.export_masters_csv(),
        m.export_companies_csv(sfa.ExportOptions(include_archived=True)),
        m.export_persons_csv(sfa.ExportOptions(include_archived=True)),
        m.export_deals_csv(),
    ]
    db = new_database()
    me = db.session(db.create_first_admin(sfa.UserInput(name="部長 一郎", email="bucho@example.jp")).id)
    me.import_users_csv(files[0])
    me.import_masters_csv(files[1])
    me.import_companies_csv(files[2])
    me.import_persons_csv(files[3])
    assert me.import_deals_csv(files[4]).imported == 1
    restored = me.get_deal(deal.id)
    assert restored.amount == Decimal("1000000")
    assert restored.owner_id == office.hanako.me().id
    with pytest.raises(sfa.PermissionDeniedError):
        office.hanako.export_users_csv()


def test_money_takes_decimal_int_and_str_and_refuses_floats(office, catalog):
    me = office.hanako

    def deal(amount: object) -> sfa.DealInput:
        return sfa.DealInput(company_id=office.company.id, name="金額", amount=amount)  # type: ignore[arg-type]

    assert me.add_deal(deal(1200000)).amount == Decimal("1200000")
    assert me.add_deal(deal("1200000.5")).amount == Decimal("1200000.5")
    with pytest.raises(sfa.ValidationError) as e:
        me.add_deal(deal(1200000.5))
    assert e.value.field == "amount"
    with pytest.raises(sfa.ValidationError) as e:
        office.manager.add_confidence(sfa.ConfidenceInput(label="S", percentage=12.5))  # type: ignore[arg-type]
    assert e.value.field == "percentage"
    with pytest.raises(sfa.ValidationError) as e:
        me.update_company(office.company.id, 1.0, sfa.CompanyInput(name="x"))  # type: ignore[arg-type]
    assert e.value.field == "version"
    assert [c.label for c in me.list_confidences()] == ["A", "B"]


def test_a_record_input_changes_only_what_the_caller_changes(office, catalog):
    company = office.company
    changed = company.input()
    assert isinstance(changed, sfa.CompanyInput) and changed.name_reading == company.name_reading
    changed.industry = "製造業"
    updated = office.hanako.update_company(company.id, company.version, changed)
    assert (updated.name, updated.name_reading, updated.industry) == (company.name, company.name_reading, "製造業")

    product = catalog.products[0]
    deal = office.hanako.add_deal(
        sfa.DealInput(company_id=company.id, name="明細", lines=[sfa.DealLineInput(product_id=product.id, quantity=Decimal("2"))])
    )
    again = deal.input()
    # With line items the amount follows the lines: the input leaves it out.
    assert again.amount is None and again.lines[0].unit_price == product.unit_price
    again.name = "明細 改"
    renamed = office.hanako.update_deal(deal.id, deal.version, again)
    assert (renamed.name, renamed.amount) == ("明細 改", deal.amount)
