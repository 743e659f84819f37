//! [`SalesReadTx`] and [`SalesWriteTx`] on an open SQLite transaction.

use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row, params};

use super::deal_scan;
use super::rows::Exec;
use super::sales_rows::*;
use super::tx::SqliteTx;
use crate::error::{Entity, Error, Result};

use crate::model::{Deal, DealId, DealLine, ListQuery, Master, MasterId, UserId};
use crate::store::sales::{MasterTable, master_table};
use crate::store::{DealScan, DealsOf, MasterKind, SalesReadTx, SalesWriteTx, ScanSink, Scanned};

/// Where a kind of master lives and how it is read.
struct Table {
    sql: MasterTable,
    columns: &'static str,
    from_row: fn(&Row<'_>) -> rusqlite::Result<Master>,
}

fn table(kind: MasterKind) -> Table {
    let sql = master_table(kind);
    match kind {
        MasterKind::Campaign => Table {
            sql,
            columns: CAMPAIGN_COLUMNS,
            from_row: |r| campaign_from_row(r).map(Master::Campaign),
        },
        MasterKind::Stage => Table {
            sql,
            columns: STAGE_COLUMNS,
            from_row: |r| stage_from_row(r).map(Master::Stage),
        },
        MasterKind::Confidence => Table {
            sql,
            columns: CONFIDENCE_COLUMNS,
            from_row: |r| confidence_from_row(r).map(Master::Confidence),
        },
        MasterKind::ProductCategory => Table {
            sql,
            columns: CATEGORY_COLUMNS,
            from_row: |r| category_from_row(r).map(Master::ProductCategory),
        },
        MasterKind::Product => Table {
            sql,
            columns: PRODUCT_COLUMNS,
            from_row: |r| product_from_row(r).map(Master::Product),
        },
    }
}

/// Runs `f` with the master's parameters (in its column order, expected version last).
fn master_params(m: &Master, expected: i64, f: Exec<'_>) -> rusqlite::Result<usize> {
    match m {
        Master::Campaign(m) => campaign_params(m, expected, f),
        Master::Stage(m) => stage_params(m, expected, f),
        Master::Confidence(m) => confidence_params(m, expected, f),
        Master::ProductCategory(m) => category_params(m, expected, f),
        Master::Product(m) => product_params(m, expected, f),
    }
}

impl SqliteTx<'_> {
    fn with_lines(&self, mut deals: Vec<Deal>) -> Result<Vec<Deal>> {
        let mut lines = self.conn().prepare_cached(
            "SELECT product_id, quantity, unit_price, amount FROM deal_lines \
             WHERE deal_id = ? ORDER BY position",
        )?;
        for d in &mut deals {
            d.lines = lines
                .query_map([&d.id], |r| {
                    Ok(DealLine {
                        product_id: r.get(0)?,
                        quantity: r.get::<_, Dec>(1)?.0,
                        unit_price: r.get::<_, Dec>(2)?.0,
                        amount: r.get::<_, Dec>(3)?.0,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(deals)
    }

    fn write_lines(&self, d: &Deal) -> Result<()> {
        self.conn()
            .prepare_cached("DELETE FROM deal_lines WHERE deal_id = ?")?
            .execute([&d.id])?;
        let mut add = self.conn().prepare_cached(
            "INSERT INTO deal_lines (deal_id, position, product_id, quantity, unit_price, amount) \
             VALUES (?, ?, ?, ?, ?, ?)",
        )?;
        for (n, l) in d.lines.iter().enumerate() {
            add.execute(params![
                d.id,
                n as i64,
                l.product_id,
                Dec(l.quantity),
                Dec(l.unit_price),
                Dec(l.amount)
            ])?;
        }
        Ok(())
    }
}

impl SalesReadTx for SqliteTx<'_> {
    fn get_master(&mut self, id: MasterId) -> Result<Option<Master>> {
        let t = table(id.kind());
        let sql = format!("SELECT {} FROM {} WHERE id = ?", t.columns, t.sql.name);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        Ok(stmt.query_row([id.to_string()], t.from_row).optional()?)
    }

    fn list_masters(&mut self, kind: MasterKind) -> Result<Vec<Master>> {
        let t = table(kind);
        let sql = format!(
            "SELECT {} FROM {} ORDER BY {}",
            t.columns, t.sql.name, t.sql.order
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map([], t.from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn find_master(&mut self, kind: MasterKind, name: &str) -> Result<Option<Master>> {
        let t = table(kind);
        let sql = format!(
            "SELECT {} FROM {} WHERE {} = ?",
            t.columns, t.sql.name, t.sql.key
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        Ok(stmt.query_row([name], t.from_row).optional()?)
    }

    fn master_in_use(&mut self, id: MasterId) -> Result<bool> {
        let sql = match id {
            MasterId::Campaign(_) => "SELECT EXISTS (SELECT 1 FROM deals WHERE campaign_id = ?)",
            MasterId::Stage(_) => "SELECT EXISTS (SELECT 1 FROM deals WHERE stage_id = ?)",
            MasterId::Confidence(_) => {
                "SELECT EXISTS (SELECT 1 FROM deals WHERE confidence_id = ?)"
            }
            MasterId::ProductCategory(_) => {
                "SELECT EXISTS (SELECT 1 FROM products WHERE category_id = ?)"
            }
            MasterId::Product(_) => "SELECT EXISTS (SELECT 1 FROM deal_lines WHERE product_id = ?)",
        };
        Ok(self
            .conn()
            .prepare_cached(sql)?
            .query_row([id.to_string()], |r| r.get(0))?)
    }

    fn get_deal(&mut self, id: DealId) -> Result<Option<Deal>> {
        let sql = format!("SELECT {DEAL_COLUMNS} FROM deals WHERE id = ?");
        let deal = self
            .conn()
            .prepare_cached(&sql)?
            .query_row([&id], deal_from_row)
            .optional()?;
        Ok(self.with_lines(deal.into_iter().collect())?.pop())
    }

    fn list_deals(&mut self, of: DealsOf, query: &ListQuery) -> Result<Vec<Deal>> {
        let (filter, owner): (&str, String) = match of {
            DealsOf::All => ("?1 = ?1", String::new()),
            DealsOf::OpenOwnedBy(u) => ("owner_id = ? AND status = 'open'", u.to_string()),
            DealsOf::Company(c) => ("company_id = ?", c.to_string()),
            DealsOf::Campaign(c) => ("campaign_id = ?", c.to_string()),
            DealsOf::OpenWithProduct(p) => (
                "status = 'open' AND id IN (SELECT deal_id FROM deal_lines WHERE product_id = ?)",
                p.to_string(),
            ),
        };
        let mut sql = format!("SELECT {DEAL_COLUMNS} FROM deals WHERE {filter}");
        let mut args: Vec<&dyn ToSql> = vec![&owner];
        if let Some((key, id)) = &query.after {
            sql.push_str(" AND (sort_key, id) > (?, ?)");
            args.push(key);
            args.push(id);
        }
        sql.push_str(" ORDER BY sort_key, id LIMIT ?");
        let limit = i64::from(query.limit);
        args.push(&limit);
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let deals = stmt
            .query_map(args.as_slice(), deal_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_lines(deals)
    }

    fn deals_by_id(&mut self, after: Option<DealId>, limit: u32) -> Result<Vec<Deal>> {
        let limit = i64::from(limit);
        let (sql, args): (String, Vec<&dyn ToSql>) = match &after {
            Some(after) => (
                format!("SELECT {DEAL_COLUMNS} FROM deals WHERE id > ? ORDER BY id LIMIT ?"),
                vec![after, &limit],
            ),
            None => (
                format!("SELECT {DEAL_COLUMNS} FROM deals ORDER BY id LIMIT ?"),
                vec![&limit],
            ),
        };
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let deals = stmt
            .query_map(args.as_slice(), deal_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_lines(deals)
    }

    fn scan_deals(&mut self, f: ScanSink<'_>) -> Result<()> {
        super::deal_scan::scan(self.conn(), f)
    }

    fn scan_open_deals(
        &mut self,
        owners: &[UserId],
        f: &mut dyn FnMut(Scanned<'_>) -> Result<()>,
    ) -> Result<()> {
        if owners.is_empty() {
            return Ok(());
        }
        let marks = vec!["?"; owners.len()].join(", ");
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {OPEN_SCAN_COLUMNS} FROM deals INDEXED BY deals_open_figures \
             WHERE owner_id IN ({marks}) AND status = 'open'"
        ))?;
        let args: Vec<&dyn ToSql> = owners.iter().map(|u| u as &dyn ToSql).collect();
        let mut rows = stmt.query(args.as_slice())?;
        let mut scan = DealScan::empty();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let bad_field = deal_scan::read_scan(r, &mut scan).err();
            scan.deliver(&id, bad_field, f)?;
        }
        Ok(())
    }
}

/// The columns an open-deal scan reads, in `read_scan`'s order, all from the
/// `deals_open_figures` index (the status is
/// known, so it is not read from the table).
const OPEN_SCAN_COLUMNS: &str = "id, owner_id, 'open', amount, expected_close_on, closed_on, \
     stage_id, confidence_id, campaign_id";

impl SalesWriteTx for SqliteTx<'_> {
    fn insert_master(&mut self, master: &Master) -> Result<()> {
        let t = table(master.id().kind());
        self.insert(&insert_sql(t.sql.name, t.columns), |run| {
            master_params(master, 0, run)
        })
    }

    fn update_master(&mut self, master: &Master, expected_version: i64) -> Result<()> {
        let id = master.id();
        let t = table(id.kind());
        self.update(
            &update_sql(t.sql.name, t.columns),
            id.entity(),
            t.sql.name,
            id.to_string(),
            expected_version,
            |run| master_params(master, expected_version, run),
        )
    }

    fn delete_master(&mut self, id: MasterId) -> Result<()> {
        let t = table(id.kind());
        let deleted = self
            .conn()
            .prepare_cached(&format!("DELETE FROM {} WHERE id = ?", t.sql.name))?
            .execute([id.to_string()])?;
        if deleted == 0 {
            return Err(Error::not_found(id.entity(), id));
        }
        Ok(())
    }

    fn insert_deal(&mut self, deal: &Deal) -> Result<()> {
        self.insert(&insert_sql("deals", DEAL_COLUMNS), |run| {
            deal_params(deal, 0, run)
        })?;
        self.write_lines(deal)?;
        deal_scan::write_facts(self.conn(), &DealScan::of(deal))
    }

    fn update_deal(&mut self, deal: &Deal, expected_version: i64) -> Result<()> {
        self.update(
            &update_sql("deals", DEAL_COLUMNS),
            Entity::Deal,
            "deals",
            deal.id.to_string(),
            expected_version,
            |run| deal_params(deal, expected_version, run),
        )?;
        self.write_lines(deal)?;
        deal_scan::write_facts(self.conn(), &DealScan::of(deal))
    }
}
