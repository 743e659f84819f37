//! Bearer tokens: random, shown once, stored as their SHA-256 in the `sfa_server`
//! schema of the tenants' database. A token names a tenant and a user id (never an
//! e-mail address, which members may change).

use std::sync::Mutex;

use postgres::{Client, NoTls};
use sha2::{Digest, Sha256};

/// The schema holding the server's own tables (no tenant may take its name).
const SCHEMA: &str = "sfa_server";

/// What a token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// The tenant (schema) the user belongs to.
    pub tenant: String,
    /// The user the requests act as.
    pub user: sfa_core::UserId,
}

/// The token table, through one connection (reopened when it breaks).
pub struct Tokens {
    url: String,
    client: Mutex<Option<Client>>,
}

/// A tenant name a token may name.
pub fn check_tenant_name(tenant: &str) -> Result<&str, String> {
    if tenant == SCHEMA {
        return Err(format!("{SCHEMA} is the server's own schema, not a tenant"));
    }
    Ok(tenant)
}

fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Tokens {
    /// Connects and creates the table when missing.
    pub fn connect(url: &str) -> Result<Tokens, postgres::Error> {
        let mut client = Client::connect(url, NoTls)?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&SCHEMA])?;
        tx.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {SCHEMA};
             CREATE TABLE IF NOT EXISTS {SCHEMA}.tokens (
                 hash        text PRIMARY KEY,
                 tenant      text NOT NULL,
                 user_id     uuid NOT NULL,
                 created_at  timestamptz NOT NULL DEFAULT now()
             );"
        ))?;
        tx.commit()?;
        Ok(Tokens {
            url: url.to_string(),
            client: Mutex::new(Some(client)),
        })
    }

    /// Runs `f` on the connection, reconnecting once when it is broken.
    fn with_client<T>(
        &self,
        f: impl Fn(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, postgres::Error> {
        let mut guard = self
            .client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(client) = guard.as_mut().filter(|c| !c.is_closed()) {
            match f(client) {
                Err(e) if e.is_closed() => {}
                other => return other,
            }
        }
        let mut client = Client::connect(&self.url, NoTls)?;
        let out = f(&mut client);
        *guard = Some(client);
        out
    }

    /// Makes a token for `user` of `tenant`; returns it (the only time it is seen).
    pub fn create(&self, tenant: &str, user: sfa_core::UserId) -> Result<String, String> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).map_err(|e| e.to_string())?;
        let token = format!(
            "sfa_{}",
            secret
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        );
        let digest = hash(&token);
        let user = user.as_uuid();
        self.with_client(|c| {
            c.execute(
                &format!("INSERT INTO {SCHEMA}.tokens (hash, tenant, user_id) VALUES ($1, $2, $3)"),
                &[&digest, &tenant, &user],
            )
        })
        .map_err(|e| e.to_string())?;
        Ok(token)
    }

    /// Revokes a token (a lost device); returns whether it existed.
    pub fn revoke(&self, token: &str) -> Result<bool, postgres::Error> {
        let digest = hash(token);
        let deleted = self.with_client(|c| {
            c.execute(
                &format!("DELETE FROM {SCHEMA}.tokens WHERE hash = $1"),
                &[&digest],
            )
        })?;
        Ok(deleted > 0)
    }

    /// Whom a token stands for, if anyone.
    pub fn holder(&self, token: &str) -> Result<Option<Holder>, postgres::Error> {
        let digest = hash(token);
        let row = self.with_client(|c| {
            c.query_opt(
                &format!("SELECT tenant, user_id FROM {SCHEMA}.tokens WHERE hash = $1"),
                &[&digest],
            )
        })?;
        Ok(row.map(|r| Holder {
            tenant: r.get(0),
            user: sfa_core::UserId::from(r.get::<_, uuid::Uuid>(1)),
        }))
    }

    /// Whether the database answers.
    pub fn healthy(&self) -> bool {
        self.with_client(|c| c.simple_query("SELECT 1").map(drop))
            .is_ok()
    }
}
