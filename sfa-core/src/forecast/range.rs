//! The forecast range: how a period's revenue may turn out, as P10 / P50 / P90.
//!
//! Method (seeded Monte Carlo): revenue = what was won in the period (certain) + each
//! open deal expected to close in the period, independently, with its probability.
//! Each trial draws every deal once; the percentiles are nearest-rank over the trials'
//! totals, so each is the exact total of one trial. Trial `t` draws from its own
//! generator seeded by (`seed`, `t`), so a result depends only on the request, never on
//! how many threads ran it. Open deals without a probability or an amount are left
//! out. Cost: trials x open deals in the period.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::dataset::{Dataset, Units, decimal, month_number, units};
use crate::error::{Entity, Reason, ValidationError};
use crate::model::DealStatus;

/// The most trials one request may ask for.
pub const MAX_TRIALS: i32 = 1_000_000;

/// Which range to compute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeRequest {
    /// The first month of the period (any day in it).
    pub first_month: NaiveDate,
    /// The last month (any day in it), inclusive.
    pub last_month: NaiveDate,
    /// How many trials (1 to 1,000,000; 10,000 is a good default).
    pub trials: i32,
    /// The generator's seed: the same request gives the same range.
    pub seed: i64,
}

/// The outcome of [`forecast_range`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForecastRange {
    /// Won in the period (in every trial).
    pub won: Decimal,
    /// The exact expected revenue: won + sum of amount x probability.
    pub mean: Decimal,
    /// 10th percentile of the trials' totals.
    pub p10: Decimal,
    /// Median.
    pub p50: Decimal,
    /// 90th percentile.
    pub p90: Decimal,
    /// Trials run.
    pub trials: i32,
    /// Open deals drawn in each trial.
    pub open_deals: i64,
}

/// P10 / P50 / P90 of the period's revenue; see the module docs for the method.
pub fn forecast_range(
    data: &Dataset,
    request: &RangeRequest,
) -> Result<ForecastRange, ValidationError> {
    data.check()?;
    let refuse = |field, reason| ValidationError::single(Entity::Deal, field, reason);
    if !(1..=MAX_TRIALS).contains(&request.trials) {
        return Err(refuse("trials", Reason::OutOfRange));
    }
    let (first, last) = (
        month_number(request.first_month),
        month_number(request.last_month),
    );
    if last < first {
        return Err(refuse("last_month", Reason::BeforeStart));
    }
    let in_period =
        |d: Option<NaiveDate>| d.map(month_number).is_some_and(|m| m >= first && m <= last);
    let mut won: Units = 0;
    let mut weighted: Units = 0;
    let mut open: Vec<(Units, u64)> = Vec::new();
    for deal in &data.deals {
        let amount = deal.amount.and_then(units).unwrap_or(0);
        match deal.status {
            DealStatus::Won if in_period(deal.closed_on) => won += amount,
            DealStatus::Open if in_period(deal.expected_close_on) && amount != 0 => {
                if let Some(p) = data.probability(deal) {
                    weighted += amount * p as i128;
                    open.push((amount, threshold(p)));
                }
            }
            _ => {}
        }
    }
    let trials = request.trials.unsigned_abs() as usize;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8)
        .min(trials);
    let chunk = trials.div_ceil(threads);
    let mut totals: Vec<Units> = Vec::with_capacity(trials);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let open = &open;
                // The seed's bits, whatever its sign.
                let seed = request.seed as u64;
                s.spawn(move || {
                    let range = k * chunk..((k + 1) * chunk).min(trials);
                    range
                        .map(|t| trial(open, won, seed, t as u64))
                        .collect::<Vec<Units>>()
                })
            })
            .collect();
        for h in handles {
            // A trial only adds integers; a panic here would be a bug, so re-raise it.
            match h.join() {
                Ok(part) => totals.extend(part),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    totals.sort_unstable();
    let pick = |q: u64| totals[((q * totals.len() as u64).div_ceil(100) as usize).max(1) - 1];
    Ok(ForecastRange {
        won: decimal(won, 4)?,
        mean: decimal(won * 100 + weighted, 6)?,
        p10: decimal(pick(10), 4)?,
        p50: decimal(pick(50), 4)?,
        p90: decimal(pick(90), 4)?,
        trials: request.trials,
        open_deals: open.len() as i64,
    })
}

/// A draw below this wins: probability p% of the 2^64 draws (100% always wins).
fn threshold(p: i32) -> u64 {
    if p >= 100 {
        u64::MAX
    } else {
        ((u128::from(p.max(0) as u32) << 64) / 100) as u64
    }
}

fn trial(open: &[(Units, u64)], won: Units, seed: u64, t: u64) -> Units {
    let mut rng = SplitMix(seed ^ t.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17));
    let mut total = won;
    for &(amount, limit) in open {
        let draw = rng.next();
        if draw < limit || limit == u64::MAX {
            total += amount;
        }
    }
    total
}

/// SplitMix64: small, fast and good enough for sampling.
struct SplitMix(u64);

impl SplitMix {
    #[inline]
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}
