//! The plain data forecasts run on.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::error::{Entity, Reason, ValidationError};
use crate::model::DealStatus;

/// The label of a group whose deals have no value for the dimension (no stage, no
/// product lines, an owner in no team...).
pub const NO_LABEL: &str = "(none)";

/// The most decimal places an amount in a dataset may have.
pub const MAX_PLACES: u32 = 4;

/// A confidence level or a stage: its label and percentage (0-100; a stage's default
/// percentage may be absent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelFacts {
    /// Label (an id, or a name).
    pub label: String,
    /// Percentage, 0-100.
    pub percentage: Option<i32>,
}

/// A campaign: its label and cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignFacts {
    /// Label.
    pub label: String,
    /// Cost, exact.
    pub cost: Decimal,
}

/// A product: its label and its category's index in [`Dataset::categories`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFacts {
    /// Label.
    pub label: String,
    /// Index of its category, if known.
    pub category: Option<u32>,
}

/// One deal, with references as indexes into the dataset's tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealFacts {
    /// Index into [`Dataset::owners`].
    pub owner: u32,
    /// Open, won or lost.
    pub status: DealStatus,
    /// Amount; with lines, their sum.
    pub amount: Option<Decimal>,
    /// Expected close date.
    pub expected_close_on: Option<NaiveDate>,
    /// Close date (won or lost deals).
    pub closed_on: Option<NaiveDate>,
    /// Index into [`Dataset::stages`].
    pub stage: Option<u32>,
    /// Index into [`Dataset::confidences`].
    pub confidence: Option<u32>,
    /// Index into [`Dataset::campaigns`].
    pub campaign: Option<u32>,
    /// Line items: (index into [`Dataset::products`], line amount).
    pub lines: Vec<(u32, Decimal)>,
}

/// Deals and the label tables they refer to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dataset {
    /// Owner labels.
    pub owners: Vec<String>,
    /// For each owner, the indexes of their teams in [`Dataset::teams`].
    pub owner_teams: Vec<Vec<u32>>,
    /// Team labels.
    pub teams: Vec<String>,
    /// Stages.
    pub stages: Vec<LevelFacts>,
    /// Confidence levels.
    pub confidences: Vec<LevelFacts>,
    /// Campaigns.
    pub campaigns: Vec<CampaignFacts>,
    /// Product categories' labels.
    pub categories: Vec<String>,
    /// Products.
    pub products: Vec<ProductFacts>,
    /// The deals.
    pub deals: Vec<DealFacts>,
    /// Stored deals left out because today's rules refuse them (see
    /// [`crate::Sfa::check_stored_records`]); the functions here answer for the rest.
    pub excluded: Vec<crate::store::RecordProblem>,
}

/// A deal's money in 1/10,000 units, exact.
pub(crate) type Units = i128;

/// 10^(MAX_PLACES - scale), for scales up to MAX_PLACES.
const POW10: [i128; 5] = [10_000, 1_000, 100, 10, 1];

/// The amount in 1/10,000 units, or `None` when it has more than four places.
#[inline]
pub(crate) fn units(d: Decimal) -> Option<Units> {
    let scale = d.scale();
    if scale <= MAX_PLACES {
        Some(d.mantissa() * POW10[scale as usize])
    } else {
        let n = d.normalize();
        (n.scale() <= MAX_PLACES).then(|| n.mantissa() * POW10[n.scale() as usize])
    }
}

/// Back to a decimal with `scale` places (units are scale 4, weighted sums scale 6).
pub(crate) fn decimal(units: i128, scale: u32) -> Result<Decimal, ValidationError> {
    Decimal::try_from_i128_with_scale(units, scale)
        .map(|d| d.normalize())
        .map_err(|_| ValidationError::single(Entity::Deal, "amount", Reason::OutOfRange))
}

/// A month as a number (year x 12 + month - 1), for grouping.
#[inline]
pub(crate) fn month_number(d: NaiveDate) -> i32 {
    d.year() * 12 + d.month0() as i32
}

/// `2026-12` for a month number.
pub(crate) fn month_label(n: i32) -> String {
    format!("{:04}-{:02}", n.div_euclid(12), n.rem_euclid(12) + 1)
}

impl Dataset {
    /// The deal's probability in percent: its confidence level's, else its stage's
    /// default, else none.
    #[inline]
    pub fn probability(&self, deal: &DealFacts) -> Option<i32> {
        if let Some(c) = deal.confidence {
            return self.confidences.get(c as usize).and_then(|l| l.percentage);
        }
        deal.stage
            .and_then(|s| self.stages.get(s as usize))
            .and_then(|l| l.percentage)
    }

    /// Checks that every reference is in range and every amount has at most four
    /// places; forecasts refuse a dataset that does not hold.
    pub fn check(&self) -> Result<(), ValidationError> {
        let refuse = |field| {
            Err(ValidationError::single(
                Entity::Deal,
                field,
                Reason::UnknownReference,
            ))
        };
        if self.owner_teams.len() > self.owners.len() {
            return refuse("owner_teams");
        }
        for teams in &self.owner_teams {
            if teams.iter().any(|t| *t as usize >= self.teams.len()) {
                return refuse("owner_teams");
            }
        }
        for p in &self.products {
            if p.category
                .is_some_and(|c| c as usize >= self.categories.len())
            {
                return refuse("category");
            }
        }
        for d in &self.deals {
            let out = |i: Option<u32>, n: usize| i.is_some_and(|i| i as usize >= n);
            if d.owner as usize >= self.owners.len() {
                return refuse("owner");
            }
            if out(d.stage, self.stages.len()) {
                return refuse("stage");
            }
            if out(d.confidence, self.confidences.len()) {
                return refuse("confidence");
            }
            if out(d.campaign, self.campaigns.len()) {
                return refuse("campaign");
            }
            if d.lines
                .iter()
                .any(|(p, _)| *p as usize >= self.products.len())
            {
                return refuse("product");
            }
            let fine = |a: &Decimal| units(*a).is_some();
            if !d.amount.as_ref().is_none_or(fine) || !d.lines.iter().all(|(_, a)| fine(a)) {
                return Err(ValidationError::single(
                    Entity::Deal,
                    "amount",
                    Reason::TooPrecise {
                        max_places: MAX_PLACES,
                    },
                ));
            }
        }
        Ok(())
    }

    /// The teams of an owner.
    pub(crate) fn teams_of(&self, owner: u32) -> &[u32] {
        self.owner_teams
            .get(owner as usize)
            .map_or(&[], Vec::as_slice)
    }
}

/// Builds a [`Dataset`] from records that name their references by key (ids or
/// names), giving each distinct key an index.
#[derive(Debug, Default)]
pub struct DatasetBuilder {
    dataset: Dataset,
    owners: HashMap<String, u32>,
    stages: HashMap<String, u32>,
    confidences: HashMap<String, u32>,
    campaigns: HashMap<String, u32>,
    products: HashMap<String, u32>,
    categories: HashMap<String, u32>,
    teams: HashMap<String, u32>,
}

fn intern<K: Eq + Hash + Clone, T>(
    map: &mut HashMap<K, u32>,
    table: &mut Vec<T>,
    key: &K,
    make: impl FnOnce() -> T,
) -> u32 {
    if let Some(&i) = map.get(key) {
        return i;
    }
    let i = table.len() as u32;
    table.push(make());
    map.insert(key.clone(), i);
    i
}

impl DatasetBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        DatasetBuilder::default()
    }

    /// The index of an owner, added when new.
    pub fn owner(&mut self, key: &str) -> u32 {
        let i = intern(
            &mut self.owners,
            &mut self.dataset.owners,
            &key.to_string(),
            || key.to_string(),
        );
        if self.dataset.owner_teams.len() <= i as usize {
            self.dataset.owner_teams.resize(i as usize + 1, Vec::new());
        }
        i
    }

    /// Puts an owner in a team.
    pub fn owner_in_team(&mut self, owner: &str, team: &str) {
        let o = self.owner(owner);
        let t = intern(
            &mut self.teams,
            &mut self.dataset.teams,
            &team.to_string(),
            || team.to_string(),
        );
        let teams = &mut self.dataset.owner_teams[o as usize];
        if !teams.contains(&t) {
            teams.push(t);
        }
    }

    /// The index of a stage, added (with its default percentage) when new.
    pub fn stage(&mut self, key: &str, percentage: Option<i32>) -> u32 {
        intern(
            &mut self.stages,
            &mut self.dataset.stages,
            &key.to_string(),
            || LevelFacts {
                label: key.to_string(),
                percentage,
            },
        )
    }

    /// The index of a confidence level, added when new.
    pub fn confidence(&mut self, key: &str, percentage: Option<i32>) -> u32 {
        intern(
            &mut self.confidences,
            &mut self.dataset.confidences,
            &key.to_string(),
            || LevelFacts {
                label: key.to_string(),
                percentage,
            },
        )
    }

    /// The index of a campaign, added (with its cost) when new.
    pub fn campaign(&mut self, key: &str, cost: Decimal) -> u32 {
        intern(
            &mut self.campaigns,
            &mut self.dataset.campaigns,
            &key.to_string(),
            || CampaignFacts {
                label: key.to_string(),
                cost,
            },
        )
    }

    /// The index of a product category, added when new.
    pub fn product_category(&mut self, key: &str) -> u32 {
        intern(
            &mut self.categories,
            &mut self.dataset.categories,
            &key.to_string(),
            || key.to_string(),
        )
    }

    /// The index of a product, added (in its category) when new.
    pub fn product(&mut self, key: &str, category: Option<&str>) -> u32 {
        let category = category.map(|c| self.product_category(c));
        intern(
            &mut self.products,
            &mut self.dataset.products,
            &key.to_string(),
            || ProductFacts {
                label: key.to_string(),
                category,
            },
        )
    }

    /// Adds a deal.
    pub fn deal(&mut self, deal: DealFacts) {
        self.dataset.deals.push(deal);
    }

    /// Records a stored deal that was left out, and why.
    pub fn exclude(&mut self, problem: crate::store::RecordProblem) {
        self.dataset.excluded.push(problem);
    }

    /// The dataset.
    pub fn finish(self) -> Dataset {
        self.dataset
    }
}
