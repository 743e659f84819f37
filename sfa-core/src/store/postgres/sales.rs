//! [`SalesReadTx`] and [`SalesWriteTx`] on an open PostgreSQL transaction: master data,
//! deals with their lines, and the deal scans forecasts and the board read.

use postgres::Row;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::tx::{Param, PgTx, keyset_page};
use super::values::*;
use crate::error::{Entity, Error, Result};
use crate::model::{
    Deal, DealId, DealLine, DealStatus, ListQuery, Master, MasterId, ProductId, UserId,
};
use crate::store::sales::{MasterTable, master_table};
use crate::store::{DealScan, DealsOf, MasterKind, SalesReadTx, SalesWriteTx, ScanSink, Scanned};

/// Where a kind of master lives and how it is read.
struct Table {
    sql: MasterTable,
    columns: &'static str,
    from_row: fn(&Row) -> Result<Master, String>,
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

fn master_uuid(id: MasterId) -> Uuid {
    match id {
        MasterId::Campaign(i) => i.as_uuid(),
        MasterId::Stage(i) => i.as_uuid(),
        MasterId::Confidence(i) => i.as_uuid(),
        MasterId::ProductCategory(i) => i.as_uuid(),
        MasterId::Product(i) => i.as_uuid(),
    }
}

/// Rows fetched per round from each of a deal scan's two streams.
const SCAN_ROWS: i32 = 2000;

impl PgTx<'_, '_> {
    fn with_lines(&mut self, mut deals: Vec<Deal>) -> Result<Vec<Deal>> {
        for d in &mut deals {
            let rows = self.query(
                "SELECT product_id, quantity, unit_price, amount FROM deal_lines \
                 WHERE deal_id = $1 ORDER BY position",
                &[&d.id],
            )?;
            d.lines = rows
                .iter()
                .map(|r| DealLine {
                    product_id: r.get(0),
                    quantity: r.get(1),
                    unit_price: r.get(2),
                    amount: r.get(3),
                })
                .collect();
        }
        Ok(deals)
    }

    fn write_lines(&mut self, d: &Deal) -> Result<()> {
        self.execute("DELETE FROM deal_lines WHERE deal_id = $1", &[&d.id])?;
        for (n, l) in d.lines.iter().enumerate() {
            self.execute(
                "INSERT INTO deal_lines (deal_id, position, product_id, quantity, unit_price, amount) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    &d.id,
                    &(n as i32),
                    &l.product_id,
                    &l.quantity.normalize(),
                    &l.unit_price.normalize(),
                    &l.amount.normalize(),
                ],
            )?;
        }
        Ok(())
    }
}

/// Reads a scanned deal row (without lines); a column that cannot be read is named.
fn read_scan(row: &Row, scan: &mut DealScan) -> std::result::Result<(), &'static str> {
    scan.lines.clear();
    scan.id = row.try_get(0).map_err(|_| "id")?;
    scan.owner_id = row.try_get(1).map_err(|_| "owner_id")?;
    scan.status = row
        .try_get::<_, &str>(2)
        .ok()
        .and_then(|t| DealStatus::parse(t).ok())
        .ok_or("status")?;
    scan.amount = row.try_get(3).map_err(|_| "amount")?;
    scan.expected_close_on = row.try_get(4).map_err(|_| "expected_close_on")?;
    scan.closed_on = row.try_get(5).map_err(|_| "closed_on")?;
    scan.stage_id = row.try_get(6).map_err(|_| "stage_id")?;
    scan.confidence_id = row.try_get(7).map_err(|_| "confidence_id")?;
    scan.campaign_id = row.try_get(8).map_err(|_| "campaign_id")?;
    Ok(())
}

/// A query's rows, fetched a chunk at a time through a portal.
struct Stream {
    portal: postgres::Portal,
    rows: std::vec::IntoIter<Row>,
    done: bool,
}

impl Stream {
    fn open(tx: &mut PgTx<'_, '_>, sql: &str) -> Result<Stream> {
        Ok(Stream {
            portal: tx.portal(sql, &[])?,
            rows: Vec::new().into_iter(),
            done: false,
        })
    }

    fn next(&mut self, tx: &mut PgTx<'_, '_>) -> Result<Option<Row>> {
        if let Some(r) = self.rows.next() {
            return Ok(Some(r));
        }
        if self.done {
            return Ok(None);
        }
        let chunk = tx.fetch(&self.portal, SCAN_ROWS)?;
        self.done = chunk.len() < SCAN_ROWS as usize;
        self.rows = chunk.into_iter();
        Ok(self.rows.next())
    }
}

/// A scanned line: its deal, and its product and amount or `lines` if unreadable.
type ScanLine = (
    Uuid,
    std::result::Result<(ProductId, Decimal), &'static str>,
);

fn line_of(r: &Row) -> ScanLine {
    let line = match (r.try_get::<_, ProductId>(1), r.try_get::<_, Decimal>(2)) {
        (Ok(p), Ok(a)) => Ok((p, a)),
        _ => Err("lines"),
    };
    (r.get(0), line)
}

const SCAN_COLUMNS: &str = "id, owner_id, status, amount, expected_close_on, closed_on, stage_id, \
     confidence_id, campaign_id";

impl SalesReadTx for PgTx<'_, '_> {
    fn get_master(&mut self, id: MasterId) -> Result<Option<Master>> {
        let t = table(id.kind());
        let uuid = master_uuid(id);
        self.record(
            &format!("SELECT {} FROM {} WHERE id = $1", t.columns, t.sql.name),
            &[&uuid],
            t.from_row,
        )
    }

    fn list_masters(&mut self, kind: MasterKind) -> Result<Vec<Master>> {
        let t = table(kind);
        self.records(
            &format!(
                "SELECT {} FROM {} ORDER BY {}",
                t.columns, t.sql.name, t.sql.order
            ),
            &[],
            t.from_row,
        )
    }

    fn find_master(&mut self, kind: MasterKind, name: &str) -> Result<Option<Master>> {
        let t = table(kind);
        self.record(
            &format!(
                "SELECT {} FROM {} WHERE {} = $1",
                t.columns, t.sql.name, t.sql.key
            ),
            &[&name],
            t.from_row,
        )
    }

    fn master_in_use(&mut self, id: MasterId) -> Result<bool> {
        let sql = match id {
            MasterId::Campaign(_) => "SELECT EXISTS (SELECT 1 FROM deals WHERE campaign_id = $1)",
            MasterId::Stage(_) => "SELECT EXISTS (SELECT 1 FROM deals WHERE stage_id = $1)",
            MasterId::Confidence(_) => {
                "SELECT EXISTS (SELECT 1 FROM deals WHERE confidence_id = $1)"
            }
            MasterId::ProductCategory(_) => {
                "SELECT EXISTS (SELECT 1 FROM products WHERE category_id = $1)"
            }
            MasterId::Product(_) => {
                "SELECT EXISTS (SELECT 1 FROM deal_lines WHERE product_id = $1)"
            }
        };
        let uuid = master_uuid(id);
        Ok(self.query_one(sql, &[&uuid])?.get(0))
    }

    fn get_deal(&mut self, id: DealId) -> Result<Option<Deal>> {
        let deal = self.record(
            &format!("SELECT {DEAL_COLUMNS} FROM deals WHERE id = $1"),
            &[&id],
            deal_from_row,
        )?;
        Ok(self.with_lines(deal.into_iter().collect())?.pop())
    }

    fn list_deals(&mut self, of: DealsOf, query: &ListQuery) -> Result<Vec<Deal>> {
        let (filter, owner): (&str, Option<Uuid>) = match of {
            DealsOf::All => ("true", None),
            DealsOf::OpenOwnedBy(u) => ("owner_id = $1 AND status = 'open'", Some(u.as_uuid())),
            DealsOf::Company(c) => ("company_id = $1", Some(c.as_uuid())),
            DealsOf::Campaign(c) => ("campaign_id = $1", Some(c.as_uuid())),
            DealsOf::OpenWithProduct(p) => (
                "status = 'open' AND id IN (SELECT deal_id FROM deal_lines WHERE product_id = $1)",
                Some(p.as_uuid()),
            ),
        };
        let mut sql = format!("SELECT {DEAL_COLUMNS} FROM deals WHERE {filter}");
        let mut params: Vec<Param<'_>> = Vec::with_capacity(4);
        if let Some(owner) = &owner {
            params.push(owner);
        }
        let limit = i64::from(query.limit);
        keyset_page(&mut sql, &mut params, &query.after, &limit);
        let deals = self.records(&sql, &params, deal_from_row)?;
        self.with_lines(deals)
    }

    fn deals_by_id(&mut self, after: Option<DealId>, limit: u32) -> Result<Vec<Deal>> {
        let limit = i64::from(limit);
        let deals = match &after {
            Some(after) => self.records(
                &format!("SELECT {DEAL_COLUMNS} FROM deals WHERE id > $1 ORDER BY id LIMIT $2"),
                &[after, &limit],
                deal_from_row,
            )?,
            None => self.records(
                &format!("SELECT {DEAL_COLUMNS} FROM deals ORDER BY id LIMIT $1"),
                &[&limit],
                deal_from_row,
            )?,
        };
        self.with_lines(deals)
    }

    fn scan_deals(&mut self, f: ScanSink<'_>) -> Result<()> {
        // Deals and lines both in deal id order, merged as they stream: two portals on
        // the one connection, fetched a chunk at a time, so memory stays flat.
        let deals = Stream::open(
            self,
            &format!("SELECT {SCAN_COLUMNS} FROM deals ORDER BY id"),
        )?;
        let mut lines = Stream::open(
            self,
            "SELECT deal_id, product_id, amount FROM deal_lines ORDER BY deal_id, position",
        )?;
        let mut pending = lines.next(self)?.map(|r| line_of(&r));
        let mut scan = DealScan::empty();
        let mut deals = deals;
        while let Some(r) = deals.next(self)? {
            let id: Uuid = r.get(0);
            let mut bad_field = read_scan(&r, &mut scan).err();
            while let Some((deal, line)) = &pending {
                if *deal != id {
                    break;
                }
                match line {
                    Ok(line) => scan.lines.push(*line),
                    Err(field) => bad_field = bad_field.or(Some(*field)),
                }
                pending = lines.next(self)?.map(|r| line_of(&r));
            }
            scan.deliver(id, bad_field, f)?;
        }
        Ok(())
    }

    fn scan_open_deals(
        &mut self,
        owners: &[UserId],
        f: &mut dyn FnMut(Scanned<'_>) -> Result<()>,
    ) -> Result<()> {
        if owners.is_empty() {
            return Ok(());
        }
        let owners: Vec<Uuid> = owners.iter().map(UserId::as_uuid).collect();
        let rows = self.query(
            &format!(
                "SELECT {SCAN_COLUMNS} FROM deals WHERE owner_id = ANY($1) AND status = 'open'"
            ),
            &[&owners],
        )?;
        let mut scan = DealScan::empty();
        for r in &rows {
            let id: Uuid = r.get(0);
            let bad_field = read_scan(r, &mut scan).err();
            scan.deliver(id, bad_field, f)?;
        }
        Ok(())
    }
}

impl SalesWriteTx for PgTx<'_, '_> {
    fn insert_master(&mut self, master: &Master) -> Result<()> {
        let t = table(master.id().kind());
        self.insert(t.sql.name, master_values(master))
    }

    fn update_master(&mut self, master: &Master, expected_version: i64) -> Result<()> {
        let id = master.id();
        let t = table(id.kind());
        self.update(
            t.sql.name,
            id.entity(),
            id.to_string(),
            master_values(master),
            expected_version,
        )
    }

    fn delete_master(&mut self, id: MasterId) -> Result<()> {
        let t = table(id.kind());
        let uuid = master_uuid(id);
        let deleted = self.execute(
            &format!("DELETE FROM {} WHERE id = $1", t.sql.name),
            &[&uuid],
        )?;
        if deleted == 0 {
            return Err(Error::not_found(id.entity(), id));
        }
        Ok(())
    }

    fn insert_deal(&mut self, deal: &Deal) -> Result<()> {
        self.insert("deals", deal_values(deal))?;
        self.write_lines(deal)
    }

    fn update_deal(&mut self, deal: &Deal, expected_version: i64) -> Result<()> {
        self.update(
            "deals",
            Entity::Deal,
            deal.id.to_string(),
            deal_values(deal),
            expected_version,
        )?;
        self.write_lines(deal)
    }
}
