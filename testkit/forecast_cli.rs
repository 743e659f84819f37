//! The forecast command line (`examples/forecast.rs`): any pipeline's forecast as JSON
//! lines, from a deals CSV or a database, so that a dataset can be checked against an
//! independent computation. Here as a library so that tests can run it with their own
//! output streams (a closed pipe, flags with bad values).
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

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Utc};
use sfa_core::forecast::{
    Dataset, DatasetBuilder, DealFacts, Dimension, ForecastRequest, RangeRequest, calibration,
    campaign_roi, category_summary, forecast_range, product_summary, weighted_forecast,
};
use sfa_core::{DealStatus, Decimal, Sfa};

type Failure = Box<dyn std::error::Error>;

/// Why the command stopped.
#[derive(Debug)]
pub enum CliError {
    /// The reader of the output went away (`| head`): stop quietly.
    BrokenPipe,
    /// Anything else, with a message for the user.
    Failed(String),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::BrokenPipe => f.write_str("the output was closed"),
            CliError::Failed(message) => f.write_str(message),
        }
    }
}

impl<E: Into<Failure>> From<E> for CliError {
    fn from(e: E) -> Self {
        let e: Failure = e.into();
        match e.downcast_ref::<std::io::Error>() {
            Some(io) if io.kind() == std::io::ErrorKind::BrokenPipe => CliError::BrokenPipe,
            _ => CliError::Failed(e.to_string()),
        }
    }
}

#[derive(Default)]
struct Options {
    csv: Option<String>,
    db: Option<String>,
    user: Option<String>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    by: Vec<Dimension>,
    report: String,
    trials: i32,
    seed: i64,
    confidences: Vec<(String, i32)>,
    stages: Vec<(String, i32)>,
    campaigns: Vec<(String, Decimal)>,
}

/// Runs the command with `args` (without the program name), writing JSON lines to
/// `out` and warnings to `warn`.
pub fn run(args: Vec<String>, out: &mut dyn Write, warn: &mut dyn Write) -> Result<(), CliError> {
    let o = parse_args(args)?;
    let data = match (&o.csv, &o.db) {
        (Some(path), None) => from_csv(path, &o, warn)?,
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
    let mut print = |value: serde_json::Value| writeln!(out, "{value}");
    match o.report.as_str() {
        "" | "forecast" => {
            let request = ForecastRequest {
                first_month: from,
                last_month: to,
                group_by: o.by.clone(),
            };
            for row in weighted_forecast(&data, &request)? {
                print(serde_json::to_value(row)?)?;
            }
        }
        "products" => {
            for row in product_summary(&data, from, last_day)? {
                print(serde_json::to_value(row)?)?;
            }
        }
        "categories" => {
            for row in category_summary(&data, from, last_day)? {
                print(serde_json::to_value(row)?)?;
            }
        }
        "campaigns" => {
            for row in campaign_roi(&data, Some((from, last_day)))? {
                print(serde_json::to_value(row)?)?;
            }
        }
        "calibration" => {
            for row in calibration(&data)? {
                print(serde_json::to_value(row)?)?;
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
            print(serde_json::to_value(range)?)?;
        }
        other => {
            return Err(CliError::Failed(format!(
                "--report: unknown report {other:?} (forecast, products, categories, campaigns, calibration, range)"
            )));
        }
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
            "--from" | "--to" => {
                let v = value()?;
                let m = month(&v).ok_or(format!("{flag}: {v:?} is not a month like 2026-12"))?;
                if flag == "--from" {
                    o.from = Some(m);
                } else {
                    o.to = Some(m);
                }
            }
            "--by" => {
                for d in value()?.split(',').filter(|d| !d.is_empty()) {
                    o.by.push(Dimension::parse(d).map_err(|_| {
                        format!(
                            "--by: unknown dimension {d:?} (owner, team, stage, product, campaign)"
                        )
                    })?);
                }
            }
            "--report" => o.report = value()?,
            "--trials" => {
                let v = value()?;
                o.trials = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=1_000_000).contains(n))
                    .ok_or(format!(
                        "--trials: {v:?} is not a whole number from 1 to 1000000"
                    ))?;
            }
            "--seed" => {
                let v = value()?;
                // A whole number from 0 to 2^64 - 1, passed on as its 64 bits.
                o.seed = v
                    .parse::<u64>()
                    .map(|n| n as i64)
                    .map_err(|_| format!("--seed: {v:?} is not a whole number"))?;
            }
            "--confidence" | "--stage" => {
                let (k, v) = pair(&flag, &value()?)?;
                let pct = v
                    .parse()
                    .ok()
                    .filter(|p| (0..=100).contains(p))
                    .ok_or(format!(
                        "{flag} {k}: {v:?} is not a percentage from 0 to 100"
                    ))?;
                if flag == "--stage" {
                    o.stages.push((k, pct));
                } else {
                    o.confidences.push((k, pct));
                }
            }
            "--campaign" => {
                let (k, v) = pair(&flag, &value()?)?;
                let cost = Decimal::from_str(&v)
                    .ok()
                    .filter(|c| !c.is_sign_negative())
                    .ok_or(format!("--campaign {k}: {v:?} is not a cost like 1200000"))?;
                o.campaigns.push((k, cost));
            }
            other => return Err(format!("unknown option {other:?}").into()),
        }
    }
    Ok(o)
}

fn month(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").ok()
}

fn pair(flag: &str, text: &str) -> Result<(String, String), Failure> {
    let (k, v) = text
        .rsplit_once('=')
        .ok_or(format!("{flag}: expected NAME=VALUE, got {text:?}"))?;
    Ok((k.to_string(), v.to_string()))
}

/// Reads the deals CSV: rows of one deal are consecutive and share an `id`. A
/// confidence level the data names needs its percentage (`--confidence A=80`): without
/// it the forecast would be wrong, so that is an error. A stage without `--stage` has
/// no default percentage (as in the library: its deals without a confidence level
/// count in the pipeline only), and a campaign without `--campaign` costs nothing;
/// both are said on `warn`.
fn from_csv(path: &str, o: &Options, warn: &mut dyn Write) -> Result<Dataset, Failure> {
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
    let mut unpriced_stages = BTreeSet::new();
    let mut uncosted_campaigns = BTreeSet::new();
    for row in reader.records() {
        let row = row?;
        let at = row.position().map_or(0, |p| p.line());
        let id = get(&row, "id");
        let line = opt(get(&row, "product_code"))
            .map(|code| -> Result<(u32, Decimal), Failure> {
                let amount = get(&row, "line_amount");
                let amount = Decimal::from_str(&amount)
                    .map_err(|_| format!("line {at}: `line_amount` is not a number"))?;
                Ok((b.product(&code, None), amount))
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
            if pct.is_none() {
                unpriced_stages.insert(s.clone());
            }
            b.stage(&s, pct)
        });
        let confidence = match opt(get(&row, "confidence")) {
            None => None,
            Some(c) => {
                let pct = confidences.get(c.as_str()).copied().ok_or(format!(
                    "line {at}: confidence level {c:?} has no percentage: add --confidence {c}=PERCENT"
                ))?;
                Some(b.confidence(&c, Some(pct)))
            }
        };
        let campaign = opt(get(&row, "campaign")).map(|c| {
            let cost = costs.get(c.as_str()).copied();
            if cost.is_none() {
                uncosted_campaigns.insert(c.clone());
            }
            b.campaign(&c, cost.unwrap_or_default())
        });
        let status = DealStatus::parse(&get(&row, "status"))
            .map_err(|_| format!("line {at}: `status` is not open, won or lost"))?;
        let deal = DealFacts {
            owner: b.owner(&get(&row, "owner_email")),
            status,
            amount: opt(get(&row, "amount"))
                .map(|a| Decimal::from_str(&a))
                .transpose()
                .map_err(|_| format!("line {at}: `amount` is not a number"))?,
            expected_close_on: date(get(&row, "expected_close_on"))
                .map_err(|_| format!("line {at}: `expected_close_on` is not a date"))?,
            closed_on: date(get(&row, "closed_on"))
                .map_err(|_| format!("line {at}: `closed_on` is not a date"))?,
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
    for s in &unpriced_stages {
        writeln!(
            warn,
            "forecast: stage {s:?} has no --stage percentage: its deals without a confidence level count in the pipeline only"
        )?;
    }
    for c in &uncosted_campaigns {
        writeln!(
            warn,
            "forecast: campaign {c:?} has no --campaign cost: taken as 0"
        )?;
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
