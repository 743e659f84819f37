//! [`SalesReadTx`] and [`SalesWriteTx`] on an open SQLite transaction.

use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Row, params};

use super::rows::Exec;
use super::sales_rows::*;
use super::tx::SqliteTx;
use crate::error::{Entity, Error, Result};
use rust_decimal::Decimal;

use super::activity_rows::Day;
use crate::model::{
    Deal, DealId, DealLine, DealStatus, ListQuery, Master, MasterId, ProductId, UserId,
};
use crate::store::sales::{MasterTable, master_table};
use crate::store::{
    DealScan, DealsOf, MasterKind, RecordProblem, SalesReadTx, SalesWriteTx, Scanned,
};

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

    fn scan_deals(&mut self, f: &mut dyn FnMut(Scanned<'_>) -> Result<()>) -> Result<()> {
        // Deals and lines both in deal id order, merged as they stream.
        let mut deals = self
            .conn()
            .prepare(&format!("SELECT {SCAN_COLUMNS} FROM deals ORDER BY id"))?;
        let mut lines = self.conn().prepare(
            "SELECT deal_id, product_id, amount FROM deal_lines ORDER BY deal_id, position",
        )?;
        let mut line_rows = lines.query([])?;
        let mut pending = next_line(&mut line_rows)?;
        let mut rows = deals.query([])?;
        let mut scan = empty_scan();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let mut bad_field = read_scan(r, &mut scan).err();
            while let Some((deal, line)) = &pending {
                if *deal != id {
                    break;
                }
                match line {
                    Ok(line) => scan.lines.push(*line),
                    Err(field) => bad_field = bad_field.or(Some(field)),
                }
                pending = next_line(&mut line_rows)?;
            }
            deliver(&id, &scan, bad_field, f)?;
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
        let marks = vec!["?"; owners.len()].join(", ");
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {OPEN_SCAN_COLUMNS} FROM deals INDEXED BY deals_open_figures \
             WHERE owner_id IN ({marks}) AND status = 'open'"
        ))?;
        let args: Vec<&dyn ToSql> = owners.iter().map(|u| u as &dyn ToSql).collect();
        let mut rows = stmt.query(args.as_slice())?;
        let mut scan = empty_scan();
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let bad_field = read_scan(r, &mut scan).err();
            deliver(&id, &scan, bad_field, f)?;
        }
        Ok(())
    }
}

/// A line of a deal scan: its deal's id, and the product and amount or the field that
/// cannot be read.
type ScanLine = (
    String,
    std::result::Result<(ProductId, Decimal), &'static str>,
);

fn next_line(rows: &mut rusqlite::Rows<'_>) -> Result<Option<ScanLine>> {
    let Some(r) = rows.next()? else {
        return Ok(None);
    };
    let line = match (r.get::<_, ProductId>(1), r.get::<_, Dec>(2)) {
        (Ok(product), Ok(amount)) => Ok((product, amount.0)),
        _ => Err("lines"),
    };
    Ok(Some((r.get(0)?, line)))
}

/// Hands a scanned row to `f`: the facts, or the problem of a row that cannot be read
/// (`bad_field`) or breaks a money rule.
fn deliver(
    id: &str,
    scan: &DealScan,
    bad_field: Option<&'static str>,
    f: &mut dyn FnMut(Scanned<'_>) -> Result<()>,
) -> Result<()> {
    if let Some(field) = bad_field {
        return f(Err(RecordProblem::new(
            Entity::Deal,
            id,
            field,
            &crate::error::Reason::Unreadable,
        )));
    }
    match scan.problem() {
        Some(problem) => f(Err(problem)),
        None => f(Ok(scan)),
    }
}

/// The columns a deal scan reads, in `read_scan`'s order.
const SCAN_COLUMNS: &str = "id, owner_id, status, amount, expected_close_on, closed_on, stage_id, \
     confidence_id, campaign_id";

/// The same for open deals, all from the `deals_open_figures` index (the status is
/// known, so it is not read from the table).
const OPEN_SCAN_COLUMNS: &str = "id, owner_id, 'open', amount, expected_close_on, closed_on, \
     stage_id, confidence_id, campaign_id";

fn empty_scan() -> DealScan {
    DealScan {
        id: DealId::default(),
        owner_id: Default::default(),
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

/// Reads one scanned row into `scan` (its lines cleared); a column that cannot be read
/// is named in the error.
fn read_scan(r: &Row<'_>, scan: &mut DealScan) -> std::result::Result<(), &'static str> {
    scan.lines.clear();
    scan.id = r.get(0).map_err(|_| "id")?;
    scan.owner_id = r.get(1).map_err(|_| "owner_id")?;
    scan.status = r
        .get_ref(2)
        .ok()
        .and_then(|v| v.as_str().ok())
        .and_then(|t| DealStatus::parse(t).ok())
        .ok_or("status")?;
    scan.amount = r
        .get::<_, Option<Dec>>(3)
        .map_err(|_| "amount")?
        .map(|d| d.0);
    scan.expected_close_on = r
        .get::<_, Option<Day>>(4)
        .map_err(|_| "expected_close_on")?
        .map(|d| d.0);
    scan.closed_on = r
        .get::<_, Option<Day>>(5)
        .map_err(|_| "closed_on")?
        .map(|d| d.0);
    scan.stage_id = r.get(6).map_err(|_| "stage_id")?;
    scan.confidence_id = r.get(7).map_err(|_| "confidence_id")?;
    scan.campaign_id = r.get(8).map_err(|_| "campaign_id")?;
    Ok(())
}

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
        self.write_lines(deal)
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
        self.write_lines(deal)
    }
}
