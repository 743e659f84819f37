//! [`SyncReadTx`] and [`SyncWriteTx`] on an open PostgreSQL transaction.

use super::tx::PgTx;
use super::values::*;
use crate::error::{Error, Result};
use crate::model::{BusinessCard, CardId, Notification, NotificationId, Timestamp};
use crate::store::sync::{SYNC_FLOOR_SETTING, delete_statements};
use crate::store::{OutboxEntry, Removal, SyncChange, SyncReadTx, SyncWriteTx, WaitingCall};

impl SyncReadTx for PgTx<'_, '_> {
    fn sync_head(&mut self) -> Result<i64> {
        let head: Option<i64> = self.query_one("SELECT max(seq) FROM sync_log", &[])?.get(0);
        Ok(head.unwrap_or(0))
    }

    fn sync_changes(&mut self, after: i64, limit: u32) -> Result<Vec<SyncChange>> {
        let limit = i64::from(limit);
        Ok(self
            .query(
                "SELECT seq, entity, record_id, gone FROM sync_log WHERE seq > $1 \
                 ORDER BY seq LIMIT $2",
                &[&after, &limit],
            )?
            .iter()
            .map(|r| SyncChange {
                seq: r.get(0),
                kind: r.get(1),
                id: r.get(2),
                gone: r.get(3),
            })
            .collect())
    }

    fn sync_change_count(&mut self, after: i64) -> Result<u64> {
        let n: i64 = self
            .query_one("SELECT count(*) FROM sync_log WHERE seq > $1", &[&after])?
            .get(0);
        Ok(n.max(0) as u64)
    }

    fn sync_seq(&mut self, kind: &str, id: &str) -> Result<Option<i64>> {
        Ok(self
            .query_opt(
                "SELECT seq FROM sync_log WHERE entity = $1 AND record_id = $2",
                &[&kind, &id],
            )?
            .map(|r| r.get(0)))
    }

    fn sync_setting(&mut self, key: &str) -> Result<Option<String>> {
        Ok(self
            .query_opt("SELECT value FROM meta WHERE key = $1", &[&key])?
            .map(|r| r.get(0)))
    }

    fn outbox(&mut self, after: i64, limit: u32) -> Result<Vec<OutboxEntry>> {
        let limit = i64::from(limit);
        self.query(
            "SELECT seq, mutation_id, user_id, body, touched FROM sync_outbox \
             WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &limit],
        )?
        .iter()
        .map(|r| {
            let user: String = r.get(2);
            Ok(OutboxEntry {
                seq: r.get(0),
                mutation_id: r.get(1),
                user_id: user.parse().map_err(|_| {
                    Error::Storage(crate::StorageError::message(
                        "an outbox entry has an unreadable user id",
                    ))
                })?,
                body: r.get(3),
                touched: r.get(4),
            })
        })
        .collect()
    }

    fn outbox_waiting(&mut self) -> Result<Vec<WaitingCall>> {
        Ok(self
            .query(
                "SELECT seq, mutation_id, touched FROM sync_outbox ORDER BY seq",
                &[],
            )?
            .iter()
            .map(|r| WaitingCall {
                seq: r.get(0),
                mutation_id: r.get(1),
                touched: r.get(2),
            })
            .collect())
    }

    fn outbox_body(&mut self, mutation_id: &str) -> Result<Option<String>> {
        Ok(self
            .query_opt(
                "SELECT body FROM sync_outbox WHERE mutation_id = $1",
                &[&mutation_id],
            )?
            .map(|r| r.get(0)))
    }

    fn outbox_count(&mut self) -> Result<u64> {
        let n: i64 = self
            .query_one("SELECT count(*) FROM sync_outbox", &[])?
            .get(0);
        Ok(n.max(0) as u64)
    }

    fn sync_receipt(&mut self, client_id: &str, mutation_id: &str) -> Result<Option<String>> {
        Ok(self
            .query_opt(
                "SELECT body FROM sync_receipts WHERE client_id = $1 AND mutation_id = $2",
                &[&client_id, &mutation_id],
            )?
            .map(|r| r.get(0)))
    }

    fn sync_rejections(&mut self) -> Result<Vec<String>> {
        Ok(self
            .query("SELECT body FROM sync_rejections ORDER BY seq", &[])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn get_notification(&mut self, id: NotificationId) -> Result<Option<Notification>> {
        self.record(
            &format!(
                "SELECT {NOTIFICATION_COLUMNS} FROM notifications n JOIN tasks t ON t.id = n.task_id \
                 WHERE n.id = $1"
            ),
            &[&id],
            notification_from_row,
        )
    }
}

impl SyncWriteTx for PgTx<'_, '_> {
    fn push_outbox(&mut self, entry: &OutboxEntry) -> Result<()> {
        self.execute(
            "INSERT INTO sync_outbox (mutation_id, user_id, body, touched) VALUES ($1, $2, $3, $4)",
            &[
                &entry.mutation_id,
                &entry.user_id.to_string(),
                &entry.body,
                &entry.touched,
            ],
        )?;
        Ok(())
    }

    fn remove_outbox(&mut self, mutation_id: &str) -> Result<bool> {
        Ok(self.execute(
            "DELETE FROM sync_outbox WHERE mutation_id = $1",
            &[&mutation_id],
        )? > 0)
    }

    fn put_sync_receipt(
        &mut self,
        client_id: &str,
        mutation_id: &str,
        body: &str,
        at: Timestamp,
    ) -> Result<()> {
        self.execute(
            "INSERT INTO sync_receipts (client_id, mutation_id, body, at) VALUES ($1, $2, $3, $4)",
            &[&client_id, &mutation_id, &body, &at],
        )?;
        Ok(())
    }

    fn put_sync_rejection(&mut self, mutation_id: &str, body: &str) -> Result<()> {
        self.execute(
            "INSERT INTO sync_rejections (mutation_id, body) VALUES ($1, $2) \
             ON CONFLICT (mutation_id) DO UPDATE SET body = EXCLUDED.body",
            &[&mutation_id, &body],
        )?;
        Ok(())
    }

    fn remove_sync_rejection(&mut self, mutation_id: &str) -> Result<bool> {
        Ok(self.execute(
            "DELETE FROM sync_rejections WHERE mutation_id = $1",
            &[&mutation_id],
        )? > 0)
    }

    fn set_sync_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.execute(
            "INSERT INTO meta (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            &[&key, &value],
        )?;
        Ok(())
    }

    fn prune_sync_tombstones(&mut self, before: Timestamp) -> Result<i64> {
        let pruned: Option<i64> = self
            .query_one(
                "SELECT max(seq) FROM sync_log WHERE gone AND changed_at < $1 \
                 AND seq < (SELECT max(seq) FROM sync_log)",
                &[&before],
            )?
            .get(0);
        let floor = self.sync_floor()?.max(pruned.unwrap_or(0));
        self.execute("DELETE FROM sync_log WHERE gone AND seq <= $1", &[&floor])?;
        self.set_sync_setting(SYNC_FLOOR_SETTING, &floor.to_string())?;
        Ok(floor)
    }

    fn put_notification(&mut self, notification: &Notification) -> Result<()> {
        let exists = self
            .query_opt(
                "SELECT 1 FROM notifications WHERE id = $1",
                &[&notification.id],
            )?
            .is_some();
        if !exists {
            self.insert("notifications", notification_values(notification))?;
        }
        Ok(())
    }

    fn delete_record(&mut self, kind: &str, id: &str) -> Result<Removal> {
        let Some(statements) = delete_statements(kind, "($1::text)::uuid") else {
            return Ok(Removal::Absent);
        };
        // The parts go first; a refusal of the record itself undoes them too, and the
        // savepoint keeps the transaction usable after it.
        self.batch("SAVEPOINT sync_delete")?;
        let mut deleted = 0;
        for sql in statements {
            match self.execute_unless_referenced(&sql, &[&id])? {
                Some(n) => deleted = n,
                None => {
                    self.batch("ROLLBACK TO SAVEPOINT sync_delete; RELEASE SAVEPOINT sync_delete")?;
                    return Ok(Removal::InUse);
                }
            }
        }
        self.batch("RELEASE SAVEPOINT sync_delete")?;
        Ok(if deleted > 0 {
            Removal::Removed
        } else {
            Removal::Absent
        })
    }

    fn insert_card_record(&mut self, card: &BusinessCard) -> Result<()> {
        self.insert("business_cards", card_values(card))
    }

    fn put_card_image(&mut self, id: CardId, image: &[u8]) -> Result<()> {
        self.execute(
            "INSERT INTO card_images (card_id, bytes) VALUES ($1, $2) \
             ON CONFLICT (card_id) DO UPDATE SET bytes = EXCLUDED.bytes",
            &[&id, &image],
        )?;
        Ok(())
    }
}
