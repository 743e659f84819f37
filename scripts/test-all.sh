#!/usr/bin/env bash
# Runs every test of the workspace: formatting, lints, the Rust unit, workflow,
# migration, CSV, search, activity, deal, forecast and doc tests, the search relevance
# evaluation, and the forecast example checked against an independent Python
# computation, and the Python package: built with maturin into a virtual environment
# this script creates (target/py-venv), installed from its wheel, stub-checked and
# tested with pytest; and the Kotlin bindings (uniffi), generated from the built
# library and tested on the JVM with Maven (dependencies from Maven Central), plus the
# Swift bindings' generation. The workflow tests, the storage conformance suite, the
# multi-process team test and the Python tests run again on PostgreSQL: in the database
# SFA_TEST_POSTGRES names (a libpq connection string) or, when it is unset, in a private
# cluster this script starts (scripts/pg-cluster.sh) and stops at the end. Without a
# PostgreSQL server those runs say they were skipped. This script installs whatever
# the tests need itself.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch="$(mktemp -d)"
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then bash scripts/pg-cluster.sh stop "$pg_dir"; fi
  rm -rf "$scratch"
}
trap cleanup EXIT

if [ -z "${SFA_TEST_POSTGRES:-}" ]; then
  if pg_dir=$(bash scripts/pg-cluster.sh start); then
    export SFA_TEST_POSTGRES="host=$pg_dir user=postgres dbname=postgres"
    echo "== PostgreSQL: a private cluster on a Unix socket in $pg_dir"
  else
    pg_dir=""
    echo "== PostgreSQL: no server could be started; the PostgreSQL runs are SKIPPED"
  fi
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== cargo clippy (warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings
# The bindings' optional parts (off in the phone library) are linted too.
cargo clippy --quiet -p sfa-ffi --features fault-injection,sync-server --all-targets -- -D warnings

echo "== cargo test"
cargo test --workspace

echo "== encryption at rest (SQLCipher, cargo feature encryption): lints and tests"
cargo clippy --quiet -p sfa-core -p sfa-testkit --features sfa-core/encryption,sfa-testkit/encryption --all-targets -- -D warnings
cargo test --quiet --features encryption --test encryption

# The workflow test files that open their databases through the testkit
# (sfa_testkit::fresh_database or Office::new) run on either store.
workflow_tests=()
for file in $(grep -l "fresh_database\|Office::new" tests/*.rs); do
  workflow_tests+=(--test "$(basename "$file" .rs)")
done
if [ -n "${SFA_TEST_POSTGRES:-}" ]; then
  echo "== PostgreSQL: the workflow tests again, each in a fresh tenant (${#workflow_tests[@]} flags)"
  SFA_TEST_BACKEND=postgres cargo test --quiet "${workflow_tests[@]}"
else
  echo "== PostgreSQL: SFA_TEST_POSTGRES is not set; the workflow tests on PostgreSQL are SKIPPED"
fi

echo "== the mobile library links no PostgreSQL client"
if cargo tree -p sfa-ffi -e normal --prefix none | grep -Eq "^(postgres|tokio) "; then
  echo "sfa-ffi depends on a server-only crate:"; cargo tree -p sfa-ffi -e normal -i postgres; exit 1
fi

echo "== search relevance on the project fixture with 5,000 crowding persons (bar: top3 = 1.00, MRR >= 0.98)"
cargo run --quiet --example search_eval -- tests/fixtures/search/ledger.json --min-top3 1.0 --min-mrr 0.98

echo "== forecast example vs an independent Python (decimal) computation"
forecast_args=(--from 2026-11 --to 2027-06 --confidence A=80 --confidence B=50 --confidence C=20
  --stage 初回訪問=10 --stage 提案=40 --stage 見積提示=60)
out="$scratch/forecast.txt"
for by in "" owner product owner,product stage,campaign; do
  cargo run --quiet --example forecast -- --csv tests/fixtures/forecast/deals.csv \
    "${forecast_args[@]}" --by "$by" > "$out"
  python3 tests/forecast_check.py tests/fixtures/forecast/deals.csv "$out" \
    "${forecast_args[@]}" --by "$by"
done

echo "== Python: records and Session docstrings generated from the core are up to date"
python3 sfa-py/tools/gen_records.py --check
python3 sfa-py/tools/gen_session.py --check
python3 sfa-py/tools/gen_docs.py --check

echo "== Python: build the wheel with maturin in target/py-venv, install it, test it"
venv=target/py-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
# polars, pyarrow and DuckDB: the Arrow tests read the library's record batches with each.
"$venv/bin/python" -m pip install --quiet "maturin>=1.16,<2" pytest mypy pandas polars pyarrow duckdb
rm -rf target/wheels
"$venv/bin/maturin" build --quiet -m sfa-py/Cargo.toml --features fault-injection,encryption --out target/wheels
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps target/wheels/sfa-*.whl
(cd sfa-py && "../$venv/bin/python" -m mypy.stubtest sfa._sfa)
"$venv/bin/python" -m mypy --strict --python-version 3.11 sfa-py/python/sfa
# The sync tests start the reference server (it needs SFA_TEST_POSTGRES).
cargo build --quiet -p sfa-server
export SFA_SERVER_BIN="$PWD/target/debug/sfa-server"
(cd sfa-py && "../$venv/bin/python" -m pytest -q -p no:cacheprovider tests)
if [ -n "${SFA_TEST_POSTGRES:-}" ]; then
  echo "== Python: the tests again, on PostgreSQL"
  (cd sfa-py && SFA_TEST_BACKEND=postgres "../$venv/bin/python" -m pytest -q -p no:cacheprovider tests)
else
  echo "== Python on PostgreSQL: SFA_TEST_POSTGRES is not set; SKIPPED"
fi

echo "== Python example: the forecast of the Rust demo's database as a DataFrame"
cargo run --quiet --example demo -- target/py-demo.sqlite > /dev/null
"$venv/bin/python" examples/python/forecast_by_owner.py target/py-demo.sqlite

echo "== Kotlin: generate the bindings from the built library and test them on the JVM"
command -v mvn >/dev/null || { echo "Maven (mvn) and a JDK 17 are required for the Kotlin tests"; exit 1; }
python3 sfa-ffi/tools/gen_records.py --check
python3 sfa-ffi/tools/gen_calls.py --check
cargo build --quiet -p sfa-ffi --features fault-injection,encryption,sync-server --lib
rm -rf sfa-ffi/kotlin/target/generated-sources sfa-ffi/kotlin/target/test-classes sfa-ffi/kotlin/target/surefire-reports
cargo run --quiet -p sfa-ffi-bindgen -- generate --library target/debug/libsfa_ffi.so \
  --language kotlin --out-dir sfa-ffi/kotlin/target/generated-sources/uniffi --no-format
(cd sfa-ffi/kotlin && mvn -q -B test)

echo "== Swift: the bindings generate (no Swift toolchain here to compile them)"
rm -rf target/swift-bindings
cargo run --quiet -p sfa-ffi-bindgen -- generate --library target/debug/libsfa_ffi.so \
  --language swift --out-dir target/swift-bindings --no-format
test -s target/swift-bindings/Sfa.swift && test -s target/swift-bindings/SfaFFI.h
grep -q "func search(" target/swift-bindings/Sfa.swift
grep -q "func syncPushRequest(" target/swift-bindings/Sfa.swift
grep -q "func observe(" target/swift-bindings/Sfa.swift
# The async face sfa-ffi-bindgen writes beside uniffi's bindings.
grep -q "func addCompany(input p0: CompanyInput) async throws -> Company" target/swift-bindings/AsyncCalls.swift
grep -q "func syncApplyPullResponse(response p0: Data) async throws" target/swift-bindings/AsyncCalls.swift
grep -q "public func asynchronous() -> AsyncSession" target/swift-bindings/AsyncCalls.swift
grep -q "public typealias Decimal = Foundation.Decimal" target/swift-bindings/Sfa.swift
grep -q "public typealias Timestamp = Date" target/swift-bindings/Sfa.swift
echo "Swift bindings generated: $(wc -l < target/swift-bindings/Sfa.swift) lines"

echo "== Mobile packaging: the Maven artifact (checked by an app built against it) and the Swift package"
bash scripts/package-kotlin.sh
bash scripts/package-swift.sh
