//! Generates the Kotlin and Swift bindings from the built library:
//! `cargo run -p sfa-ffi-bindgen -- generate --library target/debug/libsfa_ffi.so --language kotlin --out-dir OUT`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
