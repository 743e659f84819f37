//! Search latency on a realistic ledger: 100k companies + 300k persons of seeded
//! synthetic Japanese data, a query mix of as-you-type prefixes, kana, romaji, typos,
//! addresses and phones; p50 / p99 per kind, side by side with the obvious baseline
//! (SQLite `LIKE '%q%'` over the same normalised columns, fetching every match as a
//! ranked answer needs) on the same data in the same run. Also the index build rate, its
//! size on disk and the peak memory of indexing, measured in a process of its own (the
//! bench runs itself again with `--index-only <database>`), as an app that opens the
//! imported database and indexes it would see it.
//!
//! Run: `cargo bench --bench search` (or `-- 20000` for a smaller ledger: companies,
//! with three persons each). With `SFA_SEARCH_BENCH_KEEP=1` the run keeps its
//! databases and index and says where; `-- --queries-only <that folder>` then times
//! the queries again on them (for trying a change to the queries without indexing
//! again).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};
use sfa_core::search::{index_dir_for, normalize_for_search};
use sfa_core::{CompanyId, ImportOptions, PageRequest, SearchRequest, Session, Sfa, UserInput};
use sfa_testkit::{Rng, SampleLedger, family_name_romaji};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--index-only") {
        index_only(Path::new(&args[at + 1]));
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--queries-only") {
        queries_only(Path::new(&args[at + 1]));
        return;
    }
    let companies: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let persons = companies * 3;
    let dir = std::env::temp_dir().join(format!("sfa-search-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("ledger.sqlite");
    println!("search: {companies} companies + {persons} persons");

    let ledger = SampleLedger::generate(7, companies, persons);
    let ids: Vec<CompanyId> = (0..companies).map(|_| CompanyId::new()).collect();
    let sfa = Sfa::open(&db).expect("open");
    let admin = sfa
        .create_first_admin(&UserInput::admin("ベンチ 管理者", "bench@example.jp"))
        .expect("admin");
    let me = sfa.session(admin.id).expect("session");
    let start = Instant::now();
    me.import_companies_csv(
        ledger.companies_csv(Some(&ids)).as_bytes(),
        &ImportOptions::default(),
    )
    .expect("import companies");
    me.import_persons_csv(
        ledger.persons_csv(Some(&ids)).as_bytes(),
        &ImportOptions::default(),
    )
    .expect("import persons");
    println!(
        "  CSV import (database only): {:.1} s",
        start.elapsed().as_secs_f64()
    );

    println!(
        "  peak memory so far (data generation + import): {}",
        sfa_testkit::peak_memory()
    );
    // The index is built by a process of its own, whose peak memory is the indexing's
    // alone (this one holds the generated ledger).
    let start = Instant::now();
    let child = std::process::Command::new(std::env::current_exe().expect("bench binary"))
        .arg("--index-only")
        .arg(&db)
        .output()
        .expect("indexing process");
    let build = start.elapsed();
    assert!(child.status.success(), "indexing failed: {child:?}");
    let report = String::from_utf8_lossy(&child.stdout);
    let records = companies + persons;
    println!(
        "  index build (own process: open, catch up, close): {records} records in {:.1} s = {:.0} records/s",
        build.as_secs_f64(),
        records as f64 / build.as_secs_f64()
    );
    for line in report.lines().filter(|l| l.starts_with("  ")) {
        println!("{line}");
    }
    assert_eq!(sfa.catch_up_search_index(&mut |_, _| {}).expect("index"), 0);
    println!(
        "  index size on disk: {:.1} MB",
        dir_size(&index_dir_for(&db)) as f64 / 1e6
    );

    let baseline = build_baseline(&dir.join("baseline.sqlite"), &me);
    time_queries(&me, &baseline);
    println!(
        "  peak memory (VmHWM) of the whole run: {}",
        sfa_testkit::peak_memory()
    );
    drop(me);
    drop(sfa);
    if std::env::var_os("SFA_SEARCH_BENCH_KEEP").is_some() {
        println!(
            "  kept {} (time the queries again: cargo bench --bench search -- --queries-only {0})",
            dir.display()
        );
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// Times the query mix on the database and baseline a kept run left in `dir`.
fn queries_only(dir: &Path) {
    let sfa = Sfa::open(dir.join("ledger.sqlite")).expect("open");
    let me = sfa.session_by_email("bench@example.jp").expect("session");
    let baseline = Connection::open(dir.join("baseline.sqlite")).expect("baseline db");
    println!("search: the queries again on {}", dir.display());
    time_queries(&me, &baseline);
}

/// Times our search and the baseline side by side over the query mix, by kind.
fn time_queries(me: &Session, baseline: &Connection) {
    let queries = query_mix(me, 42);
    // Warm both sides once so that neither pays for cold caches in the figures.
    for (_, q) in queries.iter().take(50) {
        search(me, q);
        like(baseline, q);
    }
    let mut ours: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut theirs: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let mut ratios = Vec::with_capacity(queries.len());
    for (kind, q) in &queries {
        let a = time(|| search(me, q));
        let b = time(|| like(baseline, q));
        ours.entry(kind).or_default().push(a);
        theirs.entry(kind).or_default().push(b);
        ratios.push(b.as_secs_f64() / a.as_secs_f64().max(1e-9));
    }
    println!(
        "  {:<14} {:>6} {:>10} {:>10} {:>12} {:>12}",
        "queries", "n", "p50 ms", "p99 ms", "LIKE p50 ms", "LIKE p99 ms"
    );
    let mut all_ours = Vec::new();
    let mut all_theirs = Vec::new();
    for (kind, times) in &ours {
        let base = &theirs[kind];
        println!(
            "  {kind:<14} {:>6} {:>10.3} {:>10.3} {:>12.3} {:>12.3}",
            times.len(),
            ms(pct(times, 50)),
            ms(pct(times, 99)),
            ms(pct(base, 50)),
            ms(pct(base, 99))
        );
        all_ours.extend(times);
        all_theirs.extend(base);
    }
    ratios.sort_by(f64::total_cmp);
    println!(
        "  {:<14} {:>6} {:>10.3} {:>10.3} {:>12.3} {:>12.3}",
        "all",
        all_ours.len(),
        ms(pct(&all_ours, 50)),
        ms(pct(&all_ours, 99)),
        ms(pct(&all_theirs, 50)),
        ms(pct(&all_theirs, 99))
    );
    println!(
        "  median speed-up over LIKE (per query): {:.0}x; p50 vs p50: {:.0}x (targets: p50 <= 2 ms, p99 <= 15 ms, >= 20x)",
        ratios[ratios.len() / 2],
        pct(&all_theirs, 50).as_secs_f64() / pct(&all_ours, 50).as_secs_f64()
    );
}

/// Opens the database, indexes every record and reports the peak memory of doing so.
fn index_only(db: &Path) {
    let watch = sfa_testkit::MemoryWatch::start();
    // Opening catches the index up with the database.
    let sfa = Sfa::open(db).expect("open");
    assert_eq!(sfa.pending_search_changes().expect("pending"), 0);
    drop(sfa);
    let split = watch.finish();
    println!(
        "  peak memory of the indexing process (VmHWM): {} ({split})",
        sfa_testkit::peak_memory()
    );
}

fn search(me: &Session, q: &str) -> usize {
    me.search(&SearchRequest::new(q)).expect("search").len()
}

fn time(f: impl FnOnce() -> usize) -> Duration {
    let start = Instant::now();
    std::hint::black_box(f());
    start.elapsed()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn pct(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) * p) / 100]
}

/// The baseline: one row per record with the same normalised text the index sees.
fn build_baseline(path: &Path, me: &Session) -> Connection {
    let mut conn = Connection::open(path).expect("baseline db");
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
         CREATE TABLE records (id TEXT, name TEXT, reading TEXT, detail TEXT, phone TEXT);",
    )
    .expect("schema");
    let tx = conn.transaction().expect("tx");
    {
        let mut insert = tx
            .prepare("INSERT INTO records VALUES (?1, ?2, ?3, ?4, ?5)")
            .expect("prepare");
        let mut names = std::collections::HashMap::new();
        let mut request = PageRequest::first(1000);
        loop {
            let page = me.list_companies(&request).expect("list");
            for c in &page.items {
                let detail = [&c.address, &c.website]
                    .iter()
                    .filter_map(|v| v.as_deref())
                    .collect::<Vec<_>>()
                    .join(" ");
                names.insert(
                    c.id,
                    (c.name.clone(), c.address.clone().unwrap_or_default()),
                );
                let phone = c.phone.clone().unwrap_or_default();
                insert
                    .execute(params![
                        c.id.to_string(),
                        normalize_for_search(&c.name),
                        normalize_for_search(c.name_reading.as_deref().unwrap_or("")),
                        normalize_for_search(&detail),
                        phone
                    ])
                    .expect("insert");
            }
            match page.next_cursor {
                Some(cursor) => request = request.after(cursor),
                None => break,
            }
        }
        let mut request = PageRequest::first(1000);
        loop {
            let page = me.list_persons(&request).expect("list");
            for p in &page.items {
                let (company, address) = names.get(&p.company_id).cloned().unwrap_or_default();
                let detail = [
                    p.department.as_deref(),
                    p.title.as_deref(),
                    p.email.as_deref(),
                    Some(company.as_str()),
                    Some(address.as_str()),
                ]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
                let phones = [&p.office_phone, &p.mobile_phone]
                    .iter()
                    .filter_map(|v| v.as_deref())
                    .collect::<Vec<_>>()
                    .join(" ");
                insert
                    .execute(params![
                        p.id.to_string(),
                        normalize_for_search(&p.name),
                        normalize_for_search(p.name_reading.as_deref().unwrap_or("")),
                        normalize_for_search(&detail),
                        phones
                    ])
                    .expect("insert");
            }
            match page.next_cursor {
                Some(cursor) => request = request.after(cursor),
                None => break,
            }
        }
    }
    tx.commit().expect("commit");
    conn
}

/// Every record whose normalised text contains the query: all candidates are needed,
/// since a ranked answer cannot stop at the first twenty rows it meets.
fn like(conn: &Connection, q: &str) -> usize {
    let needle = format!("%{}%", normalize_for_search(q).trim());
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM records WHERE name LIKE ?1 OR reading LIKE ?1 OR detail LIKE ?1 OR phone LIKE ?1",
        )
        .expect("prepare");
    stmt.query_map([needle], |r| r.get::<_, String>(0))
        .expect("query")
        .count()
}

/// The query mix, drawn from the stored records so that most queries have answers.
fn query_mix(me: &Session, seed: u64) -> Vec<(&'static str, String)> {
    let mut rng = Rng::new(seed);
    let companies = me
        .list_companies(&PageRequest::first(1000))
        .expect("list")
        .items;
    let persons = me
        .list_persons(&PageRequest::first(1000))
        .expect("list")
        .items;
    let mut out = Vec::new();
    for _ in 0..100 {
        let c = rng.pick(&companies).clone();
        let p = rng.pick(&persons).clone();
        let name: Vec<char> = c
            .name
            .replace("株式会社", "")
            .replace("有限会社", "")
            .replace("合同会社", "")
            .chars()
            .collect();
        let reading: Vec<char> = c.name_reading.clone().unwrap_or_default().chars().collect();
        // As-you-type: the first 1 to 4 characters of a name.
        let n = 1 + rng.below(4).min(name.len().saturating_sub(1));
        out.push(("prefix", name[..n].iter().collect()));
        // Kana: a reading prefix, in hiragana.
        let k = (3 + rng.below(4)).min(reading.len());
        out.push((
            "kana",
            reading[..k]
                .iter()
                .map(|&c| {
                    char::from_u32(c as u32 - 0x60)
                        .filter(|_| ('ァ'..='ヶ').contains(&c))
                        .unwrap_or(c)
                })
                .collect(),
        ));
        // Romaji: a family name, sometimes with a given-name start.
        out.push(("romaji", family_name_romaji(&mut rng).to_string()));
        // Typo: one character of a company name replaced.
        let mut typo = name.clone();
        if typo.len() > 3 {
            let i = 1 + rng.below(typo.len() - 2);
            typo[i] = '東';
        }
        out.push(("typo", typo.into_iter().collect()));
        // Address: the town and block, in kanji-number notation.
        let address = c.address.clone().unwrap_or_default();
        let town: String = address
            .chars()
            .skip(
                address
                    .chars()
                    .position(|ch| ch == '区' || ch == '市')
                    .map_or(0, |i| i + 1),
            )
            .take(6)
            .collect();
        out.push(("address", town));
        // Phone: the last four digits, or the whole number as written domestically.
        let phone = p.office_phone.clone().unwrap_or_default();
        let query = if rng.chance(50) {
            phone[phone.len().saturating_sub(4)..].to_string()
        } else {
            format!("0{}", &phone[3.min(phone.len())..])
        };
        out.push(("phone", query));
    }
    out
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
