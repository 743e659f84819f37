#!/usr/bin/env bash
# Runs every test of the workspace: formatting, lints, the Rust unit, workflow,
# migration, CSV, search, activity, deal, forecast and doc tests, the search relevance
# evaluation, and the forecast example checked against an independent Python
# computation. Python (sfa-py) and Kotlin (sfa-ffi) tests join here when their
# bindings land; this script installs whatever they need itself.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test"
cargo test --workspace

echo "== search relevance on the project fixture (issue bar: top3 >= 0.95)"
cargo run --quiet --example search_eval -- tests/fixtures/search/ledger.json --min-top3 0.95

echo "== forecast example vs an independent Python (decimal) computation"
forecast_args=(--from 2026-11 --to 2027-06 --confidence A=80 --confidence B=50 --confidence C=20
  --stage 初回訪問=10 --stage 提案=40 --stage 見積提示=60)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for by in "" owner product owner,product stage,campaign; do
  cargo run --quiet --example forecast -- --csv tests/fixtures/forecast/deals.csv \
    "${forecast_args[@]}" --by "$by" > "$out"
  python3 tests/forecast_check.py tests/fixtures/forecast/deals.csv "$out" \
    "${forecast_args[@]}" --by "$by"
done
