//! Kotlin and Swift bindings for `sfa-core`.
//!
//! Not implemented yet: the uniffi wrappers arrive with the bindings issue. This crate
//! exists so the workspace layout is final; it exports nothing and claims nothing.
