//! The forecast's read of every deal ([`SalesReadTx::scan_deals`](crate::store::SalesReadTx)):
//! from `deal_facts` (integers and 16-byte ids: no text to parse) for the deals whose
//! facts the library wrote, from `deals` and `deal_lines` for the deals listed in
//! `deal_facts_stale` (changed by anything else, or refused by the rules): a listed
//! deal's facts row, if it has one, is never read. Migrations 010 and 011 explain the
//! tables; [`write_facts`] keeps them in step with the library's writes and
//! [`refresh`] writes the facts of listed deals when a database opens.
//!
//! Both paths give the same [`DealScan`] and deliver deals in id order, so a forecast
//! (and the seeded Monte Carlo of a range) does not depend on which path read a deal.

use chrono::{Datelike, NaiveDate};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use rust_decimal::Decimal;
use std::collections::HashSet;
use std::sync::mpsc::Receiver;
use uuid::Uuid;

use super::activity_rows::Day;
use super::sales_rows::Dec;
use crate::error::{Entity, Reason, Result};
use crate::forecast::units;
use crate::model::{DealId, DealStatus, ProductId};
use crate::store::{DealScan, RecordProblem, ScanSink, Scanned};

/// With more deals listed than this, a scan reads every deal from `deals` in one merged
/// pass (one lookup per listed deal would be slower), and so does [`refresh`].
const LOOKUPS_AT_MOST: i64 = 10_000;

/// Bytes of one packed line: the product's UUID, then the amount's units (i64, LE).
const LINE_BYTES: usize = 24;

/// Rows per chunk handed from the thread that reads SQLite to the one that decodes.
const CHUNK_ROWS: usize = 2_048;

/// Calls `f` with every deal, in id order. Two threads share the work: the caller's
/// steps SQLite through `deal_facts` (the connection never leaves it) and copies the
/// rows' bytes into chunks; a scoped helper decodes them, merges in the listed deals
/// and calls `f`. On two cores the scan takes about the longer of the two halves.
pub(super) fn scan(conn: &Connection, f: ScanSink<'_>) -> Result<()> {
    let listed: i64 = conn.query_row("SELECT count(*) FROM deal_facts_stale", [], |r| r.get(0))?;
    if listed > LOOKUPS_AT_MOST {
        return scan_deals_table(conn, f);
    }
    // The few listed deals, read from `deals` first, then merged into the facts'
    // stream by id; their facts rows (written before the change that listed them, or
    // of a deal since deleted) are skipped.
    let mut pending = Vec::with_capacity(listed.max(0) as usize);
    let mut skipped = HashSet::with_capacity(listed.max(0) as usize);
    let mut ids = conn.prepare_cached("SELECT deal_id FROM deal_facts_stale ORDER BY deal_id")?;
    let mut scan = DealScan::empty();
    for id in ids.query_map([], |r| r.get::<_, String>(0))? {
        let id = id?;
        if let Ok(uuid) = Uuid::parse_str(&id) {
            skipped.insert(uuid);
        }
        if let Some(read) = read_one(conn, &id, &mut scan)? {
            pending.push((Uuid::parse_str(&id).unwrap_or_default(), id, read));
        }
    }
    // Text ids and UUIDs sort alike except for ids that are not UUIDs at all (nil
    // here): order the pending deals as the merge compares them.
    pending.sort_by_key(|(uuid, _, _)| *uuid);

    let mut facts = conn.prepare_cached("SELECT deal_id, facts FROM deal_facts")?;
    let mut rows = facts.query([])?;
    std::thread::scope(|s| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Chunk>(4);
        let decoder = s.spawn(move || decode(receive, pending, &skipped, f));
        let read = (|| -> Result<()> {
            let mut chunk = Chunk::default();
            while let Some(r) = rows.next()? {
                let blob = |i| match r.get_ref(i) {
                    Ok(ValueRef::Blob(b)) => b,
                    _ => &[],
                };
                let start = chunk.bytes.len();
                chunk.bytes.extend_from_slice(blob(0));
                let middle = chunk.bytes.len();
                chunk.bytes.extend_from_slice(blob(1));
                chunk.rows.push((start, middle, chunk.bytes.len()));
                if chunk.rows.len() == CHUNK_ROWS && send.send(std::mem::take(&mut chunk)).is_err()
                {
                    // The decoder stopped on an error of `f`: that error is the answer.
                    return Ok(());
                }
            }
            if !chunk.rows.is_empty() {
                let _ = send.send(chunk);
            }
            Ok(())
        })();
        drop(send);
        let decoded = decoder
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        read.and(decoded)
    })
}

/// Facts rows as the reading thread copied them: per row, the byte ranges of its id
/// and its facts in `bytes` (start, middle, end).
#[derive(Default)]
struct Chunk {
    bytes: Vec<u8>,
    rows: Vec<(usize, usize, usize)>,
}

/// A listed deal waiting for its turn in the merge: its UUID, its text id and what
/// reading it from `deals` gave.
type Pending = (Uuid, String, Read);

/// The decoding half of [`scan`]: every chunk's rows but those of `skipped` (the
/// listed deals), with the listed deals merged in by id, handed to `f`.
fn decode(
    chunks: Receiver<Chunk>,
    pending: Vec<Pending>,
    skipped: &HashSet<Uuid>,
    f: ScanSink<'_>,
) -> Result<()> {
    let mut pending = pending.into_iter().peekable();
    let mut scan = DealScan::empty();
    for chunk in chunks {
        for &(start, middle, end) in &chunk.rows {
            if !skipped.is_empty()
                && Uuid::from_slice(&chunk.bytes[start..middle])
                    .is_ok_and(|id| skipped.contains(&id))
            {
                continue;
            }
            let read = read_facts(
                &chunk.bytes[start..middle],
                &chunk.bytes[middle..end],
                &mut scan,
            );
            let at = scan.id.as_uuid();
            while let Some((_, id, read)) = pending.next_if(|(uuid, _, _)| *uuid < at) {
                deliver_read(&id, read, f)?;
            }
            match read {
                Ok(()) => f(Ok(&scan))?,
                Err(problem) => f(Err(problem))?,
            }
        }
    }
    for (_, id, read) in pending {
        deliver_read(&id, read, f)?;
    }
    Ok(())
}

/// A listed deal read from `deals`: its scan, or the field that cannot be read.
type Read = std::result::Result<DealScan, &'static str>;

fn deliver_read(id: &str, read: Read, f: &mut dyn FnMut(Scanned<'_>) -> Result<()>) -> Result<()> {
    match read {
        Ok(scan) => scan.deliver(id, None, f),
        Err(field) => DealScan::empty().deliver(id, Some(field), f),
    }
}

/// Reads one facts row (its id's and its facts' bytes) into `scan`; a row that cannot
/// be decoded (written by SQL from outside the library) is the deal's problem.
fn read_facts(
    raw_id: &[u8],
    facts: &[u8],
    scan: &mut DealScan,
) -> std::result::Result<(), RecordProblem> {
    let Ok(id) = Uuid::from_slice(raw_id) else {
        return Err(RecordProblem::new(
            Entity::Deal,
            hex(raw_id),
            "id",
            &Reason::Unreadable,
        ));
    };
    scan.id = DealId::from(id);
    unpack(facts, scan)
        .map_err(|field| RecordProblem::new(Entity::Deal, id, field, &Reason::Unreadable))
}

/// The packed facts of a deal (the layout migration 010 gives): a format byte (1),
/// the status (0 open, 1 won, 2 lost), a byte of flags for the optional parts present
/// ([`HAS_AMOUNT`] ...), the owner (16 bytes), then each part present in flag order:
/// the amount in units of 1/10,000 (i64), the expected and close dates as days since
/// 1970-01-01 (i32 each), the stage, confidence level and campaign (16 bytes each);
/// the rest is the lines, [`LINE_BYTES`] each. Integers are little-endian.
const FORMAT: u8 = 1;
const HAS_AMOUNT: u8 = 1;
const HAS_EXPECTED: u8 = 1 << 1;
const HAS_CLOSED: u8 = 1 << 2;
const HAS_STAGE: u8 = 1 << 3;
const HAS_CONFIDENCE: u8 = 1 << 4;
const HAS_CAMPAIGN: u8 = 1 << 5;

/// Days from 0001-01-01 (chrono's day 1 is that date) to 1970-01-01.
const EPOCH_FROM_CE: i32 = 719_163;

/// Decodes packed facts into `scan` (its id already set); the error names the part
/// that cannot be read.
fn unpack(bytes: &[u8], scan: &mut DealScan) -> std::result::Result<(), &'static str> {
    scan.lines.clear();
    let mut rest = bytes;
    let mut take = |n: usize, field: &'static str| {
        if rest.len() < n {
            return Err(field);
        }
        let (head, tail) = rest.split_at(n);
        rest = tail;
        Ok(head)
    };
    let head = take(3, "facts")?;
    if head[0] != FORMAT {
        return Err("facts");
    }
    let flags = head[2];
    scan.status = match head[1] {
        0 => DealStatus::Open,
        1 => DealStatus::Won,
        2 => DealStatus::Lost,
        _ => return Err("status"),
    };
    let uuid = |b: &[u8]| Uuid::from_slice(b).unwrap_or_default();
    scan.owner_id = uuid(take(16, "owner_id")?).into();
    let i64_at = |b: &[u8]| i64::from_le_bytes(b.try_into().unwrap_or_default());
    let day = |b: &[u8], field| {
        let n = i32::from_le_bytes(b.try_into().unwrap_or_default());
        NaiveDate::from_num_days_from_ce_opt(n.checked_add(EPOCH_FROM_CE).ok_or(field)?)
            .ok_or(field)
    };
    let has = |flag: u8| flags & flag != 0;
    scan.amount = match has(HAS_AMOUNT) {
        true => Some(Decimal::new(i64_at(take(8, "amount")?), 4)),
        false => None,
    };
    scan.expected_close_on = match has(HAS_EXPECTED) {
        true => Some(day(take(4, "expected_close_on")?, "expected_close_on")?),
        false => None,
    };
    scan.closed_on = match has(HAS_CLOSED) {
        true => Some(day(take(4, "closed_on")?, "closed_on")?),
        false => None,
    };
    scan.stage_id = match has(HAS_STAGE) {
        true => Some(uuid(take(16, "stage_id")?).into()),
        false => None,
    };
    scan.confidence_id = match has(HAS_CONFIDENCE) {
        true => Some(uuid(take(16, "confidence_id")?).into()),
        false => None,
    };
    scan.campaign_id = match has(HAS_CAMPAIGN) {
        true => Some(uuid(take(16, "campaign_id")?).into()),
        false => None,
    };
    if !rest.len().is_multiple_of(LINE_BYTES) {
        return Err("lines");
    }
    for line in rest.chunks_exact(LINE_BYTES) {
        let (product, amount) = line.split_at(16);
        scan.lines
            .push((uuid(product).into(), Decimal::new(i64_at(amount), 4)));
    }
    Ok(())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes the facts of a deal the library has just written (after its lines), and
/// takes it off the list; a deal whose facts cannot be packed (it breaks a money rule,
/// or an amount needs more than 64 bits of units) loses any facts it had, stays listed
/// and is read from `deals`.
pub(super) fn write_facts(conn: &Connection, scan: &DealScan) -> Result<()> {
    let id = scan.id.as_uuid();
    let Some(facts) = pack(scan) else {
        conn.prepare_cached("DELETE FROM deal_facts WHERE deal_id = ?")?
            .execute([id.as_bytes().as_slice()])?;
        return Ok(());
    };
    conn.prepare_cached("INSERT OR REPLACE INTO deal_facts (deal_id, facts) VALUES (?, ?)")?
        .execute(params![id.as_bytes().as_slice(), facts])?;
    conn.prepare_cached("DELETE FROM deal_facts_stale WHERE deal_id = ?")?
        .execute([scan.id.to_string()])?;
    Ok(())
}

/// The packed facts of a deal (see [`unpack`]), or `None` when it cannot have them.
fn pack(scan: &DealScan) -> Option<Vec<u8>> {
    if scan.problem().is_some() {
        return None;
    }
    let units = |d: Decimal| units(d).and_then(|u| i64::try_from(u).ok());
    let day = |d: NaiveDate| d.num_days_from_ce().checked_sub(EPOCH_FROM_CE);
    let mut flags = 0;
    let mut parts = Vec::with_capacity(80 + scan.lines.len() * LINE_BYTES);
    if let Some(amount) = scan.amount {
        flags |= HAS_AMOUNT;
        parts.extend_from_slice(&units(amount)?.to_le_bytes());
    }
    for (flag, date) in [
        (HAS_EXPECTED, scan.expected_close_on),
        (HAS_CLOSED, scan.closed_on),
    ] {
        if let Some(date) = date {
            flags |= flag;
            parts.extend_from_slice(&day(date)?.to_le_bytes());
        }
    }
    for (flag, id) in [
        (HAS_STAGE, scan.stage_id.map(|i| i.as_uuid())),
        (HAS_CONFIDENCE, scan.confidence_id.map(|i| i.as_uuid())),
        (HAS_CAMPAIGN, scan.campaign_id.map(|i| i.as_uuid())),
    ] {
        if let Some(id) = id {
            flags |= flag;
            parts.extend_from_slice(id.as_bytes());
        }
    }
    for (product, amount) in &scan.lines {
        parts.extend_from_slice(product.as_uuid().as_bytes());
        parts.extend_from_slice(&units(*amount)?.to_le_bytes());
    }
    let status = match scan.status {
        DealStatus::Open => 0,
        DealStatus::Won => 1,
        DealStatus::Lost => 2,
    };
    let mut packed = Vec::with_capacity(19 + parts.len());
    packed.extend_from_slice(&[FORMAT, status, flags]);
    packed.extend_from_slice(scan.owner_id.as_uuid().as_bytes());
    packed.extend_from_slice(&parts);
    Some(packed)
}

/// Writes the facts of the listed deals that can have them (after the migration that
/// lists every existing deal, or changes made from outside the library), in one
/// transaction. The facts only make scans faster: a listed deal is read correctly
/// from `deals` either way.
pub(super) fn refresh(conn: &mut Connection) -> Result<()> {
    let listed: i64 = conn.query_row("SELECT count(*) FROM deal_facts_stale", [], |r| r.get(0))?;
    if listed == 0 {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Deals gone (deleted, or their id changed, outside the library): their facts
    // rows go too, then their listing.
    let gone = tx
        .prepare(
            "SELECT deal_id FROM deal_facts_stale WHERE deal_id NOT IN (SELECT id FROM deals)",
        )?
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for id in gone {
        if let Ok(uuid) = Uuid::parse_str(&id) {
            tx.execute(
                "DELETE FROM deal_facts WHERE deal_id = ?",
                [uuid.as_bytes().as_slice()],
            )?;
        }
        tx.execute("DELETE FROM deal_facts_stale WHERE deal_id = ?", [&id])?;
    }
    if listed > LOOKUPS_AT_MOST {
        scan_deals_table(&tx, &mut |scanned| match scanned {
            Ok(scan) => write_facts(&tx, scan),
            Err(_) => Ok(()),
        })?;
    } else {
        let ids = tx
            .prepare("SELECT deal_id FROM deal_facts_stale")?
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut scan = DealScan::empty();
        for id in ids {
            if let Some(Ok(scan)) = read_one(&tx, &id, &mut scan)? {
                write_facts(&tx, &scan)?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}

/// One deal from `deals` and `deal_lines`; `None` when there is no such deal.
fn read_one(conn: &Connection, id: &str, scan: &mut DealScan) -> Result<Option<Read>> {
    let mut deal =
        conn.prepare_cached(&format!("SELECT {SCAN_COLUMNS} FROM deals WHERE id = ?"))?;
    let bad_field = match deal
        .query_row([id], |r| Ok(read_scan(r, scan).err()))
        .optional()?
    {
        None => return Ok(None),
        Some(bad_field) => bad_field,
    };
    let mut lines = conn.prepare_cached(
        "SELECT deal_id, product_id, amount FROM deal_lines WHERE deal_id = ? ORDER BY position",
    )?;
    let mut rows = lines.query([id])?;
    let mut bad_field = bad_field;
    while let Some((_, line)) = next_line(&mut rows)? {
        match line {
            Ok(line) => scan.lines.push(line),
            Err(field) => bad_field = bad_field.or(Some(field)),
        }
    }
    Ok(Some(match bad_field {
        Some(field) => Err(field),
        None => Ok(scan.clone()),
    }))
}

/// Every deal from `deals`, with its lines: deals and lines both in deal id order,
/// merged as they stream.
fn scan_deals_table(conn: &Connection, f: &mut dyn FnMut(Scanned<'_>) -> Result<()>) -> Result<()> {
    let mut deals = conn.prepare(&format!("SELECT {SCAN_COLUMNS} FROM deals ORDER BY id"))?;
    let mut lines = conn
        .prepare("SELECT deal_id, product_id, amount FROM deal_lines ORDER BY deal_id, position")?;
    let mut line_rows = lines.query([])?;
    let mut pending = next_line(&mut line_rows)?;
    let mut rows = deals.query([])?;
    let mut scan = DealScan::empty();
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
        scan.deliver(&id, bad_field, f)?;
    }
    Ok(())
}

/// The columns a deal scan reads, in `read_scan`'s order.
const SCAN_COLUMNS: &str = "id, owner_id, status, amount, expected_close_on, closed_on, stage_id, \
     confidence_id, campaign_id";

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

/// Reads one scanned row into `scan` (its lines cleared); a column that cannot be read
/// is named in the error.
pub(super) fn read_scan(r: &Row<'_>, scan: &mut DealScan) -> std::result::Result<(), &'static str> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Deal, DealLine, Master};
    use crate::store::Store;
    use crate::store::conformance::sales::{category, day, deal, dec, product, stage};
    use crate::store::conformance::seed;
    use crate::store::sqlite::SqliteStore;

    type Collected = Vec<std::result::Result<DealScan, RecordProblem>>;
    type Sink<'a> = ScanSink<'a>;

    /// Every deal through the facts (`scan`) and straight from `deals`.
    fn both_ways(store: &SqliteStore) -> (Collected, Collected) {
        store.with_connection(|c| {
            let collect = |run: &dyn Fn(Sink<'_>) -> Result<()>| {
                let mut out = Vec::new();
                run(&mut |s| {
                    out.push(s.cloned());
                    Ok(())
                })
                .expect("scan");
                out
            };
            (
                collect(&|f| scan(c, f)),
                collect(&|f| scan_deals_table(c, f)),
            )
        })
    }

    fn listed(store: &SqliteStore) -> i64 {
        store.with_connection(|c| {
            c.query_row("SELECT count(*) FROM deal_facts_stale", [], |r| r.get(0))
                .expect("count")
        })
    }

    /// 1 when the deal is listed, else 0.
    fn listed_as(store: &SqliteStore, deal: &Deal) -> i64 {
        store.with_connection(|c| {
            c.query_row(
                "SELECT count(*) FROM deal_facts_stale WHERE deal_id = ?",
                [deal.id.to_string()],
                |r| r.get(0),
            )
            .expect("count")
        })
    }

    /// 1 when the deal has a facts row, else 0.
    fn facts_of(store: &SqliteStore, deal: &Deal) -> i64 {
        store.with_connection(|c| {
            c.query_row(
                "SELECT count(*) FROM deal_facts WHERE deal_id = ?",
                [deal.id.as_uuid().as_bytes().as_slice()],
                |r| r.get(0),
            )
            .expect("count")
        })
    }

    /// The triggers that list outside changes use only what every SQLite a user may
    /// point at the file has (`unhex` came in 3.41: Debian 12's and Python's sqlite3
    /// 3.40 could change no deal while a trigger called it).
    #[test]
    fn the_triggers_call_nothing_an_older_sqlite_lacks() {
        let store = SqliteStore::open_in_memory().expect("store");
        let triggers: Vec<String> = store.with_connection(|c| {
            c.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger'")
                .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
                .expect("triggers")
        });
        assert!(triggers.iter().any(|t| t.contains("deal_facts_stale")));
        for t in &triggers {
            assert!(!t.to_lowercase().contains("unhex("), "{t}");
        }
    }

    /// A ledger of deals of every shape: each status, with and without amount, dates,
    /// references and lines (amounts up to the largest the rules allow).
    fn ledger(store: SqliteStore) -> (SqliteStore, Vec<Deal>) {
        let (u, c) = seed(&store);
        let cat = category(&u);
        let p = product(&u, &cat, "SV-100");
        let s = stage(&u, "提案", 3);
        let mut deals = Vec::new();
        for n in 0..40u32 {
            let mut d = deal(&u, c.id, (n % 5 != 0).then(|| day(1 + n % 12, 1 + n % 28)));
            d.amount = match n % 4 {
                0 => None,
                1 => Some(dec("999999999999999.9999")),
                _ => Some(Decimal::new(i64::from(n) * 12_345, n % 5)),
            };
            if n % 3 == 0 {
                d.status = if n % 2 == 0 {
                    DealStatus::Won
                } else {
                    DealStatus::Lost
                };
                d.closed_on = Some(day(2, 1 + n % 20));
            }
            if n % 7 == 0 {
                d.stage_id = Some(s.id);
            }
            if n % 6 == 1 {
                d.lines = vec![
                    DealLine::new(p.id, dec("3"), dec("0.1")).expect("line"),
                    DealLine::new(p.id, dec("1.5"), dec("1000")).expect("line"),
                ];
                d.amount = Some(dec("1500.3"));
            }
            deals.push(d);
        }
        let dyn_store: &dyn Store = &store;
        dyn_store
            .write(|tx| {
                tx.insert_master(&Master::ProductCategory(cat.clone()))?;
                tx.insert_master(&Master::Product(p.clone()))?;
                tx.insert_master(&Master::Stage(s.clone()))?;
                deals.iter().try_for_each(|d| tx.insert_deal(d))
            })
            .expect("deals");
        (store, deals)
    }

    #[test]
    fn the_facts_give_what_the_deals_table_gives_in_the_same_order() {
        let (store, deals) = ledger(SqliteStore::open_in_memory().expect("store"));
        // The largest amounts do not fit 64 bits of units: those deals stay listed and
        // are read from `deals`, merged into the facts' stream in id order.
        let too_large = deals
            .iter()
            .filter(|d| d.amount == Some(dec("999999999999999.9999")))
            .count();
        assert_eq!(listed(&store), too_large as i64);
        let (facts, table) = both_ways(&store);
        assert_eq!(facts.len(), deals.len());
        assert_eq!(facts, table);
        let mut ids: Vec<_> = deals.iter().map(|d| d.id).collect();
        ids.sort();
        let scanned: Vec<_> = facts
            .iter()
            .map(|s| s.as_ref().expect("valid").id)
            .collect();
        assert_eq!(scanned, ids, "deals come in id order");
    }

    #[test]
    fn a_change_from_outside_the_library_is_read_from_the_deals_table() {
        let dir = std::env::temp_dir().join(format!("sfa-deal-scan-{}", Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("ledger.sqlite");
        let (store, deals) = ledger(SqliteStore::open(&path).expect("store"));
        let too_large = listed(&store);
        let lined = deals.iter().find(|d| !d.lines.is_empty()).expect("lined");
        let mut plain_ones = deals
            .iter()
            .filter(|d| d.lines.is_empty() && d.amount.is_some() && listed_as(&store, d) == 0);
        let plain = plain_ones.next().expect("plain");
        let deleted = plain_ones.next().expect("another");
        store.with_connection(|c| {
            c.execute(
                "UPDATE deals SET amount = '77.5' WHERE id = ?",
                [plain.id.to_string()],
            )
            .expect("amount");
            c.execute(
                "UPDATE deal_lines SET amount = '1.5' WHERE deal_id = ?",
                [lined.id.to_string()],
            )
            .expect("line");
            c.execute("DELETE FROM deals WHERE id = ?", [deleted.id.to_string()])
                .expect("delete");
        });
        assert_eq!(listed(&store), too_large + 3);
        let (facts, table) = both_ways(&store);
        assert_eq!(facts, table, "a listed deal's old facts are not read");
        assert_eq!(
            facts.len(),
            deals.len() - 1,
            "the deleted deal is not delivered"
        );
        let changed = |facts: &Collected| {
            facts
                .iter()
                .flatten()
                .find(|s| s.id == plain.id)
                .and_then(|s| s.amount)
        };
        assert_eq!(changed(&facts), Some(dec("77.5")));
        assert!(
            facts
                .iter()
                .any(|s| matches!(s, Err(p) if p.id == lined.id.to_string())),
            "lines that no longer add up are the deal's problem"
        );

        // Reopening writes the facts of the valid change and removes the deleted deal's;
        // the refused deal stays listed.
        drop(store);
        let store = SqliteStore::open(&path).expect("reopen");
        assert_eq!(listed(&store), too_large + 1);
        assert_eq!(
            facts_of(&store, deleted),
            0,
            "no facts left of a deleted deal"
        );
        assert_eq!(facts_of(&store, plain), 1);
        let (facts, table) = both_ways(&store);
        assert_eq!(facts, table);
        assert_eq!(changed(&facts), Some(dec("77.5")));
        drop(store);
        std::fs::remove_dir_all(&dir).expect("clean");
    }

    #[test]
    fn a_damaged_facts_row_is_that_deals_problem_only() {
        let (store, deals) = ledger(SqliteStore::open_in_memory().expect("store"));
        store.with_connection(|c| {
            c.execute(
                "UPDATE deal_facts SET facts = CAST(X'0107' || substr(facts, 3) AS BLOB) \
                 WHERE deal_id = (SELECT min(deal_id) FROM deal_facts)",
                [],
            )
            .expect("damage");
        });
        let (facts, _) = both_ways(&store);
        assert_eq!(facts.len(), deals.len());
        let problems: Vec<_> = facts.iter().filter_map(|s| s.as_ref().err()).collect();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "status");
        assert!(deals.iter().any(|d| d.id.to_string() == problems[0].id));
    }
}
