#![allow(clippy::unwrap_used)]
//! Deals through CSV: a pipeline as a spreadsheet writes it (Japanese headers, line
//! items as rows, masters by name), the ledger import's error rules, and an export
//! that restores whole into another database.

use sfa_core::{
    CsvEncoding, DealStatus, Entity, Error, ExportOptions, ImportOptions, PageRequest, Reason,
    RowProblem,
};
use sfa_testkit::{Catalog, Office, date, dec};

const PIPELINE: &str = "\
案件番号,会社名,案件名,担当者メール,受注予定日,商談プロセス,確度,キャンペーン,状態,完了日,失注理由,商材コード,数量,単価,作成日,備考
D-001,株式会社山田製作所,生産管理システム導入,hanako@example.jp,2027/01/31,見積提示,B,展示会2026,進行中,,,SV-100,1,,2026-10-20,展示会で名刺交換
D-001,,,,,,,,,,,SP-10,12,\"27,500\",,
D-002,株式会社山田製作所,在庫管理オプション,jiro@example.jp,2026-12-15,最終交渉,A,,受注,2026-11-28,,SV-200,3,,2026-09-01,
D-003,株式会社山田製作所,保守契約の更新,,,,C,,失注,2026-11-15,競合に価格で負け,SP-10,12,,2026-08-01,
D-004,株式会社山田製作所,来期の増設,hanako@example.jp,,初回訪問,,,,,,,,,,金額未定
";

fn office_with_catalog() -> (Office, Catalog) {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    (o, c)
}

#[test]
fn a_spreadsheet_pipeline_imports_with_lines_statuses_and_masters_by_name() {
    let (o, c) = office_with_catalog();
    let report = o
        .hanako
        .import_deals_csv(PIPELINE.as_bytes(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 4, "deals, not rows");
    assert!(report.skipped.is_empty());

    let deals = o
        .hanako
        .company_deals(o.company.id, &PageRequest::first(100))
        .unwrap()
        .items;
    let by_name = |name: &str| deals.iter().find(|d| d.name == name).unwrap().clone();

    let big = by_name("生産管理システム導入");
    assert_eq!(big.owner_id, o.hanako.user_id());
    assert_eq!(big.lines.len(), 2);
    assert_eq!(big.lines[0].unit_price, dec("500000"), "list price");
    assert_eq!(big.lines[1].amount, dec("330000"));
    assert_eq!(big.amount, Some(dec("830000")));
    assert_eq!(big.expected_close_on, Some(date(2027, 1, 31)));
    assert_eq!(big.stage_id, Some(c.stages[3].id));
    assert_eq!(big.confidence_id, Some(c.confidences[1].id));
    assert_eq!(big.campaign_id, Some(c.campaign.id));
    assert_eq!(big.notes.as_deref(), Some("展示会で名刺交換"));
    assert_eq!(big.status, DealStatus::Open);

    let won = by_name("在庫管理オプション");
    assert_eq!(won.owner_id, o.jiro.user_id());
    assert_eq!(won.status, DealStatus::Won);
    assert_eq!(won.closed_on, Some(date(2026, 11, 28)));
    assert_eq!(won.amount, Some(dec("360000")));

    let lost = by_name("保守契約の更新");
    assert_eq!(lost.owner_id, o.hanako.user_id(), "blank owner = importer");
    assert_eq!(lost.status, DealStatus::Lost);
    assert_eq!(lost.lost_reason.as_deref(), Some("競合に価格で負け"));

    let open = by_name("来期の増設");
    assert!(open.lines.is_empty());
    assert_eq!(open.amount, None);

    let hanako_open = o.hanako.open_deals(None, &PageRequest::default()).unwrap();
    assert_eq!(hanako_open.items.len(), 2);
}

#[test]
fn a_bad_deal_fails_the_import_with_its_line_unless_skipped() {
    let (o, _) = office_with_catalog();
    let bad = PIPELINE.replace("SP-10,12,\"27,500\"", "SP-99,12,\"27,500\"");
    let err = o
        .hanako
        .import_deals_csv(bad.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    match &err {
        Error::Import(row) => {
            assert_eq!(row.line, 3, "the line of the bad line item");
            let v = err.validation().unwrap();
            assert_eq!(v.field(), "product_code");
            assert_eq!(v.errors[0].reason, Reason::UnknownReference);
        }
        other => panic!("expected an import error, got {other:?}"),
    }
    let none = o
        .hanako
        .company_deals(o.company.id, &PageRequest::default())
        .unwrap();
    assert!(none.items.is_empty(), "all or nothing");

    let report = o
        .hanako
        .import_deals_csv(
            bad.as_bytes(),
            &ImportOptions {
                skip_bad_rows: true,
                ..ImportOptions::default()
            },
        )
        .unwrap();
    assert_eq!(report.imported, 3);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].line, 3);
}

#[test]
fn deal_rules_apply_to_imports_too() {
    let (o, _) = office_with_catalog();
    let cases = [
        (
            "案件名,会社名,状態,完了日\n受注済,株式会社山田製作所,受注,\n",
            "closed_on",
            Reason::Required,
        ),
        (
            "案件名,会社名,状態,完了日,作成日\n過去,株式会社山田製作所,受注,2026-01-10,2026-02-01\n",
            "closed_on",
            Reason::BeforeCreation,
        ),
        (
            "案件名,会社名,金額\n負,株式会社山田製作所,-100\n",
            "amount",
            Reason::Negative,
        ),
        (
            "案件名,会社名,商材コード,数量\n数量ゼロ,株式会社山田製作所,SV-100,0\n",
            "lines.quantity",
            Reason::NotPositive,
        ),
        (
            "案件名,会社名,確度\n謎,株式会社山田製作所,Z\n",
            "confidence",
            Reason::UnknownReference,
        ),
        (
            "案件名,会社名,担当者メール\n誰,株式会社山田製作所,nobody@example.jp\n",
            "owner_email",
            Reason::UnknownReference,
        ),
        (
            "案件番号,案件名,会社名,商材コード,数量\nX,一,株式会社山田製作所,SV-100,1\nX,二,,SV-200,1\n",
            "name",
            Reason::Inconsistent,
        ),
        (
            "案件名,会社名,状態\n保留,株式会社山田製作所,保留中\n",
            "status",
            Reason::NotAllowed,
        ),
    ];
    for (csv, field, reason) in cases {
        let err = o
            .hanako
            .import_deals_csv(csv.as_bytes(), &ImportOptions::default())
            .unwrap_err();
        let v = err.validation().unwrap_or_else(|| panic!("{csv}: {err:?}"));
        assert_eq!(
            (v.entity, v.field(), v.errors[0].reason.clone()),
            (Entity::Deal, field, reason),
            "{csv}"
        );
    }
    let malformed = "案件名,会社名\n余分,株式会社山田製作所,extra\n";
    let err = o
        .hanako
        .import_deals_csv(malformed.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    assert!(
        matches!(&err, Error::Import(r) if r.line == 2 && matches!(r.problem, RowProblem::Malformed(_))),
        "{err:?}"
    );
}

#[test]
fn an_export_restores_whole_into_another_database_in_shift_jis() {
    let (o, c) = office_with_catalog();
    o.hanako
        .import_deals_csv(PIPELINE.as_bytes(), &ImportOptions::default())
        .unwrap();
    // A retired campaign stays on the history it sourced.
    o.manager
        .retire_master(
            sfa_core::MasterId::Campaign(c.campaign.id),
            c.campaign.version,
        )
        .unwrap();
    let won = o
        .hanako
        .company_deals(o.company.id, &PageRequest::first(100))
        .unwrap()
        .items
        .into_iter()
        .find(|d| d.name == "生産管理システム導入")
        .unwrap();
    o.hanako.win_deal(won.id, won.version, None).unwrap();

    let mut companies = Vec::new();
    o.hanako
        .export_companies_csv(&mut companies, &ExportOptions::default())
        .unwrap();
    let mut deals = Vec::new();
    let written = o
        .hanako
        .export_deals_csv(
            &mut deals,
            &ExportOptions {
                encoding: CsvEncoding::ShiftJis,
                include_archived: true,
            },
        )
        .unwrap();
    assert_eq!(written, 4);

    // Another office: same people, same masters (by name), the companies restored.
    let other = Office::on(sfa_testkit::fresh_database());
    let c2 = Catalog::create(&other.manager);
    other
        .manager
        .retire_master(
            sfa_core::MasterId::Campaign(c2.campaign.id),
            c2.campaign.version,
        )
        .unwrap();
    other
        .manager
        .import_companies_csv(
            companies.as_slice(),
            &ImportOptions {
                skip_bad_rows: true,
                ..ImportOptions::default()
            },
        )
        .unwrap();
    let report = other
        .manager
        .import_deals_csv(deals.as_slice(), &ImportOptions::default())
        .unwrap();
    assert_eq!(report.imported, 4);

    let before = o
        .hanako
        .company_deals(o.company.id, &PageRequest::first(100))
        .unwrap()
        .items;
    let after = other
        .manager
        .company_deals(o.company.id, &PageRequest::first(100))
        .unwrap()
        .items;
    assert_eq!(before.len(), after.len());
    for (a, b) in before.iter().zip(&after) {
        assert_eq!(a.id, b.id);
        assert_eq!(a.name, b.name);
        assert_eq!(a.amount, b.amount);
        assert_eq!(a.status, b.status);
        assert_eq!(a.closed_on, b.closed_on);
        assert_eq!(a.lost_reason, b.lost_reason);
        assert_eq!(a.expected_close_on, b.expected_close_on);
        assert_eq!(a.created_at, b.created_at);
        assert_eq!(a.lines.len(), b.lines.len());
        for (x, y) in a.lines.iter().zip(&b.lines) {
            assert_eq!(
                (x.quantity, x.unit_price, x.amount),
                (y.quantity, y.unit_price, y.amount)
            );
        }
        assert_eq!(a.campaign_id.is_some(), b.campaign_id.is_some());
    }
}

#[test]
fn imported_lines_follow_the_line_amount_rule() {
    let (o, _c) = office_with_catalog();
    let csv = "\
案件番号,会社名,案件名,商材コード,数量,単価
D-1,株式会社山田製作所,端数,SP-10,1.5,0.0001
D-2,株式会社山田製作所,桁あふれ,SP-10,1,900000000000000
D-2,,,SP-10,1,900000000000000
";
    let err = o
        .hanako
        .import_deals_csv(csv.as_bytes(), &ImportOptions::default())
        .unwrap_err();
    let Error::Import(row) = &err else {
        panic!("{err}")
    };
    assert_eq!(row.line, 3, "{err}");
    assert_eq!(err.validation().unwrap().field(), "lines");
    let report = o
        .hanako
        .import_deals_csv(
            csv.as_bytes(),
            &ImportOptions {
                skip_bad_rows: true,
                ..ImportOptions::default()
            },
        )
        .unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(report.skipped.len(), 1);
    let deals = o
        .hanako
        .company_deals(o.company.id, &PageRequest::first(10))
        .unwrap()
        .items;
    assert_eq!(deals[0].amount, Some(dec("0.0002")));
}
