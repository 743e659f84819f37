#!/usr/bin/env bash
# The per-call overhead of the Kotlin bindings: the same small operations measured in
# Rust directly (benches/ffi_call.rs) and from Kotlin through JNA and uniffi
# (sfa-ffi/kotlin/src/test/kotlin/jp/sfa/bench/CallOverhead.kt), both on an optimised
# (release) library, printed one after the other; then the same reads from Kotlin as
# suspend calls (AsyncSession) against the blocking ones. Figures go to BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --quiet --bench ffi_call
# fault-injection: the Kotlin test sources compiled beside the benchmark call its hook
# (one atomic load per write in the library; the measured calls are reads); sync-server:
# their sync test plays the server in process.
cargo build --quiet --release -p sfa-ffi --features fault-injection,sync-server --lib
cargo build --quiet --release -p sfa-ffi-bindgen
rm -rf sfa-ffi/kotlin/target/generated-sources
target/release/uniffi-bindgen generate --library target/release/libsfa_ffi.so \
  --language kotlin --out-dir sfa-ffi/kotlin/target/generated-sources/uniffi --no-format
cd sfa-ffi/kotlin
mvn -q -B test-compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
java -Djna.library.path=../../target/release \
  -cp "target/classes:target/test-classes:$(cat target/classpath.txt)" jp.sfa.bench.CallOverheadKt
