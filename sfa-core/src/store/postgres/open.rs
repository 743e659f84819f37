//! Opening a tenant of a PostgreSQL database as an [`Sfa`]: the team server's way in.

use std::sync::Arc;

use super::{PostgresOptions, PostgresStore};
use crate::error::Result;
use crate::search::SearchIndex;
use crate::workflow::Sfa;

impl Sfa {
    /// Opens the tenant `tenant` (one PostgreSQL schema, created and migrated when
    /// needed) of the database at `url` (a libpq connection string), with a search
    /// index in this process's memory that is built from the tenant's data now and
    /// follows its change log before every search (so every process serving the
    /// tenant sees every write). See [`PostgresStore::open`] for the errors.
    pub fn open_postgres(url: &str, tenant: &str) -> Result<Sfa> {
        Sfa::open_postgres_with(url, tenant, PostgresOptions::default())
    }

    /// [`Sfa::open_postgres`] with the pool size and timeouts given.
    pub fn open_postgres_with(url: &str, tenant: &str, options: PostgresOptions) -> Result<Sfa> {
        let store = Arc::new(PostgresStore::open(url, tenant, options)?);
        Sfa::with_store_and_index(store, SearchIndex::open_in_memory()?, true)
    }
}
