#![allow(clippy::unwrap_used)]
//! Forecasts from the database: deals entered through the API, streamed into a
//! dataset, and the figures a manager reads.

use sfa_core::forecast::{Dimension, ForecastRequest, NO_LABEL, RangeRequest};
use sfa_core::{DealInput, DealLineInput};
use sfa_testkit::{Catalog, Office, date, dec};

fn line(p: sfa_core::ProductId, q: &str) -> DealLineInput {
    DealLineInput {
        product_id: p,
        quantity: dec(q),
        unit_price: None,
    }
}

#[test]
fn the_database_forecast_matches_the_deals_entered() {
    let o = Office::new();
    let c = Catalog::create(&o.manager);
    // Confidence A (80%) on a 2-line deal: 500,000 + 12 x 30,000 = 860,000.
    o.hanako
        .add_deal(&DealInput {
            expected_close_on: Some(date(2026, 12, 20)),
            confidence_id: Some(c.confidences[0].id),
            stage_id: Some(c.stages[2].id),
            campaign_id: Some(c.campaign.id),
            lines: vec![line(c.products[0].id, "1"), line(c.products[2].id, "12")],
            ..DealInput::named(o.company.id, "導入")
        })
        .unwrap();
    // Stage 提案 (40%) without confidence: 250,000.5.
    o.jiro
        .add_deal(&DealInput {
            amount: Some(dec("250000.5")),
            expected_close_on: Some(date(2026, 12, 5)),
            stage_id: Some(c.stages[2].id),
            ..DealInput::named(o.company.id, "追加")
        })
        .unwrap();
    // Won in December from the campaign.
    let won = o
        .jiro
        .add_deal(&DealInput {
            lines: vec![line(c.products[1].id, "10")],
            campaign_id: Some(c.campaign.id),
            confidence_id: Some(c.confidences[1].id),
            ..DealInput::named(o.company.id, "受注済")
        })
        .unwrap();
    o.jiro
        .win_deal(won.id, won.version, Some(date(2026, 12, 1)))
        .unwrap();

    let request = ForecastRequest {
        first_month: date(2026, 12, 1),
        last_month: date(2027, 2, 1),
        group_by: vec![],
    };
    let rows = o.outsider.forecast(&request).unwrap();
    assert_eq!(rows.len(), 1);
    let dec_ = &rows[0];
    assert_eq!(dec_.month, "2026-12");
    assert_eq!((dec_.deal_count, dec_.won_count), (2, 1));
    assert_eq!(dec_.pipeline, dec("1110000.5"));
    assert_eq!(dec_.weighted, dec("788000.2")); // 688,000 + 100,000.2
    assert_eq!(dec_.won, dec("1200000"));
    assert_eq!(dec_.expected, dec("1988000.2"));

    let by_owner = o
        .manager
        .forecast(&ForecastRequest {
            group_by: vec![Dimension::Owner],
            ..request.clone()
        })
        .unwrap();
    let hanako = by_owner
        .iter()
        .find(|r| r.owner.as_deref() == Some(o.hanako.user_id().to_string().as_str()))
        .unwrap();
    assert_eq!(hanako.weighted, dec("688000"));

    let by_product = o
        .manager
        .forecast(&ForecastRequest {
            group_by: vec![Dimension::Product],
            ..request.clone()
        })
        .unwrap();
    let none = by_product
        .iter()
        .find(|r| r.product.as_deref() == Some(NO_LABEL))
        .unwrap();
    assert_eq!(none.pipeline, dec("250000.5"));

    let roi = o.manager.campaign_roi(None).unwrap();
    assert_eq!(roi[0].won, dec("1200000"));
    assert_eq!(roi[0].roi, Some(dec("0"))); // (1,200,000 - 1,200,000) / 1,200,000
    let products = o
        .manager
        .product_summary(date(2026, 12, 1), date(2026, 12, 31))
        .unwrap();
    let sv200 = products
        .iter()
        .find(|p| p.product == c.products[1].id.to_string())
        .unwrap();
    assert_eq!((sv200.won_count, sv200.won), (1, dec("1200000")));
    let calibration = o.manager.calibration().unwrap();
    let b = calibration
        .iter()
        .find(|r| r.confidence == c.confidences[1].id.to_string())
        .unwrap();
    assert_eq!((b.closed_count, b.won_count), (1, 1));
    let range = o
        .manager
        .forecast_range(&RangeRequest {
            first_month: date(2026, 12, 1),
            last_month: date(2026, 12, 1),
            trials: 2000,
            seed: 42,
        })
        .unwrap();
    assert_eq!(range.won, dec("1200000"));
    assert_eq!(range.mean, dec("1988000.2"));
    assert!(range.p10 >= range.won && range.p90 <= dec("2310000.5"));
}

/// Deals written outside the library (or by an older version) that today's rules
/// refuse are left out of every analysis and listed with their ids; the answers for
/// everyone else still come.
#[test]
fn one_bad_stored_deal_never_poisons_the_analytics() {
    let dir = std::env::temp_dir().join(format!("sfa-poison-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("ledger.sqlite");
    let o = Office::on(sfa_core::Sfa::open(&path).unwrap());
    let c = Catalog::create(&o.manager);
    let deal = |name: &str, amount: &str| {
        o.hanako
            .add_deal(&DealInput {
                amount: Some(dec(amount)),
                expected_close_on: Some(date(2026, 12, 20)),
                confidence_id: Some(c.confidences[0].id),
                ..DealInput::named(o.company.id, name)
            })
            .unwrap()
    };
    let good = deal("正常", "1000");
    let precise = deal("桁が細かい", "1");
    let huge = deal("上限超え", "1");
    let garbage = deal("読めない", "1");
    let lined = o
        .hanako
        .add_deal(&DealInput {
            expected_close_on: Some(date(2026, 12, 20)),
            lines: vec![line(c.products[0].id, "1")],
            ..DealInput::named(o.company.id, "明細不一致")
        })
        .unwrap();
    let sql = rusqlite::Connection::open(&path).unwrap();
    let set = |id: sfa_core::DealId, amount: &str| {
        sql.execute(
            "UPDATE deals SET amount = ?1 WHERE id = ?2",
            [amount, &id.to_string()],
        )
        .unwrap();
    };
    set(precise.id, "0.00015");
    set(huge.id, "1800000000000000");
    set(garbage.id, "十万円");
    sql.execute(
        "UPDATE deal_lines SET amount = '1.5' WHERE deal_id = ?1",
        [lined.id.to_string()],
    )
    .unwrap();

    let request = ForecastRequest {
        first_month: date(2026, 12, 1),
        last_month: date(2026, 12, 1),
        group_by: vec![Dimension::Owner],
    };
    let rows = o.outsider.forecast(&request).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].deal_count, 1, "only the good deal");
    assert_eq!(rows[0].pipeline, dec("1000"));
    assert_eq!(rows[0].weighted, dec("800"));
    assert!(
        o.outsider
            .product_summary(date(2026, 1, 1), date(2027, 12, 31))
            .is_ok()
    );
    assert!(
        o.outsider
            .category_summary(date(2026, 1, 1), date(2027, 12, 31))
            .is_ok()
    );
    assert!(o.outsider.campaign_roi(None).is_ok());
    assert!(o.outsider.calibration().is_ok());
    assert!(
        o.outsider
            .forecast_range(&RangeRequest {
                first_month: date(2026, 12, 1),
                last_month: date(2026, 12, 1),
                trials: 100,
                seed: 1,
            })
            .is_ok()
    );

    let mut excluded: Vec<(String, String)> = o
        .outsider
        .forecast_dataset()
        .unwrap()
        .excluded
        .into_iter()
        .map(|p| (p.id, p.field))
        .collect();
    excluded.sort();
    let mut expected = vec![
        (precise.id.to_string(), "amount".to_string()),
        (huge.id.to_string(), "amount".to_string()),
        (garbage.id.to_string(), "amount".to_string()),
        (lined.id.to_string(), "amount".to_string()),
    ];
    expected.sort();
    assert_eq!(excluded, expected);
    let listed = o.sfa.check_stored_records().unwrap();
    assert_eq!(listed.len(), 4);
    assert!(listed.iter().all(|p| p.entity == "deal"));
    assert!(!listed.iter().any(|p| p.id == good.id.to_string()));
    // The messages name the record and the rule, never the value.
    for p in &listed {
        assert!(!p.to_string().contains("十万円"), "{p}");
    }

    // The team board leaves out the deals whose amount is bad (it reads no lines, so
    // the deal whose lines disagree counts with its valid stored amount).
    let team = o
        .manager
        .add_team(&sfa_core::TeamInput {
            name: "営業一課".into(),
            member_ids: vec![o.hanako.user_id()],
        })
        .unwrap();
    let board = o
        .hanako
        .team_board(&sfa_core::BoardRequest {
            team_id: team.id,
            days: None,
            utc_offset_minutes: None,
        })
        .unwrap();
    assert_eq!(board.members[0].pipeline, dec("501000"));
    drop(o);
    sfa_testkit::remove_scratch_dir(&dir);
}
