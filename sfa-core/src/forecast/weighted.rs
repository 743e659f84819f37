//! The weighted forecast: money by month of expected close (and of winning), optionally
//! split by owner, team, stage, product or campaign.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::dataset::{
    Dataset, DealFacts, NO_LABEL, Units, decimal, month_label, month_number, units,
};
use crate::error::{Entity, Reason, ValidationError};
use crate::model::DealStatus;

/// The longest forecast period, in months.
pub const MAX_MONTHS: i32 = 120;

/// Above this many cells a forecast accumulates in a map instead of a flat table.
const DENSE_CELLS: u128 = 1 << 22;

/// What a forecast can be grouped by, besides the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// The deal's owner.
    Owner,
    /// The owner's teams (a deal counts in each).
    Team,
    /// The deal's stage.
    Stage,
    /// The products of the deal's lines (money split by line amount).
    Product,
    /// The deal's source campaign.
    Campaign,
}

impl Dimension {
    /// Parses `owner`, `team`, `stage`, `product` or `campaign`.
    pub fn parse(text: &str) -> Result<Dimension, Reason> {
        match text.trim().to_ascii_lowercase().as_str() {
            "owner" => Ok(Dimension::Owner),
            "team" => Ok(Dimension::Team),
            "stage" => Ok(Dimension::Stage),
            "product" => Ok(Dimension::Product),
            "campaign" => Ok(Dimension::Campaign),
            _ => Err(Reason::NotAllowed),
        }
    }
}

/// Which forecast to compute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastRequest {
    /// The first month of the period (any day in it).
    pub first_month: NaiveDate,
    /// The last month of the period (any day in it), inclusive.
    pub last_month: NaiveDate,
    /// Further grouping, in this order (each dimension at most once).
    pub group_by: Vec<Dimension>,
}

/// One group of a forecast. A dimension's field is `None` when the forecast is not
/// grouped by it, and [`NO_LABEL`] for deals without a value for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastRow {
    /// The month, `2026-12`.
    pub month: String,
    /// Owner label.
    pub owner: Option<String>,
    /// Team label.
    pub team: Option<String>,
    /// Stage label.
    pub stage: Option<String>,
    /// Product label.
    pub product: Option<String>,
    /// Campaign label.
    pub campaign: Option<String>,
    /// Open deals expected to close in the month.
    pub deal_count: i64,
    /// Deals won in the month.
    pub won_count: i64,
    /// Sum of the open deals' amounts (unweighted pipeline).
    pub pipeline: Decimal,
    /// Sum of amount x probability over open deals with a probability.
    pub weighted: Decimal,
    /// Sum of the amounts of deals won in the month.
    pub won: Decimal,
    /// won + weighted.
    pub expected: Decimal,
}

#[derive(Debug, Clone, Copy, Default)]
struct Acc {
    deal_count: i64,
    won_count: i64,
    pipeline: Units,
    /// Sum of amount units x percentage: scale 6.
    weighted: Units,
    won: Units,
}

/// Accumulators by cell index, in a flat table when small enough.
enum Cells {
    Dense(Vec<Acc>),
    Sparse(HashMap<u128, Acc>),
}

impl Cells {
    #[inline]
    fn at(&mut self, i: u128) -> &mut Acc {
        match self {
            Cells::Dense(v) => &mut v[i as usize],
            Cells::Sparse(m) => m.entry(i).or_default(),
        }
    }

    fn filled(self) -> Vec<(u128, Acc)> {
        let mut out: Vec<(u128, Acc)> = match self {
            Cells::Dense(v) => v
                .into_iter()
                .enumerate()
                .filter(|(_, a)| a.deal_count > 0 || a.won_count > 0)
                .map(|(i, a)| (i as u128, a))
                .collect(),
            Cells::Sparse(m) => m.into_iter().collect(),
        };
        out.sort_by_key(|(i, _)| *i);
        out
    }
}

fn refuse(field: &'static str, reason: Reason) -> ValidationError {
    ValidationError::single(Entity::Deal, field, reason)
}

/// The weighted forecast of `data` for the request's period, by month and the
/// requested dimensions, rows in month order then in the dataset's label order.
/// Only groups with at least one deal are returned. Exact; see the module docs.
pub fn weighted_forecast(
    data: &Dataset,
    request: &ForecastRequest,
) -> Result<Vec<ForecastRow>, ValidationError> {
    let first = month_number(request.first_month);
    let last = month_number(request.last_month);
    if last < first {
        return Err(ValidationError::single(
            Entity::Deal,
            "last_month",
            Reason::BeforeStart,
        ));
    }
    if last - first >= MAX_MONTHS {
        return Err(ValidationError::single(
            Entity::Deal,
            "last_month",
            Reason::OutOfRange,
        ));
    }
    let dims = &request.group_by;
    for (i, d) in dims.iter().enumerate() {
        if dims[..i].contains(d) {
            return Err(refuse("group_by", Reason::NotAllowed));
        }
    }
    // Each dimension's values are numbered from 1; 0 is "none".
    let cards: Vec<u128> = dims
        .iter()
        .map(|d| {
            1 + match d {
                Dimension::Owner => data.owners.len(),
                Dimension::Team => data.teams.len(),
                Dimension::Stage => data.stages.len(),
                Dimension::Product => data.products.len(),
                Dimension::Campaign => data.campaigns.len(),
            } as u128
        })
        .collect();
    let per_month: u128 = cards.iter().product();
    let months = (last - first + 1) as u128;
    let total = months * per_month;
    let mut cells = if total <= DENSE_CELLS {
        Cells::Dense(vec![Acc::default(); total as usize])
    } else {
        Cells::Sparse(HashMap::new())
    };
    let multi = dims
        .iter()
        .any(|d| matches!(d, Dimension::Product | Dimension::Team));
    let mut choices: Vec<Vec<(u128, Option<Units>)>> = vec![Vec::new(); dims.len()];

    for deal in &data.deals {
        let (date, won) = match deal.status {
            DealStatus::Open => (deal.expected_close_on, false),
            DealStatus::Won => (deal.closed_on, true),
            DealStatus::Lost => continue,
        };
        let Some(date) = date else { continue };
        let month = month_number(date);
        if month < first || month > last {
            continue;
        }
        let amount = match deal.amount {
            None => 0,
            Some(a) => units(a).ok_or_else(|| {
                refuse(
                    "amount",
                    Reason::TooPrecise {
                        max_places: super::MAX_PLACES,
                    },
                )
            })?,
        };
        if deal
            .confidence
            .is_some_and(|c| c as usize >= data.confidences.len())
        {
            return Err(refuse("confidence", Reason::UnknownReference));
        }
        if deal.stage.is_some_and(|s| s as usize >= data.stages.len()) {
            return Err(refuse("stage", Reason::UnknownReference));
        }
        let probability = if won { None } else { data.probability(deal) };
        let base = (month - first) as u128 * per_month;
        if !multi {
            let mut index = 0u128;
            for (d, card) in dims.iter().zip(&cards) {
                index = index * card + single_value(data, deal, *d)?;
            }
            add(cells.at(base + index), won, amount, probability);
            continue;
        }
        for (slot, d) in choices.iter_mut().zip(dims) {
            slot.clear();
            match d {
                Dimension::Product if !deal.lines.is_empty() => {
                    for (p, line) in &deal.lines {
                        if *p as usize >= data.products.len() {
                            return Err(refuse("product", Reason::UnknownReference));
                        }
                        let share = units(*line).ok_or_else(|| {
                            refuse(
                                "amount",
                                Reason::TooPrecise {
                                    max_places: super::MAX_PLACES,
                                },
                            )
                        })?;
                        slot.push((*p as u128 + 1, Some(share)));
                    }
                }
                Dimension::Team if !data.teams_of(deal.owner).is_empty() => {
                    for t in data.teams_of(deal.owner) {
                        slot.push((*t as u128 + 1, None));
                    }
                }
                Dimension::Product | Dimension::Team => slot.push((0, None)),
                other => slot.push((single_value(data, deal, *other)?, None)),
            }
        }
        // Walk every combination of the choices (an odometer over the dimensions).
        let mut at = vec![0usize; dims.len()];
        'combos: loop {
            let mut index = 0u128;
            let mut share = None;
            for ((slot, pos), card) in choices.iter().zip(&at).zip(&cards) {
                let (value, s) = slot[*pos];
                index = index * card + value;
                share = share.or(s);
            }
            add(
                cells.at(base + index),
                won,
                share.unwrap_or(amount),
                probability,
            );
            for k in (0..at.len()).rev() {
                at[k] += 1;
                if at[k] < choices[k].len() {
                    continue 'combos;
                }
                at[k] = 0;
            }
            break;
        }
    }

    let mut rows = Vec::new();
    for (index, acc) in cells.filled() {
        let month = first + (index / per_month) as i32;
        let mut rest = index % per_month;
        let mut values = vec![0u128; dims.len()];
        for k in (0..dims.len()).rev() {
            values[k] = rest % cards[k];
            rest /= cards[k];
        }
        let mut row = ForecastRow {
            month: month_label(month),
            owner: None,
            team: None,
            stage: None,
            product: None,
            campaign: None,
            deal_count: acc.deal_count,
            won_count: acc.won_count,
            pipeline: decimal(acc.pipeline, 4)?,
            weighted: decimal(acc.weighted, 6)?,
            won: decimal(acc.won, 4)?,
            expected: decimal(acc.won * 100 + acc.weighted, 6)?,
        };
        for (d, v) in dims.iter().zip(values) {
            let label =
                |name: Option<&String>| Some(name.cloned().unwrap_or_else(|| NO_LABEL.to_string()));
            let i = (v as usize).wrapping_sub(1);
            match d {
                Dimension::Owner => row.owner = label(data.owners.get(i)),
                Dimension::Team => row.team = label(data.teams.get(i)),
                Dimension::Stage => row.stage = label(data.stages.get(i).map(|s| &s.label)),
                Dimension::Product => row.product = label(data.products.get(i).map(|p| &p.label)),
                Dimension::Campaign => {
                    row.campaign = label(data.campaigns.get(i).map(|c| &c.label))
                }
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The value (1-based; 0 = none) of a single-valued dimension for a deal.
#[inline]
fn single_value(data: &Dataset, deal: &DealFacts, d: Dimension) -> Result<u128, ValidationError> {
    let (value, len, field) = match d {
        Dimension::Owner => (Some(deal.owner), data.owners.len(), "owner"),
        Dimension::Stage => (deal.stage, data.stages.len(), "stage"),
        Dimension::Campaign => (deal.campaign, data.campaigns.len(), "campaign"),
        Dimension::Product | Dimension::Team => (None, 0, ""),
    };
    match value {
        None => Ok(0),
        Some(v) if (v as usize) < len => Ok(v as u128 + 1),
        Some(_) => Err(refuse(field, Reason::UnknownReference)),
    }
}

#[inline]
fn add(acc: &mut Acc, won: bool, amount: Units, probability: Option<i32>) {
    if won {
        acc.won_count += 1;
        acc.won += amount;
    } else {
        acc.deal_count += 1;
        acc.pipeline += amount;
        if let Some(p) = probability {
            acc.weighted += amount * p as i128;
        }
    }
}
