//! Chapter 4: the manager's numbers -- a seeded pipeline across the sample companies,
//! then the weighted forecast, campaign ROI, the calibration of confidence levels and
//! the forecast range. Amounts are exact; the tables round to yen for display only.

use std::collections::HashMap;

use chrono::{Datelike, Duration};
use sfa_core::forecast::{Dimension, ForecastRequest, RangeRequest, round_for_display};
use sfa_core::model::Clock;
use sfa_core::{DealInput, DealLineInput, Decimal, PageRequest, Session};
use sfa_testkit::{Catalog, ManualClock, Rng, dec};

use super::step;

pub fn run(
    clock: &ManualClock,
    admin: &Session,
    sellers: &[&Session],
    c: &Catalog,
) -> Result<(), Box<dyn std::error::Error>> {
    step("27. A season of deals across the sample companies (seeded)");
    let today = clock.now().date_naive();
    let companies = sellers[0].list_companies(&PageRequest::first(30))?.items;
    let mut rng = Rng::new(27);
    let (mut opened, mut won, mut lost) = (0, 0, 0);
    for n in 0..60 {
        let me = sellers[n % sellers.len()];
        let lines = (0..1 + rng.below(2))
            .map(|_| DealLineInput {
                product_id: c.products[rng.below(c.products.len())].id,
                quantity: Decimal::from(1 + rng.below(12) as i64),
                unit_price: None,
            })
            .collect();
        let deal = me.add_deal(&DealInput {
            expected_close_on: Some(today + Duration::days(rng.below(120) as i64)),
            stage_id: Some(c.stages[rng.below(c.stages.len())].id),
            confidence_id: (rng.below(3) > 0)
                .then(|| c.confidences[rng.below(c.confidences.len())].id),
            campaign_id: (rng.below(3) == 0).then_some(c.campaign.id),
            lines,
            ..DealInput::named(
                companies[rng.below(companies.len())].id,
                format!("案件 {:02}", n + 1),
            )
        })?;
        opened += 1;
        match rng.below(10) {
            0..=1 => {
                me.win_deal(deal.id, deal.version, None)?;
                won += 1;
            }
            2 => {
                me.lose_deal(deal.id, deal.version, None, Some("予算見送り"))?;
                lost += 1;
            }
            _ => {}
        }
    }
    println!("   opened {opened} deals; won {won}, lost {lost} today");

    let names = display_names(admin, c)?;
    let name = |label: &Option<String>| {
        label
            .as_ref()
            .map(|l| names.get(l).cloned().unwrap_or_else(|| l.clone()))
            .unwrap_or_default()
    };
    let yen = |d: Decimal| format!("¥{}", round_for_display(d, 0));
    let first_month = today.with_day(1).unwrap_or(today);
    let request = ForecastRequest {
        first_month,
        last_month: first_month + Duration::days(100),
        group_by: vec![],
    };

    step("28. Weighted forecast by month (フォーキャスト)");
    println!(
        "   {:<8} {:>5} {:>14} {:>14} {:>14} {:>14}",
        "month", "deals", "pipeline", "weighted", "won", "expected"
    );
    for r in admin.forecast(&request)? {
        println!(
            "   {:<8} {:>5} {:>14} {:>14} {:>14} {:>14}",
            r.month,
            r.deal_count,
            yen(r.pipeline),
            yen(r.weighted),
            yen(r.won),
            yen(r.expected)
        );
    }

    step("29. This month by owner and by product");
    let this_month = ForecastRequest {
        last_month: first_month,
        group_by: vec![Dimension::Owner],
        ..request.clone()
    };
    for r in admin.forecast(&this_month)? {
        println!(
            "   {:<10} deals {:>2}  weighted {:>13}  won {:>13}",
            name(&r.owner),
            r.deal_count,
            yen(r.weighted),
            yen(r.won)
        );
    }
    for r in admin.forecast(&ForecastRequest {
        group_by: vec![Dimension::Product],
        ..this_month.clone()
    })? {
        println!(
            "   {:<10} pipeline {:>13}  weighted {:>13}  won {:>13}",
            name(&r.product),
            yen(r.pipeline),
            yen(r.weighted),
            yen(r.won)
        );
    }

    step("30. Campaign ROI, calibration of confidence levels, forecast range");
    for r in admin.campaign_roi(None)? {
        println!(
            "   {}: cost {}, won {}, ROI {}, pipeline {} ({} open, {} won, {} lost)",
            name(&Some(r.campaign.clone())),
            yen(r.cost),
            yen(r.won),
            r.roi
                .map(|x| format!("{}%", round_for_display(x * dec("100"), 1)))
                .unwrap_or_else(|| "-".into()),
            yen(r.pipeline),
            r.open_count,
            r.won_count,
            r.lost_count
        );
    }
    for r in admin.calibration()? {
        println!(
            "   confidence {}: stated {}%, observed {} ({} of {} closed)",
            name(&Some(r.confidence.clone())),
            r.stated_percentage.unwrap_or(0),
            r.observed_percentage
                .map(|p| format!("{}%", round_for_display(p, 1)))
                .unwrap_or_else(|| "-".into()),
            r.won_count,
            r.closed_count
        );
    }
    let range = admin.forecast_range(&RangeRequest {
        first_month: request.first_month,
        last_month: request.last_month,
        trials: 10_000,
        seed: 2026,
    })?;
    println!(
        "   next months' revenue: P10 {}  P50 {}  P90 {}  (mean {}, {} open deals, 10,000 trials)",
        yen(range.p10),
        yen(range.p50),
        yen(range.p90),
        yen(range.mean),
        range.open_deals
    );
    Ok(())
}

/// Names for the ids forecasts are labelled with.
fn display_names(admin: &Session, c: &Catalog) -> sfa_core::Result<HashMap<String, String>> {
    let mut names = HashMap::new();
    for u in admin.list_users()? {
        names.insert(u.id.to_string(), u.name);
    }
    for p in &c.products {
        names.insert(p.id.to_string(), p.code.clone());
    }
    for l in &c.confidences {
        names.insert(l.id.to_string(), l.label.clone());
    }
    names.insert(c.campaign.id.to_string(), c.campaign.name.clone());
    Ok(names)
}
