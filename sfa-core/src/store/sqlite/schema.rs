//! Schema migrations, tracked by `PRAGMA user_version` and applied in one IMMEDIATE
//! transaction, so a file is either fully at the new version or untouched.

use rusqlite::{Connection, TransactionBehavior};

use crate::error::{Error, Result};

/// The migrations in order; migration `n` (1-based) brings the schema to version `n`.
/// Released files are never edited: the frozen-schema test fails if one is.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_search_outbox.sql"),
    include_str!("migrations/003_interactions_tasks.sql"),
    include_str!("migrations/004_planned_interactions.sql"),
    include_str!("migrations/005_deals.sql"),
    include_str!("migrations/006_teams_cards.sql"),
    include_str!("migrations/007_board_index.sql"),
    include_str!("migrations/008_change_log.sql"),
    include_str!("migrations/009_sync.sql"),
    include_str!("migrations/010_deal_facts.sql"),
    include_str!("migrations/011_deal_facts_any_sqlite.sql"),
];

/// The schema version this build creates and understands.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Refuses a file written by a newer schema, without writing to it.
pub(crate) fn refuse_newer(conn: &Connection) -> Result<()> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// Brings the database to [`SCHEMA_VERSION`]. A newer file is refused untouched.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Err(Error::SchemaTooNew {
            found: current,
            supported: SCHEMA_VERSION,
        });
    }
    for sql in MIGRATIONS.iter().skip(current.max(0) as usize) {
        tx.execute_batch(sql)?;
    }
    if current != SCHEMA_VERSION {
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    }
    tx.commit()?;
    Ok(())
}
