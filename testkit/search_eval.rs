//! The relevance evaluator behind `examples/search_eval.rs` and the relevance test.
//!
//! Fixture format (JSON; optional fields may be missing):
//! `{"companies":[{"key","name","reading","address","phone","website"}],
//!   "persons":[{"key","company_key","name","reading","department","title","email","phone"}],
//!   "queries":[{"category","query","scope":"companies|persons|all","expect":["key",...]}],
//!   "crowd":{"persons":N,"seed":S}}`
//!
//! A query passes when one of its `expect` keys is among the top 3 hits.
//!
//! `crowd` adds N generated distractor persons (not committed: generated here from the
//! seed) whose family names are the 20 commonest in Japan, at generated companies, in
//! the usual departments and titles: thousands of 佐藤, 鈴木 and 高橋 around the
//! fixture's own. No distractor has the full name of a fixture person, so every
//! query keeps one right answer.

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
    /// Distractors to generate around the fixture's records.
    #[serde(default)]
    pub crowd: Option<Crowd>,
}

/// How many distractor persons to generate, and from which seed.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Crowd {
    /// Persons.
    pub persons: usize,
    /// The generator's seed.
    pub seed: u64,
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
    if let Some(crowd) = fixture.crowd {
        add_crowd(&me, fixture, crowd)?;
    }
    sfa.catch_up_search_index(&mut |_, _| {})
        .map_err(|e| e.to_string())?;
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

/// The 20 commonest family names (written form, reading).
const COMMON_FAMILY: &[(&str, &str)] = &[
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("斎藤", "サイトウ"),
    ("清水", "シミズ"),
];

const CROWD_GIVEN: &[(&str, &str)] = &[
    ("太郎", "タロウ"),
    ("一郎", "イチロウ"),
    ("次郎", "ジロウ"),
    ("健太", "ケンタ"),
    ("翔太", "ショウタ"),
    ("大輔", "ダイスケ"),
    ("直樹", "ナオキ"),
    ("花子", "ハナコ"),
    ("美咲", "ミサキ"),
    ("陽子", "ヨウコ"),
    ("恵", "メグミ"),
    ("由美", "ユミ"),
    ("誠", "マコト"),
    ("拓也", "タクヤ"),
    ("裕子", "ユウコ"),
    ("真理子", "マリコ"),
    ("健一", "ケンイチ"),
    ("和也", "カズヤ"),
    ("彩", "アヤ"),
    ("聡", "サトシ"),
    ("浩", "ヒロシ"),
    ("明美", "アケミ"),
    ("隆", "タカシ"),
    ("智子", "トモコ"),
    ("修", "オサム"),
    ("久美子", "クミコ"),
    ("勇気", "ユウキ"),
    ("麻衣", "マイ"),
    ("剛", "ツヨシ"),
    ("千尋", "チヒロ"),
];

const CROWD_COMPANY: &[&str] = &[
    "朝日",
    "平和",
    "中央",
    "新星",
    "太平洋",
    "関東",
    "東邦",
    "三和",
    "旭",
    "明治",
    "大同",
    "日進",
    "共栄",
    "第一",
    "丸善",
    "白鳥",
    "千代田",
    "常盤",
    "若葉",
    "瑞穂",
];

const CROWD_CORE: &[&str] = &[
    "工業", "商事", "電機", "物産", "建設", "化学", "食品", "印刷", "運輸", "産業",
];

const CROWD_BRANCH: &[&str] = &[
    "",
    "販売",
    "技研",
    "サービス",
    "ホールディングス",
    "エンジニアリング",
    "興業",
    "製作所",
];

const CROWD_DEPARTMENTS: &[&str] = &[
    "営業部",
    "総務部",
    "購買部",
    "情報システム部",
    "経営企画室",
    "製造部",
    "人事部",
    "経理部",
    "技術部",
    "営業企画部",
];

const CROWD_TITLES: &[&str] = &[
    "部長",
    "課長",
    "係長",
    "主任",
    "担当",
    "取締役",
    "室長",
    "マネージャー",
    "次長",
];

/// Adds the crowd: `crowd.persons` persons at `persons / 20` generated companies,
/// through one CSV import (as a team would load a ledger).
fn add_crowd(me: &Session, fixture: &Fixture, crowd: Crowd) -> Result<(), String> {
    let fold = |s: &str| sfa_core::search::normalize_for_search(s).replace(' ', "");
    let taken: std::collections::HashSet<String> =
        fixture.persons.iter().map(|p| fold(&p.name)).collect();
    let mut rng = crate::Rng::new(crowd.seed);
    let companies = (crowd.persons / 20).max(1);
    let mut csv = String::from("会社名,フリガナ,住所,電話番号\n");
    let mut names: Vec<String> = Vec::with_capacity(companies);
    while names.len() < companies {
        let name = format!(
            "株式会社{}{}{}",
            rng.pick(CROWD_COMPANY),
            rng.pick(CROWD_CORE),
            rng.pick(CROWD_BRANCH)
        );
        if names.contains(&name) {
            continue;
        }
        csv.push_str(&format!(
            "{name},,東京都大田区蒲田{}-{}-{},03-{:04}-{:04}\n",
            1 + rng.below(5),
            1 + rng.below(20),
            1 + rng.below(30),
            1000 + rng.below(9000),
            rng.below(10_000)
        ));
        names.push(name);
    }
    me.import_companies_csv(csv.as_bytes(), &sfa_core::ImportOptions::default())
        .map_err(|e| format!("crowd companies: {e}"))?;
    let mut csv = String::from("会社名,氏名,フリガナ,部署,役職\n");
    let mut added = 0;
    while added < crowd.persons {
        let &(family, family_kana) = rng.pick(COMMON_FAMILY);
        let &(given, given_kana) = rng.pick(CROWD_GIVEN);
        let name = format!("{family} {given}");
        if taken.contains(&fold(&name)) {
            continue;
        }
        csv.push_str(&format!(
            "{},{name},{family_kana} {given_kana},{},{}\n",
            rng.pick(&names),
            rng.pick(CROWD_DEPARTMENTS),
            rng.pick(CROWD_TITLES)
        ));
        added += 1;
    }
    me.import_persons_csv(csv.as_bytes(), &sfa_core::ImportOptions::default())
        .map_err(|e| format!("crowd persons: {e}"))?;
    Ok(())
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
