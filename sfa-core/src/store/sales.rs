//! The storage side of selling: master data and deals. Part of every
//! [`super::ReadTx`] / [`super::WriteTx`].

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::RecordProblem;
use crate::error::{Entity, Reason, Result};
use crate::model::money::{check_amount, sum_amounts};
use crate::model::{
    CampaignId, CompanyId, ConfidenceId, Deal, DealId, DealStatus, ListQuery, Master, MasterId,
    MasterKind, ProductId, StageId, UserId,
};

/// Where a kind of master lives in the SQL stores (they share one schema): its table,
/// the column `find_master` matches, and the order `list_masters` gives.
pub(crate) struct MasterTable {
    pub(crate) name: &'static str,
    pub(crate) key: &'static str,
    pub(crate) order: &'static str,
}

/// The [`MasterTable`] of a kind.
pub(crate) fn master_table(kind: MasterKind) -> MasterTable {
    let (name, key, order) = match kind {
        MasterKind::Campaign => ("campaigns", "name", "starts_on, name, id"),
        MasterKind::Stage => ("stages", "name", "position, id"),
        MasterKind::Confidence => ("confidences", "label", "percentage DESC, label, id"),
        MasterKind::ProductCategory => ("product_categories", "name", "name, id"),
        MasterKind::Product => ("products", "code", "code, id"),
    };
    MasterTable { name, key, order }
}

/// Which deals to list; every list is ordered by (sort key, id), see
/// [`Deal::sort_key`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealsOf {
    /// Every deal.
    All,
    /// The open deals a user owns.
    OpenOwnedBy(UserId),
    /// Every deal with a company.
    Company(CompanyId),
    /// The open deals with a line for the product.
    OpenWithProduct(ProductId),
    /// Every deal sourced from the campaign.
    Campaign(CampaignId),
}

/// What a forecast needs of a deal (no name or notes), as [`SalesReadTx::scan_deals`]
/// streams it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealScan {
    /// The deal's id.
    pub id: DealId,
    /// The deal's owner.
    pub owner_id: UserId,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Amount.
    pub amount: Option<Decimal>,
    /// Expected close date.
    pub expected_close_on: Option<NaiveDate>,
    /// Close date.
    pub closed_on: Option<NaiveDate>,
    /// Stage.
    pub stage_id: Option<StageId>,
    /// Confidence level.
    pub confidence_id: Option<ConfidenceId>,
    /// Source campaign.
    pub campaign_id: Option<CampaignId>,
    /// Line items: product and line amount, in order.
    pub lines: Vec<(ProductId, Decimal)>,
}

impl DealScan {
    /// A scan to read rows into (every store reuses one across rows).
    pub(crate) fn empty() -> DealScan {
        DealScan {
            id: DealId::default(),
            owner_id: UserId::default(),
            status: DealStatus::Open,
            amount: None,
            expected_close_on: None,
            closed_on: None,
            stage_id: None,
            confidence_id: None,
            campaign_id: None,
            lines: Vec::new(),
        }
    }

    /// Hands this scanned row (of deal `id`) to `f`: the facts, or the problem of a
    /// row that cannot be read (`bad_field`) or breaks a money rule.
    pub(crate) fn deliver(
        &self,
        id: impl std::fmt::Display,
        bad_field: Option<&'static str>,
        f: &mut dyn FnMut(Scanned<'_>) -> Result<()>,
    ) -> Result<()> {
        if let Some(field) = bad_field {
            return f(Err(RecordProblem::new(
                Entity::Deal,
                id,
                field,
                &Reason::Unreadable,
            )));
        }
        match self.problem() {
            Some(problem) => f(Err(problem)),
            None => f(Ok(self)),
        }
    }

    /// The forecast facts of a deal.
    pub fn of(deal: &Deal) -> DealScan {
        DealScan {
            id: deal.id,
            owner_id: deal.owner_id,
            status: deal.status,
            amount: deal.amount,
            expected_close_on: deal.expected_close_on,
            closed_on: deal.closed_on,
            stage_id: deal.stage_id,
            confidence_id: deal.confidence_id,
            campaign_id: deal.campaign_id,
            lines: deal
                .lines
                .iter()
                .map(|l| (l.product_id, l.amount))
                .collect(),
        }
    }

    /// The first money rule the stored deal breaks (a record written by an older
    /// version, or by SQL outside the library): every amount valid (not negative, at
    /// most four places, below [`crate::model::money::MAX_AMOUNT`]) and, with lines,
    /// the amount equal to their sum. Stores call this on every scanned row.
    pub fn problem(&self) -> Option<RecordProblem> {
        let refuse = |field: &str, reason: Reason| {
            Some(RecordProblem::new(Entity::Deal, self.id, field, &reason))
        };
        if let Some(Err(reason)) = self.amount.map(check_amount) {
            return refuse("amount", reason);
        }
        for (_, amount) in &self.lines {
            if let Err(reason) = check_amount(*amount) {
                return refuse("lines", reason);
            }
        }
        if !self.lines.is_empty() {
            match sum_amounts(self.lines.iter().map(|(_, a)| *a)) {
                Err(reason) => return refuse("lines", reason),
                Ok(total) if Some(total) != self.amount.map(|a| a.normalize()) => {
                    return refuse("amount", Reason::Mismatch);
                }
                Ok(_) => {}
            }
        }
        None
    }
}

/// A scanned deal, or why its stored row cannot be used.
pub type Scanned<'a> = std::result::Result<&'a DealScan, RecordProblem>;

/// What [`SalesReadTx::scan_deals`] hands each deal to. It is `Send` so that a store
/// may decode on one thread while it reads on another.
pub type ScanSink<'a> = &'a mut (dyn FnMut(Scanned<'_>) -> Result<()> + Send);

/// Selling queries available inside any transaction.
pub trait SalesReadTx {
    /// A master record by id.
    fn get_master(&mut self, id: MasterId) -> Result<Option<Master>>;
    /// Every master record of a kind (retired ones too), in the kind's order.
    fn list_masters(&mut self, kind: MasterKind) -> Result<Vec<Master>>;
    /// The master of a kind with exactly this name (a confidence level's label, a
    /// product's code).
    fn find_master(&mut self, kind: MasterKind, name: &str) -> Result<Option<Master>>;
    /// True when a deal (or, for a category, a product) refers to the master.
    fn master_in_use(&mut self, id: MasterId) -> Result<bool>;

    /// A deal by id, with its lines.
    fn get_deal(&mut self, id: DealId) -> Result<Option<Deal>>;
    /// Deals ordered by (sort key, id), after `query.after`, at most `query.limit`.
    fn list_deals(&mut self, of: DealsOf, query: &ListQuery) -> Result<Vec<Deal>>;
    /// Every deal in id order, `limit` at a time after the id `after`, with its lines:
    /// for exports that walk them all (ids are time-ordered, so this reads the table
    /// about in the order it was written, where (sort key, id) order jumps around).
    fn deals_by_id(&mut self, after: Option<DealId>, limit: u32) -> Result<Vec<Deal>>;
    /// Calls `f` with every deal's forecast facts, in one pass, memory flat. A row
    /// that cannot be read, or breaks a rule of [`DealScan::problem`], comes as its
    /// [`RecordProblem`]: one bad row never stops the scan.
    fn scan_deals(&mut self, f: ScanSink<'_>) -> Result<()>;
    /// Calls `f` with the forecast facts of the open deals of `owners` (without lines,
    /// so only the amount is checked), bad rows as their problem.
    fn scan_open_deals(
        &mut self,
        owners: &[UserId],
        f: &mut dyn FnMut(Scanned<'_>) -> Result<()>,
    ) -> Result<()>;
}

/// Selling changes, available inside a write transaction. `update_*` follow the
/// versioning rule of [`super::WriteTx`].
pub trait SalesWriteTx: SalesReadTx {
    /// Stores a new master record.
    fn insert_master(&mut self, master: &Master) -> Result<()>;
    /// Replaces a master record if its stored version is `expected_version`.
    fn update_master(&mut self, master: &Master, expected_version: i64) -> Result<()>;
    /// Deletes a master record (the caller checks it is unused).
    fn delete_master(&mut self, id: MasterId) -> Result<()>;
    /// Stores a new deal with its lines.
    fn insert_deal(&mut self, deal: &Deal) -> Result<()>;
    /// Replaces a deal (and its lines) if its stored version is `expected_version`.
    fn update_deal(&mut self, deal: &Deal, expected_version: i64) -> Result<()>;
}
