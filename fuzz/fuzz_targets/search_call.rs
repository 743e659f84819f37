//! Fuzz target `search_call`: the whole search call (text, scope, limit, offset); see
//! `testkit/fuzz.rs` for what it checks. Run it with a memory limit:
//! `cargo +nightly fuzz run search_call -- -rss_limit_mb=512`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| sfa_testkit::fuzz::search_call(data));
