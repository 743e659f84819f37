//! [`ReadTx`] and [`WriteTx`] on an open PostgreSQL transaction: users, the ledger, the
//! change log; the helpers the other parts share.

use std::collections::HashMap;

use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};

use super::pg_error;
use super::values::*;
use crate::error::{Entity, Error, Result};
use crate::model::{Company, CompanyId, ListQuery, Person, PersonId, Timestamp, User, UserId};
use crate::store::{IndexChange, PersonMatch, ReadTx, WriteTx};

/// A parameter to bind.
pub(super) type Param<'a> = &'a (dyn ToSql + Sync);

/// Borrows a transaction the store has begun, and its connection's statement cache.
pub(super) struct PgTx<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    statements: &'t mut HashMap<String, Statement>,
}

impl<'t, 'c> PgTx<'t, 'c> {
    pub(super) fn new(
        tx: &'t mut Transaction<'c>,
        statements: &'t mut HashMap<String, Statement>,
    ) -> Self {
        PgTx { tx, statements }
    }

    /// The statement for `sql`, prepared once per connection.
    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql).map_err(pg_error)?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }

    pub(super) fn query(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Vec<Row>> {
        let s = self.statement(sql)?;
        self.tx.query(&s, params).map_err(pg_error)
    }

    pub(super) fn query_opt(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Option<Row>> {
        let s = self.statement(sql)?;
        self.tx.query_opt(&s, params).map_err(pg_error)
    }

    pub(super) fn query_one(&mut self, sql: &str, params: &[Param<'_>]) -> Result<Row> {
        let s = self.statement(sql)?;
        self.tx.query_one(&s, params).map_err(pg_error)
    }

    pub(super) fn execute(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let s = self.statement(sql)?;
        self.tx.execute(&s, params).map_err(pg_error)
    }

    /// Like [`PgTx::execute`], but a foreign-key refusal is answered as `None` (the
    /// caller runs it inside a savepoint to go on after it).
    pub(super) fn execute_unless_referenced(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
    ) -> Result<Option<u64>> {
        let s = self.statement(sql)?;
        match self.tx.execute(&s, params) {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.code() == Some(&postgres::error::SqlState::FOREIGN_KEY_VIOLATION) => {
                Ok(None)
            }
            Err(e) => Err(pg_error(e)),
        }
    }

    /// Runs statements without parameters (savepoints).
    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        self.tx.batch_execute(sql).map_err(pg_error)
    }

    /// Records read with `from`.
    pub(super) fn records<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        from: fn(&Row) -> Result<T, String>,
    ) -> Result<Vec<T>> {
        self.query(sql, params)?
            .iter()
            .map(|r| read(r, from))
            .collect()
    }

    /// One record read with `from`, if there is one.
    pub(super) fn record<T>(
        &mut self,
        sql: &str,
        params: &[Param<'_>],
        from: fn(&Row) -> Result<T, String>,
    ) -> Result<Option<T>> {
        self.query_opt(sql, params)?
            .map(|r| read(&r, from))
            .transpose()
    }

    /// Portals let two result sets stream at once on one connection (a deal scan
    /// merges deals with their lines).
    pub(super) fn portal(&mut self, sql: &str, params: &[Param<'_>]) -> Result<postgres::Portal> {
        let s = self.statement(sql)?;
        self.tx.bind(&s, params).map_err(pg_error)
    }

    pub(super) fn fetch(&mut self, portal: &postgres::Portal, rows: i32) -> Result<Vec<Row>> {
        self.tx.query_portal(portal, rows).map_err(pg_error)
    }

    pub(super) fn insert(&mut self, table: &str, values: Values) -> Result<()> {
        let sql = insert_sql(table, &values);
        let params: Vec<Param<'_>> = values
            .iter()
            .map(|(_, v)| v.as_ref() as Param<'_>)
            .collect();
        self.execute(&sql, &params)?;
        Ok(())
    }

    /// A versioned update; no row changed means a stale version or a missing record.
    pub(super) fn update(
        &mut self,
        table: &str,
        entity: Entity,
        id: String,
        values: Values,
        expected: i64,
    ) -> Result<()> {
        let (sql, binds) = update_sql(table, values, expected);
        let params: Vec<Param<'_>> = binds.iter().map(|v| v.as_ref() as Param<'_>).collect();
        if self.execute(&sql, &params)? == 1 {
            return Ok(());
        }
        let actual: Option<i64> = self
            .query_opt(
                &format!("SELECT version FROM {table} WHERE id = ($1::text)::uuid"),
                &[&id],
            )?
            .map(|r| r.get(0));
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

    /// A list in (sort key, id) order with the keyset cursor and the archive filter;
    /// `scope` restricts to one value of a column.
    fn list<T>(
        &mut self,
        table: &str,
        columns: &str,
        scope: Option<(&str, &CompanyId)>,
        query: &ListQuery,
        from: fn(&Row) -> Result<T, String>,
    ) -> Result<Vec<T>> {
        let mut sql = format!("SELECT {columns} FROM {table} WHERE true");
        let mut params: Vec<Param<'_>> = Vec::with_capacity(4);
        if let Some((column, value)) = &scope {
            params.push(*value);
            sql.push_str(&format!(" AND {column} = ${}", params.len()));
        }
        if !query.include_archived {
            sql.push_str(" AND NOT archived");
        }
        let limit = i64::from(query.limit);
        keyset_page(&mut sql, &mut params, &query.after, &limit);
        self.records(&sql, &params, from)
    }

    fn count(&mut self, sql: &str, params: &[Param<'_>]) -> Result<u64> {
        let n: i64 = self.query_one(sql, params)?.get(0);
        Ok(n.max(0) as u64)
    }
}

fn change_from_row(row: &Row) -> Result<IndexChange, String> {
    let entity: &str = row.try_get(1).map_err(|e| e.to_string())?;
    Ok(IndexChange {
        seq: row.try_get(0).map_err(|e| e.to_string())?,
        entity: if entity == "company" {
            Entity::Company
        } else {
            Entity::Person
        },
        id: row.try_get(2).map_err(|e| e.to_string())?,
    })
}

impl ReadTx for PgTx<'_, '_> {
    fn user_count(&mut self) -> Result<u64> {
        self.count("SELECT count(*) FROM users", &[])
    }

    fn get_user(&mut self, id: UserId) -> Result<Option<User>> {
        self.record(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"),
            &[&id],
            user_from_row,
        )
    }

    fn find_user_by_email(&mut self, email: &str) -> Result<Option<User>> {
        self.record(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE email = $1"),
            &[&email],
            user_from_row,
        )
    }

    fn list_users(&mut self) -> Result<Vec<User>> {
        self.records(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY name, id"),
            &[],
            user_from_row,
        )
    }

    fn get_company(&mut self, id: CompanyId) -> Result<Option<Company>> {
        self.record(
            &format!("SELECT {COMPANY_COLUMNS} FROM companies WHERE id = $1"),
            &[&id],
            company_from_row,
        )
    }

    fn list_companies(&mut self, query: &ListQuery) -> Result<Vec<Company>> {
        self.list("companies", COMPANY_COLUMNS, None, query, company_from_row)
    }

    fn company_ids_by_name(&mut self, name: &str) -> Result<Vec<CompanyId>> {
        Ok(self
            .query(
                "SELECT id FROM companies WHERE name = $1 AND NOT archived ORDER BY id LIMIT 2",
                &[&name],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn get_person(&mut self, id: PersonId) -> Result<Option<Person>> {
        self.record(
            &format!("SELECT {PERSON_COLUMNS} FROM persons WHERE id = $1"),
            &[&id],
            person_from_row,
        )
    }

    fn list_persons(
        &mut self,
        company: Option<CompanyId>,
        query: &ListQuery,
    ) -> Result<Vec<Person>> {
        let scope = company.as_ref().map(|c| ("company_id", c));
        self.list("persons", PERSON_COLUMNS, scope, query, person_from_row)
    }

    fn find_persons(&mut self, by: PersonMatch<'_>) -> Result<Vec<Person>> {
        match by {
            PersonMatch::Email(email) => self.records(
                &format!(
                    "SELECT {PERSON_COLUMNS} FROM persons WHERE lower(email) = lower($1) LIMIT 50"
                ),
                &[&email],
                person_from_row,
            ),
            PersonMatch::Phone(phone) => self.records(
                &format!(
                    "SELECT {PERSON_COLUMNS} FROM persons WHERE office_phone = $1 \
                     UNION SELECT {PERSON_COLUMNS} FROM persons WHERE mobile_phone = $1 LIMIT 50"
                ),
                &[&phone],
                person_from_row,
            ),
            PersonMatch::NameAtCompany(company, name) => self.records(
                &format!(
                    "SELECT {PERSON_COLUMNS} FROM persons WHERE company_id = $1 AND name = $2 LIMIT 50"
                ),
                &[&company, &name],
                person_from_row,
            ),
        }
    }

    fn ledger_size(&mut self) -> Result<u64> {
        self.count(
            "SELECT (SELECT count(*) FROM companies) + (SELECT count(*) FROM persons)",
            &[],
        )
    }

    fn database_id(&mut self) -> Result<String> {
        Ok(self
            .query_opt("SELECT value FROM meta WHERE key = 'database_id'", &[])?
            .map(|r| r.get(0))
            .unwrap_or_default())
    }

    fn change_log_head(&mut self) -> Result<i64> {
        let head: Option<i64> = self
            .query_one("SELECT max(seq) FROM change_log", &[])?
            .get(0);
        Ok(head.unwrap_or(0))
    }

    fn change_log_floor(&mut self) -> Result<i64> {
        Ok(self
            .query_opt("SELECT value FROM meta WHERE key = 'change_log_floor'", &[])?
            .and_then(|r| r.get::<_, String>(0).parse().ok())
            .unwrap_or(0))
    }

    fn changes_since(&mut self, after: i64, limit: u32) -> Result<Vec<IndexChange>> {
        self.records(
            "SELECT seq, entity, record_id FROM change_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            &[&after, &i64::from(limit)],
            change_from_row,
        )
    }

    fn change_count_since(&mut self, after: i64) -> Result<u64> {
        self.count("SELECT count(*) FROM change_log WHERE seq > $1", &[&after])
    }
}

impl WriteTx for PgTx<'_, '_> {
    fn insert_user(&mut self, user: &User) -> Result<()> {
        self.insert("users", user_values(user))
    }

    fn update_user(&mut self, user: &User, expected_version: i64) -> Result<()> {
        self.update(
            "users",
            Entity::User,
            user.id.to_string(),
            user_values(user),
            expected_version,
        )
    }

    fn insert_company(&mut self, company: &Company) -> Result<()> {
        self.insert("companies", company_values(company))
    }

    fn update_company(&mut self, company: &Company, expected_version: i64) -> Result<()> {
        self.update(
            "companies",
            Entity::Company,
            company.id.to_string(),
            company_values(company),
            expected_version,
        )
    }

    fn insert_person(&mut self, person: &Person) -> Result<()> {
        self.insert("persons", person_values(person))
    }

    fn update_person(&mut self, person: &Person, expected_version: i64) -> Result<()> {
        self.update(
            "persons",
            Entity::Person,
            person.id.to_string(),
            person_values(person),
            expected_version,
        )
    }

    fn set_index_cursor(&mut self, index_id: &str, seq: i64, now: Timestamp) -> Result<()> {
        self.execute(
            "INSERT INTO index_cursors (index_id, seq, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (index_id) DO UPDATE SET seq = $2, seen_at = $3",
            &[&index_id, &seq, &now],
        )?;
        Ok(())
    }

    fn forget_index_cursor(&mut self, index_id: &str) -> Result<()> {
        self.execute(
            "DELETE FROM index_cursors WHERE index_id = $1",
            &[&index_id],
        )?;
        Ok(())
    }

    fn prune_change_log(&mut self, seen_since: Timestamp) -> Result<i64> {
        let lowest: Option<i64> = self
            .query_one(
                "SELECT min(seq) FROM index_cursors WHERE seen_at >= $1",
                &[&seen_since],
            )?
            .get(0);
        let floor = self.change_log_floor()?;
        let Some(lowest) = lowest.filter(|l| *l > floor) else {
            return Ok(floor);
        };
        // The newest change stays, as on every store.
        self.execute(
            "DELETE FROM change_log WHERE seq <= $1 AND seq < (SELECT max(seq) FROM change_log)",
            &[&lowest],
        )?;
        self.execute(
            "INSERT INTO meta (key, value) VALUES ('change_log_floor', $1) \
             ON CONFLICT (key) DO UPDATE SET value = $1",
            &[&lowest.to_string()],
        )?;
        Ok(lowest)
    }
}

/// Ends a list query with its page: records after the keyset cursor `after` (sort key,
/// id), in (sort key, id) order, `limit` of them.
pub(super) fn keyset_page<'a>(
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
    after: &'a Option<(String, String)>,
    limit: &'a i64,
) {
    if let Some((sort_key, id)) = after {
        params.push(sort_key);
        params.push(id);
        sql.push_str(&format!(
            " AND (sort_key, id) > (${}, (${}::text)::uuid)",
            params.len() - 1,
            params.len()
        ));
    }
    params.push(limit);
    sql.push_str(&format!(" ORDER BY sort_key, id LIMIT ${}", params.len()));
}
