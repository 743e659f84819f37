//! Fuzz target `search_query`: see `testkit/fuzz.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sfa_testkit::fuzz::search_query(data));
