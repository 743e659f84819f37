//! `campaign_roi`, bound by hand: the core takes its period as a pair of dates, which
//! uniffi cannot carry, so Kotlin and Swift give the first and last day apart. The
//! other forecast and analytics calls are generated (`session_calls.rs`).

use chrono::NaiveDate;
use sfa_core::Reason;
use sfa_core::forecast::CampaignRow;

use crate::error::refused;
use crate::{Session, SfaError};

#[uniffi::export]
impl Session {
    /// Cost, won amount, ROI, pipeline and counts per campaign; with `from` and `to`,
    /// only deals won and lost within that period count (give both or neither).
    pub fn campaign_roi(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<CampaignRow>, SfaError> {
        let period = match (from, to) {
            (Some(from), Some(to)) => Some((from, to)),
            (None, None) => None,
            _ => {
                return Err(refused(
                    "to",
                    Reason::Required,
                    "is required with from (and from with to)",
                ));
            }
        };
        Ok(self.inner.campaign_roi(period)?)
    }
}
