#!/usr/bin/env bash
# Runs every test of the workspace: formatting, lints, the Rust unit, workflow,
# migration, CSV, search and doc tests, and the search relevance evaluation. Python (sfa-py) and Kotlin (sfa-ffi) tests join here
# when their bindings land; this script installs whatever they need itself.
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
