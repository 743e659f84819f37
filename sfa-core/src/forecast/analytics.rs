//! Product and category totals, campaign ROI and the calibration of confidence levels.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::dataset::{Dataset, NO_LABEL, Units, decimal, units};
use crate::error::{Entity, Reason, ValidationError};
use crate::model::DealStatus;

/// Won, active and pipeline figures of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductRow {
    /// Product label.
    pub product: String,
    /// Its category's label ([`NO_LABEL`] when unknown).
    pub category: String,
    /// Won deals (closed in the period) with a line for it.
    pub won_count: i64,
    /// The amount of those lines.
    pub won: Decimal,
    /// Open deals with a line for it (any expected date).
    pub active_count: i64,
    /// The amount of those lines.
    pub pipeline: Decimal,
}

/// The same figures summed over a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRow {
    /// Category label.
    pub category: String,
    /// Won deals with a line in the category (a deal counts once per category).
    pub won_count: i64,
    /// The amount of those lines.
    pub won: Decimal,
    /// Open deals with a line in the category.
    pub active_count: i64,
    /// The amount of those lines.
    pub pipeline: Decimal,
}

/// One campaign's return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignRow {
    /// Campaign label.
    pub campaign: String,
    /// What it cost (counted once).
    pub cost: Decimal,
    /// The amount of the deals it sourced that were won (in the period, if one is given).
    pub won: Decimal,
    /// (won - cost) / cost; none when the cost is zero.
    pub roi: Option<Decimal>,
    /// The amount of its open deals.
    pub pipeline: Decimal,
    /// Its open deals.
    pub open_count: i64,
    /// Its won deals (in the period, if given).
    pub won_count: i64,
    /// Its lost deals (in the period, if given).
    pub lost_count: i64,
}

/// A confidence level's stated percentage beside what happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalibrationRow {
    /// Level label.
    pub confidence: String,
    /// Its percentage.
    pub stated_percentage: Option<i32>,
    /// Closed (won or lost) deals at this level.
    pub closed_count: i64,
    /// Of which won.
    pub won_count: i64,
    /// won / closed x 100, none without closed deals (28 significant digits).
    pub observed_percentage: Option<Decimal>,
}

fn in_period(d: Option<NaiveDate>, period: Option<(NaiveDate, NaiveDate)>) -> bool {
    match (d, period) {
        (_, None) => true,
        (Some(d), Some((from, to))) => d >= from && d <= to,
        (None, Some(_)) => false,
    }
}

fn amount_units(d: Decimal) -> Result<Units, ValidationError> {
    units(d).ok_or_else(|| {
        ValidationError::single(
            Entity::Deal,
            "amount",
            Reason::TooPrecise {
                max_places: super::MAX_PLACES,
            },
        )
    })
}

#[derive(Clone, Copy, Default)]
struct Totals {
    won_count: i64,
    won: Units,
    active_count: i64,
    pipeline: Units,
}

/// Per product: won totals of deals closed between `from` and `to` (inclusive), and
/// the active (open) deals and pipeline. Products with no deals are listed with zeros.
pub fn product_summary(
    data: &Dataset,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ProductRow>, ValidationError> {
    data.check()?;
    let totals = product_totals(data, from, to)?;
    data.products
        .iter()
        .zip(totals)
        .map(|(p, t)| {
            Ok(ProductRow {
                product: p.label.clone(),
                category: category_label(data, p.category),
                won_count: t.won_count,
                won: decimal(t.won, 4)?,
                active_count: t.active_count,
                pipeline: decimal(t.pipeline, 4)?,
            })
        })
        .collect()
}

/// Per category: the same figures as [`product_summary`], a deal counted once per
/// category however many of its lines fall in it.
pub fn category_summary(
    data: &Dataset,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CategoryRow>, ValidationError> {
    data.check()?;
    let n = data.categories.len() + 1;
    let mut totals = vec![Totals::default(); n];
    let mut touched = vec![false; n];
    for deal in &data.deals {
        let counts = match deal.status {
            DealStatus::Open => true,
            DealStatus::Won => in_period(deal.closed_on, Some((from, to))),
            DealStatus::Lost => false,
        };
        if !counts || deal.lines.is_empty() {
            continue;
        }
        touched.iter_mut().for_each(|t| *t = false);
        for (p, amount) in &deal.lines {
            let c = data.products[*p as usize]
                .category
                .map_or(0, |c| c as usize + 1);
            let t = &mut totals[c];
            let a = amount_units(*amount)?;
            if deal.status == DealStatus::Open {
                t.pipeline += a;
                t.active_count += i64::from(!touched[c]);
            } else {
                t.won += a;
                t.won_count += i64::from(!touched[c]);
            }
            touched[c] = true;
        }
    }
    let mut rows = Vec::new();
    for (i, t) in totals.into_iter().enumerate() {
        if i == 0 && t.won_count == 0 && t.active_count == 0 {
            continue;
        }
        rows.push(CategoryRow {
            category: if i == 0 {
                NO_LABEL.to_string()
            } else {
                data.categories[i - 1].clone()
            },
            won_count: t.won_count,
            won: decimal(t.won, 4)?,
            active_count: t.active_count,
            pipeline: decimal(t.pipeline, 4)?,
        });
    }
    Ok(rows)
}

fn category_label(data: &Dataset, c: Option<u32>) -> String {
    c.and_then(|c| data.categories.get(c as usize))
        .cloned()
        .unwrap_or_else(|| NO_LABEL.to_string())
}

fn product_totals(
    data: &Dataset,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Totals>, ValidationError> {
    let mut totals = vec![Totals::default(); data.products.len()];
    let mut seen: Vec<u32> = Vec::new();
    for deal in &data.deals {
        let open = match deal.status {
            DealStatus::Open => true,
            DealStatus::Won if in_period(deal.closed_on, Some((from, to))) => false,
            _ => continue,
        };
        seen.clear();
        for (p, amount) in &deal.lines {
            let t = &mut totals[*p as usize];
            let a = amount_units(*amount)?;
            let first = !seen.contains(p);
            if open {
                t.pipeline += a;
                t.active_count += i64::from(first);
            } else {
                t.won += a;
                t.won_count += i64::from(first);
            }
            seen.push(*p);
        }
    }
    Ok(totals)
}

/// Per campaign: cost, won amount and ROI, pipeline and counts. With a period, only
/// deals won or lost in it count as won or lost (open deals always count).
pub fn campaign_roi(
    data: &Dataset,
    period: Option<(NaiveDate, NaiveDate)>,
) -> Result<Vec<CampaignRow>, ValidationError> {
    data.check()?;
    #[derive(Clone, Copy, Default)]
    struct C {
        won: Units,
        pipeline: Units,
        open: i64,
        won_count: i64,
        lost: i64,
    }
    let mut per = vec![C::default(); data.campaigns.len()];
    for deal in &data.deals {
        let Some(c) = deal.campaign else { continue };
        let t = &mut per[c as usize];
        let amount = deal.amount.map(amount_units).transpose()?.unwrap_or(0);
        match deal.status {
            DealStatus::Open => {
                t.open += 1;
                t.pipeline += amount;
            }
            DealStatus::Won if in_period(deal.closed_on, period) => {
                t.won_count += 1;
                t.won += amount;
            }
            DealStatus::Lost if in_period(deal.closed_on, period) => t.lost += 1,
            _ => {}
        }
    }
    data.campaigns
        .iter()
        .zip(per)
        .map(|(c, t)| {
            let won = decimal(t.won, 4)?;
            let roi = if c.cost.is_zero() {
                None
            } else {
                (won - c.cost).checked_div(c.cost).map(|r| r.normalize())
            };
            Ok(CampaignRow {
                campaign: c.label.clone(),
                cost: c.cost,
                won,
                roi,
                pipeline: decimal(t.pipeline, 4)?,
                open_count: t.open,
                won_count: t.won_count,
                lost_count: t.lost,
            })
        })
        .collect()
}

/// Per confidence level: its stated percentage beside the observed win rate of the
/// closed deals that carried it.
pub fn calibration(data: &Dataset) -> Result<Vec<CalibrationRow>, ValidationError> {
    data.check()?;
    let mut per = vec![(0i64, 0i64); data.confidences.len()];
    for deal in &data.deals {
        let Some(c) = deal.confidence else { continue };
        let t = &mut per[c as usize];
        match deal.status {
            DealStatus::Won => {
                t.0 += 1;
                t.1 += 1;
            }
            DealStatus::Lost => t.0 += 1,
            DealStatus::Open => {}
        }
    }
    Ok(data
        .confidences
        .iter()
        .zip(per)
        .map(|(level, (closed, won))| CalibrationRow {
            confidence: level.label.clone(),
            stated_percentage: level.percentage,
            closed_count: closed,
            won_count: won,
            observed_percentage: (closed > 0).then(|| {
                (Decimal::from(won) * Decimal::ONE_HUNDRED / Decimal::from(closed)).normalize()
            }),
        })
        .collect())
}
