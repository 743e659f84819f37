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
