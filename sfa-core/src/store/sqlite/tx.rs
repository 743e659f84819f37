//! [`ReadTx`] and [`WriteTx`] on an open SQLite transaction.

use rusqlite::types::ToSql;
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::rows::*;
use crate::error::{Entity, Error, Result};
use crate::model::{
    Company, CompanyId, ListQuery, Person, PersonId, Timestamp, User, UserId, format_timestamp,
};
use crate::store::{IndexChange, PersonMatch, ReadTx, WriteTx};

/// Borrows the connection of a transaction the store has begun.
pub(super) struct SqliteTx<'c> {
    conn: &'c Connection,
}

impl<'c> SqliteTx<'c> {
    pub(super) fn new(conn: &'c Connection) -> Self {
        SqliteTx { conn }
    }

    pub(super) fn conn(&self) -> &'c Connection {
        self.conn
    }

    pub(super) fn get<T>(
        &self,
        sql: &str,
        id: &dyn ToSql,
        from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        Ok(stmt.query_row([id], from_row).optional()?)
    }

    /// Lists `table` in (sort key, id) order with the keyset cursor and archive filter;
    /// `scope` optionally restricts to one value of an indexed column.
    fn list<T>(
        &self,
        table: &str,
        columns: &str,
        scope: Option<(&str, &dyn ToSql)>,
        query: &ListQuery,
        from_row: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut sql = format!("SELECT {columns} FROM {table} WHERE 1");
        let mut args: Vec<&dyn ToSql> = Vec::with_capacity(4);
        if let Some((column, value)) = scope {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(value);
        }
        if !query.include_archived {
            sql.push_str(" AND archived = 0");
        }
        if let Some((sort_key, id)) = &query.after {
            sql.push_str(" AND (sort_key, id) > (?, ?)");
            args.push(sort_key);
            args.push(id);
        }
        sql.push_str(" ORDER BY sort_key, id LIMIT ?");
        let limit = i64::from(query.limit);
        args.push(&limit);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(args.as_slice(), from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<T>>>()?)
    }

    /// Runs an insert with the record's parameters. The parameter lists end with the
    /// expected version, which only updates use.
    pub(super) fn insert(
        &self,
        sql: &str,
        params: impl FnOnce(Exec<'_>) -> rusqlite::Result<usize>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        params(&mut |p| stmt.execute(&p[..p.len() - 1]))?;
        Ok(())
    }

    /// Runs a versioned update; no row changed means stale version or missing record.
    pub(super) fn update(
        &self,
        sql: &str,
        entity: Entity,
        table: &str,
        id: String,
        expected: i64,
        params: impl FnOnce(Exec<'_>) -> rusqlite::Result<usize>,
    ) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let changed = params(&mut |p| stmt.execute(p))?;
        if changed == 1 {
            return Ok(());
        }
        let mut probe = self
            .conn
            .prepare_cached(&format!("SELECT id, version FROM {table} WHERE id = ?"))?;
        let actual: Option<i64> = probe.query_row([&id], |r| r.get(1)).optional()?;
        Err(match actual {
            Some(actual) => Error::Conflict {
                entity,
                id,
                expected,
                actual,
            },
            None => Error::not_found(entity, id),
        })
    }
}

impl ReadTx for SqliteTx<'_> {
    fn user_count(&mut self) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM users")?
            .query_row([], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn get_user(&mut self, id: UserId) -> Result<Option<User>> {
        self.get(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"),
            &id,
            user_from_row,
        )
    }

    fn find_user_by_email(&mut self, email: &str) -> Result<Option<User>> {
        self.get(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?"),
            &email,
            user_from_row,
        )
    }

    fn list_users(&mut self) -> Result<Vec<User>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name, id"
        ))?;
        let rows = stmt.query_map([], user_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn get_company(&mut self, id: CompanyId) -> Result<Option<Company>> {
        self.get(
            &format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = ?"),
            &id,
            company_from_row,
        )
    }

    fn list_companies(&mut self, query: &ListQuery) -> Result<Vec<Company>> {
        self.list("companies", COMPANY_COLUMNS, None, query, company_from_row)
    }

    fn company_ids_by_name(&mut self, name: &str) -> Result<Vec<CompanyId>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM companies WHERE name = ? AND archived = 0 ORDER BY id LIMIT 2",
        )?;
        let rows = stmt.query_map(params![name], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn get_person(&mut self, id: PersonId) -> Result<Option<Person>> {
        self.get(
            &format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = ?"),
            &id,
            person_from_row,
        )
    }

    fn list_persons(
        &mut self,
        company: Option<CompanyId>,
        query: &ListQuery,
    ) -> Result<Vec<Person>> {
        let scope = company.as_ref().map(|c| ("company_id", c as &dyn ToSql));
        self.list("persons", PERSON_COLUMNS, scope, query, person_from_row)
    }

    fn find_persons(&mut self, by: PersonMatch<'_>) -> Result<Vec<Person>> {
        let (sql, args): (String, Vec<&dyn ToSql>) = match &by {
            PersonMatch::Email(email) => (
                format!(
                    "SELECT {PERSON_COLUMNS} FROM persons WHERE email = ?1 COLLATE NOCASE LIMIT 50"
                ),
                vec![email as &dyn ToSql],
            ),
            PersonMatch::Phone(phone) => (
                format!(
                    "SELECT {PERSON_COLUMNS} FROM persons WHERE office_phone = ?1 \
                     UNION SELECT {PERSON_COLUMNS} FROM persons WHERE mobile_phone = ?1 LIMIT 50"
                ),
                vec![phone as &dyn ToSql],
            ),
            PersonMatch::NameAtCompany(company, name) => (
                format!(
                    "SELECT {PERSON_COLUMNS} FROM persons WHERE company_id = ?1 AND name = ?2 LIMIT 50"
                ),
                vec![company as &dyn ToSql, name as &dyn ToSql],
            ),
        };
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(args.as_slice(), person_from_row)?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn ledger_size(&mut self) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT (SELECT count(*) FROM companies) + (SELECT count(*) FROM persons)",
            )?
            .query_row([], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }

    fn database_id(&mut self) -> Result<String> {
        // A file whose row was removed outside the library has no identity to check.
        let id: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'database_id'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(id.unwrap_or_default())
    }

    fn change_log_head(&mut self) -> Result<i64> {
        let head: Option<i64> = self
            .conn
            .prepare_cached("SELECT max(seq) FROM change_log")?
            .query_row([], |r| r.get(0))?;
        Ok(head.unwrap_or(0))
    }

    fn change_log_floor(&mut self) -> Result<i64> {
        let floor: Option<String> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'change_log_floor'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        Ok(floor.and_then(|f| f.parse().ok()).unwrap_or(0))
    }

    fn changes_since(&mut self, after: i64, limit: u32) -> Result<Vec<IndexChange>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, entity, record_id FROM change_log WHERE seq > ? ORDER BY seq LIMIT ?",
        )?;
        let rows = stmt.query_map([after, i64::from(limit)], |r| {
            let entity: String = r.get(1)?;
            Ok(IndexChange {
                seq: r.get(0)?,
                entity: if entity == "company" {
                    Entity::Company
                } else {
                    Entity::Person
                },
                id: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    fn change_count_since(&mut self, after: i64) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM change_log WHERE seq > ?")?
            .query_row([after], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    }
}

impl WriteTx for SqliteTx<'_> {
    fn insert_user(&mut self, user: &User) -> Result<()> {
        self.insert(INSERT_USER, |run| user_params(user, 0, run))
    }

    fn update_user(&mut self, user: &User, expected_version: i64) -> Result<()> {
        self.update(
            UPDATE_USER,
            Entity::User,
            "users",
            user.id.to_string(),
            expected_version,
            |run| user_params(user, expected_version, run),
        )
    }

    fn insert_company(&mut self, company: &Company) -> Result<()> {
        self.insert(INSERT_COMPANY, |run| company_params(company, 0, run))
    }

    fn update_company(&mut self, company: &Company, expected_version: i64) -> Result<()> {
        self.update(
            UPDATE_COMPANY,
            Entity::Company,
            "companies",
            company.id.to_string(),
            expected_version,
            |run| company_params(company, expected_version, run),
        )
    }

    fn insert_person(&mut self, person: &Person) -> Result<()> {
        self.insert(INSERT_PERSON, |run| person_params(person, 0, run))
    }

    fn update_person(&mut self, person: &Person, expected_version: i64) -> Result<()> {
        self.update(
            UPDATE_PERSON,
            Entity::Person,
            "persons",
            person.id.to_string(),
            expected_version,
            |run| person_params(person, expected_version, run),
        )
    }

    fn set_index_cursor(&mut self, index_id: &str, seq: i64, now: Timestamp) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO index_cursors (index_id, seq, seen_at) VALUES (?1, ?2, ?3) \
                 ON CONFLICT (index_id) DO UPDATE SET seq = ?2, seen_at = ?3",
            )?
            .execute(params![index_id, seq, format_timestamp(&now)])?;
        Ok(())
    }

    fn forget_index_cursor(&mut self, index_id: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM index_cursors WHERE index_id = ?")?
            .execute([index_id])?;
        Ok(())
    }

    fn prune_change_log(&mut self, seen_since: Timestamp) -> Result<i64> {
        let lowest: Option<i64> = self
            .conn
            .prepare_cached("SELECT min(seq) FROM index_cursors WHERE seen_at >= ?")?
            .query_row([format_timestamp(&seen_since)], |r| r.get(0))?;
        let floor = self.change_log_floor()?;
        let Some(lowest) = lowest.filter(|l| *l > floor) else {
            return Ok(floor);
        };
        // The newest change stays, so that the next seq is never one used before.
        self.conn
            .prepare_cached(
                "DELETE FROM change_log WHERE seq <= ?1 AND seq < (SELECT max(seq) FROM change_log)",
            )?
            .execute([lowest])?;
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('change_log_floor', ?1) \
                 ON CONFLICT (key) DO UPDATE SET value = ?1",
            )?
            .execute([lowest.to_string()])?;
        Ok(lowest)
    }
}
