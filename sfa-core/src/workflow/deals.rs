//! Deals (案件の登録・更新): open, change, close as won or lost, reopen, and the deal
//! lists (a user's open deals, company -> deals, product -> active deals,
//! campaign -> deals).

use chrono::{FixedOffset, NaiveDate};

use super::Session;
use super::masters::master;
use super::refs::{check_active_user, check_company_ref, company, deal};
use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{
    CampaignId, CompanyId, DEFAULT_UTC_OFFSET_MINUTES, Deal, DealId, DealInput, DealLine,
    DealStatus, MasterId, Page, PageRequest, ProductId, Timestamp, User, UserId, clean_lost_reason,
    into_page, lines_total,
};
use crate::store::{DealsOf, ReadTx, WriteTx};
use crate::sync::Mutation;

impl Session {
    /// Opens a deal. The owner is the acting user unless another active user is named;
    /// the company must be active; stage, confidence, campaign and products must exist
    /// and not be retired. With line items the amount is their exact sum.
    pub fn add_deal(&self, input: &DealInput) -> Result<Deal> {
        let _call = self.call(|| Mutation::AddDeal {
            input: input.clone(),
        });
        let input = input.validate()?;
        let now = self.now();
        self.write(|tx, me| {
            let mut d = new_deal(DealId::new(), me, now);
            apply_input(tx, &mut d, input, None, false)?;
            tx.insert_deal(&d)?;
            Ok(d)
        })
    }
    /// A deal by id.
    pub fn get_deal(&self, id: DealId) -> Result<Deal> {
        self.read(|tx, _| deal(tx, id))
    }

    /// Replaces a deal's fields, if it is still at `version`. The owner, the creator
    /// and admins may. A closed deal's amount and lines are frozen until it is
    /// reopened.
    pub fn update_deal(&self, id: DealId, version: i64, input: &DealInput) -> Result<Deal> {
        let _call = self.call(|| Mutation::UpdateDeal {
            id,
            version,
            input: input.clone(),
        });
        let input = input.validate()?;
        self.change_deal(id, version, may_update, |tx, d, _| {
            if !d.is_open() {
                frozen(d, &input)?;
            }
            let before = d.clone();
            apply_input(tx, d, input, Some(&before), false)
        })
    }

    /// Closes a deal as won (受注) on `closed_on` (today in Japan when not given).
    pub fn win_deal(&self, id: DealId, version: i64, closed_on: Option<NaiveDate>) -> Result<Deal> {
        let _call = self.call(|| Mutation::WinDeal {
            id,
            version,
            closed_on,
        });
        let today = self.today();
        self.change_deal(id, version, may_update, |_, d, _| {
            close(d, DealStatus::Won, closed_on.unwrap_or(today), None)
        })
    }

    /// Closes a deal as lost (失注) on `closed_on` (today in Japan when not given),
    /// with the reason when one is given.
    pub fn lose_deal(
        &self,
        id: DealId,
        version: i64,
        closed_on: Option<NaiveDate>,
        reason: Option<&str>,
    ) -> Result<Deal> {
        let _call = self.call(|| Mutation::LoseDeal {
            id,
            version,
            closed_on,
            reason: reason.map(str::to_string),
        });
        let reason = clean_lost_reason(reason)?;
        let today = self.today();
        self.change_deal(id, version, may_update, |_, d, _| {
            close(d, DealStatus::Lost, closed_on.unwrap_or(today), reason)
        })
    }

    /// Opens a won or lost deal again, so it can be changed. The owner and admins may.
    pub fn reopen_deal(&self, id: DealId, version: i64) -> Result<Deal> {
        let _call = self.call(|| Mutation::ReopenDeal { id, version });
        self.change_deal(
            id,
            version,
            |d, me| me.is_admin() || d.owner_id == me.id,
            |_, d, _| {
                if d.is_open() {
                    return Err(refuse("status", Reason::NotWhile("open")));
                }
                d.status = DealStatus::Open;
                d.closed_on = None;
                d.lost_reason = None;
                Ok(())
            },
        )
    }

    /// One page of a user's open deals (the acting user's when `owner` is `None`), by
    /// expected close date (undated last).
    pub fn open_deals(&self, owner: Option<UserId>, page: &PageRequest) -> Result<Page<Deal>> {
        let owner = owner.unwrap_or(self.user);
        self.deal_page(page, DealsOf::OpenOwnedBy(owner), |tx| {
            match tx.get_user(owner)? {
                Some(_) => Ok(()),
                None => Err(Error::not_found(Entity::User, owner)),
            }
        })
    }

    /// One page of a company's deals, open and closed (related records: company ->
    /// deals), by close date.
    pub fn company_deals(&self, id: CompanyId, page: &PageRequest) -> Result<Page<Deal>> {
        self.deal_page(page, DealsOf::Company(id), |tx| company(tx, id).map(|_| ()))
    }

    /// One page of the open deals with a line for the product.
    pub fn product_deals(&self, id: ProductId, page: &PageRequest) -> Result<Page<Deal>> {
        self.deal_page(page, DealsOf::OpenWithProduct(id), |tx| {
            master(tx, MasterId::Product(id)).map(|_| ())
        })
    }

    /// One page of the deals sourced from a campaign, open and closed.
    pub fn campaign_deals(&self, id: CampaignId, page: &PageRequest) -> Result<Page<Deal>> {
        self.deal_page(page, DealsOf::Campaign(id), |tx| {
            master(tx, MasterId::Campaign(id)).map(|_| ())
        })
    }

    fn deal_page(
        &self,
        page: &PageRequest,
        of: DealsOf,
        exists: impl FnOnce(&mut dyn ReadTx) -> Result<()>,
    ) -> Result<Page<Deal>> {
        let mut query = page.to_query(Entity::Deal)?;
        query.limit += 1;
        let items = self.read(|tx, _| {
            exists(tx)?;
            tx.list_deals(of, &query)
        })?;
        Ok(into_page(items, page.limit, |d| {
            (d.sort_key(), d.id.to_string())
        }))
    }

    /// Today's date in Japan (the default close date).
    fn today(&self) -> NaiveDate {
        match FixedOffset::east_opt(DEFAULT_UTC_OFFSET_MINUTES * 60) {
            Some(offset) => self.now().with_timezone(&offset).date_naive(),
            None => self.now().date_naive(),
        }
    }

    fn change_deal(
        &self,
        id: DealId,
        version: i64,
        allowed: impl FnOnce(&Deal, &User) -> bool,
        change: impl FnOnce(&mut dyn WriteTx, &mut Deal, &User) -> Result<()>,
    ) -> Result<Deal> {
        let now = self.now();
        self.write(|tx, me| {
            let mut d = deal(tx, id)?;
            if !allowed(&d, me) {
                return Err(Error::permission_denied(
                    "only the deal's owner, its creator and admins may change it (only the owner and admins reopen it)",
                ));
            }
            change(tx, &mut d, me)?;
            d.updated_at = now;
            d.updated_by = me.id;
            d.version = crate::model::next_version(version);
            tx.update_deal(&d, version)?;
            Ok(d)
        })
    }
}

/// An empty open deal owned and created by `me`, to fill with [`apply_input`].
pub(crate) fn new_deal(id: DealId, me: &User, now: Timestamp) -> Deal {
    Deal {
        id,
        company_id: CompanyId::default(),
        name: String::new(),
        owner_id: me.id,
        amount: None,
        expected_close_on: None,
        stage_id: None,
        confidence_id: None,
        campaign_id: None,
        lines: Vec::new(),
        notes: None,
        status: DealStatus::Open,
        closed_on: None,
        lost_reason: None,
        created_at: now,
        created_by: me.id,
        updated_at: now,
        updated_by: me.id,
        version: 1,
    }
}

fn refuse(field: &'static str, reason: Reason) -> Error {
    ValidationError::single(Entity::Deal, field, reason).into()
}

/// The owner, the creator and admins.
fn may_update(d: &Deal, me: &User) -> bool {
    me.is_admin() || d.owner_id == me.id || d.created_by == me.id
}

/// A closed deal's amount and lines must come back as they are (as `Deal::input`
/// gives them; with lines the amount may be left out).
fn frozen(d: &Deal, input: &DealInput) -> Result<()> {
    let state = Reason::NotWhile(d.status.as_str());
    let stored = d.input();
    let same_lines = input.lines.len() == stored.lines.len()
        && input.lines.iter().zip(&stored.lines).all(|(a, b)| {
            a.product_id == b.product_id
                && a.quantity.normalize() == b.quantity.normalize()
                && a.unit_price.map(|p| p.normalize()) == b.unit_price.map(|p| p.normalize())
        });
    if !same_lines {
        return Err(refuse("lines", state));
    }
    let amount_given = input.amount.is_some() || stored.lines.is_empty();
    if amount_given && input.amount.map(|a| a.normalize()) != d.amount.map(|a| a.normalize()) {
        return Err(refuse("amount", state));
    }
    Ok(())
}

pub(crate) fn close(
    d: &mut Deal,
    status: DealStatus,
    on: NaiveDate,
    reason: Option<String>,
) -> Result<()> {
    if !d.is_open() {
        return Err(refuse("status", Reason::NotWhile(d.status.as_str())));
    }
    let on = crate::model::check_date(on).map_err(|reason| refuse("closed_on", reason))?;
    if on < d.created_at.date_naive() {
        return Err(refuse("closed_on", Reason::BeforeCreation));
    }
    d.status = status;
    d.closed_on = Some(on);
    d.lost_reason = reason;
    Ok(())
}

/// Resolves validated input against the stored references and sets the deal's fields.
/// References unchanged from `current` are kept even if retired or archived since;
/// `history` (an imported closed deal) accepts retired masters too.
pub(crate) fn apply_input(
    tx: &mut dyn WriteTx,
    d: &mut Deal,
    input: DealInput,
    current: Option<&Deal>,
    history: bool,
) -> Result<()> {
    let changed = |old: Option<bool>| current.is_none() || old != Some(true);
    if changed(current.map(|c| c.company_id == input.company_id)) {
        check_company_ref(tx, Entity::Deal, input.company_id)?;
    }
    let owner = input.owner_id.unwrap_or(d.owner_id);
    if changed(current.map(|c| c.owner_id == owner)) {
        check_active_user(tx, Entity::Deal, "owner_id", owner)?;
    }
    if let Some(id) = input.stage_id
        && changed(current.map(|c| c.stage_id == Some(id)))
    {
        check_master(tx, "stage_id", MasterId::Stage(id), history)?;
    }
    if let Some(id) = input.confidence_id
        && changed(current.map(|c| c.confidence_id == Some(id)))
    {
        check_master(tx, "confidence_id", MasterId::Confidence(id), history)?;
    }
    if let Some(id) = input.campaign_id
        && changed(current.map(|c| c.campaign_id == Some(id)))
    {
        check_master(tx, "campaign_id", MasterId::Campaign(id), history)?;
    }
    let mut lines = Vec::with_capacity(input.lines.len());
    for line in &input.lines {
        let known =
            current.is_some_and(|c| c.lines.iter().any(|l| l.product_id == line.product_id));
        let product = match tx.get_master(MasterId::Product(line.product_id))? {
            Some(crate::model::Master::Product(p)) => p,
            _ => return Err(refuse("lines.product_id", Reason::UnknownReference)),
        };
        if product.retired && !known && !history {
            return Err(refuse("lines.product_id", Reason::Inactive));
        }
        let price = line.unit_price.unwrap_or(product.unit_price);
        lines.push(
            DealLine::new(line.product_id, line.quantity, price)
                .map_err(|reason| refuse("lines", reason))?,
        );
    }
    let amount = if lines.is_empty() {
        input.amount
    } else {
        let total = lines_total(&lines).map_err(|reason| refuse("lines", reason))?;
        if input.amount.is_some_and(|a| a.normalize() != total) {
            return Err(refuse("amount", Reason::Mismatch));
        }
        Some(total)
    };
    d.company_id = input.company_id;
    d.name = input.name;
    d.owner_id = owner;
    d.amount = amount;
    d.expected_close_on = input.expected_close_on;
    d.stage_id = input.stage_id;
    d.confidence_id = input.confidence_id;
    d.campaign_id = input.campaign_id;
    d.lines = lines;
    d.notes = input.notes;
    Ok(())
}

/// A master named on a deal must exist and (unless for history) not be retired.
fn check_master(
    tx: &mut dyn ReadTx,
    field: &'static str,
    id: MasterId,
    history: bool,
) -> Result<()> {
    match tx.get_master(id)? {
        None => Err(refuse(field, Reason::UnknownReference)),
        Some(m) if m.retired() && !history => Err(refuse(field, Reason::Inactive)),
        Some(_) => Ok(()),
    }
}
