//! Forecasts from the database: the deals are streamed into a [`Dataset`] whose labels
//! are record ids (so host apps can join them with their master lists), then the pure
//! functions of [`crate::forecast`] run on it. Every member may read forecasts.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use chrono::NaiveDate;

use super::Session;
use crate::error::Result;
use crate::forecast::{
    CalibrationRow, CampaignRow, CategoryRow, Dataset, DatasetBuilder, DealFacts, ForecastRange,
    ForecastRequest, ForecastRow, ProductRow, RangeRequest, calibration, campaign_roi,
    category_summary, forecast_range, product_summary, weighted_forecast,
};
use crate::model::{Master, MasterId, MasterKind, UserId};
use crate::store::ReadTx;

impl Session {
    /// Every deal as forecast facts, with the stages, confidence levels, campaigns,
    /// categories and products they may refer to; labels are ids.
    pub fn forecast_dataset(&self) -> Result<Dataset> {
        self.read(|tx, _| load_dataset(tx))
    }

    /// The weighted forecast by month (and the requested dimensions) of every deal.
    pub fn forecast(&self, request: &ForecastRequest) -> Result<Vec<ForecastRow>> {
        Ok(weighted_forecast(&self.forecast_dataset()?, request)?)
    }

    /// Won totals (closed between `from` and `to`), active deals and pipeline per
    /// product.
    pub fn product_summary(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<ProductRow>> {
        Ok(product_summary(&self.forecast_dataset()?, from, to)?)
    }

    /// The same per product category.
    pub fn category_summary(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<CategoryRow>> {
        Ok(category_summary(&self.forecast_dataset()?, from, to)?)
    }

    /// Cost, won amount, ROI, pipeline and counts per campaign (won and lost within
    /// the period when one is given).
    pub fn campaign_roi(&self, period: Option<(NaiveDate, NaiveDate)>) -> Result<Vec<CampaignRow>> {
        Ok(campaign_roi(&self.forecast_dataset()?, period)?)
    }

    /// Each confidence level's stated percentage beside the observed win rate.
    pub fn calibration(&self) -> Result<Vec<CalibrationRow>> {
        Ok(calibration(&self.forecast_dataset()?)?)
    }

    /// P10 / P50 / P90 of a period's revenue (seeded Monte Carlo).
    pub fn forecast_range(&self, request: &RangeRequest) -> Result<ForecastRange> {
        Ok(forecast_range(&self.forecast_dataset()?, request)?)
    }
}

/// Streams the deals into a dataset, masters first (so their percentages and costs
/// are known), owners as they come. A stored deal that today's rules refuse is left
/// out and listed in [`Dataset::excluded`]: one bad record never stops a forecast.
pub(crate) fn load_dataset(tx: &mut dyn ReadTx) -> Result<Dataset> {
    let mut b = DatasetBuilder::new();
    let mut index: IdMap<MasterId> = IdMap::default();
    for kind in MasterKind::ALL {
        for m in tx.list_masters(kind)? {
            let key = m.id().to_string();
            let i = match &m {
                Master::ProductCategory(_) => {
                    // Categories are interned through their products; list them too.
                    b.product_category(&key)
                }
                Master::Stage(s) => b.stage(&key, s.default_percentage),
                Master::Confidence(c) => b.confidence(&key, Some(c.percentage)),
                Master::Campaign(c) => b.campaign(&key, c.cost),
                Master::Product(p) => b.product(&key, Some(&p.category_id.to_string())),
            };
            index.insert(m.id(), i);
        }
    }
    super::teams::add_teams(tx, &mut b)?;
    let mut owners: IdMap<UserId> = IdMap::default();
    let lookup =
        |index: &IdMap<MasterId>, key: Option<MasterId>| key.and_then(|k| index.get(&k).copied());
    tx.scan_deals(&mut |scanned| {
        let d = match scanned {
            Ok(d) => d,
            Err(problem) => {
                b.exclude(problem);
                return Ok(());
            }
        };
        let owner = match owners.get(&d.owner_id) {
            Some(&o) => o,
            None => {
                let o = b.owner(&d.owner_id.to_string());
                owners.insert(d.owner_id, o);
                o
            }
        };
        let lines = d
            .lines
            .iter()
            .filter_map(|(p, amount)| {
                lookup(&index, Some(MasterId::Product(*p))).map(|i| (i, *amount))
            })
            .collect();
        b.deal(DealFacts {
            owner,
            status: d.status,
            amount: d.amount,
            expected_close_on: d.expected_close_on,
            closed_on: d.closed_on,
            stage: lookup(&index, d.stage_id.map(MasterId::Stage)),
            confidence: lookup(&index, d.confidence_id.map(MasterId::Confidence)),
            campaign: lookup(&index, d.campaign_id.map(MasterId::Campaign)),
            lines,
        });
        Ok(())
    })?;
    Ok(b.finish())
}

/// Record ids to dataset indexes. A million deals look up five or more ids each, and
/// ids are UUIDs (random bits, or a v7's timestamp and random bits), so the keys need
/// no protection against chosen collisions: a multiply-rotate hash is enough and
/// several times faster than the default SipHash.
type IdMap<K> = HashMap<K, u32, BuildHasherDefault<IdHasher>>;

#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
