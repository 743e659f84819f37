//! [`ActivityReadTx`] and [`ActivityWriteTx`] on an open PostgreSQL transaction.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use uuid::Uuid;

use super::tx::{Param, PgTx};
use super::values::*;
use crate::error::{Entity, Error, Result};
use crate::model::{
    Interaction, InteractionId, ListQuery, Notification, NotificationId, Task, TaskId, Timestamp,
    UserId, limits,
};
use crate::store::{ActivityReadTx, ActivityWriteTx, HistoryOf};

/// `a, b` -> `i.a, i.b`.
fn qualified(columns: &str, table: &str) -> String {
    columns
        .split(',')
        .map(|c| format!("{table}.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl PgTx<'_, '_> {
    /// Fills in the participants and persons of interactions read without them.
    fn with_links(&mut self, mut items: Vec<Interaction>) -> Result<Vec<Interaction>> {
        if items.is_empty() {
            return Ok(items);
        }
        let ids: Vec<Uuid> = items.iter().map(|i| i.id.as_uuid()).collect();
        let at: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(k, id)| (*id, k)).collect();
        for (table, column) in [
            ("interaction_participants", "user_id"),
            ("interaction_persons", "person_id"),
        ] {
            let rows = self.query(
                &format!(
                    "SELECT interaction_id, {column} FROM {table} \
                     WHERE interaction_id = ANY($1) ORDER BY interaction_id, position"
                ),
                &[&ids],
            )?;
            for r in rows {
                let owner: Uuid = r.get(0);
                let Some(&k) = at.get(&owner) else { continue };
                if column == "user_id" {
                    items[k].participant_ids.push(r.get(1));
                } else {
                    items[k].person_ids.push(r.get(1));
                }
            }
        }
        Ok(items)
    }

    fn interactions(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Interaction>> {
        let items = self.records(sql, params, interaction_from_row)?;
        self.with_links(items)
    }

    fn write_links(&mut self, i: &Interaction) -> Result<()> {
        self.execute(
            "DELETE FROM interaction_participants WHERE interaction_id = $1",
            &[&i.id],
        )?;
        self.execute(
            "DELETE FROM interaction_persons WHERE interaction_id = $1",
            &[&i.id],
        )?;
        for (n, user) in i.participant_ids.iter().enumerate() {
            self.execute(
                "INSERT INTO interaction_participants (interaction_id, user_id, position) \
                 VALUES ($1, $2, $3)",
                &[&i.id, user, &(n as i32)],
            )?;
        }
        for (n, person) in i.person_ids.iter().enumerate() {
            self.execute(
                "INSERT INTO interaction_persons (interaction_id, person_id, position) \
                 VALUES ($1, $2, $3)",
                &[&i.id, person, &(n as i32)],
            )?;
        }
        Ok(())
    }
}

impl ActivityReadTx for PgTx<'_, '_> {
    fn get_interaction(&mut self, id: InteractionId) -> Result<Option<Interaction>> {
        let sql = format!("SELECT {INTERACTION_COLUMNS} FROM interactions WHERE id = $1");
        Ok(self.interactions(&sql, &[&id])?.pop())
    }

    fn list_interactions(&mut self, of: HistoryOf, query: &ListQuery) -> Result<Vec<Interaction>> {
        let columns = qualified(INTERACTION_COLUMNS, "i");
        let owner: Uuid = match of {
            HistoryOf::Company(c) => c.as_uuid(),
            HistoryOf::Person(p) => p.as_uuid(),
        };
        let mut sql = match of {
            HistoryOf::Company(_) => {
                format!("SELECT {columns} FROM interactions i WHERE i.company_id = $1")
            }
            HistoryOf::Person(_) => format!(
                "SELECT {columns} FROM interactions i \
                 JOIN interaction_persons ip ON ip.interaction_id = i.id WHERE ip.person_id = $1"
            ),
        };
        let mut params: Vec<Param<'_>> = vec![&owner];
        if let Some((start, id)) = &query.after {
            params.push(start);
            params.push(id);
            sql.push_str(" AND (i.starts_at, i.id) < (($2::text)::timestamptz, ($3::text)::uuid)");
        }
        let limit = i64::from(query.limit);
        params.push(&limit);
        sql.push_str(&format!(
            " ORDER BY i.starts_at DESC, i.id DESC LIMIT ${}",
            params.len()
        ));
        self.interactions(&sql, &params)
    }

    fn planned_interactions(
        &mut self,
        user: UserId,
        start: Timestamp,
        end: Timestamp,
    ) -> Result<Vec<Interaction>> {
        let columns = qualified(INTERACTION_COLUMNS, "i");
        let sql = format!(
            "SELECT {columns} FROM interactions i \
             JOIN interaction_participants p ON p.interaction_id = i.id AND p.user_id = $1 \
             WHERE i.status = 'planned' AND i.starts_at >= $4 AND i.starts_at < $3 \
             AND (i.ends_at > $2 OR i.starts_at >= $2) \
             ORDER BY i.starts_at, i.id"
        );
        let earliest = start - Duration::days(limits::INTERACTION_DAYS);
        self.interactions(&sql, &[&user, &start, &end, &earliest])
    }

    fn get_task(&mut self, id: TaskId) -> Result<Option<Task>> {
        self.record(
            &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id = $1"),
            &[&id],
            task_from_row,
        )
    }

    fn open_tasks(&mut self, user: UserId, due_by: NaiveDate) -> Result<Vec<Task>> {
        self.records(
            &format!(
                "SELECT {TASK_COLUMNS} FROM tasks WHERE assignee_id = $1 AND status = 'open' \
                 AND (due_date IS NULL OR due_date <= $2) \
                 ORDER BY due_date IS NULL, due_date, id"
            ),
            &[&user, &due_by],
            task_from_row,
        )
    }

    fn interaction_tasks(&mut self, id: InteractionId) -> Result<Vec<Task>> {
        self.records(
            &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE interaction_id = $1 ORDER BY id"),
            &[&id],
            task_from_row,
        )
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
                    "SELECT {columns} FROM interactions i WHERE i.id > $1 ORDER BY i.id LIMIT $2"
                ),
                &[&after, &limit],
            ),
            None => self.interactions(
                &format!("SELECT {columns} FROM interactions i ORDER BY i.id LIMIT $1"),
                &[&limit],
            ),
        }
    }

    fn tasks_by_id(&mut self, after: Option<TaskId>, limit: u32) -> Result<Vec<Task>> {
        let limit = i64::from(limit);
        match after {
            Some(after) => self.records(
                &format!("SELECT {TASK_COLUMNS} FROM tasks WHERE id > $1 ORDER BY id LIMIT $2"),
                &[&after, &limit],
                task_from_row,
            ),
            None => self.records(
                &format!("SELECT {TASK_COLUMNS} FROM tasks ORDER BY id LIMIT $1"),
                &[&limit],
                task_from_row,
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
        let columns = qualified(INTERACTION_COLUMNS, "i");
        let users: Vec<Uuid> = users.iter().map(UserId::as_uuid).collect();
        let sql = format!(
            "SELECT DISTINCT {columns} FROM interactions i \
             JOIN interaction_participants p ON p.interaction_id = i.id \
             WHERE i.starts_at >= $1 AND i.starts_at < $2 AND p.user_id = ANY($3) \
             ORDER BY i.starts_at, i.id"
        );
        self.interactions(&sql, &[&from, &to, &users])
    }

    fn task_counts(&mut self, user: UserId, today: NaiveDate) -> Result<(u64, u64)> {
        let row = self.query_one(
            "SELECT count(*), count(*) FILTER (WHERE due_date < $2) FROM tasks \
             WHERE assignee_id = $1 AND status = 'open'",
            &[&user, &today],
        )?;
        let (open, overdue): (i64, i64) = (row.get(0), row.get(1));
        Ok((open.max(0) as u64, overdue.max(0) as u64))
    }

    fn overdue_tasks(&mut self, user: UserId, today: NaiveDate, limit: u32) -> Result<Vec<Task>> {
        self.records(
            &format!(
                "SELECT {TASK_COLUMNS} FROM tasks WHERE assignee_id = $1 AND status = 'open' \
                 AND due_date < $2 ORDER BY due_date, id LIMIT $3"
            ),
            &[&user, &today, &i64::from(limit)],
            task_from_row,
        )
    }
}

impl ActivityWriteTx for PgTx<'_, '_> {
    fn insert_interaction(&mut self, interaction: &Interaction) -> Result<()> {
        self.insert("interactions", interaction_values(interaction))?;
        self.write_links(interaction)
    }

    fn update_interaction(
        &mut self,
        interaction: &Interaction,
        expected_version: i64,
    ) -> Result<()> {
        self.update(
            "interactions",
            Entity::Interaction,
            interaction.id.to_string(),
            interaction_values(interaction),
            expected_version,
        )?;
        self.write_links(interaction)
    }

    fn insert_task(&mut self, task: &Task) -> Result<()> {
        self.insert("tasks", task_values(task))
    }

    fn update_task(&mut self, task: &Task, expected_version: i64) -> Result<()> {
        self.update(
            "tasks",
            Entity::Task,
            task.id.to_string(),
            task_values(task),
            expected_version,
        )
    }

    fn insert_notification(&mut self, notification: &Notification) -> Result<()> {
        self.insert("notifications", notification_values(notification))
    }

    fn withdraw_reminders(&mut self, task: TaskId) -> Result<()> {
        self.execute(
            "DELETE FROM notifications WHERE task_id = $1 AND kind = 'reminder_due' \
             AND delivered_at IS NULL",
            &[&task],
        )?;
        Ok(())
    }

    fn claim_due_notifications(
        &mut self,
        user: UserId,
        now: Timestamp,
        claim_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<Notification>> {
        let due = self.records(
            &format!(
                "SELECT {NOTIFICATION_COLUMNS} FROM notifications n JOIN tasks t ON t.id = n.task_id \
                 WHERE n.user_id = $1 AND n.delivered_at IS NULL AND n.due_at <= $2 \
                 AND (n.claimed_until IS NULL OR n.claimed_until <= $2) \
                 ORDER BY n.due_at, n.id LIMIT $3"
            ),
            &[&user, &now, &i64::from(limit)],
            notification_from_row,
        )?;
        for n in &due {
            self.execute(
                "UPDATE notifications SET claimed_until = $1 WHERE id = $2",
                &[&claim_until, &n.id],
            )?;
        }
        Ok(due)
    }

    fn mark_notifications_delivered(
        &mut self,
        user: UserId,
        ids: &[NotificationId],
        now: Timestamp,
    ) -> Result<u64> {
        for id in ids {
            let owner: Option<UserId> = self
                .query_opt("SELECT user_id FROM notifications WHERE id = $1", &[id])?
                .map(|r| r.get(0));
            if owner != Some(user) {
                return Err(Error::not_found(Entity::Notification, id));
            }
        }
        let mut marked = 0;
        for id in ids {
            marked += self.execute(
                "UPDATE notifications SET delivered_at = $1 WHERE id = $2 AND delivered_at IS NULL",
                &[&now, id],
            )?;
        }
        Ok(marked)
    }
}
