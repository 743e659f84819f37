//! Master data (campaigns, stages, confidence levels, product categories, products),
//! deals and the forecasts.

use chrono::NaiveDate;
use sfa_core::forecast::{
    CalibrationRow, CampaignRow, CategoryRow, ForecastRange, ForecastRequest, ForecastRow,
    ProductRow, RangeRequest,
};
use sfa_core::{
    Campaign, CampaignId, CampaignInput, CompanyId, Confidence, ConfidenceId, ConfidenceInput,
    Deal, DealId, DealInput, Master, MasterId, PageRequest, Product, ProductCategory,
    ProductCategoryId, ProductCategoryInput, ProductId, ProductInput, Reason, Stage, StageId,
    StageInput, UserId,
};

use crate::SfaError;
use crate::asynchronous::session_calls;
use crate::error::refused;
use crate::pages::DealPage;

session_calls! {
    /// Adds a campaign. Admins only.
    pub fn add_campaign(&self, input: CampaignInput) -> Result<Campaign, SfaError> {
        Ok(self.inner.add_campaign(&input)?)
    }

    /// Replaces a campaign's fields if it is still at `version`. Admins only.
    pub fn update_campaign(
        &self,
        id: CampaignId,
        version: i64,
        input: CampaignInput,
    ) -> Result<Campaign, SfaError> {
        Ok(self.inner.update_campaign(id, version, &input)?)
    }

    /// A campaign by id.
    pub fn get_campaign(&self, id: CampaignId) -> Result<Campaign, SfaError> {
        Ok(self.inner.get_campaign(id)?)
    }

    /// Campaigns by first day then name; retired ones only when asked.
    pub fn list_campaigns(&self, include_retired: bool) -> Result<Vec<Campaign>, SfaError> {
        Ok(self.inner.list_campaigns(include_retired)?)
    }

    /// Adds a stage at the end of the process. Admins only.
    pub fn add_stage(&self, input: StageInput) -> Result<Stage, SfaError> {
        Ok(self.inner.add_stage(&input)?)
    }

    /// Replaces a stage's fields (not its position). Admins only.
    pub fn update_stage(
        &self,
        id: StageId,
        version: i64,
        input: StageInput,
    ) -> Result<Stage, SfaError> {
        Ok(self.inner.update_stage(id, version, &input)?)
    }

    /// Puts every stage (retired ones too) in the given order. Admins only.
    pub fn reorder_stages(&self, ids: Vec<StageId>) -> Result<Vec<Stage>, SfaError> {
        Ok(self.inner.reorder_stages(&ids)?)
    }

    /// A stage by id.
    pub fn get_stage(&self, id: StageId) -> Result<Stage, SfaError> {
        Ok(self.inner.get_stage(id)?)
    }

    /// Stages in process order; retired ones only when asked.
    pub fn list_stages(&self, include_retired: bool) -> Result<Vec<Stage>, SfaError> {
        Ok(self.inner.list_stages(include_retired)?)
    }

    /// Adds a confidence level. Admins only.
    pub fn add_confidence(&self, input: ConfidenceInput) -> Result<Confidence, SfaError> {
        Ok(self.inner.add_confidence(&input)?)
    }

    /// Replaces a confidence level's fields. Admins only.
    pub fn update_confidence(
        &self,
        id: ConfidenceId,
        version: i64,
        input: ConfidenceInput,
    ) -> Result<Confidence, SfaError> {
        Ok(self.inner.update_confidence(id, version, &input)?)
    }

    /// A confidence level by id.
    pub fn get_confidence(&self, id: ConfidenceId) -> Result<Confidence, SfaError> {
        Ok(self.inner.get_confidence(id)?)
    }

    /// Confidence levels, highest percentage first; retired ones only when asked.
    pub fn list_confidences(&self, include_retired: bool) -> Result<Vec<Confidence>, SfaError> {
        Ok(self.inner.list_confidences(include_retired)?)
    }

    /// Adds a product category. Admins only.
    pub fn add_product_category(
        &self,
        input: ProductCategoryInput,
    ) -> Result<ProductCategory, SfaError> {
        Ok(self.inner.add_product_category(&input)?)
    }

    /// Renames a product category. Admins only.
    pub fn update_product_category(
        &self,
        id: ProductCategoryId,
        version: i64,
        input: ProductCategoryInput,
    ) -> Result<ProductCategory, SfaError> {
        Ok(self.inner.update_product_category(id, version, &input)?)
    }

    /// A product category by id.
    pub fn get_product_category(&self, id: ProductCategoryId) -> Result<ProductCategory, SfaError> {
        Ok(self.inner.get_product_category(id)?)
    }

    /// Product categories by name; retired ones only when asked.
    pub fn list_product_categories(
        &self,
        include_retired: bool,
    ) -> Result<Vec<ProductCategory>, SfaError> {
        Ok(self.inner.list_product_categories(include_retired)?)
    }

    /// Adds a product to an active category. Admins only.
    pub fn add_product(&self, input: ProductInput) -> Result<Product, SfaError> {
        Ok(self.inner.add_product(&input)?)
    }

    /// Replaces a product's fields (lines on deals keep their price). Admins only.
    pub fn update_product(
        &self,
        id: ProductId,
        version: i64,
        input: ProductInput,
    ) -> Result<Product, SfaError> {
        Ok(self.inner.update_product(id, version, &input)?)
    }

    /// A product by id.
    pub fn get_product(&self, id: ProductId) -> Result<Product, SfaError> {
        Ok(self.inner.get_product(id)?)
    }

    /// Products by code; retired ones only when asked.
    pub fn list_products(&self, include_retired: bool) -> Result<Vec<Product>, SfaError> {
        Ok(self.inner.list_products(include_retired)?)
    }

    /// Retires a master record (hidden from pickers, kept for history). Admins only.
    pub fn retire_master(&self, id: MasterId, version: i64) -> Result<Master, SfaError> {
        Ok(self.inner.retire_master(id, version)?)
    }

    /// Brings a retired master record back. Admins only.
    pub fn restore_master(&self, id: MasterId, version: i64) -> Result<Master, SfaError> {
        Ok(self.inner.restore_master(id, version)?)
    }

    /// Deletes a master record nothing refers to (one in use is `InUse`). Admins only.
    pub fn delete_master(&self, id: MasterId) -> Result<(), SfaError> {
        Ok(self.inner.delete_master(id)?)
    }

    /// Opens a deal; with line items its amount is their exact sum.
    pub fn add_deal(&self, input: DealInput) -> Result<Deal, SfaError> {
        Ok(self.inner.add_deal(&input)?)
    }

    /// A deal by id.
    pub fn get_deal(&self, id: DealId) -> Result<Deal, SfaError> {
        Ok(self.inner.get_deal(id)?)
    }

    /// Replaces a deal's fields if it is still at `version` (closed deals keep their
    /// amount and lines until reopened).
    pub fn update_deal(
        &self,
        id: DealId,
        version: i64,
        input: DealInput,
    ) -> Result<Deal, SfaError> {
        Ok(self.inner.update_deal(id, version, &input)?)
    }

    /// Closes a deal as won (受注) on `closed_on` (today in Japan when null).
    pub fn win_deal(
        &self,
        id: DealId,
        version: i64,
        closed_on: Option<NaiveDate>,
    ) -> Result<Deal, SfaError> {
        Ok(self.inner.win_deal(id, version, closed_on)?)
    }

    /// Closes a deal as lost (失注), with the reason when one is given.
    pub fn lose_deal(
        &self,
        id: DealId,
        version: i64,
        closed_on: Option<NaiveDate>,
        reason: Option<String>,
    ) -> Result<Deal, SfaError> {
        Ok(self
            .inner
            .lose_deal(id, version, closed_on, reason.as_deref())?)
    }

    /// Opens a won or lost deal again. The owner and admins may.
    pub fn reopen_deal(&self, id: DealId, version: i64) -> Result<Deal, SfaError> {
        Ok(self.inner.reopen_deal(id, version)?)
    }

    /// One page of a user's open deals (the acting user's when null), by expected
    /// close date.
    pub fn open_deals(
        &self,
        owner: Option<UserId>,
        page: PageRequest,
    ) -> Result<DealPage, SfaError> {
        Ok(self.inner.open_deals(owner, &page)?.into())
    }

    /// One page of a company's deals, open and closed.
    pub fn company_deals(&self, id: CompanyId, page: PageRequest) -> Result<DealPage, SfaError> {
        Ok(self.inner.company_deals(id, &page)?.into())
    }

    /// One page of the open deals with a line for the product.
    pub fn product_deals(&self, id: ProductId, page: PageRequest) -> Result<DealPage, SfaError> {
        Ok(self.inner.product_deals(id, &page)?.into())
    }

    /// One page of the deals sourced from a campaign.
    pub fn campaign_deals(&self, id: CampaignId, page: PageRequest) -> Result<DealPage, SfaError> {
        Ok(self.inner.campaign_deals(id, &page)?.into())
    }

    /// The weighted forecast by month (and the requested dimensions); exact.
    pub fn forecast(&self, request: ForecastRequest) -> Result<Vec<ForecastRow>, SfaError> {
        Ok(self.inner.forecast(&request)?)
    }

    /// Won totals (closed between `from` and `to`), active deals and pipeline per
    /// product.
    pub fn product_summary(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ProductRow>, SfaError> {
        Ok(self.inner.product_summary(from, to)?)
    }

    /// The same per product category.
    pub fn category_summary(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<CategoryRow>, SfaError> {
        Ok(self.inner.category_summary(from, to)?)
    }

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

    /// Each confidence level's stated percentage beside the observed win rate.
    pub fn calibration(&self) -> Result<Vec<CalibrationRow>, SfaError> {
        Ok(self.inner.calibration()?)
    }

    /// P10 / P50 / P90 of a period's revenue (seeded Monte Carlo).
    pub fn forecast_range(&self, request: RangeRequest) -> Result<ForecastRange, SfaError> {
        Ok(self.inner.forecast_range(&request)?)
    }
}
