//! [`SyncReadTx`] and [`SyncWriteTx`] on an open SQLite transaction.

use rusqlite::{OptionalExtension, params};

use super::activity_rows::{INSERT_NOTIFICATION, NOTIFICATION_COLUMNS, notification_from_row, ts};
use super::sales_rows::insert_sql;
use super::teams::{CARD_COLUMNS, card_params};
use super::tx::SqliteTx;
use crate::error::Result;
use crate::model::{BusinessCard, CardId, Notification, NotificationId, Timestamp};
use crate::store::sync::{SYNC_FLOOR_SETTING, delete_statements};
use crate::store::{OutboxEntry, Removal, SyncChange, SyncReadTx, SyncWriteTx, WaitingCall};

impl SyncReadTx for SqliteTx<'_> {
    fn sync_head(&mut self) -> Result<i64> {
        let head: Option<i64> = self
            .conn()
            .prepare_cached("SELECT max(seq) FROM sync_log")?
            .query_row([], |r| r.get(0))?;
        Ok(head.unwrap_or(0))
    }

    fn sync_changes(&mut self, after: i64, limit: u32) -> Result<Vec<SyncChange>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, entity, record_id, gone FROM sync_log WHERE seq > ? ORDER BY seq LIMIT ?",
        )?;
        let rows = stmt.query_map([after, i64::from(limit)], |r| {
            Ok(SyncChange {
                seq: r.get(0)?,
                kind: r.get(1)?,
                id: r.get(2)?,
                gone: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn sync_change_count(&mut self, after: i64) -> Result<u64> {
        let n: i64 = self
            .conn()
            .prepare_cached("SELECT count(*) FROM sync_log WHERE seq > ?")?
            .query_row([after], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn sync_seq(&mut self, kind: &str, id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT seq FROM sync_log WHERE entity = ? AND record_id = ?")?
            .query_row([kind, id], |r| r.get(0))
            .optional()?)
    }

    fn sync_setting(&mut self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT value FROM meta WHERE key = ?")?
            .query_row([key], |r| r.get(0))
            .optional()?)
    }

    fn outbox(&mut self, after: i64, limit: u32) -> Result<Vec<OutboxEntry>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, mutation_id, user_id, body, touched FROM sync_outbox \
             WHERE seq > ? ORDER BY seq LIMIT ?",
        )?;
        let rows = stmt.query_map([after, i64::from(limit)], |r| {
            Ok(OutboxEntry {
                seq: r.get(0)?,
                mutation_id: r.get(1)?,
                user_id: r.get(2)?,
                body: r.get(3)?,
                touched: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn outbox_waiting(&mut self) -> Result<Vec<WaitingCall>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT seq, mutation_id, touched FROM sync_outbox ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(WaitingCall {
                seq: r.get(0)?,
                mutation_id: r.get(1)?,
                touched: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn outbox_body(&mut self, mutation_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached("SELECT body FROM sync_outbox WHERE mutation_id = ?")?
            .query_row([mutation_id], |r| r.get(0))
            .optional()?)
    }

    fn outbox_count(&mut self) -> Result<u64> {
        let n: i64 = self
            .conn()
            .prepare_cached("SELECT count(*) FROM sync_outbox")?
            .query_row([], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn sync_receipt(&mut self, client_id: &str, mutation_id: &str) -> Result<Option<String>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT body FROM sync_receipts WHERE client_id = ? AND mutation_id = ?",
            )?
            .query_row([client_id, mutation_id], |r| r.get(0))
            .optional()?)
    }

    fn sync_rejections(&mut self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT body FROM sync_rejections ORDER BY seq")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
    }

    fn get_notification(&mut self, id: NotificationId) -> Result<Option<Notification>> {
        Ok(self
            .conn()
            .prepare_cached(&format!(
                "SELECT {NOTIFICATION_COLUMNS} FROM notifications n JOIN tasks t ON t.id = n.task_id \
                 WHERE n.id = ?"
            ))?
            .query_row([id], notification_from_row)
            .optional()?)
    }
}

impl SyncWriteTx for SqliteTx<'_> {
    fn push_outbox(&mut self, entry: &OutboxEntry) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO sync_outbox (mutation_id, user_id, body, touched) VALUES (?, ?, ?, ?)",
            )?
            .execute(params![
                entry.mutation_id,
                entry.user_id,
                entry.body,
                entry.touched
            ])?;
        Ok(())
    }

    fn remove_outbox(&mut self, mutation_id: &str) -> Result<bool> {
        let n = self
            .conn()
            .prepare_cached("DELETE FROM sync_outbox WHERE mutation_id = ?")?
            .execute([mutation_id])?;
        Ok(n > 0)
    }

    fn put_sync_receipt(
        &mut self,
        client_id: &str,
        mutation_id: &str,
        body: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO sync_receipts (client_id, mutation_id, body, at) VALUES (?, ?, ?, ?)",
            )?
            .execute(params![client_id, mutation_id, body, ts(&at)])?;
        Ok(())
    }

    fn put_sync_rejection(&mut self, mutation_id: &str, body: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO sync_rejections (mutation_id, body) VALUES (?, ?) \
                 ON CONFLICT (mutation_id) DO UPDATE SET body = excluded.body",
            )?
            .execute([mutation_id, body])?;
        Ok(())
    }

    fn remove_sync_rejection(&mut self, mutation_id: &str) -> Result<bool> {
        let n = self
            .conn()
            .prepare_cached("DELETE FROM sync_rejections WHERE mutation_id = ?")?
            .execute([mutation_id])?;
        Ok(n > 0)
    }

    fn set_sync_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?, ?) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute([key, value])?;
        Ok(())
    }

    fn prune_sync_tombstones(&mut self, before: Timestamp) -> Result<i64> {
        let pruned: Option<i64> = self
            .conn()
            .prepare_cached(
                "SELECT max(seq) FROM sync_log WHERE gone = 1 AND changed_at < ?1 \
                 AND seq < (SELECT max(seq) FROM sync_log)",
            )?
            .query_row([ts(&before)], |r| r.get(0))?;
        let floor = self.sync_floor()?.max(pruned.unwrap_or(0));
        self.conn()
            .prepare_cached("DELETE FROM sync_log WHERE gone = 1 AND seq <= ?1")?
            .execute([floor])?;
        self.set_sync_setting(SYNC_FLOOR_SETTING, &floor.to_string())?;
        Ok(floor)
    }

    fn put_notification(&mut self, notification: &Notification) -> Result<()> {
        let exists = self
            .conn()
            .prepare_cached("SELECT 1 FROM notifications WHERE id = ?")?
            .query_row([notification.id], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            let mut stmt = self.conn().prepare_cached(INSERT_NOTIFICATION)?;
            super::activity_rows::notification_params(notification, &mut |p| stmt.execute(p))?;
        }
        Ok(())
    }

    fn delete_record(&mut self, kind: &str, id: &str) -> Result<Removal> {
        let Some(statements) = delete_statements(kind, "?1") else {
            return Ok(Removal::Absent);
        };
        // The parts go first; a refusal of the record itself undoes them too.
        let conn = self.conn();
        conn.execute_batch("SAVEPOINT sync_delete")?;
        let mut deleted = 0;
        for sql in statements {
            match conn.prepare_cached(&sql)?.execute([id]) {
                Ok(n) => deleted = n,
                Err(rusqlite::Error::SqliteFailure(f, _))
                    if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
                {
                    conn.execute_batch("ROLLBACK TO sync_delete; RELEASE sync_delete")?;
                    return Ok(Removal::InUse);
                }
                Err(e) => return Err(e.into()),
            }
        }
        conn.execute_batch("RELEASE sync_delete")?;
        Ok(if deleted > 0 {
            Removal::Removed
        } else {
            Removal::Absent
        })
    }

    fn insert_card_record(&mut self, card: &BusinessCard) -> Result<()> {
        self.insert(&insert_sql("business_cards", CARD_COLUMNS), |run| {
            card_params(card, 0, run)
        })
    }

    fn put_card_image(&mut self, id: CardId, image: &[u8]) -> Result<()> {
        self.conn()
            .prepare_cached(
                "INSERT INTO card_images (card_id, bytes) VALUES (?, ?) \
                 ON CONFLICT (card_id) DO UPDATE SET bytes = excluded.bytes",
            )?
            .execute(params![id, image])?;
        Ok(())
    }
}
