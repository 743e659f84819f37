//! [`ActivityReadTx`] and [`ActivityWriteTx`] on an open SQLite transaction.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, params};

use super::activity_rows::*;
use super::tx::SqliteTx;
use crate::error::{Entity, Error, Result};
use crate::model::{
    Interaction, InteractionId, ListQuery, Notification, NotificationId, Task, TaskId, Timestamp,
    UserId, limits,
};
use crate::store::{ActivityReadTx, ActivityWriteTx, HistoryOf};

impl SqliteTx<'_> {
    /// Fills in the participants and persons of interactions read without them, a
    /// chunk of interactions per query.
    fn with_links(&self, mut items: Vec<Interaction>) -> Result<Vec<Interaction>> {
        const CHUNK: usize = 400;
        for chunk in items.chunks_mut(CHUNK) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let ids: Vec<String> = chunk.iter().map(|i| i.id.to_string()).collect();
            let args: Vec<&dyn ToSql> = ids.iter().map(|id| id as &dyn ToSql).collect();
            let at: HashMap<&str, usize> = ids
                .iter()
                .enumerate()
                .map(|(k, id)| (id.as_str(), k))
                .collect();
            for (table, column) in [
                ("interaction_participants", "user_id"),
                ("interaction_persons", "person_id"),
            ] {
                let mut stmt = self.conn().prepare_cached(&format!(
                    "SELECT interaction_id, {column} FROM {table} \
                     WHERE interaction_id IN ({marks}) ORDER BY interaction_id, position"
                ))?;
                let mut rows = stmt.query(args.as_slice())?;
                while let Some(r) = rows.next()? {
                    let owner = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
                    let Some(&k) = at.get(owner) else { continue };
                    if column == "user_id" {
                        chunk[k].participant_ids.push(r.get(1)?);
                    } else {
                        chunk[k].person_ids.push(r.get(1)?);
                    }
                }
            }
        }
        Ok(items)
    }

    fn interactions(&self, sql: &str, args: &[&dyn ToSql]) -> Result<Vec<Interaction>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let items = stmt
            .query_map(args, interaction_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        self.with_links(items)
    }

    fn tasks(&self, sql: &str, args: &[&dyn ToSql]) -> Result<Vec<Task>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let items = stmt
            .query_map(args, task_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(items)
    }

    fn write_links(&self, i: &Interaction) -> Result<()> {
        let conn = self.conn();
        conn.prepare_cached("DELETE FROM interaction_participants WHERE interaction_id = ?")?
            .execute([&i.id])?;
        conn.prepare_cached("DELETE FROM interaction_persons WHERE interaction_id = ?")?
            .execute([&i.id])?;
        let mut add_user = conn.prepare_cached(
            "INSERT INTO interaction_participants (interaction_id, user_id, position) VALUES (?, ?, ?)",
        )?;
        for (n, user) in i.participant_ids.iter().enumerate() {
            add_user.execute(params![i.id, user, n as i64])?;
        }
        let mut add_person = conn.prepare_cached(
            "INSERT INTO interaction_persons (interaction_id, person_id, position) VALUES (?, ?, ?)",
        )?;
        for (n, person) in i.person_ids.iter().enumerate() {
            add_person.execute(params![i.id, person, n as i64])?;
        }
        Ok(())
    }
}

impl ActivityReadTx for SqliteTx<'_> {
    fn get_interaction(&mut self, id: InteractionId) -> Result<Option<Interaction>> {
        let sql = format!("SELECT {INTERACTION_COLUMNS} FROM interactions WHERE id = ?");
        Ok(self.interactions(&sql, &[&id])?.pop())
    }

    fn list_interactions(&mut self, of: HistoryOf, query: &ListQuery) -> Result<Vec<Interaction>> {
        let (join, filter, owner): (&str, &str, String) = match of {
            HistoryOf::Company(c) => ("", "i.company_id = ?", c.to_string()),
            HistoryOf::Person(p) => (
                " JOIN interaction_persons ip ON ip.interaction_id = i.id",
                "ip.person_id = ?",
                p.to_string(),
            ),
        };
        let columns = qualified(INTERACTION_COLUMNS, "i");
        let mut sql = format!("SELECT {columns} FROM interactions i{join} WHERE {filter}");
        let mut args: Vec<&dyn ToSql> = vec![&owner];
        if let Some((start, id)) = &query.after {
            sql.push_str(" AND (i.starts_at, i.id) < (?, ?)");
            args.push(start);
            args.push(id);
        }
        sql.push_str(" ORDER BY i.starts_at DESC, i.id DESC LIMIT ?");
        let limit = i64::from(query.limit);
        args.push(&limit);
        self.interactions(&sql, &args)
    }

    fn planned_interactions(
        &mut self,
        user: UserId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Vec<Interaction>> {
        let columns = qualified(INTERACTION_COLUMNS, "i");
        // Driven by the partial index of planned interactions over the few days that
        // can overlap the range (CROSS JOIN keeps SQLite from walking the user's whole
        // history through the participants index instead).
        let sql = format!(
            "SELECT {columns} FROM interactions i INDEXED BY interactions_planned \
             CROSS JOIN interaction_participants p ON p.interaction_id = i.id AND p.user_id = ?1 \
             WHERE i.status = 'planned' AND i.starts_at >= ?4 AND i.starts_at < ?3 \
             AND (i.ends_at > ?2 OR i.starts_at >= ?2) \
             ORDER BY i.starts_at, i.id"
        );
        let earliest = start - Duration::days(limits::INTERACTION_DAYS);
        self.interactions(&sql, &[&user, &ts(&start), &ts(&end), &ts(&earliest)])
    }

    fn get_task(&mut self, id: TaskId) -> Result<Option<Task>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = ?");
        Ok(self.tasks(&sql, &[&id])?.pop())
    }

    fn open_tasks(&mut self, user: UserId, due_by: NaiveDate) -> Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE assignee_id = ?1 AND status = 'open' \
             AND (due_date IS NULL OR due_date <= ?2) \
             ORDER BY due_date IS NULL, due_date, id"
        );
        self.tasks(&sql, &[&user, &Day(due_by)])
    }

    fn interaction_tasks(&mut self, id: InteractionId) -> Result<Vec<Task>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE interaction_id = ? ORDER BY id");
        self.tasks(&sql, &[&id])
    }

    fn interactions_by_id(
        &mut self,
        after: Option<InteractionId>,
        limit: u32,
    ) -> Result<Vec<Interaction>> {
        let columns = qualified(INTERACTION_COLUMNS, "i");
        let limit = i64::from(limit);
        match after {
            Some(after) => self.interactions(
                &format!(
                    "SELECT {columns} FROM interactions i WHERE i.id > ? ORDER BY i.id LIMIT ?"
                ),
                &[&after, &limit],
            ),
            None => self.interactions(
                &format!("SELECT {columns} FROM interactions i ORDER BY i.id LIMIT ?"),
                &[&limit],
            ),
        }
    }

    fn tasks_by_id(&mut self, after: Option<TaskId>, limit: u32) -> Result<Vec<Task>> {
        let limit = i64::from(limit);
        match after {
            Some(after) => self.tasks(
                &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id > ? ORDER BY id LIMIT ?"),
                &[&after, &limit],
            ),
            None => self.tasks(
                &format!("SELECT {TASK_COLUMNS} FROM tasks ORDER BY id LIMIT ?"),
                &[&limit],
            ),
        }
    }

    fn interactions_starting(
        &mut self,
        users: &[UserId],
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<Interaction>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        // Driven by the start index over the window; DISTINCT as two members may share
        // an interaction.
        let columns = qualified(INTERACTION_COLUMNS, "i");
        let marks = vec!["?"; users.len()].join(", ");
        let sql = format!(
            "SELECT DISTINCT {columns} FROM interactions i CROSS JOIN interaction_participants p \
             ON p.interaction_id = i.id \
             WHERE i.starts_at >= ? AND i.starts_at < ? AND p.user_id IN ({marks}) \
             ORDER BY i.starts_at, i.id"
        );
        let (from, to) = (ts(&from), ts(&to));
        let mut args: Vec<&dyn ToSql> = vec![&from, &to];
        args.extend(users.iter().map(|u| u as &dyn ToSql));
        self.interactions(&sql, &args)
    }

    fn task_counts(&mut self, user: UserId, today: NaiveDate) -> Result<(u64, u64)> {
        let (open, overdue): (i64, i64) = self
            .conn()
            .prepare_cached(
                "SELECT count(*), count(*) FILTER (WHERE due_date < ?2) FROM tasks \
                 WHERE assignee_id = ?1 AND status = 'open'",
            )?
            .query_row(params![user, Day(today)], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok((open.max(0) as u64, overdue.max(0) as u64))
    }

    fn overdue_tasks(&mut self, user: UserId, today: NaiveDate, limit: u32) -> Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE assignee_id = ?1 AND status = 'open' \
             AND due_date < ?2 ORDER BY due_date, id LIMIT ?3"
        );
        self.tasks(&sql, &[&user, &Day(today), &i64::from(limit)])
    }
}

impl ActivityWriteTx for SqliteTx<'_> {
    fn insert_interaction(&mut self, interaction: &Interaction) -> Result<()> {
        self.insert(INSERT_INTERACTION, |run| {
            interaction_params(interaction, 0, run)
        })?;
        self.write_links(interaction)
    }

    fn update_interaction(
        &mut self,
        interaction: &Interaction,
        expected_version: i64,
    ) -> Result<()> {
        self.update(
            UPDATE_INTERACTION,
            Entity::Interaction,
            "interactions",
            interaction.id.to_string(),
            expected_version,
            |run| interaction_params(interaction, expected_version, run),
        )?;
        self.write_links(interaction)
    }

    fn insert_task(&mut self, task: &Task) -> Result<()> {
        self.insert(INSERT_TASK, |run| task_params(task, 0, run))
    }

    fn update_task(&mut self, task: &Task, expected_version: i64) -> Result<()> {
        self.update(
            UPDATE_TASK,
            Entity::Task,
            "tasks",
            task.id.to_string(),
            expected_version,
            |run| task_params(task, expected_version, run),
        )
    }

    fn insert_notification(&mut self, notification: &Notification) -> Result<()> {
        let mut stmt = self.conn().prepare_cached(INSERT_NOTIFICATION)?;
        notification_params(notification, &mut |p| stmt.execute(p))?;
        Ok(())
    }

    fn withdraw_reminders(&mut self, task: TaskId) -> Result<()> {
        self.conn()
            .prepare_cached(
                "DELETE FROM notifications WHERE task_id = ? AND kind = 'reminder_due' \
                 AND delivered_at IS NULL",
            )?
            .execute([&task])?;
        Ok(())
    }

    fn claim_due_notifications(
        &mut self,
        user: UserId,
        now: Timestamp,
        claim_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let now = ts(&now);
        let mut select = self.conn().prepare_cached(&format!(
            "SELECT {NOTIFICATION_COLUMNS} FROM notifications n JOIN tasks t ON t.id = n.task_id \
             WHERE n.user_id = ?1 AND n.delivered_at IS NULL AND n.due_at <= ?2 \
             AND (n.claimed_until IS NULL OR n.claimed_until <= ?2) \
             ORDER BY n.due_at, n.id LIMIT ?3"
        ))?;
        let due = select
            .query_map(params![user, now, i64::from(limit)], notification_from_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut claim = self
            .conn()
            .prepare_cached("UPDATE notifications SET claimed_until = ? WHERE id = ?")?;
        let until = ts(&claim_until);
        for n in &due {
            claim.execute(params![until, n.id])?;
        }
        Ok(due)
    }

    fn mark_notifications_delivered(
        &mut self,
        user: UserId,
        ids: &[NotificationId],
        now: Timestamp,
    ) -> Result<u64> {
        let mut owner = self
            .conn()
            .prepare_cached("SELECT user_id FROM notifications WHERE id = ?")?;
        for id in ids {
            let found: Option<UserId> = owner.query_row([id], |r| r.get(0)).optional()?;
            if found != Some(user) {
                return Err(Error::not_found(Entity::Notification, id));
            }
        }
        let mut mark = self.conn().prepare_cached(
            "UPDATE notifications SET delivered_at = ? WHERE id = ? AND delivered_at IS NULL",
        )?;
        let now = ts(&now);
        let mut marked = 0;
        for id in ids {
            marked += mark.execute(params![now, id])? as u64;
        }
        Ok(marked)
    }
}

/// `a, b` -> `i.a, i.b`.
fn qualified(columns: &str, table: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}
