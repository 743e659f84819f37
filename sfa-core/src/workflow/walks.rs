//! Every record of a kind, from one consistent snapshot, a page at a time (memory stays
//! flat), with the names its ids stand for: what the exports (CSV, and Arrow for
//! analysts) are written from.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use uuid::Uuid;

use super::Session;
use crate::csv_io::DealNames;
use crate::error::Result;
use crate::model::{
    Company, CompanyId, Deal, Interaction, Master, MasterKind, Person, Task, UserId,
};
use crate::store::{ReadTx, walk_companies, walk_persons};

/// Records per page when a walk reads its own pages.
const PAGE: u32 = 500;

impl Session {
    /// Calls `f` with every company (archived ones too if asked), in list order;
    /// returns how many.
    pub fn walk_companies(
        &self,
        include_archived: bool,
        mut f: impl FnMut(&Company) -> Result<()>,
    ) -> Result<u64> {
        let mut count = 0u64;
        self.read(|tx, _| {
            walk_companies(tx, include_archived, |_, c| {
                count += 1;
                f(c)
            })
        })?;
        Ok(count)
    }

    /// Calls `f` with every person (archived ones too if asked), in list order, and
    /// their company's name; returns how many.
    pub fn walk_persons(
        &self,
        include_archived: bool,
        mut f: impl FnMut(&Person, &str) -> Result<()>,
    ) -> Result<u64> {
        let mut count = 0u64;
        self.read(|tx, _| {
            let mut names = Names::default();
            walk_persons(tx, None, include_archived, |tx, p| {
                count += 1;
                f(p, names.company(tx, p.company_id)?)
            })
        })?;
        Ok(count)
    }

    /// Calls `f` with every interaction (planned, done and cancelled), in id order,
    /// and its company's name; returns how many.
    pub fn walk_interactions(
        &self,
        mut f: impl FnMut(&Interaction, &str) -> Result<()>,
    ) -> Result<u64> {
        let mut count = 0u64;
        self.read(|tx, _| {
            let mut names = Names::default();
            by_id(
                tx,
                |tx, after| tx.interactions_by_id(after, PAGE),
                |i| i.id,
                |tx, i| {
                    count += 1;
                    f(i, names.company(tx, i.company_id)?)
                },
            )
        })?;
        Ok(count)
    }

    /// Calls `f` with every task (open and completed, everyone's), in id order, and
    /// its assignee's name; returns how many.
    pub fn walk_tasks(&self, mut f: impl FnMut(&Task, &str) -> Result<()>) -> Result<u64> {
        let mut count = 0u64;
        self.read(|tx, _| {
            let mut names = Names::default();
            by_id(
                tx,
                |tx, after| tx.tasks_by_id(after, PAGE),
                |t| t.id,
                |tx, t| {
                    count += 1;
                    f(t, &names.user(tx, t.assignee_id)?.0)
                },
            )
        })?;
        Ok(count)
    }

    /// Calls `f` with every deal (open and closed), with the names its ids stand for,
    /// in id order (about the order they were made); returns how many.
    pub fn walk_deals(
        &self,
        mut f: impl FnMut(&Deal, &DealNames<'_>) -> Result<()>,
    ) -> Result<u64> {
        let mut deals = 0u64;
        self.read(|tx, _| {
            let masters = master_names(tx)?;
            let mut names = Names::default();
            by_id(
                tx,
                |tx, after| tx.deals_by_id(after, PAGE),
                |d| d.id,
                |tx, d| {
                    names.user(tx, d.owner_id)?;
                    names.company(tx, d.company_id)?;
                    let master = |id: Option<Uuid>| id.and_then(|id| masters.get(&id));
                    let name = |id: Option<Uuid>| master(id).map_or("", |m| m.name.as_str());
                    let stage = d.stage_id.map(|i| i.as_uuid());
                    let confidence = d.confidence_id.map(|i| i.as_uuid());
                    // The forecast's rule: the confidence level's percentage, else the
                    // stage's default.
                    let probability = match master(confidence) {
                        Some(level) => level.percentage,
                        None => master(stage).and_then(|m| m.percentage),
                    };
                    let products: Vec<_> = d
                        .lines
                        .iter()
                        .map(|l| master(Some(l.product_id.as_uuid())))
                        .collect();
                    let owner = &names.users[&d.owner_id];
                    f(
                        d,
                        &DealNames {
                            company: &names.companies[&d.company_id],
                            owner_name: &owner.0,
                            owner_email: &owner.1,
                            stage: name(stage),
                            confidence: name(confidence),
                            campaign: name(d.campaign_id.map(|i| i.as_uuid())),
                            product_codes: products
                                .iter()
                                .map(|p| p.map_or("", |m| m.name.as_str()))
                                .collect(),
                            product_names: products
                                .iter()
                                .map(|p| p.map_or("", |m| m.product_name.as_str()))
                                .collect(),
                            probability,
                        },
                    )?;
                    deals += 1;
                    Ok(())
                },
            )
        })?;
        Ok(deals)
    }
}

/// Pages through records in id order (`page` gives the records after an id), calling
/// `f` with each, until a page comes back short.
fn by_id<T, K: Copy>(
    tx: &mut dyn ReadTx,
    mut page: impl FnMut(&mut dyn ReadTx, Option<K>) -> Result<Vec<T>>,
    id: impl Fn(&T) -> K,
    mut f: impl FnMut(&mut dyn ReadTx, &T) -> Result<()>,
) -> Result<()> {
    let mut after = None;
    loop {
        let records = page(tx, after)?;
        for r in &records {
            f(tx, r)?;
        }
        match records.last() {
            Some(last) if records.len() == PAGE as usize => after = Some(id(last)),
            _ => return Ok(()),
        }
    }
}

/// Names read once per id within a walk: a company's name, a user's name and e-mail.
/// An id that names no record (written outside the library) gets empty names.
#[derive(Default)]
struct Names {
    companies: HashMap<CompanyId, String>,
    users: HashMap<UserId, (String, String)>,
}

impl Names {
    fn company(&mut self, tx: &mut dyn ReadTx, id: CompanyId) -> Result<&str> {
        Ok(match self.companies.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(tx.get_company(id)?.map(|c| c.name).unwrap_or_default()),
        })
    }

    fn user(&mut self, tx: &mut dyn ReadTx, id: UserId) -> Result<&(String, String)> {
        Ok(match self.users.entry(id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                tx.get_user(id)?
                    .map(|u| (u.name, u.email))
                    .unwrap_or_default(),
            ),
        })
    }
}

/// What exports show for a master beside its id.
pub(super) struct MasterName {
    /// A category's, stage's or campaign's name, a confidence level's label, a
    /// product's code.
    pub(super) name: String,
    /// A product's name; empty for the others.
    pub(super) product_name: String,
    /// A stage's default percentage or a confidence level's percentage.
    pub(super) percentage: Option<i32>,
}

/// Each master's id (its UUID: a deal's reference needs no text to look it up) to
/// what exports show for it.
pub(super) fn master_names(tx: &mut dyn ReadTx) -> Result<HashMap<Uuid, MasterName>> {
    let mut names = HashMap::new();
    for kind in MasterKind::ALL {
        for m in tx.list_masters(kind)? {
            let (name, product_name, percentage) = match &m {
                Master::Stage(s) => (s.name.clone(), String::new(), s.default_percentage),
                Master::Confidence(c) => (c.label.clone(), String::new(), Some(c.percentage)),
                Master::Campaign(c) => (c.name.clone(), String::new(), None),
                Master::Product(p) => (p.code.clone(), p.name.clone(), None),
                Master::ProductCategory(c) => (c.name.clone(), String::new(), None),
            };
            names.insert(
                m.id().as_uuid(),
                MasterName {
                    name,
                    product_name,
                    percentage,
                },
            );
        }
    }
    Ok(names)
}
