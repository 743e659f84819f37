#!/usr/bin/env bash
# Runs every test of the workspace: formatting, lints, and the Rust unit, workflow,
# migration, CSV and doc tests. Python (sfa-py) and Kotlin (sfa-ffi) tests join here
# when their bindings land; this script installs whatever they need itself.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

echo "== cargo test"
cargo test --workspace
