//! CSV exports (format in [`crate::csv_io`]): each reads one consistent snapshot and
//! streams it page by page through the codec. Together the five exports are a whole
//! database that re-imports into an empty one as it is.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write;

use super::Session;
use crate::csv_io::ExportOptions;
use crate::csv_io::deals::{DEAL_HEADER, DealNames, deal_rows};
use crate::csv_io::ledger::{COMPANY_HEADER, PERSON_HEADER, company_fields, person_fields};
use crate::csv_io::masters::{MASTER_HEADER, master_fields};
use crate::csv_io::users::{USER_HEADER, user_fields};
use crate::csv_io::writer::CsvOut;
use crate::error::{Entity, Result};
use crate::model::Deal;
use crate::model::{CompanyId, ListQuery, Master, MasterKind, UserId};
use crate::store::{DealsOf, ReadTx, walk_companies, walk_persons};

impl Session {
    /// Writes companies as CSV (the columns of the import, plus the read-only audit
    /// columns); returns how many were written.
    pub fn export_companies_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, COMPANY_HEADER)?;
        self.read(|tx, _| {
            walk_companies(tx, options.include_archived, |_, c| {
                out.record(Entity::Company, &c.id.to_string(), &company_fields(c))
            })
        })?;
        out.finish()
    }

    /// Writes persons as CSV with their company's id and name; returns how many.
    pub fn export_persons_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, PERSON_HEADER)?;
        self.read(|tx, _| {
            let mut names: HashMap<CompanyId, String> = HashMap::new();
            walk_persons(tx, None, options.include_archived, |tx, p| {
                let company_name = match names.entry(p.company_id) {
                    Entry::Occupied(e) => e.into_mut(),
                    Entry::Vacant(e) => e.insert(
                        tx.get_company(p.company_id)?
                            .map(|c| c.name)
                            .unwrap_or_default(),
                    ),
                };
                out.record(
                    Entity::Person,
                    &p.id.to_string(),
                    &person_fields(p, company_name),
                )
            })
        })?;
        out.finish()
    }

    /// Writes every deal as CSV, one row per line item (one row for a deal without
    /// lines), with masters by name and the owner by e-mail; returns how many deals.
    pub fn export_deals_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, DEAL_HEADER)?;
        let deals = self.walk_deals(|d, names| {
            for row in deal_rows(d, names) {
                out.record(Entity::Deal, &d.id.to_string(), &row)?;
            }
            Ok(())
        })?;
        out.finish()?;
        Ok(deals)
    }

    /// Calls `f` with every deal (open and closed), with the names its ids stand for,
    /// from one consistent snapshot, page by page (memory stays flat); returns how
    /// many. The exports (CSV, and Arrow for analysts) are written from it.
    pub fn walk_deals(
        &self,
        mut f: impl FnMut(&Deal, &DealNames<'_>) -> Result<()>,
    ) -> Result<u64> {
        let mut deals = 0u64;
        self.read(|tx, _| {
            let names = master_names(tx)?;
            let mut owners: HashMap<UserId, (String, String)> = HashMap::new();
            let mut companies: HashMap<CompanyId, String> = HashMap::new();
            let mut query = ListQuery {
                limit: 500,
                after: None,
                include_archived: true,
            };
            loop {
                let page = tx.list_deals(DealsOf::All, &query)?;
                for d in &page {
                    if let Entry::Vacant(e) = owners.entry(d.owner_id) {
                        e.insert(
                            tx.get_user(d.owner_id)?
                                .map(|u| (u.name, u.email))
                                .unwrap_or_default(),
                        );
                    }
                    if let Entry::Vacant(e) = companies.entry(d.company_id) {
                        e.insert(
                            tx.get_company(d.company_id)?
                                .map(|c| c.name)
                                .unwrap_or_default(),
                        );
                    }
                    let master = |id: Option<String>| id.and_then(|id| names.get(&id));
                    let name = |id: Option<String>| master(id).map_or("", |(n, _)| n.as_str());
                    let products: Vec<_> = d
                        .lines
                        .iter()
                        .map(|l| master(Some(l.product_id.to_string())))
                        .collect();
                    let owner = &owners[&d.owner_id];
                    f(
                        d,
                        &DealNames {
                            company: &companies[&d.company_id],
                            owner_name: &owner.0,
                            owner_email: &owner.1,
                            stage: name(d.stage_id.map(|i| i.to_string())),
                            confidence: name(d.confidence_id.map(|i| i.to_string())),
                            campaign: name(d.campaign_id.map(|i| i.to_string())),
                            product_codes: products
                                .iter()
                                .map(|p| p.map_or("", |(code, _)| code.as_str()))
                                .collect(),
                            product_names: products
                                .iter()
                                .map(|p| p.map_or("", |(_, name)| name.as_str()))
                                .collect(),
                        },
                    )?;
                    deals += 1;
                }
                match page.last() {
                    Some(last) if page.len() == query.limit as usize => {
                        query.after = Some((last.sort_key(), last.id.to_string()))
                    }
                    _ => return Ok(()),
                }
            }
        })?;
        Ok(deals)
    }

    /// Writes every master record as CSV, in the order a restore needs: categories,
    /// products, stages (in process order), confidence levels, campaigns; retired ones
    /// included. Returns how many.
    pub fn export_masters_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, MASTER_HEADER)?;
        self.read(|tx, _| {
            let names = master_names(tx)?;
            for kind in [
                MasterKind::ProductCategory,
                MasterKind::Product,
                MasterKind::Stage,
                MasterKind::Confidence,
                MasterKind::Campaign,
            ] {
                for m in tx.list_masters(kind)? {
                    let category = match &m {
                        Master::Product(p) => names
                            .get(&p.category_id.to_string())
                            .map_or("", |(name, _)| name.as_str()),
                        _ => "",
                    };
                    out.record(
                        m.id().entity(),
                        &m.id().to_string(),
                        &master_fields(&m, category),
                    )?;
                }
            }
            Ok(())
        })?;
        out.finish()
    }

    /// Writes every user as CSV (id, name, e-mail, role, active); returns how many.
    /// Admins only: e-mail addresses are personal data.
    pub fn export_users_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, USER_HEADER)?;
        self.read(|tx, me| {
            super::users::require_user_admin(me)?;
            for u in tx.list_users()? {
                out.record(Entity::User, &u.id.to_string(), &user_fields(&u))?;
            }
            Ok(())
        })?;
        out.finish()
    }
}

/// The name each master is known by in CSV files, by id: a category's or stage's or
/// campaign's name, a confidence level's label, a product's code.
/// Each master's id to its name (a product's code) and, for a product, its name.
fn master_names(tx: &mut dyn ReadTx) -> Result<HashMap<String, (String, String)>> {
    let mut names = HashMap::new();
    for kind in [
        MasterKind::ProductCategory,
        MasterKind::Stage,
        MasterKind::Confidence,
        MasterKind::Campaign,
        MasterKind::Product,
    ] {
        for m in tx.list_masters(kind)? {
            let name = match &m {
                Master::Stage(s) => (s.name.clone(), String::new()),
                Master::Confidence(c) => (c.label.clone(), String::new()),
                Master::Campaign(c) => (c.name.clone(), String::new()),
                Master::Product(p) => (p.code.clone(), p.name.clone()),
                Master::ProductCategory(c) => (c.name.clone(), String::new()),
            };
            names.insert(m.id().to_string(), name);
        }
    }
    Ok(names)
}
