//! Fuzz target `csv_import`: see `testkit/fuzz.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sfa_testkit::fuzz::csv_import(data));
