//! Forecasts and sales analytics (フォーキャスト): pure functions over plain deal data.
//!
//! A [`Dataset`] holds the deals as compact facts that refer to owners, stages,
//! confidence levels, campaigns, products and teams by their index in the dataset's
//! label tables. It is built from the database ([`crate::Session::forecast_dataset`],
//! which streams the deals), from a CSV file (the `forecast` example) or by hand; the
//! functions here never touch storage:
//!
//! - [`weighted_forecast`]: by month of expected close, optionally by owner, team,
//!   stage, product (split by line amount) or campaign: deal count, pipeline, weighted,
//!   won, expected;
//! - [`product_summary`] and [`category_summary`]: won totals over a period, active
//!   deals and pipeline;
//! - [`campaign_roi`]: cost, won, ROI, pipeline and counts per campaign;
//! - [`calibration`]: each confidence level's stated percentage beside the observed win
//!   rate;
//! - [`forecast_range`]: P10 / P50 / P90 of a period's revenue by seeded Monte Carlo.
//!
//! # Exactness and rounding
//! Amounts are exact decimals with at most four decimal places (as the library stores
//! them); a dataset with finer amounts is refused, never rounded. Sums are computed in
//! 128-bit integers of 1/10,000 units and weighted amounts as amount x percentage / 100,
//! so pipeline, weighted, won and expected are exact to the last digit. The only
//! divisions are ratios (ROI, win rates), which carry rust_decimal's 28 significant
//! digits. Nothing is rounded here: round at presentation with [`round_for_display`],
//! which rounds half away from zero (四捨五入) to the given number of places (0 for
//! yen).
//!
//! # Which deals count where
//! - An open deal counts in the month of its expected close date, if that month is in
//!   the period; open deals without an expected close date are in no month.
//! - A won deal counts as won in the month of its close date; lost deals count nowhere
//!   (except in [`calibration`] and the campaign and product counts).
//! - An open deal without an amount counts in `deal_count` and adds nothing to money.
//! - Probability: the deal's confidence percentage, else its stage's default
//!   percentage, else none -- then it is in the pipeline but not in `weighted`.
//! - Grouped by product, a deal's money is split by its line amounts (a deal without
//!   lines falls under [`NO_LABEL`]); grouped by team, a deal counts once in each of
//!   its owner's teams. So `deal_count` summed over products or teams can exceed the
//!   number of deals, while the money always sums to the total.

mod analytics;
mod dataset;
mod range;
mod weighted;

pub use analytics::{
    CalibrationRow, CampaignRow, CategoryRow, ProductRow, calibration, campaign_roi,
    category_summary, product_summary,
};
pub use dataset::{
    CampaignFacts, Dataset, DatasetBuilder, DealFacts, LevelFacts, MAX_PLACES, NO_LABEL,
    ProductFacts,
};
pub(crate) use dataset::{decimal, units};
pub use range::{ForecastRange, MAX_TRIALS, RangeRequest, forecast_range};
pub use weighted::{Dimension, ForecastRequest, ForecastRow, MAX_MONTHS, weighted_forecast};

use rust_decimal::{Decimal, RoundingStrategy};

/// Rounds for display: half away from zero (四捨五入) to `places` decimal places.
pub fn round_for_display(value: Decimal, places: u32) -> Decimal {
    value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod rounding_tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn display_rounding_is_half_away_from_zero() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(round_for_display(d("2.5"), 0), d("3"));
        assert_eq!(round_for_display(d("3.5"), 0), d("4"));
        assert_eq!(round_for_display(d("-2.5"), 0), d("-3"));
        assert_eq!(round_for_display(d("1234.5649"), 2), d("1234.56"));
    }
}
