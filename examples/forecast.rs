//! Forecast any pipeline from the command line, as JSON lines, so that a dataset can be
//! checked against an independent computation.
//!
//! ```text
//! cargo run --example forecast -- --csv deals.csv --confidence A=80 --confidence B=50 \
//!     --stage 提案=40 --from 2026-12 --to 2027-03 --by owner
//! cargo run --example forecast -- --db target/sfa-demo.sqlite --user hanako@demo.example.jp \
//!     --by stage --report forecast
//! ```
//!
//! Input: a deals CSV as `Session::export_deals_csv` writes it (one row per line item;
//! columns `id`, `owner_email`, `amount`, `expected_close_on`, `stage`, `confidence`,
//! `campaign`, `status`, `closed_on`, `product_code`, `line_amount`; others ignored),
//! with the percentages of its confidence levels and stages and the costs of its
//! campaigns given as options; or a database file, read as the given user, with names
//! in place of ids. Options:
//!
//! - `--from YYYY-MM`, `--to YYYY-MM`: the period (default: the 12 months from this one);
//! - `--by owner,team,stage,product,campaign`: grouping besides the month;
//! - `--report forecast|products|categories|campaigns|calibration|range`;
//! - `--trials N`, `--seed N`: for the range (10,000 and 1 by default).
//!
//! Every amount is printed as an exact decimal string.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Utc};
use sfa_core::forecast::{
    Dataset, DatasetBuilder, DealFacts, Dimension, ForecastRequest, RangeRequest, calibration,
    campaign_roi, category_summary, forecast_range, product_summary, weighted_forecast,
};
use sfa_core::{DealStatus, Decimal, Sfa};

type Failure = Box<dyn std::error::Error>;

#[derive(Default)]
struct Options {
    csv: Option<String>,
    db: Option<String>,
    user: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    by: Vec<Dimension>,
    report: String,
    trials: u32,
    seed: u64,
    confidences: Vec<(String, i32)>,
    stages: Vec<(String, i32)>,
    campaigns: Vec<(String, Decimal)>,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("forecast: {e}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), Failure> {
    let o = parse_args(std::env::args().skip(1).collect())?;
    let data = match (&o.csv, &o.db) {
        (Some(path), None) => from_csv(path, &o)?,
        (None, Some(path)) => from_db(path, o.user.as_deref().ok_or("--db needs --user EMAIL")?)?,
        _ => return Err("give exactly one of --csv FILE or --db FILE".into()),
    };
    let today = Utc::now().date_naive();
    let from = o.from.unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let to = o.to.unwrap_or_else(|| {
        from.checked_add_months(chrono::Months::new(11))
            .unwrap_or(from)
    });
    let last_day = to
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(to);
    let print = |value: serde_json::Value| println!("{value}");
    match o.report.as_str() {
        "" | "forecast" => {
            let request = ForecastRequest {
                first_month: from,
                last_month: to,
                group_by: o.by.clone(),
            };
            for row in weighted_forecast(&data, &request)? {
                print(serde_json::to_value(row)?);
            }
        }
        "products" => {
            for row in product_summary(&data, from, last_day)? {
                print(serde_json::to_value(row)?);
            }
        }
        "categories" => {
            for row in category_summary(&data, from, last_day)? {
                print(serde_json::to_value(row)?);
            }
        }
        "campaigns" => {
            for row in campaign_roi(&data, Some((from, last_day)))? {
                print(serde_json::to_value(row)?);
            }
        }
        "calibration" => {
            for row in calibration(&data)? {
                print(serde_json::to_value(row)?);
            }
        }
        "range" => {
            let range = forecast_range(
                &data,
                &RangeRequest {
                    first_month: from,
                    last_month: to,
                    trials: if o.trials == 0 { 10_000 } else { o.trials },
                    seed: o.seed,
                },
            )?;
            print(serde_json::to_value(range)?);
        }
        other => return Err(format!("unknown report {other:?}").into()),
    }
    Ok(())
}

fn parse_args(args: Vec<String>) -> Result<Options, Failure> {
    let mut o = Options {
        seed: 1,
        ..Options::default()
    };
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--csv" => o.csv = Some(value()?),
            "--db" => o.db = Some(value()?),
            "--user" => o.user = Some(value()?),
            "--from" => o.from = Some(month(&value()?)?),
            "--to" => o.to = Some(month(&value()?)?),
            "--by" => {
                for d in value()?.split(',').filter(|d| !d.is_empty()) {
                    o.by.push(Dimension::parse(d).map_err(|_| format!("unknown dimension {d:?}"))?);
                }
            }
            "--report" => o.report = value()?,
            "--trials" => o.trials = value()?.parse()?,
            "--seed" => o.seed = value()?.parse()?,
            "--confidence" => {
                let (k, v) = pair(&value()?)?;
                o.confidences.push((k, v.parse()?));
            }
            "--stage" => {
                let (k, v) = pair(&value()?)?;
                o.stages.push((k, v.parse()?));
            }
            "--campaign" => {
                let (k, v) = pair(&value()?)?;
                o.campaigns.push((k, Decimal::from_str(&v)?));
            }
            other => return Err(format!("unknown option {other:?}").into()),
        }
    }
    Ok(o)
}

fn month(text: &str) -> Result<NaiveDate, Failure> {
    Ok(NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .map_err(|_| format!("not a month like 2026-12: {text:?}"))?)
}

fn pair(text: &str) -> Result<(String, String), Failure> {
    let (k, v) = text
        .rsplit_once('=')
        .ok_or(format!("expected NAME=VALUE, got {text:?}"))?;
    Ok((k.to_string(), v.to_string()))
}

/// Reads the deals CSV: rows of one deal are consecutive and share an `id`.
fn from_csv(path: &str, o: &Options) -> Result<Dataset, Failure> {
    let mut b = DatasetBuilder::new();
    let confidences: HashMap<&str, i32> = o
        .confidences
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    let stages: HashMap<&str, i32> = o.stages.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let costs: HashMap<&str, Decimal> = o.campaigns.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_path(path)?;
    let header: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let get = |row: &csv::StringRecord, name: &str| -> String {
        col(name)
            .and_then(|i| row.get(i))
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let opt = |s: String| (!s.is_empty()).then_some(s);
    let date = |s: String| -> Result<Option<NaiveDate>, Failure> {
        opt(s)
            .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d"))
            .transpose()
            .map_err(Into::into)
    };
    let mut current: Option<(String, DealFacts)> = None;
    for row in reader.records() {
        let row = row?;
        let id = get(&row, "id");
        let line = opt(get(&row, "product_code"))
            .map(|code| -> Result<(u32, Decimal), Failure> {
                Ok((
                    b.product(&code, None),
                    Decimal::from_str(&get(&row, "line_amount"))?,
                ))
            })
            .transpose()?;
        if let Some((key, deal)) = &mut current
            && *key == id
            && !id.is_empty()
        {
            deal.lines.extend(line);
            continue;
        }
        if let Some((_, done)) = current.take() {
            b.deal(done);
        }
        let stage = opt(get(&row, "stage")).map(|s| {
            let pct = stages.get(s.as_str()).copied();
            b.stage(&s, pct)
        });
        let confidence = opt(get(&row, "confidence")).map(|c| {
            let pct = confidences.get(c.as_str()).copied();
            b.confidence(&c, pct)
        });
        let campaign = opt(get(&row, "campaign")).map(|c| {
            let cost = costs.get(c.as_str()).copied().unwrap_or_default();
            b.campaign(&c, cost)
        });
        let status = DealStatus::parse(&get(&row, "status")).map_err(|_| "unknown status")?;
        let deal = DealFacts {
            owner: b.owner(&get(&row, "owner_email")),
            status,
            amount: opt(get(&row, "amount"))
                .map(|a| Decimal::from_str(&a))
                .transpose()?,
            expected_close_on: date(get(&row, "expected_close_on"))?,
            closed_on: date(get(&row, "closed_on"))?,
            stage,
            confidence,
            campaign,
            lines: line.into_iter().collect(),
        };
        current = Some((id, deal));
    }
    if let Some((_, done)) = current {
        b.deal(done);
    }
    Ok(b.finish())
}

/// Reads the database as `user`, and puts names in place of ids.
fn from_db(path: &str, user: &str) -> Result<Dataset, Failure> {
    let sfa = Sfa::open(path)?;
    let me = sfa.session_by_email(user)?;
    let mut data = me.forecast_dataset()?;
    let mut names: HashMap<String, String> = HashMap::new();
    for u in me.list_users()? {
        names.insert(u.id.to_string(), u.email);
    }
    for s in me.list_stages(true)? {
        names.insert(s.id.to_string(), s.name);
    }
    for c in me.list_confidences(true)? {
        names.insert(c.id.to_string(), c.label);
    }
    for c in me.list_campaigns(true)? {
        names.insert(c.id.to_string(), c.name);
    }
    for c in me.list_product_categories(true)? {
        names.insert(c.id.to_string(), c.name);
    }
    for p in me.list_products(true)? {
        names.insert(p.id.to_string(), p.code);
    }
    let rename = |label: &mut String| {
        if let Some(name) = names.get(label.as_str()) {
            *label = name.clone();
        }
    };
    data.owners.iter_mut().for_each(rename);
    data.teams.iter_mut().for_each(rename);
    data.categories.iter_mut().for_each(rename);
    data.stages.iter_mut().for_each(|s| rename(&mut s.label));
    data.confidences
        .iter_mut()
        .for_each(|c| rename(&mut c.label));
    data.campaigns.iter_mut().for_each(|c| rename(&mut c.label));
    data.products.iter_mut().for_each(|p| rename(&mut p.label));
    Ok(data)
}
