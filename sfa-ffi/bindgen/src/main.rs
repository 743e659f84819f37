//! Generates the Kotlin and Swift bindings from the built library:
//! `cargo run -p sfa-ffi-bindgen -- generate --library target/debug/libsfa_ffi.so --language kotlin --out-dir OUT`.
//!
//! uniffi writes the bindings; then, for a `--library` generation, this writes the
//! `suspend` (Kotlin) / `async` (Swift) face beside them (`async_face`).

mod async_face;

fn main() {
    uniffi::uniffi_bindgen_main();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(request) = async_face::Request::from_args(&args)
        && let Err(error) = async_face::write(&request)
    {
        eprintln!("sfa-ffi-bindgen: the async face: {error:#}");
        std::process::exit(1);
    }
}
