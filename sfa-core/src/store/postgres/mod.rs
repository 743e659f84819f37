//! The team server's store: PostgreSQL through the synchronous `postgres` client
//! (cargo feature `postgres`; never in the mobile library).
//!
//! One tenant (a sales organisation) is one PostgreSQL schema: every connection of a
//! [`PostgresStore`] sets its `search_path` to the tenant's schema, so the same SQL
//! serves every tenant and a tenant's data moves as one (Citus can distribute such
//! schemas over nodes: see the README). The schema is created and migrated on open
//! (numbered files in `migrations/`, under an advisory lock, so processes opening at
//! once migrate once).
//!
//! Reads run in `REPEATABLE READ READ ONLY` transactions (one snapshot); every write
//! first locks the tenant's one `write_lock` row, so a tenant's writes are serialised:
//! a version check cannot race, a notification is claimed once, the first admin is made
//! once, and the change log's seq (taken inside the locked transaction) is commit
//! order, which a `bigserial` alone is not. Connections come from a small pool; each
//! has a statement timeout and caches its prepared statements.

mod activity;
mod open;
mod sales;
mod sync;
mod teams;
mod tx;
mod values;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use postgres::{Client, Config, NoTls, Statement};

use super::{ReadTx, Store, WriteTx};
use crate::error::{Entity, Error, Reason, Result, StorageError, ValidationError};
use tx::PgTx;

/// The migrations in order; migration `n` (1-based) brings a tenant to version `n`.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/001_initial.sql"),
    include_str!("migrations/002_sync.sql"),
    include_str!("migrations/003_deal_sort.sql"),
];

/// How a [`PostgresStore`] connects.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// The most connections kept open (idle ones are reused; more are opened while
    /// calls run at once, and closed after).
    pub pool_size: usize,
    /// A statement running longer is cancelled ([`Error::Timeout`]).
    pub statement_timeout: Duration,
    /// How long opening a connection may take before the server counts as down
    /// ([`Error::Unavailable`]).
    pub connect_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            pool_size: 8,
            statement_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// A [`Store`] on one tenant (schema) of a PostgreSQL database.
pub struct PostgresStore {
    config: Config,
    tenant: String,
    options: PostgresOptions,
    idle: Mutex<Vec<Conn>>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresStore")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

/// A pooled connection and the statements prepared on it.
pub(super) struct Conn {
    client: Client,
    statements: HashMap<String, Statement>,
}

/// Tenant names are schema names: lower-case letters, digits and `_`, starting with a
/// letter, at most 63 bytes, and not one of PostgreSQL's own schemas.
fn check_tenant(tenant: &str) -> Result<()> {
    let ok = tenant.len() <= 63
        && tenant.starts_with(|c: char| c.is_ascii_lowercase())
        && tenant
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !tenant.starts_with("pg_")
        && !matches!(tenant, "public" | "information_schema");
    if ok {
        Ok(())
    } else {
        Err(ValidationError::single(Entity::Database, "tenant", Reason::NotAllowed).into())
    }
}

impl PostgresStore {
    /// Opens the tenant `tenant` (a schema, created when missing) of the database at
    /// `url` (a libpq connection string: `host=/run/postgresql dbname=sfa user=sfa`, or
    /// `postgresql://...`), migrating it to this build's schema. A server that cannot
    /// be reached is [`Error::Unavailable`]; a tenant name that cannot be a schema is a
    /// validation error on `tenant`; a tenant migrated by a newer build is
    /// [`Error::SchemaTooNew`].
    pub fn open(url: &str, tenant: &str, options: PostgresOptions) -> Result<PostgresStore> {
        check_tenant(tenant)?;
        let mut config = Config::from_str(url).map_err(|_| {
            Error::from(ValidationError::single(
                Entity::Database,
                "url",
                Reason::NotAllowed,
            ))
        })?;
        config.connect_timeout(options.connect_timeout);
        let store = PostgresStore {
            config,
            tenant: tenant.to_string(),
            options,
            idle: Mutex::new(Vec::new()),
        };
        let mut conn = store.connect()?;
        migrate(&mut conn.client, tenant)?;
        store.put(conn);
        Ok(store)
    }

    /// The tenant (schema) this store works in.
    pub fn tenant(&self) -> &str {
        &self.tenant
    }

    /// Removes a tenant and everything in it (tests and tenant deletion).
    pub fn drop_tenant(url: &str, tenant: &str) -> Result<()> {
        check_tenant(tenant)?;
        let mut client = Config::from_str(url)
            .map_err(|_| Error::Unavailable)?
            .connect(NoTls)
            .map_err(pg_error)?;
        client
            .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{tenant}\" CASCADE"))
            .map_err(pg_error)
    }

    /// A new connection in the tenant's schema (which `migrate` creates on open).
    fn connect(&self) -> Result<Conn> {
        let mut client = self.config.connect(NoTls).map_err(pg_error)?;
        let timeout = self.options.statement_timeout.as_millis();
        let schema = &self.tenant;
        let setup = format!("SET search_path TO \"{schema}\"; SET statement_timeout = {timeout}");
        client.batch_execute(&setup).map_err(pg_error)?;
        Ok(Conn {
            client,
            statements: HashMap::new(),
        })
    }

    fn take(&self) -> Result<Conn> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(conn) if !conn.client.is_closed() => Ok(conn),
            _ => self.connect(),
        }
    }

    /// Returns a connection to the pool (a broken one is dropped).
    fn put(&self, conn: Conn) {
        if conn.client.is_closed() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.options.pool_size {
            idle.push(conn);
        }
    }
}

/// Creates the tenant's schema when missing and brings it to the newest version, under
/// a transaction-scoped advisory lock so that processes opening at once create and
/// migrate it once (`CREATE SCHEMA IF NOT EXISTS` alone races: two creators can both
/// miss the schema and one then fails on the catalog's unique index).
fn migrate(client: &mut Client, tenant: &str) -> Result<()> {
    let mut tx = client.transaction().map_err(pg_error)?;
    tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&tenant])
        .map_err(pg_error)?;
    tx.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS \"{tenant}\"; SET search_path TO \"{tenant}\"; \
         CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)"
    ))
    .map_err(pg_error)?;
    let current: Option<i32> = tx
        .query_opt("SELECT version FROM schema_version", &[])
        .map_err(pg_error)?
        .map(|row| row.get(0));
    let current = i64::from(current.unwrap_or(0));
    let newest = MIGRATIONS.len() as i64;
    if current > newest {
        return Err(Error::SchemaTooNew {
            found: current,
            supported: newest,
        });
    }
    for sql in MIGRATIONS.iter().skip(current as usize) {
        tx.batch_execute(sql).map_err(pg_error)?;
    }
    if current != newest {
        tx.execute("DELETE FROM schema_version", &[])
            .map_err(pg_error)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&(newest as i32)],
        )
        .map_err(pg_error)?;
    }
    tx.commit().map_err(pg_error)
}

/// The store error for a client error: a connection that broke or a server out of
/// reach is [`Error::Unavailable`], a cancelled statement [`Error::Timeout`], a
/// serialisation failure or deadlock [`Error::Busy`]; the rest is opaque.
pub(super) fn pg_error(e: postgres::Error) -> Error {
    if e.is_closed() {
        return Error::Unavailable;
    }
    match e.code().map(|c| c.code()) {
        Some("57014") => Error::Timeout,
        Some("40001" | "40P01" | "55P03") => Error::Busy,
        Some(code) if code.starts_with("08") || code.starts_with("57P") => Error::Unavailable,
        Some(_) => Error::Storage(without_values(&e)),
        // No SQLSTATE: the connection itself failed (refused, reset, timed out).
        None if e.as_db_error().is_none() && is_connection_failure(&e) => Error::Unavailable,
        None => Error::Storage(StorageError::new(e)),
    }
}

/// A server error in words that carry no customer data: the server's message and its
/// DETAIL may quote values (a duplicate e-mail address, a malformed input), so only the
/// SQLSTATE and the names of the table, column and constraint are kept.
fn without_values(e: &postgres::Error) -> StorageError {
    let Some(db) = e.as_db_error() else {
        return StorageError::message("PostgreSQL error");
    };
    let mut text = format!("PostgreSQL error {}", db.code().code());
    for (what, name) in [
        ("table", db.table()),
        ("column", db.column()),
        ("constraint", db.constraint()),
    ] {
        if let Some(name) = name {
            text.push_str(&format!(", {what} {name}"));
        }
    }
    StorageError::message(text)
}

fn is_connection_failure(e: &postgres::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(s) = source {
        if s.downcast_ref::<std::io::Error>().is_some() {
            return true;
        }
        source = s.source();
    }
    // A connection attempt that timed out has no io source.
    let text = e.to_string();
    text.starts_with("error connecting") || text.contains("timed out")
}

impl Store for PostgresStore {
    fn read_tx(&self, f: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()> {
        let mut conn = self.take()?;
        let outcome = (|| {
            let Conn { client, statements } = &mut conn;
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .map_err(pg_error)?;
            f(&mut PgTx::new(&mut tx, statements))?;
            tx.commit().map_err(pg_error)
        })();
        self.put(conn);
        outcome
    }

    fn write_tx(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()> {
        let mut conn = self.take()?;
        let outcome = (|| {
            let Conn { client, statements } = &mut conn;
            let mut tx = client.transaction().map_err(pg_error)?;
            // Writes to a tenant run one at a time (see the module docs).
            tx.execute("SELECT id FROM write_lock WHERE id = 1 FOR UPDATE", &[])
                .map_err(pg_error)?;
            f(&mut PgTx::new(&mut tx, statements))?;
            #[cfg(feature = "fault-injection")]
            crate::fault::before_commit();
            tx.commit().map_err(pg_error)
        })();
        self.put(conn);
        outcome
    }
}

/// The connection string of the PostgreSQL database tests use (`SFA_TEST_POSTGRES`),
/// and a new tenant name in it for each test.
#[cfg(any(test, feature = "conformance"))]
pub mod testing {
    /// `SFA_TEST_POSTGRES`, when set.
    pub fn url() -> Option<String> {
        std::env::var("SFA_TEST_POSTGRES")
            .ok()
            .filter(|u| !u.is_empty())
    }

    /// A tenant name no other test uses.
    pub fn fresh_tenant() -> String {
        format!("t_{}", uuid::Uuid::now_v7().simple())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fresh() -> Box<dyn Store> {
        let url = testing::url().expect("SFA_TEST_POSTGRES");
        Box::new(
            PostgresStore::open(&url, &testing::fresh_tenant(), PostgresOptions::default())
                .expect("tenant"),
        )
    }

    fn pair() -> (Box<dyn Store>, Box<dyn Store>) {
        let url = testing::url().expect("SFA_TEST_POSTGRES");
        let tenant = testing::fresh_tenant();
        let a = PostgresStore::open(&url, &tenant, PostgresOptions::default()).expect("first");
        let b = PostgresStore::open(&url, &tenant, PostgresOptions::default()).expect("second");
        (Box::new(a), Box::new(b))
    }

    mod conformance {
        use super::*;
        crate::store_conformance_tests!(
            when: testing::url().is_some(),
            fresh: fresh(),
            pair: pair()
        );
    }

    #[test]
    fn tenant_names_must_be_schema_names() {
        for bad in [
            "",
            "Upper",
            "1st",
            "has-dash",
            "pg_catalog",
            "public",
            &"a".repeat(64),
        ] {
            let err = PostgresStore::open("host=/nonexistent", bad, PostgresOptions::default());
            assert!(matches!(err, Err(Error::Validation(_))), "{bad:?}: {err:?}");
        }
    }

    #[test]
    fn a_tenant_opened_by_many_at_once_is_created_once() {
        let Some(url) = testing::url() else {
            eprintln!("skipped: SFA_TEST_POSTGRES is not set");
            return;
        };
        // The race is narrow: open twenty fresh tenants, eight at once each.
        for _ in 0..20 {
            let tenant = testing::fresh_tenant();
            open_at_once(&url, &tenant, 8);
        }
    }

    fn open_at_once(url: &str, tenant: &str, n: usize) {
        let start = std::sync::Barrier::new(n);
        std::thread::scope(|s| {
            let opening: Vec<_> = (0..n)
                .map(|_| {
                    s.spawn(|| {
                        start.wait();
                        PostgresStore::open(url, tenant, PostgresOptions::default()).map(drop)
                    })
                })
                .collect();
            for o in opening {
                let opened = o.join().expect("no panic");
                assert!(opened.is_ok(), "{opened:?}");
            }
        });
    }

    #[test]
    fn server_errors_never_quote_the_values_they_refused() {
        let Some(url) = testing::url() else {
            eprintln!("skipped: SFA_TEST_POSTGRES is not set");
            return;
        };
        let store = PostgresStore::open(&url, &testing::fresh_tenant(), PostgresOptions::default())
            .expect("tenant");
        let store: &dyn Store = &store;
        let now = chrono::Utc::now();
        let user = |id| crate::model::User {
            id,
            name: "秘密 花子".into(),
            email: "secret.hanako@example.jp".into(),
            role: crate::Role::Admin,
            active: true,
            created_at: now,
            created_by: id,
            updated_at: now,
            updated_by: id,
            version: 1,
        };
        store
            .write(|tx| tx.insert_user(&user(crate::UserId::new())))
            .expect("first");
        // The same e-mail again, past the workflow's own check: the server refuses it.
        let err = store
            .write(|tx| tx.insert_user(&user(crate::UserId::new())))
            .expect_err("a duplicate e-mail");
        let text = err.to_string();
        assert!(text.contains("23505"), "{text}");
        assert!(!text.contains("secret") && !text.contains("秘密"), "{text}");
    }

    #[test]
    fn a_server_that_is_down_is_unavailable() {
        let dir = std::env::temp_dir().join(format!("sfa-no-pg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let url = format!("host={} user=postgres dbname=postgres", dir.display());
        let err = PostgresStore::open(
            &url,
            "acme",
            PostgresOptions {
                connect_timeout: Duration::from_secs(2),
                ..PostgresOptions::default()
            },
        );
        assert!(matches!(err, Err(Error::Unavailable)), "{err:?}");
    }
}
