//! Python bindings for `sfa-core` (importable as `sfa`).
//!
//! Not implemented yet: the pyo3 module arrives with the Python bindings issue. This
//! crate exists so the workspace layout is final; it exports nothing and claims nothing.
