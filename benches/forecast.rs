//! Forecast speed and exactness on 1M seeded synthetic deals, side by side with pandas.
//!
//! (a) the in-memory weighted forecast by month x owner over a loaded dataset;
//! (b) the same end to end from the SQLite database (stream the deals, build the
//!     dataset, forecast);
//! (c) the same end to end from a PostgreSQL tenant holding the same deals, when
//!     `SFA_TEST_POSTGRES` names a server (see `benches/backends.rs` for starting one);
//! and, in the same run, `benches/forecast_pandas.py` on the same deals: float64 groupby
//! on a preloaded frame, exact `decimal.Decimal`, read_csv / read_sql + groupby end
//! to end, and (when installed) polars and DuckDB reading the CSV and forecasting, end
//! to end (float64 and exact decimals). The library's rows are checked against pandas' exact Decimal result, group by
//! group, to the last digit.
//!
//! Run: `cargo bench --bench forecast` (1,000,000 deals) or `-- 100000`. The Python
//! with pandas is `$SFA_BENCH_PYTHON` (default `python3`), e.g. a venv:
//! `python3 -m venv /tmp/bench-venv && /tmp/bench-venv/bin/pip install pandas polars duckdb`
//! then
//! `SFA_BENCH_PYTHON=/tmp/bench-venv/bin/python cargo bench --bench forecast`. With a
//! release `sfa` wheel installed there too (`maturin build --release -m
//! sfa-py/Cargo.toml`), the run also times the library called from Python.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use sfa_core::forecast::{
    Dataset, DatasetBuilder, DealFacts, Dimension, ForecastRequest, ForecastRow, weighted_forecast,
};
use sfa_core::model::Clock;
use sfa_core::store::Store;
use sfa_core::store::postgres::{PostgresOptions, PostgresStore, testing};
use sfa_core::store::sqlite::SqliteStore;
use sfa_core::{
    CampaignInput, CompanyInput, ConfidenceInput, Deal, DealId, DealLine, DealStatus, Decimal,
    ProductCategoryInput, ProductInput, Sfa, StageInput, UserId,
};
use sfa_testkit::history;
use sfa_testkit::{ManualClock, Rng};

const OWNERS: usize = 50;
const PRODUCTS: usize = 40;

/// One generated deal, before it becomes a dataset row, a database row and a CSV row.
struct Gen {
    owner: usize,
    status: DealStatus,
    amount: Option<Decimal>,
    expected: NaiveDate,
    closed: Option<NaiveDate>,
    stage: Option<usize>,
    confidence: Option<usize>,
    campaign: Option<usize>,
    lines: Vec<(usize, Decimal, Decimal)>,
}

fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("sfa-bench-forecast-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let db = dir.join("team.sqlite");
    let clock = ManualClock::at_jst(2026, 1, 5, 9, 0);
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let last = NaiveDate::from_ymd_opt(2027, 12, 31).expect("date");

    let t = Instant::now();
    let opened = Sfa::open(&db).expect("open");
    let (sfa, admin, masters) = setup(opened, &clock);
    let deals = generate(n, &masters, first);
    store(
        &SqliteStore::open(&db).expect("store"),
        &deals,
        &masters,
        &clock,
    );
    write_csv(&dir, &deals, &masters);
    let dataset = build_dataset(&deals, &masters);
    println!(
        "forecast: {n} deals, {OWNERS} owners, 24 months, {} stages, {} confidence levels, {PRODUCTS} products (prepared in {:.1} s)",
        masters.stages.len(),
        masters.confidences.len(),
        t.elapsed().as_secs_f64()
    );
    let request = ForecastRequest {
        first_month: first,
        last_month: last,
        group_by: vec![Dimension::Owner],
    };

    // (a) in memory
    let mut times = Vec::new();
    let mut rows = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        rows = weighted_forecast(&dataset, &request).expect("forecast");
        times.push(t.elapsed());
    }
    let a = median(&mut times);
    println!(
        "(a) in-memory forecast by month x owner: median {:.1} ms, best {:.1} ms over 15 runs ({} rows; target <= 50 ms)",
        ms(a),
        ms(times[0]),
        rows.len()
    );

    // (b) end to end from SQLite
    drop(sfa);
    let mut times = Vec::new();
    let mut db_rows = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        let sfa = Sfa::open(&db).expect("open");
        let me = sfa.session(admin).expect("session");
        db_rows = me.forecast(&request).expect("forecast");
        times.push(t.elapsed());
    }
    let b = median(&mut times);
    println!(
        "(b) end to end from SQLite (open, stream, build, forecast): median {:.0} ms, best {:.0} ms over 3 runs",
        ms(b),
        ms(times[0])
    );
    assert_eq!(db_rows, rows, "the database path gives the in-memory rows");

    // (c) end to end from PostgreSQL, same deals
    match testing::url() {
        Some(url) => {
            let tenant = testing::fresh_tenant();
            let t = Instant::now();
            let opened = Sfa::open_postgres(&url, &tenant).expect("open tenant");
            let (_, pg_admin, pg_masters) = setup(opened, &clock);
            let pg = PostgresStore::open(&url, &tenant, PostgresOptions::default()).expect("store");
            store(&pg, &deals, &pg_masters, &clock);
            println!(
                "    (the same deals written to a PostgreSQL tenant in {:.1} s)",
                t.elapsed().as_secs_f64()
            );
            let mut times = Vec::new();
            let mut pg_rows = Vec::new();
            for _ in 0..3 {
                let t = Instant::now();
                let sfa = Sfa::open_postgres(&url, &tenant).expect("open tenant");
                let me = sfa.session(pg_admin).expect("session");
                pg_rows = me.forecast(&request).expect("forecast");
                times.push(t.elapsed());
            }
            let c = median(&mut times);
            println!(
                "(c) end to end from PostgreSQL (open, stream, build, forecast): median {:.0} ms, best {:.0} ms over 3 runs ({:.1}x SQLite's)",
                ms(c),
                ms(times[0]),
                ms(c) / ms(b)
            );
            assert_eq!(
                relabel(pg_rows, &pg_masters, &masters),
                rows,
                "PostgreSQL gives the same rows"
            );
        }
        None => println!("(c) from PostgreSQL: not measured (SFA_TEST_POSTGRES is not set)"),
    }

    // pandas, same run
    let python = std::env::var("SFA_BENCH_PYTHON").unwrap_or_else(|_| "python3".into());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/forecast_pandas.py");
    let output = std::process::Command::new(&python)
        .arg(&script)
        .arg(&dir)
        .arg("2026-01")
        .arg("2027-12")
        .output();
    match output {
        Ok(out) if out.status.success() => {
            let report: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("pandas JSON");
            let secs = |k: &str| report[k].as_f64().unwrap_or(f64::NAN) * 1e3;
            println!(
                "pandas {} on the same deals:",
                report["pandas"].as_str().unwrap_or("?")
            );
            println!(
                "  float64 groupby, preloaded frame:      {:>8.0} ms",
                secs("float_preloaded_s")
            );
            println!(
                "  exact Decimal groupby, preloaded frame: {:>8.0} ms",
                secs("decimal_preloaded_s")
            );
            println!(
                "  read_csv + groupby, end to end:        {:>8.0} ms",
                secs("read_csv_end_to_end_s")
            );
            println!(
                "  read_sql + groupby, end to end:        {:>8.0} ms",
                secs("read_sql_end_to_end_s")
            );
            println!(
                "  (a) vs float64 preloaded: {:.0}x faster; (b) vs read_sql end to end: {:.1}x faster, vs read_csv: {:.1}x",
                secs("float_preloaded_s") / ms(a),
                secs("read_sql_end_to_end_s") / ms(b),
                secs("read_csv_end_to_end_s") / ms(b)
            );
            let optional = |k: &str| {
                report[k].as_f64().map_or_else(
                    || "not installed".to_string(),
                    |s| format!("{:.0} ms", s * 1e3),
                )
            };
            println!(
                "  polars read_csv + forecast, end to end: float64 {}, Decimal(38, 4) {}",
                optional("polars_read_csv_float_end_to_end_s"),
                optional("polars_read_csv_decimal_end_to_end_s")
            );
            println!(
                "  DuckDB read_csv + DECIMAL(38, 4) forecast, end to end: {}",
                optional("duckdb_read_csv_decimal_end_to_end_s")
            );
            println!(
                "  (b) vs polars read_csv float64: {:.2}x its time, vs DuckDB: {:.2}x",
                ms(b) / secs("polars_read_csv_float_end_to_end_s"),
                ms(b) / secs("duckdb_read_csv_decimal_end_to_end_s")
            );
            let checked = compare(&rows, &report["exact"]);
            println!(
                "  exactness: {checked} groups equal pandas' Decimal result to the last digit"
            );
            match report["sfa_python_end_to_end_s"].as_f64() {
                Some(python) => {
                    let overhead = (python * 1e3 - ms(b)) / ms(b) * 100.0;
                    println!(
                        "sfa called from Python (open, forecast), end to end: {:.0} ms (median of 3); \
                         overhead over (b): {overhead:+.1}% (target < 10%); rows equal the exact result: {}",
                        python * 1e3,
                        report["sfa_python_rows_equal_exact"]
                    );
                    println!(
                        "every deal from Python as Arrow record batches into a polars DataFrame (open, deals_arrow, pl.DataFrame): {}",
                        optional("sfa_deals_arrow_s")
                    );
                    println!(
                        "polars read_csv + sfa.forecast(frame) (Arrow in), end to end: {} (median of 3); rows equal the exact result: {}",
                        optional("sfa_frame_end_to_end_s"),
                        report["sfa_frame_rows_equal_exact"]
                    );
                }
                None => println!(
                    "sfa called from Python: not measured (install the sfa wheel where pandas is)"
                ),
            }
        }
        Ok(out) => {
            eprintln!(
                "pandas run failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("cannot run {python}: {e} (set SFA_BENCH_PYTHON to a Python with pandas)");
            std::process::exit(1);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Master ids created through the API.
struct Masters {
    owners: Vec<UserId>,
    stages: Vec<(String, Option<i32>)>,
    confidences: Vec<(String, i32)>,
    campaigns: Vec<String>,
    products: Vec<(String, Decimal)>,
    company: sfa_core::CompanyId,
}

/// The forecast rows of one database with its owners' ids swapped for the other's
/// (the same generated owner has a different id in each database).
fn relabel(mut rows: Vec<ForecastRow>, from: &Masters, to: &Masters) -> Vec<ForecastRow> {
    let ids: HashMap<String, String> = from
        .owners
        .iter()
        .zip(&to.owners)
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    for row in &mut rows {
        if let Some(owner) = row.owner.take() {
            row.owner = Some(ids.get(&owner).cloned().unwrap_or(owner));
        }
    }
    rows
}

fn setup(sfa: Sfa, clock: &ManualClock) -> (Sfa, UserId, Masters) {
    let sfa = sfa.with_clock(Arc::new(clock.clone()));
    let (me, owners) = history::team(&sfa, OWNERS);
    let stages = [
        ("初回訪問", Some(10)),
        ("ヒアリング", Some(20)),
        ("提案", Some(40)),
        ("見積提示", Some(60)),
        ("最終交渉", Some(80)),
        ("保留", None),
    ]
    .into_iter()
    .map(|(name, pct)| {
        let s = me
            .add_stage(&StageInput {
                name: name.into(),
                default_percentage: pct,
            })
            .expect("stage");
        (s.id.to_string(), pct)
    })
    .collect();
    let confidences = [("S", 90), ("A", 70), ("B", 50), ("C", 15)]
        .into_iter()
        .map(|(label, pct)| {
            let c = me
                .add_confidence(&ConfidenceInput {
                    label: label.into(),
                    percentage: pct,
                })
                .expect("confidence");
            (c.id.to_string(), pct)
        })
        .collect();
    let campaigns = (0..10)
        .map(|i| {
            me.add_campaign(&CampaignInput {
                name: format!("キャンペーン{i}"),
                starts_on: NaiveDate::from_ymd_opt(2025, 4, 1).expect("date"),
                ends_on: NaiveDate::from_ymd_opt(2025, 4, 30).expect("date"),
                cost: Decimal::from(500_000 * (i + 1)),
                notes: None,
            })
            .expect("campaign")
            .id
            .to_string()
        })
        .collect();
    let category = me
        .add_product_category(&ProductCategoryInput {
            name: "ソフトウェア".into(),
        })
        .expect("category");
    let mut rng = Rng::new(40);
    let products = (0..PRODUCTS)
        .map(|i| {
            let price = Decimal::new(
                (rng.below(400) as i64 + 1) * 5_000 + 5 * (i as i64 % 2),
                (i % 2) as u32,
            );
            let p = me
                .add_product(&ProductInput {
                    category_id: category.id,
                    code: format!("P-{i:03}"),
                    name: format!("商材{i}"),
                    unit_price: price,
                })
                .expect("product");
            (p.id.to_string(), p.unit_price)
        })
        .collect();
    let company = me
        .add_company(&CompanyInput::named("株式会社ベンチ"))
        .expect("company")
        .id;
    (
        sfa,
        me.user_id(),
        Masters {
            owners,
            stages,
            confidences,
            campaigns,
            products,
            company,
        },
    )
}

fn generate(n: usize, m: &Masters, first: NaiveDate) -> Vec<Gen> {
    let mut rng = Rng::new(2026);
    (0..n)
        .map(|_| {
            let expected = first + chrono::Duration::days(rng.below(730) as i64);
            let roll = rng.below(100);
            let status = if roll < 60 {
                DealStatus::Open
            } else if roll < 85 {
                DealStatus::Won
            } else {
                DealStatus::Lost
            };
            let closed = (status != DealStatus::Open)
                .then(|| (expected - chrono::Duration::days(rng.below(20) as i64)).max(first));
            let lines: Vec<(usize, Decimal, Decimal)> = if rng.below(100) < 40 {
                (0..1 + rng.below(3))
                    .map(|_| {
                        let p = rng.below(PRODUCTS);
                        (p, Decimal::from(1 + rng.below(20) as i64), m.products[p].1)
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let amount = if !lines.is_empty() {
                Some(
                    lines
                        .iter()
                        .map(|(_, q, p)| *q * *p)
                        .sum::<Decimal>()
                        .normalize(),
                )
            } else if rng.below(100) < 3 {
                None
            } else {
                Some(Decimal::new(
                    (rng.below(500_000) as i64 + 1) * 100 + 5 * (rng.below(2) as i64),
                    1,
                ))
            };
            Gen {
                owner: rng.below(OWNERS),
                status,
                amount,
                expected,
                closed,
                stage: (rng.below(10) < 9).then(|| rng.below(m.stages.len())),
                confidence: (rng.below(2) == 0).then(|| rng.below(m.confidences.len())),
                campaign: (rng.below(10) < 3).then(|| rng.below(m.campaigns.len())),
                lines,
            }
        })
        .collect()
}

fn store(store: &dyn Store, deals: &[Gen], m: &Masters, clock: &ManualClock) {
    let now = clock.now();
    store
        .write(|tx| {
            for g in deals {
                let owner = m.owners[g.owner];
                tx.insert_deal(&Deal {
                    id: DealId::new(),
                    company_id: m.company,
                    name: "ベンチ案件".into(),
                    owner_id: owner,
                    amount: g.amount,
                    expected_close_on: Some(g.expected),
                    stage_id: g.stage.map(|s| id(&m.stages[s].0)),
                    confidence_id: g.confidence.map(|c| id(&m.confidences[c].0)),
                    campaign_id: g.campaign.map(|c| id(&m.campaigns[c])),
                    lines: g
                        .lines
                        .iter()
                        .map(|(p, q, price)| {
                            DealLine::new(id(&m.products[*p].0), *q, *price)
                                .expect("generated lines are in range")
                        })
                        .collect(),
                    notes: None,
                    status: g.status,
                    closed_on: g.closed,
                    lost_reason: None,
                    created_at: now,
                    created_by: owner,
                    updated_at: now,
                    updated_by: owner,
                    version: 1,
                })?;
            }
            Ok(())
        })
        .expect("store deals");
}

fn id<T: FromStr>(text: &str) -> T {
    match text.parse() {
        Ok(id) => id,
        Err(_) => panic!("not an id: {text}"),
    }
}

fn write_csv(dir: &Path, deals: &[Gen], m: &Masters) {
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.join("deals.csv")).expect("csv"));
    writeln!(
        out,
        "owner,status,amount,expected_close_on,closed_on,stage,confidence"
    )
    .expect("write");
    for g in deals {
        writeln!(
            out,
            "{},{},{},{},{},{},{}",
            m.owners[g.owner],
            g.status.as_str(),
            g.amount.map(|a| a.to_string()).unwrap_or_default(),
            g.expected,
            g.closed.map(|d| d.to_string()).unwrap_or_default(),
            g.stage.map(|s| m.stages[s].0.as_str()).unwrap_or(""),
            g.confidence
                .map(|c| m.confidences[c].0.as_str())
                .unwrap_or(""),
        )
        .expect("write");
    }
    let mut stages = std::fs::File::create(dir.join("stages.csv")).expect("csv");
    writeln!(stages, "stage,stage_pct").expect("write");
    for (id, pct) in &m.stages {
        writeln!(
            stages,
            "{id},{}",
            pct.map(|p| p.to_string()).unwrap_or_default()
        )
        .expect("write");
    }
    let mut levels = std::fs::File::create(dir.join("confidences.csv")).expect("csv");
    writeln!(levels, "confidence,confidence_pct").expect("write");
    for (id, pct) in &m.confidences {
        writeln!(levels, "{id},{pct}").expect("write");
    }
}

/// The same deals as the database path builds them: labels are ids, masters first.
fn build_dataset(deals: &[Gen], m: &Masters) -> Dataset {
    let mut b = DatasetBuilder::new();
    let stages: Vec<u32> = m.stages.iter().map(|(id, p)| b.stage(id, *p)).collect();
    let levels: Vec<u32> = m
        .confidences
        .iter()
        .map(|(id, p)| b.confidence(id, Some(*p)))
        .collect();
    let campaigns: Vec<u32> = m
        .campaigns
        .iter()
        .map(|id| b.campaign(id, Decimal::ZERO))
        .collect();
    let products: Vec<u32> = m
        .products
        .iter()
        .map(|(id, _)| b.product(id, None))
        .collect();
    let mut owners: HashMap<usize, u32> = HashMap::new();
    for g in deals {
        let owner = *owners
            .entry(g.owner)
            .or_insert_with(|| b.owner(&m.owners[g.owner].to_string()));
        b.deal(DealFacts {
            owner,
            status: g.status,
            amount: g.amount,
            expected_close_on: Some(g.expected),
            closed_on: g.closed,
            stage: g.stage.map(|s| stages[s]),
            confidence: g.confidence.map(|c| levels[c]),
            campaign: g.campaign.map(|c| campaigns[c]),
            lines: g
                .lines
                .iter()
                .map(|(p, q, price)| (products[*p], (*q * *price).normalize()))
                .collect(),
        });
    }
    b.finish()
}

/// Checks every library row against pandas' exact Decimal groups; returns how many.
fn compare(rows: &[ForecastRow], exact: &serde_json::Value) -> usize {
    let map = exact.as_object().expect("exact groups");
    assert_eq!(map.len(), rows.len(), "the same groups");
    let dec =
        |v: &serde_json::Value| Decimal::from_str(v.as_str().expect("text")).expect("decimal");
    for r in rows {
        let key = format!("{}|{}", r.month, r.owner.as_deref().unwrap_or(""));
        let g = &map[&key];
        assert_eq!(
            r.deal_count,
            g["deal_count"].as_i64().expect("count"),
            "{key}"
        );
        assert_eq!(
            r.won_count,
            g["won_count"].as_i64().expect("count"),
            "{key}"
        );
        assert_eq!(r.pipeline, dec(&g["pipeline"]), "{key} pipeline");
        assert_eq!(r.weighted, dec(&g["weighted"]), "{key} weighted");
        assert_eq!(r.won, dec(&g["won"]), "{key} won");
    }
    rows.len()
}
