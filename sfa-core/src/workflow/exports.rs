//! CSV exports (format in [`crate::csv_io`]): each reads one consistent snapshot and
//! streams it page by page through the codec. Together the five exports are a whole
//! database that re-imports into an empty one as it is.

use std::io::Write;

use super::Session;
use super::walks::master_names;
use crate::csv_io::ExportOptions;
use crate::csv_io::deals::{DEAL_HEADER, deal_rows};
use crate::csv_io::ledger::{COMPANY_HEADER, PERSON_HEADER, company_fields, person_fields};
use crate::csv_io::masters::{MASTER_HEADER, master_fields};
use crate::csv_io::users::{USER_HEADER, user_fields};
use crate::csv_io::writer::CsvOut;
use crate::error::{Entity, Result};
use crate::model::{Master, MasterKind};

impl Session {
    /// Writes companies as CSV (the columns of the import, plus the read-only audit
    /// columns); returns how many were written.
    pub fn export_companies_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, COMPANY_HEADER)?;
        self.walk_companies(options.include_archived, |c| {
            out.record(Entity::Company, &c.id.to_string(), &company_fields(c))
        })?;
        out.finish()
    }

    /// Writes persons as CSV with their company's id and name; returns how many.
    pub fn export_persons_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, PERSON_HEADER)?;
        self.walk_persons(options.include_archived, |p, company_name| {
            out.record(
                Entity::Person,
                &p.id.to_string(),
                &person_fields(p, company_name),
            )
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

    /// Writes every master record as CSV, in the order a restore needs: categories,
    /// products, stages (in process order), confidence levels, campaigns; retired ones
    /// included. Returns how many.
    pub fn export_masters_csv(&self, output: impl Write, options: &ExportOptions) -> Result<u64> {
        let mut out = CsvOut::new(output, options.encoding, MASTER_HEADER)?;
        self.read(|tx, _| {
            let names = master_names(tx)?;
            for kind in MasterKind::ALL {
                for m in tx.list_masters(kind)? {
                    let category = match &m {
                        Master::Product(p) => names
                            .get(&p.category_id.as_uuid())
                            .map_or("", |m| m.name.as_str()),
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
