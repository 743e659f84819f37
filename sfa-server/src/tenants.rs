//! The tenants this server has opened, each an [`Sfa`] on its PostgreSQL schema,
//! opened on first use and kept.

use std::collections::HashMap;
use std::sync::Mutex;

use sfa_core::Sfa;

/// Open tenants by name.
pub struct Tenants {
    url: String,
    open: Mutex<HashMap<String, Sfa>>,
}

impl Tenants {
    /// No tenant open yet.
    pub fn new(url: String) -> Tenants {
        Tenants {
            url,
            open: Mutex::new(HashMap::new()),
        }
    }

    /// The tenant's database, opened when first asked for (blocking).
    pub fn get(&self, tenant: &str) -> sfa_core::Result<Sfa> {
        let mut open = self
            .open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(sfa) = open.get(tenant) {
            return Ok(sfa.clone());
        }
        let sfa = Sfa::open_postgres(&self.url, tenant)?;
        open.insert(tenant.to_string(), sfa.clone());
        Ok(sfa)
    }
}
