//! Fixed examples of every formula, and property tests against a straightforward
//! oracle written with plain `Decimal` arithmetic.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::model::DealStatus;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

fn open(owner: u32, amount: &str, close: NaiveDate) -> DealFacts {
    DealFacts {
        owner,
        status: DealStatus::Open,
        amount: Some(d(amount)),
        expected_close_on: Some(close),
        closed_on: None,
        stage: None,
        confidence: None,
        campaign: None,
        lines: Vec::new(),
    }
}

/// Two owners, stages 提案 (40%) and 交渉 (no default), levels A 80% and B 50%, a
/// campaign costing 1,000,000, products in two categories.
fn sample() -> Dataset {
    let mut b = DatasetBuilder::new();
    let hanako = b.owner("hanako");
    let jiro = b.owner("jiro");
    b.owner_in_team("hanako", "東日本");
    b.owner_in_team("hanako", "製造業担当");
    let proposal = b.stage("提案", Some(40));
    let negotiation = b.stage("交渉", None);
    let a = b.confidence("A", Some(80));
    let bb = b.confidence("B", Some(50));
    let fair = b.campaign("展示会", d("1000000"));
    let sv = b.product("SV-100", Some("ソフトウェア"));
    let sp = b.product("SP-10", Some("サービス"));
    let dec_ = day(2026, 12, 10);
    let jan = day(2027, 1, 20);
    // 1. confidence wins over stage: 1,000,000 x 80%.
    b.deal(DealFacts {
        stage: Some(proposal),
        confidence: Some(a),
        campaign: Some(fair),
        lines: vec![(sv, d("700000")), (sp, d("300000"))],
        ..open(hanako, "1000000", dec_)
    });
    // 2. stage default: 500,000.5 x 40%.
    b.deal(DealFacts {
        stage: Some(proposal),
        ..open(hanako, "500000.5", dec_)
    });
    // 3. no probability: pipeline only.
    b.deal(DealFacts {
        stage: Some(negotiation),
        ..open(jiro, "0.1", dec_)
    });
    // 4. won in December, from the campaign, with a line.
    b.deal(DealFacts {
        status: DealStatus::Won,
        closed_on: Some(day(2026, 12, 3)),
        expected_close_on: Some(jan),
        confidence: Some(bb),
        campaign: Some(fair),
        lines: vec![(sv, d("1500000"))],
        ..open(jiro, "1500000", jan)
    });
    // 5. lost: counts nowhere in the forecast.
    b.deal(DealFacts {
        status: DealStatus::Lost,
        closed_on: Some(day(2026, 12, 5)),
        confidence: Some(a),
        campaign: Some(fair),
        ..open(jiro, "9999", dec_)
    });
    // 6. January, B 50%.
    b.deal(DealFacts {
        confidence: Some(bb),
        ..open(jiro, "1000000000000", jan)
    });
    // 7. open without an amount.
    b.deal(DealFacts {
        amount: None,
        ..open(jiro, "0", dec_)
    });
    b.finish()
}

fn request(group_by: Vec<Dimension>) -> ForecastRequest {
    ForecastRequest {
        first_month: day(2026, 12, 1),
        last_month: day(2027, 1, 31),
        group_by,
    }
}

#[test]
fn monthly_forecast_of_the_sample() {
    let rows = weighted_forecast(&sample(), &request(vec![])).unwrap();
    assert_eq!(rows.len(), 2);
    let dec_ = &rows[0];
    assert_eq!(dec_.month, "2026-12");
    assert_eq!(dec_.deal_count, 4);
    assert_eq!(dec_.won_count, 1);
    assert_eq!(dec_.pipeline, d("1500000.6"));
    // 1,000,000 x 0.8 + 500,000.5 x 0.4
    assert_eq!(dec_.weighted, d("1000000.2"));
    assert_eq!(dec_.won, d("1500000"));
    assert_eq!(dec_.expected, d("2500000.2"));
    let jan = &rows[1];
    assert_eq!(jan.month, "2027-01");
    assert_eq!(jan.pipeline, d("1000000000000"));
    assert_eq!(jan.weighted, d("500000000000"));
    assert_eq!(jan.won, d("0"));
}

#[test]
fn by_owner_and_by_stage() {
    let rows = weighted_forecast(&sample(), &request(vec![Dimension::Owner])).unwrap();
    let find = |owner: &str, month: &str| {
        rows.iter()
            .find(|r| r.owner.as_deref() == Some(owner) && r.month == month)
            .unwrap()
    };
    assert_eq!(find("hanako", "2026-12").weighted, d("1000000.2"));
    assert_eq!(find("jiro", "2026-12").pipeline, d("0.1"));
    assert_eq!(find("jiro", "2026-12").won, d("1500000"));
    assert_eq!(find("jiro", "2026-12").deal_count, 2);
    let rows = weighted_forecast(&sample(), &request(vec![Dimension::Stage])).unwrap();
    let none = rows
        .iter()
        .find(|r| r.stage.as_deref() == Some(NO_LABEL) && r.month == "2026-12")
        .unwrap();
    assert_eq!(none.won, d("1500000"));
    assert_eq!(none.deal_count, 1, "the deal without an amount");
}

#[test]
fn by_product_splits_by_line_amount_and_by_team_counts_each_team() {
    let rows = weighted_forecast(&sample(), &request(vec![Dimension::Product])).unwrap();
    let sv = rows
        .iter()
        .find(|r| r.product.as_deref() == Some("SV-100") && r.month == "2026-12")
        .unwrap();
    assert_eq!(sv.pipeline, d("700000"));
    assert_eq!(sv.weighted, d("560000"));
    assert_eq!(sv.won, d("1500000"));
    let sp = rows
        .iter()
        .find(|r| r.product.as_deref() == Some("SP-10"))
        .unwrap();
    assert_eq!(sp.weighted, d("240000"));
    let rows = weighted_forecast(&sample(), &request(vec![Dimension::Team])).unwrap();
    let east = rows
        .iter()
        .find(|r| r.team.as_deref() == Some("東日本") && r.month == "2026-12")
        .unwrap();
    let maker = rows
        .iter()
        .find(|r| r.team.as_deref() == Some("製造業担当") && r.month == "2026-12")
        .unwrap();
    assert_eq!(east.pipeline, d("1500000.5"));
    assert_eq!(maker.pipeline, d("1500000.5"), "a deal counts in each team");
    let none = rows
        .iter()
        .find(|r| r.team.as_deref() == Some(NO_LABEL) && r.month == "2026-12")
        .unwrap();
    assert_eq!(none.won, d("1500000"));
}

#[test]
fn bad_requests_and_datasets_are_refused() {
    let data = sample();
    let backwards = ForecastRequest {
        first_month: day(2027, 1, 1),
        last_month: day(2026, 12, 1),
        group_by: vec![],
    };
    assert_eq!(
        weighted_forecast(&data, &backwards).unwrap_err().field(),
        "last_month"
    );
    let twice = request(vec![Dimension::Owner, Dimension::Owner]);
    assert_eq!(
        weighted_forecast(&data, &twice).unwrap_err().field(),
        "group_by"
    );
    let mut fine = data.clone();
    fine.deals[0].amount = Some(d("0.00001"));
    assert_eq!(
        weighted_forecast(&fine, &request(vec![]))
            .unwrap_err()
            .field(),
        "amount"
    );
    let mut dangling = data;
    dangling.deals[0].confidence = Some(99);
    assert!(weighted_forecast(&dangling, &request(vec![])).is_err());
}

#[test]
fn product_and_category_summaries() {
    let rows = product_summary(&sample(), day(2026, 12, 1), day(2026, 12, 31)).unwrap();
    let sv = rows.iter().find(|r| r.product == "SV-100").unwrap();
    assert_eq!(
        (sv.won_count, sv.won, sv.active_count, sv.pipeline),
        (1, d("1500000"), 1, d("700000"))
    );
    assert_eq!(sv.category, "ソフトウェア");
    let cats = category_summary(&sample(), day(2026, 12, 1), day(2026, 12, 31)).unwrap();
    let soft = cats.iter().find(|r| r.category == "ソフトウェア").unwrap();
    assert_eq!((soft.won, soft.pipeline), (d("1500000"), d("700000")));
    let later = product_summary(&sample(), day(2027, 1, 1), day(2027, 1, 31)).unwrap();
    assert_eq!(later.iter().map(|r| r.won_count).sum::<i64>(), 0);
}

#[test]
fn campaign_roi_counts_cost_once() {
    let rows = campaign_roi(&sample(), None).unwrap();
    let fair = &rows[0];
    assert_eq!(fair.cost, d("1000000"));
    assert_eq!(fair.won, d("1500000"));
    assert_eq!(fair.roi, Some(d("0.5")));
    assert_eq!(fair.pipeline, d("1000000"));
    assert_eq!(
        (fair.open_count, fair.won_count, fair.lost_count),
        (1, 1, 1)
    );
    let mut free = sample();
    free.campaigns[0].cost = Decimal::ZERO;
    assert_eq!(campaign_roi(&free, None).unwrap()[0].roi, None);
    let outside = campaign_roi(&sample(), Some((day(2027, 1, 1), day(2027, 12, 31)))).unwrap();
    assert_eq!(outside[0].won, Decimal::ZERO);
    assert_eq!(outside[0].roi, Some(d("-1")));
}

#[test]
fn calibration_sets_stated_beside_observed() {
    let rows = calibration(&sample()).unwrap();
    let a = rows.iter().find(|r| r.confidence == "A").unwrap();
    assert_eq!((a.closed_count, a.won_count), (1, 0));
    assert_eq!(a.observed_percentage, Some(Decimal::ZERO));
    let b = rows.iter().find(|r| r.confidence == "B").unwrap();
    assert_eq!(b.stated_percentage, Some(50));
    assert_eq!(b.observed_percentage, Some(d("100")));
}

#[test]
fn the_range_brackets_the_mean_and_repeats_with_its_seed() {
    let mut b = DatasetBuilder::new();
    let o = b.owner("o");
    let c = b.confidence("C", Some(30));
    for _ in 0..200 {
        b.deal(DealFacts {
            confidence: Some(c),
            ..open(o, "1000", day(2026, 12, 10))
        });
    }
    let data = b.finish();
    let req = RangeRequest {
        first_month: day(2026, 12, 1),
        last_month: day(2026, 12, 1),
        trials: 5000,
        seed: 7,
    };
    let r = forecast_range(&data, &req).unwrap();
    assert_eq!(r.mean, d("60000"));
    assert!(r.p10 < r.p50 && r.p50 < r.p90, "{r:?}");
    // Binomial(200, 0.3) x 1000: P10 about 52,000, P90 about 68,000.
    assert!(r.p10 >= d("48000") && r.p10 <= d("56000"), "{r:?}");
    assert!(r.p90 >= d("64000") && r.p90 <= d("72000"), "{r:?}");
    assert_eq!(
        forecast_range(&data, &req).unwrap(),
        r,
        "same seed, same range"
    );
    let certain = forecast_range(
        &sample(),
        &RangeRequest {
            first_month: day(2026, 12, 1),
            last_month: day(2026, 12, 1),
            trials: 100,
            seed: 1,
        },
    )
    .unwrap();
    assert_eq!(certain.won, d("1500000"));
    assert!(certain.p10 >= certain.won);
    assert_eq!(
        forecast_range(
            &data,
            &RangeRequest {
                trials: 0,
                ..req.clone()
            }
        )
        .unwrap_err()
        .field(),
        "trials"
    );
    let negative = RangeRequest {
        trials: -5,
        ..req.clone()
    };
    assert_eq!(
        forecast_range(&data, &negative).unwrap_err().field(),
        "trials"
    );
    // A negative seed is a seed like any other (its 64 bits).
    let signed = RangeRequest {
        seed: -7,
        ..req.clone()
    };
    assert_eq!(
        forecast_range(&data, &signed).unwrap(),
        forecast_range(&data, &signed).unwrap()
    );
}

// --- property tests ---------------------------------------------------------------

/// Amounts as people enter them: small, with decimals like 0.1, and very large.
fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..1_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s)),
        (1i64..=10).prop_map(|n| Decimal::new(n, 1)),
        (1i64..1000).prop_map(|n| Decimal::from(n) * Decimal::from(1_000_000_000_000i64)),
    ]
}

fn deal_strategy() -> impl Strategy<Value = DealFacts> {
    (
        0u32..4,
        0u8..3,
        proptest::option::of(amount()),
        proptest::option::of(0i32..14),
        0i32..14,
        proptest::option::of(0u32..3),
        proptest::option::of(0u32..3),
        proptest::option::of(0u32..2),
        proptest::collection::vec((0u32..3, amount()), 0..4),
    )
        .prop_map(
            |(owner, status, amount, expected, closed, stage, confidence, campaign, lines)| {
                let month = |m: i32| day(2026 + (m / 12), (m % 12) as u32 + 1, 15);
                let status = [DealStatus::Open, DealStatus::Won, DealStatus::Lost][status as usize];
                let amount = if lines.is_empty() {
                    amount
                } else {
                    Some(lines.iter().map(|(_, a)| *a).sum())
                };
                DealFacts {
                    owner,
                    status,
                    amount,
                    expected_close_on: expected.map(month),
                    closed_on: (status != DealStatus::Open).then(|| month(closed)),
                    stage,
                    confidence,
                    campaign,
                    lines,
                }
            },
        )
}

fn dataset_strategy() -> impl Strategy<Value = Dataset> {
    (
        proptest::collection::vec(deal_strategy(), 0..60),
        proptest::collection::vec(proptest::option::of(0i32..=100), 3),
        proptest::collection::vec(0i32..=100, 3),
        proptest::collection::vec(proptest::collection::vec(0u32..2, 0..3), 4),
    )
        .prop_map(|(deals, stage_pcts, conf_pcts, teams)| {
            let mut b = DatasetBuilder::new();
            for o in 0..4 {
                b.owner(&format!("owner{o}"));
            }
            for (o, ts) in teams.iter().enumerate() {
                for t in ts {
                    b.owner_in_team(&format!("owner{o}"), &format!("team{t}"));
                }
            }
            for (i, p) in stage_pcts.iter().enumerate() {
                b.stage(&format!("stage{i}"), *p);
            }
            for (i, p) in conf_pcts.iter().enumerate() {
                b.confidence(&format!("conf{i}"), Some(*p));
            }
            for i in 0..2 {
                b.campaign(&format!("campaign{i}"), Decimal::from(1000 * i));
            }
            for i in 0..3 {
                b.product(&format!("product{i}"), Some(&format!("cat{}", i % 2)));
            }
            for deal in deals {
                b.deal(deal);
            }
            b.finish()
        })
}

/// The oracle: per month, the plain sums over the deals, in `Decimal`.
#[derive(Debug, Default, PartialEq)]
struct Sums {
    deals: i64,
    won_count: i64,
    pipeline: Decimal,
    weighted: Decimal,
    won: Decimal,
}

fn oracle(data: &Dataset, first: NaiveDate, last: NaiveDate) -> BTreeMap<String, Sums> {
    let mut out: BTreeMap<String, Sums> = BTreeMap::new();
    let key = |d: NaiveDate| d.format("%Y-%m").to_string();
    let (lo, hi) = (key(first), key(last));
    for deal in &data.deals {
        let (date, won) = match deal.status {
            DealStatus::Open => (deal.expected_close_on, false),
            DealStatus::Won => (deal.closed_on, true),
            DealStatus::Lost => continue,
        };
        let Some(date) = date else { continue };
        let month = key(date);
        if month < lo || month > hi {
            continue;
        }
        let amount = deal.amount.unwrap_or_default();
        let s = out.entry(month).or_default();
        if won {
            s.won_count += 1;
            s.won += amount;
        } else {
            s.deals += 1;
            s.pipeline += amount;
            let p = match deal.confidence {
                Some(c) => data.confidences[c as usize].percentage,
                None => deal
                    .stage
                    .and_then(|st| data.stages[st as usize].percentage),
            };
            if let Some(p) = p {
                s.weighted += amount * Decimal::from(p) / Decimal::ONE_HUNDRED;
            }
        }
    }
    out
}

fn period() -> ForecastRequest {
    ForecastRequest {
        first_month: day(2026, 1, 1),
        last_month: day(2026, 12, 1),
        group_by: vec![],
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn the_monthly_forecast_equals_the_oracle(data in dataset_strategy()) {
        let rows = weighted_forecast(&data, &period()).unwrap();
        let expected = oracle(&data, period().first_month, period().last_month);
        let got: BTreeMap<String, Sums> = rows
            .iter()
            .map(|r| (r.month.clone(), Sums {
                deals: r.deal_count,
                won_count: r.won_count,
                pipeline: r.pipeline,
                weighted: r.weighted,
                won: r.won,
            }))
            .collect();
        prop_assert_eq!(got, expected);
        for r in &rows {
            prop_assert!(r.weighted <= r.pipeline);
            prop_assert_eq!(r.expected, r.won + r.weighted);
        }
    }

    #[test]
    fn every_grouping_sums_to_the_monthly_total(data in dataset_strategy()) {
        let total = weighted_forecast(&data, &period()).unwrap();
        for dims in [
            vec![Dimension::Owner],
            vec![Dimension::Stage],
            vec![Dimension::Campaign],
            vec![Dimension::Product],
            vec![Dimension::Owner, Dimension::Product],
            vec![Dimension::Stage, Dimension::Campaign, Dimension::Owner],
        ] {
            let rows = weighted_forecast(&data, &ForecastRequest { group_by: dims.clone(), ..period() }).unwrap();
            for t in &total {
                let group: Vec<_> = rows.iter().filter(|r| r.month == t.month).collect();
                let sum = |f: fn(&ForecastRow) -> Decimal| group.iter().map(|r| f(r)).sum::<Decimal>();
                prop_assert_eq!(sum(|r| r.pipeline), t.pipeline, "{:?}", dims);
                prop_assert_eq!(sum(|r| r.weighted), t.weighted, "{:?}", dims);
                prop_assert_eq!(sum(|r| r.won), t.won, "{:?}", dims);
                if !dims.contains(&Dimension::Product) {
                    prop_assert_eq!(group.iter().map(|r| r.deal_count).sum::<i64>(), t.deal_count);
                }
            }
        }
    }

    #[test]
    fn product_split_sums_to_each_deal_amount(deal in deal_strategy()) {
        let mut b = DatasetBuilder::new();
        b.owner("o");
        for i in 0..3 {
            b.product(&format!("product{i}"), None);
        }
        b.stage("s0", Some(10));
        b.stage("s1", Some(20));
        b.stage("s2", None);
        b.confidence("c0", Some(30));
        b.confidence("c1", Some(40));
        b.confidence("c2", Some(50));
        b.campaign("k0", Decimal::ZERO);
        b.campaign("k1", Decimal::ZERO);
        let deal = DealFacts { owner: 0, status: DealStatus::Open, expected_close_on: Some(day(2026, 6, 1)), ..deal };
        let amount = deal.amount.unwrap_or_default();
        b.deal(deal);
        let data = b.finish();
        let rows = weighted_forecast(&data, &ForecastRequest { group_by: vec![Dimension::Product], ..period() }).unwrap();
        prop_assert_eq!(rows.iter().map(|r| r.pipeline).sum::<Decimal>(), amount);
    }
}
