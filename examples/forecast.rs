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
//! Every amount is printed as an exact decimal string. The command lives in
//! `testkit/forecast_cli.rs`, where tests run it.

use std::process::ExitCode;

use sfa_testkit::forecast_cli::{CliError, run};

fn main() -> ExitCode {
    let args = std::env::args().skip(1).collect();
    let mut out = std::io::stdout().lock();
    let mut warn = std::io::stderr().lock();
    match run(args, &mut out, &mut warn) {
        Ok(()) | Err(CliError::BrokenPipe) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("forecast: {e}");
            ExitCode::from(2)
        }
    }
}
