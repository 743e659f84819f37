//! The relevance evaluator behind `examples/search_eval.rs` and the relevance test.
//!
//! Fixture format (JSON; optional fields may be missing):
//! `{"companies":[{"key","name","reading","address","phone","website"}],
//!   "persons":[{"key","company_key","name","reading","department","title","email","phone"}],
//!   "queries":[{"category","query","scope":"companies|persons|all","expect":["key",...]}]}`
//!
//! A query passes when one of its `expect` keys is among the top 3 hits.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use sfa_core::{CompanyInput, PersonInput, SearchRequest, SearchScope, Session, Sfa, UserInput};

/// A company of the fixture.
#[derive(Debug, Deserialize)]
pub struct FixtureCompany {
    /// The key queries expect.
    pub key: String,
    /// Name (required).
    pub name: String,
    /// Kana reading.
    pub reading: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Website.
    pub website: Option<String>,
}

/// A person of the fixture.
#[derive(Debug, Deserialize)]
pub struct FixturePerson {
    /// The key queries expect.
    pub key: String,
    /// The key of their company.
    pub company_key: String,
    /// Name (required).
    pub name: String,
    /// Kana reading.
    pub reading: Option<String>,
    /// Department.
    pub department: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Phone (office).
    pub phone: Option<String>,
}

/// One query and the keys that count as a right answer.
#[derive(Debug, Deserialize)]
pub struct FixtureQuery {
    /// The category it tests (reported separately).
    pub category: String,
    /// What the user types.
    pub query: String,
    /// `companies`, `persons` or `all` (default).
    #[serde(default)]
    pub scope: Option<String>,
    /// Keys any of which in the top 3 passes the query.
    pub expect: Vec<String>,
}

/// A whole fixture.
#[derive(Debug, Deserialize)]
pub struct Fixture {
    /// Companies.
    #[serde(default)]
    pub companies: Vec<FixtureCompany>,
    /// Persons.
    #[serde(default)]
    pub persons: Vec<FixturePerson>,
    /// Queries.
    pub queries: Vec<FixtureQuery>,
}

/// The outcome of one query.
#[derive(Debug, Clone)]
pub struct QueryResult {
    /// The query's category.
    pub category: String,
    /// The query text.
    pub query: String,
    /// The 1-based rank of the first expected key, if it was found in the top 20.
    pub rank: Option<usize>,
    /// The keys of the top 3 hits.
    pub top: Vec<String>,
    /// Their scores.
    pub top_scores: Vec<f32>,
}

impl QueryResult {
    /// True when an expected key is among the top 3 hits (the pass mark).
    pub fn in_top3(&self) -> bool {
        self.rank.is_some_and(|k| k <= 3)
    }
}

/// Per-category and overall figures.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// (category, queries, top-3 hits, MRR) per category, sorted by name.
    pub categories: Vec<(String, usize, usize, f64)>,
    /// Share of queries with an expected key in the top 3.
    pub top3: f64,
    /// Mean reciprocal rank (over the top 20).
    pub mrr: f64,
}

/// Loads the fixture into a fresh in-memory database and runs every query.
pub fn evaluate(fixture: &Fixture) -> Result<Vec<QueryResult>, String> {
    let sfa = Sfa::open_in_memory().map_err(|e| e.to_string())?;
    let admin = sfa
        .create_first_admin(&UserInput::admin("評価 管理者", "eval@example.jp"))
        .map_err(|e| e.to_string())?;
    let me = sfa.session(admin.id).map_err(|e| e.to_string())?;
    let keys = load(&me, fixture)?;
    let mut results = Vec::with_capacity(fixture.queries.len());
    for q in &fixture.queries {
        let scope = match q.scope.as_deref() {
            Some("companies") => SearchScope::Companies,
            Some("persons") => SearchScope::Persons,
            _ => SearchScope::All,
        };
        let request = SearchRequest {
            limit: 20,
            ..SearchRequest::new(q.query.clone()).scope(scope)
        };
        let hits = me.search(&request).map_err(|e| e.to_string())?;
        let hit_keys: Vec<String> = hits
            .iter()
            .map(|h| keys.get(&h.id).cloned().unwrap_or_else(|| h.id.clone()))
            .collect();
        let rank = hit_keys
            .iter()
            .position(|k| q.expect.contains(k))
            .map(|i| i + 1);
        results.push(QueryResult {
            category: q.category.clone(),
            query: q.query.clone(),
            rank,
            top: hit_keys.into_iter().take(3).collect(),
            top_scores: hits.iter().take(3).map(|h| h.score).collect(),
        });
    }
    Ok(results)
}

fn load(me: &Session, fixture: &Fixture) -> Result<HashMap<String, String>, String> {
    let mut keys = HashMap::new();
    let mut company_ids = HashMap::new();
    let companies: Vec<CompanyInput> = fixture
        .companies
        .iter()
        .map(|c| CompanyInput {
            name: c.name.clone(),
            name_reading: c.reading.clone(),
            address: c.address.clone(),
            phone: c.phone.clone(),
            website: c.website.clone(),
            ..CompanyInput::default()
        })
        .collect();
    let stored = me
        .add_companies(&companies)
        .map_err(|e| format!("fixture company rejected: {e}"))?;
    for (c, s) in fixture.companies.iter().zip(stored) {
        keys.insert(s.id.to_string(), c.key.clone());
        company_ids.insert(c.key.clone(), s.id);
    }
    for p in &fixture.persons {
        let company_id = *company_ids
            .get(&p.company_key)
            .ok_or_else(|| format!("person {} names an unknown company_key", p.key))?;
        let stored = me
            .add_person(&PersonInput {
                company_id,
                name: p.name.clone(),
                name_reading: p.reading.clone(),
                department: p.department.clone(),
                title: p.title.clone(),
                email: p.email.clone(),
                office_phone: p.phone.clone(),
                ..PersonInput::default()
            })
            .map_err(|e| format!("fixture person {} rejected: {e}", p.key))?;
        keys.insert(stored.id.to_string(), p.key.clone());
    }
    Ok(keys)
}

/// Top-3 rate and MRR, overall and per category.
pub fn summarize(results: &[QueryResult]) -> Summary {
    let mut by_category: BTreeMap<&str, (usize, usize, f64)> = BTreeMap::new();
    for r in results {
        let entry = by_category.entry(&r.category).or_default();
        entry.0 += 1;
        if r.in_top3() {
            entry.1 += 1;
        }
        entry.2 += r.rank.map_or(0.0, |k| 1.0 / k as f64);
    }
    let n = results.len().max(1) as f64;
    Summary {
        categories: by_category
            .into_iter()
            .map(|(c, (q, h, rr))| (c.to_string(), q, h, rr / q.max(1) as f64))
            .collect(),
        top3: results.iter().filter(|r| r.in_top3()).count() as f64 / n,
        mrr: results
            .iter()
            .map(|r| r.rank.map_or(0.0, |k| 1.0 / k as f64))
            .sum::<f64>()
            / n,
    }
}
