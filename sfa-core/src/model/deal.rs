//! Deals (案件): sales opportunities with an owner, an amount (exact; the sum of the
//! line items when there are any), an expected close date, stage, confidence and
//! source campaign, closed as won (受注) or lost (失注).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::company::optional;
use super::money::{check_amount, check_quantity, line_amount, sum_amounts};
use super::time::check_date;
use super::{
    CampaignId, CompanyId, ConfidenceId, DealId, ProductId, StageId, Timestamp, UserId, limits,
};
use crate::error::{Checker, Entity, Reason, ValidationError};
use crate::normalize::{clean_multiline, required_line};

stored_enum! {
    /// Whether a deal is still being worked.
    DealStatus {
        /// Active: on the owner's open-deal list.
        #[default]
        Open = "open",
        /// Won (受注); closed.
        Won = "won",
        /// Lost (失注); closed.
        Lost = "lost",
    }
}

/// The most line items one deal may have.
pub const MAX_DEAL_LINES: usize = 200;

/// A line item as entered.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DealLineInput {
    /// The product (required; must exist, and not be retired for a new line).
    pub product_id: ProductId,
    /// How many (more than zero; decimals allowed, e.g. 1.5 months).
    pub quantity: Decimal,
    /// Price per unit; the product's list price when not given.
    pub unit_price: Option<Decimal>,
}

/// A stored line item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealLine {
    /// The product.
    pub product_id: ProductId,
    /// How many.
    pub quantity: Decimal,
    /// Price per unit.
    pub unit_price: Decimal,
    /// quantity x unit price, exact.
    pub amount: Decimal,
}

impl DealLine {
    /// A line with its amount: quantity x unit price, rounded half away from zero
    /// (四捨五入) to four decimal places. [`Reason::OutOfRange`] when the amount reaches
    /// [`super::money::MAX_AMOUNT`].
    pub fn new(
        product_id: ProductId,
        quantity: Decimal,
        unit_price: Decimal,
    ) -> Result<DealLine, Reason> {
        Ok(DealLine {
            product_id,
            quantity,
            unit_price,
            amount: line_amount(quantity, unit_price)?,
        })
    }
}

/// The editable fields of a deal.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DealInput {
    /// The customer company (required).
    pub company_id: CompanyId,
    /// Name (required), e.g. `基幹システム更新`.
    pub name: String,
    /// Who is responsible (案件担当); the acting user when not given.
    pub owner_id: Option<UserId>,
    /// Amount (not negative). With line items it must be absent or equal their sum.
    pub amount: Option<Decimal>,
    /// When it is expected to close.
    pub expected_close_on: Option<NaiveDate>,
    /// Sales-process stage.
    pub stage_id: Option<StageId>,
    /// Confidence level.
    pub confidence_id: Option<ConfidenceId>,
    /// The campaign it came from (lead source).
    pub campaign_id: Option<CampaignId>,
    /// Line items (products), in order.
    pub lines: Vec<DealLineInput>,
    /// Free notes.
    pub notes: Option<String>,
}

impl DealInput {
    /// A deal with just a company and a name.
    pub fn named(company_id: CompanyId, name: impl Into<String>) -> Self {
        DealInput {
            company_id,
            name: name.into(),
            ..DealInput::default()
        }
    }

    /// Checks every field and returns the normalised input, or every refused field.
    /// References and the amount-to-lines rule are checked when the deal is stored.
    pub fn validate(&self) -> Result<DealInput, ValidationError> {
        let mut c = Checker::new(Entity::Deal);
        if self.company_id == CompanyId::default() {
            c.check::<()>("company_id", Err(Reason::Required));
        }
        let name = c.check("name", required_line(&self.name, limits::NAME));
        let amount = c.check("amount", self.amount.map(check_amount).transpose());
        let expected_close_on = c.check(
            "expected_close_on",
            self.expected_close_on.map(check_date).transpose(),
        );
        for (field, nil) in [
            ("owner_id", self.owner_id == Some(UserId::default())),
            ("stage_id", self.stage_id == Some(StageId::default())),
            (
                "confidence_id",
                self.confidence_id == Some(ConfidenceId::default()),
            ),
            (
                "campaign_id",
                self.campaign_id == Some(CampaignId::default()),
            ),
        ] {
            if nil {
                c.check::<()>(field, Err(Reason::InvalidId));
            }
        }
        if self.lines.len() > MAX_DEAL_LINES {
            c.check::<()>("lines", Err(Reason::OutOfRange));
        }
        let mut lines = Vec::with_capacity(self.lines.len());
        for line in &self.lines {
            if line.product_id == ProductId::default() {
                c.check::<()>("lines.product_id", Err(Reason::Required));
            }
            let quantity = c.check("lines.quantity", check_quantity(line.quantity));
            let unit_price = c.check(
                "lines.unit_price",
                line.unit_price.map(check_amount).transpose(),
            );
            lines.push(DealLineInput {
                product_id: line.product_id,
                quantity,
                unit_price,
            });
        }
        let notes = c.check(
            "notes",
            optional(&self.notes, |v| clean_multiline(v, limits::NOTES)),
        );
        c.finish(DealInput {
            company_id: self.company_id,
            name,
            owner_id: self.owner_id,
            amount,
            expected_close_on,
            stage_id: self.stage_id,
            confidence_id: self.confidence_id,
            campaign_id: self.campaign_id,
            lines,
            notes,
        })
    }
}

/// A stored deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deal {
    /// The id.
    pub id: DealId,
    /// The customer company.
    pub company_id: CompanyId,
    /// Name.
    pub name: String,
    /// Who is responsible.
    pub owner_id: UserId,
    /// Amount; the exact sum of the lines when there are any.
    pub amount: Option<Decimal>,
    /// Expected close date.
    pub expected_close_on: Option<NaiveDate>,
    /// Stage.
    pub stage_id: Option<StageId>,
    /// Confidence level.
    pub confidence_id: Option<ConfidenceId>,
    /// Source campaign.
    pub campaign_id: Option<CampaignId>,
    /// Line items, in order.
    pub lines: Vec<DealLine>,
    /// Notes.
    pub notes: Option<String>,
    /// Open, won or lost.
    pub status: DealStatus,
    /// The day it was won or lost.
    pub closed_on: Option<NaiveDate>,
    /// Why it was lost, when given.
    pub lost_reason: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// Who created it.
    pub created_by: UserId,
    /// When it last changed.
    pub updated_at: Timestamp,
    /// Who changed it last.
    pub updated_by: UserId,
    /// Incremented on every change; send it back with a change.
    pub version: i64,
}

/// The sort key of deals without a date: after every date.
const UNDATED: &str = "9999-12-31";

impl Deal {
    /// True while it is being worked (not won or lost).
    pub fn is_open(&self) -> bool {
        self.status == DealStatus::Open
    }

    /// The editable fields, e.g. to change some and send them back. With line items
    /// the amount is left out: it follows the lines.
    pub fn input(&self) -> DealInput {
        DealInput {
            company_id: self.company_id,
            name: self.name.clone(),
            owner_id: Some(self.owner_id),
            amount: if self.lines.is_empty() {
                self.amount
            } else {
                None
            },
            expected_close_on: self.expected_close_on,
            stage_id: self.stage_id,
            confidence_id: self.confidence_id,
            campaign_id: self.campaign_id,
            lines: self
                .lines
                .iter()
                .map(|l| DealLineInput {
                    product_id: l.product_id,
                    quantity: l.quantity,
                    unit_price: Some(l.unit_price),
                })
                .collect(),
            notes: self.notes.clone(),
        }
    }

    /// The key deal lists are ordered by (with the id): the close date of a closed
    /// deal, else its expected close date; undated ones last.
    pub fn sort_key(&self) -> String {
        self.closed_on
            .or(self.expected_close_on)
            .map_or_else(|| UNDATED.to_string(), |d| d.format("%Y-%m-%d").to_string())
    }
}

/// The sum of line amounts, exact; [`Reason::OutOfRange`] when it reaches the amount
/// limit.
pub(crate) fn lines_total(lines: &[DealLine]) -> Result<Decimal, Reason> {
    sum_amounts(lines.iter().map(|l| l.amount))
}

/// Checks a lost reason.
pub(crate) fn clean_lost_reason(reason: Option<&str>) -> Result<Option<String>, ValidationError> {
    let mut c = Checker::new(Entity::Deal);
    let reason = c.check(
        "lost_reason",
        reason.map_or(Ok(None), |r| clean_multiline(r, limits::SHORT_TEXT)),
    );
    c.finish(reason)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn line_amounts_and_totals_are_exact() {
        let p = ProductId::new();
        let lines = vec![
            DealLine::new(p, d("3"), d("0.1")).unwrap(),
            DealLine::new(p, d("1"), d("1000000000000")).unwrap(),
        ];
        assert_eq!(lines[0].amount, d("0.3"));
        assert_eq!(lines_total(&lines), Ok(d("1000000000000.3")));
        let big = DealLine::new(p, d("1"), d("900000000000000")).unwrap();
        assert_eq!(lines_total(&[big.clone(), big]), Err(Reason::OutOfRange));
    }

    #[test]
    fn bad_deal_input_names_each_field() {
        let e = DealInput {
            amount: Some(d("-5")),
            lines: vec![DealLineInput {
                product_id: ProductId::new(),
                quantity: d("0"),
                unit_price: Some(d("-1")),
            }],
            ..DealInput::named(CompanyId::default(), " ")
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.entity, Entity::Deal);
        assert_eq!(e.reason_for("company_id"), Some(&Reason::Required));
        assert_eq!(e.reason_for("name"), Some(&Reason::Required));
        assert_eq!(e.reason_for("amount"), Some(&Reason::Negative));
        assert_eq!(e.reason_for("lines.quantity"), Some(&Reason::NotPositive));
        assert_eq!(e.reason_for("lines.unit_price"), Some(&Reason::Negative));
    }
}
