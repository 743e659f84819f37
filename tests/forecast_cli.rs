#![allow(clippy::unwrap_used)]
//! The forecast command line: labels without percentages, bad flag values and a closed
//! output pipe each get a clear answer, never a panic or a silently wrong forecast.

use std::io::Write;

use sfa_testkit::forecast_cli::{CliError, run};

const DEALS: &str = "tests/fixtures/forecast/deals.csv";

fn args(extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["--csv", DEALS, "--from", "2026-11", "--to", "2027-06"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

const LEVELS: &[&str] = &[
    "--confidence",
    "A=80",
    "--confidence",
    "B=50",
    "--confidence",
    "C=20",
];

fn outcome(a: Vec<String>) -> (Result<(), CliError>, String, String) {
    let (mut out, mut warn) = (Vec::new(), Vec::new());
    let result = run(a, &mut out, &mut warn);
    (
        result,
        String::from_utf8(out).unwrap(),
        String::from_utf8(warn).unwrap(),
    )
}

#[test]
fn a_confidence_level_without_a_percentage_is_an_error_that_says_which() {
    let (result, out, _) = outcome(args(&["--confidence", "A=80", "--confidence", "B=50"]));
    let Err(CliError::Failed(message)) = result else {
        panic!("expected an error, got {result:?}")
    };
    assert!(
        message.contains("\"C\"") && message.contains("--confidence C="),
        "{message}"
    );
    assert!(out.is_empty(), "no partial forecast");
}

#[test]
fn a_stage_without_a_percentage_counts_in_the_pipeline_only_and_says_so() {
    let (result, out, warn) = outcome(args(LEVELS));
    result.unwrap();
    assert!(!out.is_empty());
    assert!(warn.contains("has no --stage percentage"), "{warn}");
    let (result, _, warn) = outcome(args(
        &[
            LEVELS,
            &[
                "--stage",
                "初回訪問=10",
                "--stage",
                "提案=40",
                "--stage",
                "見積提示=60",
                "--stage",
                "保留=0",
            ],
        ]
        .concat(),
    ));
    result.unwrap();
    assert!(!warn.contains("--stage"), "{warn}");
}

#[test]
fn a_bad_flag_value_names_the_flag() {
    for (extra, flag) in [
        (vec!["--trials", "many"], "--trials"),
        (vec!["--trials", "0"], "--trials"),
        (vec!["--seed", "-1"], "--seed"),
        (vec!["--confidence", "A=eighty"], "--confidence A"),
        (vec!["--confidence", "A=180"], "--confidence A"),
        (vec!["--stage", "提案"], "--stage"),
        (vec!["--campaign", "展示会=-5"], "--campaign 展示会"),
        (vec!["--from", "2026-13"], "--from"),
        (vec!["--by", "region"], "--by"),
        (vec!["--report", "everything"], "--report"),
        (vec!["--trials"], "--trials"),
    ] {
        let (result, _, _) = outcome(args(&[LEVELS, extra.as_slice()].concat()));
        let Err(CliError::Failed(message)) = result else {
            panic!("{extra:?}: expected an error, got {result:?}")
        };
        assert!(message.starts_with(flag), "{extra:?}: {message}");
    }
}

/// Output that is closed after a few bytes, like `| head -c 10`.
struct ClosedAfter(usize);

impl Write for ClosedAfter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0 == 0 {
            return Err(std::io::ErrorKind::BrokenPipe.into());
        }
        let n = buf.len().min(self.0);
        self.0 -= n;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_closed_output_stops_quietly() {
    let mut warn = Vec::new();
    let result = run(
        args(&[LEVELS, &["--by", "owner"]].concat()),
        &mut ClosedAfter(10),
        &mut warn,
    );
    assert!(matches!(result, Err(CliError::BrokenPipe)), "{result:?}");
}
