//! Fuzz target `normalize`: see `testkit/fuzz.rs` for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sfa_testkit::fuzz::normalize(data));
