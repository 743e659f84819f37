//! SQLCipher's crypto done in Rust: AES-256-CBC for the pages, HMAC (SHA-1, SHA-256,
//! SHA-512) for their authentication codes, PBKDF2 for the key, the operating system's
//! generator for salts and IVs, all from the RustCrypto crates.
//!
//! SQLCipher asks one "crypto provider" for these (a table of C functions, `struct
//! sqlcipher_provider` in its source). Its default is OpenSSL, whose libcrypto the
//! build links whole: 4.6 MB of the 14.7 MB mobile library. Compiled with
//! `-DSQLCIPHER_CRYPTO_CUSTOM=sfa_sqlcipher_provider_setup` (the workspace's
//! `.cargo/config.toml` sets it), SQLCipher takes this table instead and nothing of
//! OpenSSL is left in the link. The file format does not depend on the provider: a
//! file OpenSSL's provider wrote opens with this one (`tests/encryption.rs` opens such
//! a file), and SQLCipher's own defaults (AES-256-CBC, HMAC-SHA512, PBKDF2-HMAC-SHA512
//! with 256,000 iterations) are kept.
//!
//! Every function here is called by C: none may unwind (a panic across `extern "C"`
//! aborts), so none indexes, unwraps or allocates on a path that could fail; a bad
//! argument is `SQLITE_ERROR`, which SQLCipher reports as a failed key or page.

use std::ffi::{CStr, c_char, c_int, c_uchar, c_void};

use aes::Aes256;
use aes::cipher::array::Array;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Sha256, Sha512};

const SQLITE_OK: c_int = 0;
const SQLITE_ERROR: c_int = 1;

/// `SQLCIPHER_ENCRYPT` (`SQLCIPHER_DECRYPT` is 0).
const ENCRYPT: c_int = 1;
/// `SQLCIPHER_HMAC_SHA1`, `..._SHA256`, `..._SHA512`; the PBKDF2 algorithms
/// (`SQLCIPHER_PBKDF2_HMAC_*`) use the same numbers.
const SHA1: c_int = 0;
const SHA256: c_int = 1;
const SHA512: c_int = 2;

const KEY_BYTES: usize = 32;
const BLOCK_BYTES: usize = 16;

/// `struct sqlcipher_provider` of SQLCipher 4 (`sqlcipher.h`), field for field.
#[repr(C)]
pub struct Provider {
    init: Option<unsafe extern "C" fn() -> c_int>,
    shutdown: Option<unsafe extern "C" fn()>,
    get_provider_name: Option<unsafe extern "C" fn(*mut c_void) -> *const c_char>,
    add_random: Option<unsafe extern "C" fn(*mut c_void, *const c_void, c_int) -> c_int>,
    random: Option<unsafe extern "C" fn(*mut c_void, *mut c_void, c_int) -> c_int>,
    hmac: Option<
        unsafe extern "C" fn(
            *mut c_void,
            c_int,
            *const c_uchar,
            c_int,
            *const c_uchar,
            c_int,
            *const c_uchar,
            c_int,
            *mut c_uchar,
        ) -> c_int,
    >,
    kdf: Option<
        unsafe extern "C" fn(
            *mut c_void,
            c_int,
            *const c_uchar,
            c_int,
            *const c_uchar,
            c_int,
            c_int,
            c_int,
            *mut c_uchar,
        ) -> c_int,
    >,
    cipher: Option<
        unsafe extern "C" fn(
            *mut c_void,
            c_int,
            *const c_uchar,
            c_int,
            *const c_uchar,
            *const c_uchar,
            c_int,
            *mut c_uchar,
        ) -> c_int,
    >,
    get_cipher: Option<unsafe extern "C" fn(*mut c_void) -> *const c_char>,
    get_key_sz: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    get_iv_sz: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    get_block_sz: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    get_hmac_sz: Option<unsafe extern "C" fn(*mut c_void, c_int) -> c_int>,
    ctx_init: Option<unsafe extern "C" fn(*mut *mut c_void) -> c_int>,
    ctx_free: Option<unsafe extern "C" fn(*mut *mut c_void) -> c_int>,
    fips_status: Option<unsafe extern "C" fn(*mut c_void) -> c_int>,
    get_provider_version: Option<unsafe extern "C" fn(*mut c_void) -> *const c_char>,
    next: *mut Provider,
}

/// What `PRAGMA cipher_provider` answers.
pub const PROVIDER_NAME: &CStr = c"rustcrypto";
const PROVIDER_VERSION: &CStr = c"aes 0.9, cbc 0.2, hmac 0.13, pbkdf2 0.13, sha1 0.11, sha2 0.11";
const CIPHER_NAME: &CStr = c"aes-256-cbc";

/// Called by SQLCipher once, at SQLite's initialisation, to fill its provider table.
///
/// # Safety
/// `p` is null or points to a writable `struct sqlcipher_provider`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn sfa_sqlcipher_provider_setup(p: *mut Provider) -> c_int {
    // SAFETY: the caller gives a valid, exclusive pointer or null (checked).
    let Some(p) = (unsafe { p.as_mut() }) else {
        return SQLITE_ERROR;
    };
    p.init = None;
    p.shutdown = None;
    p.get_provider_name = Some(provider_name);
    p.add_random = Some(add_random);
    p.random = Some(random);
    p.hmac = Some(hmac);
    p.kdf = Some(kdf);
    p.cipher = Some(cipher);
    p.get_cipher = Some(cipher_name);
    p.get_key_sz = Some(key_size);
    p.get_iv_sz = Some(block_size);
    p.get_block_sz = Some(block_size);
    p.get_hmac_sz = Some(hmac_size);
    p.ctx_init = Some(ctx_init);
    p.ctx_free = Some(ctx_free);
    p.fips_status = Some(fips_status);
    p.get_provider_version = Some(provider_version);
    SQLITE_OK
}

/// Keeps the setup function in every link that opens an encrypted file: the C code
/// that names it sits in a library linked after ours, so it must already be pulled in.
pub(super) fn linked() -> usize {
    sfa_sqlcipher_provider_setup as *const () as usize
}

/// `len` bytes at `ptr` (an empty slice for a null pointer with no bytes); `None`
/// for a negative length or a null pointer with bytes.
///
/// # Safety
/// A non-null `ptr` points to `len` readable bytes for `'a`.
unsafe fn bytes<'a>(ptr: *const c_uchar, len: c_int) -> Option<&'a [u8]> {
    let len = usize::try_from(len).ok()?;
    if ptr.is_null() {
        return (len == 0).then_some(&[]);
    }
    // SAFETY: as the caller promises.
    Some(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The same, writable.
///
/// # Safety
/// A non-null `ptr` points to `len` writable bytes for `'a`, aliased by nothing else.
unsafe fn bytes_mut<'a>(ptr: *mut c_uchar, len: usize) -> Option<&'a mut [u8]> {
    if ptr.is_null() {
        return (len == 0).then_some(&mut []);
    }
    // SAFETY: as the caller promises.
    Some(unsafe { std::slice::from_raw_parts_mut(ptr, len) })
}

fn status(ok: bool) -> c_int {
    if ok { SQLITE_OK } else { SQLITE_ERROR }
}

unsafe extern "C" fn provider_name(_: *mut c_void) -> *const c_char {
    PROVIDER_NAME.as_ptr()
}

unsafe extern "C" fn provider_version(_: *mut c_void) -> *const c_char {
    PROVIDER_VERSION.as_ptr()
}

unsafe extern "C" fn cipher_name(_: *mut c_void) -> *const c_char {
    CIPHER_NAME.as_ptr()
}

/// Entropy offered by `PRAGMA cipher_add_random`: the operating system's generator
/// needs none (as SQLCipher's CommonCrypto provider, this takes and ignores it).
unsafe extern "C" fn add_random(_: *mut c_void, _: *const c_void, _: c_int) -> c_int {
    SQLITE_OK
}

/// Salts and per-page IVs, from the operating system's generator.
unsafe extern "C" fn random(_: *mut c_void, buffer: *mut c_void, length: c_int) -> c_int {
    let Ok(length) = usize::try_from(length) else {
        return SQLITE_ERROR;
    };
    // SAFETY: SQLCipher passes a buffer of `length` bytes.
    let Some(out) = (unsafe { bytes_mut(buffer.cast(), length) }) else {
        return SQLITE_ERROR;
    };
    status(getrandom::fill(out).is_ok())
}

fn digest_size(algorithm: c_int) -> usize {
    match algorithm {
        SHA1 => 20,
        SHA256 => 32,
        SHA512 => 64,
        _ => 0,
    }
}

/// HMAC of `parts` under `key`, written to `out` (of the digest's size).
fn mac<M: Mac + KeyInit>(key: &[u8], parts: [&[u8]; 2], out: &mut [u8]) -> bool {
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    let code = mac.finalize().into_bytes();
    if code.len() != out.len() {
        return false;
    }
    out.copy_from_slice(&code);
    true
}

#[allow(clippy::too_many_arguments)] // SQLCipher's signature
unsafe extern "C" fn hmac(
    _: *mut c_void,
    algorithm: c_int,
    key: *const c_uchar,
    key_sz: c_int,
    in1: *const c_uchar,
    in1_sz: c_int,
    in2: *const c_uchar,
    in2_sz: c_int,
    out: *mut c_uchar,
) -> c_int {
    if in1.is_null() {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes buffers of the sizes it gives, `in2` null when unused,
    // and `out` of `get_hmac_sz(algorithm)` bytes.
    let (Some(key), Some(in1), Some(in2), Some(out)) = (unsafe {
        (
            bytes(key, key_sz),
            bytes(in1, in1_sz),
            if in2.is_null() {
                Some(&[][..])
            } else {
                bytes(in2, in2_sz)
            },
            bytes_mut(out, digest_size(algorithm)),
        )
    }) else {
        return SQLITE_ERROR;
    };
    status(match algorithm {
        SHA1 => mac::<Hmac<Sha1>>(key, [in1, in2], out),
        SHA256 => mac::<Hmac<Sha256>>(key, [in1, in2], out),
        SHA512 => mac::<Hmac<Sha512>>(key, [in1, in2], out),
        _ => false,
    })
}

#[allow(clippy::too_many_arguments)] // SQLCipher's signature
unsafe extern "C" fn kdf(
    _: *mut c_void,
    algorithm: c_int,
    pass: *const c_uchar,
    pass_sz: c_int,
    salt: *const c_uchar,
    salt_sz: c_int,
    workfactor: c_int,
    key_sz: c_int,
    key: *mut c_uchar,
) -> c_int {
    let (Ok(rounds), Ok(key_sz)) = (u32::try_from(workfactor), usize::try_from(key_sz)) else {
        return SQLITE_ERROR;
    };
    if rounds == 0 {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes buffers of the sizes it gives.
    let (Some(pass), Some(salt), Some(key)) = (unsafe {
        (
            bytes(pass, pass_sz),
            bytes(salt, salt_sz),
            bytes_mut(key, key_sz),
        )
    }) else {
        return SQLITE_ERROR;
    };
    status(match algorithm {
        SHA1 => pbkdf2::pbkdf2::<Hmac<Sha1>>(pass, salt, rounds, key).is_ok(),
        SHA256 => pbkdf2::pbkdf2::<Hmac<Sha256>>(pass, salt, rounds, key).is_ok(),
        SHA512 => pbkdf2::pbkdf2::<Hmac<Sha512>>(pass, salt, rounds, key).is_ok(),
        _ => false,
    })
}

/// AES-256-CBC without padding (SQLCipher's page data is whole blocks) from `input`
/// to `out`, which may be the same buffer.
#[allow(clippy::too_many_arguments)] // SQLCipher's signature
unsafe extern "C" fn cipher(
    _: *mut c_void,
    mode: c_int,
    key: *const c_uchar,
    key_sz: c_int,
    iv: *const c_uchar,
    input: *const c_uchar,
    in_sz: c_int,
    out: *mut c_uchar,
) -> c_int {
    let Ok(len) = usize::try_from(in_sz) else {
        return SQLITE_ERROR;
    };
    if len % BLOCK_BYTES != 0 || input.is_null() || out.is_null() {
        return SQLITE_ERROR;
    }
    // SAFETY: SQLCipher passes a key of `key_sz` bytes and an IV of a block.
    let (Some(key), Some(iv)) = (unsafe { (bytes(key, key_sz), bytes(iv, BLOCK_BYTES as c_int)) })
    else {
        return SQLITE_ERROR;
    };
    if key.len() != KEY_BYTES {
        return SQLITE_ERROR;
    }
    // SAFETY: `input` and `out` hold `len` bytes; they may overlap, which `copy` allows.
    // After the copy only `out` is used.
    let Some(data) = (unsafe {
        std::ptr::copy(input, out, len);
        bytes_mut(out, len)
    }) else {
        return SQLITE_ERROR;
    };
    let (blocks, rest) = Array::<u8, _>::slice_as_chunks_mut(data);
    if !rest.is_empty() {
        return SQLITE_ERROR;
    }
    if mode == ENCRYPT {
        match cbc::Encryptor::<Aes256>::new_from_slices(key, iv) {
            Ok(mut c) => c.encrypt_blocks(blocks),
            Err(_) => return SQLITE_ERROR,
        }
    } else {
        match cbc::Decryptor::<Aes256>::new_from_slices(key, iv) {
            Ok(mut c) => c.decrypt_blocks(blocks),
            Err(_) => return SQLITE_ERROR,
        }
    }
    SQLITE_OK
}

unsafe extern "C" fn key_size(_: *mut c_void) -> c_int {
    KEY_BYTES as c_int
}

unsafe extern "C" fn block_size(_: *mut c_void) -> c_int {
    BLOCK_BYTES as c_int
}

unsafe extern "C" fn hmac_size(_: *mut c_void, algorithm: c_int) -> c_int {
    digest_size(algorithm) as c_int
}

/// No per-connection state: every call is self-contained.
unsafe extern "C" fn ctx_init(ctx: *mut *mut c_void) -> c_int {
    // SAFETY: SQLCipher passes the address of its context pointer (checked for null).
    if let Some(ctx) = unsafe { ctx.as_mut() } {
        *ctx = std::ptr::null_mut();
    }
    SQLITE_OK
}

unsafe extern "C" fn ctx_free(_: *mut *mut c_void) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn fips_status(_: *mut c_void) -> c_int {
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn aes_256_cbc_matches_the_nist_vector_both_ways() {
        // NIST SP 800-38A, F.2.5/F.2.6 (CBC-AES256), first two blocks.
        let key: Vec<u8> = (0..32)
            .map(|i| {
                u8::from_str_radix(
                    &"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"
                        [i * 2..i * 2 + 2],
                    16,
                )
                .unwrap_or(0)
            })
            .collect();
        let iv: Vec<u8> = (0u8..16).collect();
        let plain = b"\x6b\xc1\xbe\xe2\x2e\x40\x9f\x96\xe9\x3d\x7e\x11\x73\x93\x17\x2a\
                      \xae\x2d\x8a\x57\x1e\x03\xac\x9c\x9e\xb7\x6f\xac\x45\xaf\x8e\x51";
        let mut out = [0u8; 32];
        let rc = unsafe {
            cipher(
                std::ptr::null_mut(),
                ENCRYPT,
                key.as_ptr(),
                32,
                iv.as_ptr(),
                plain.as_ptr(),
                32,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(
            hex(&out),
            "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
        );
        // In place, back again.
        let rc = unsafe {
            cipher(
                std::ptr::null_mut(),
                0,
                key.as_ptr(),
                32,
                iv.as_ptr(),
                out.as_ptr(),
                32,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(&out, plain);
    }

    #[test]
    fn a_partial_block_or_a_short_key_is_an_error_not_a_panic() {
        let key = [7u8; 32];
        let iv = [0u8; 16];
        let data = [1u8; 20];
        let mut out = [0u8; 20];
        let mut call = |key_sz, len| unsafe {
            cipher(
                std::ptr::null_mut(),
                ENCRYPT,
                key.as_ptr(),
                key_sz,
                iv.as_ptr(),
                data.as_ptr(),
                len,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(call(32, 20), SQLITE_ERROR);
        assert_eq!(call(16, 16), SQLITE_ERROR);
        assert_eq!(call(32, -16), SQLITE_ERROR);
    }

    #[test]
    fn hmac_and_pbkdf2_match_published_vectors() {
        // RFC 4231 test case 2 (HMAC-SHA-512, key "Jefe"), given as two parts.
        let mut out = [0u8; 64];
        let (a, b) = (&b"what do ya want "[..], &b"for nothing?"[..]);
        let rc = unsafe {
            hmac(
                std::ptr::null_mut(),
                SHA512,
                b"Jefe".as_ptr(),
                4,
                a.as_ptr(),
                a.len() as c_int,
                b.as_ptr(),
                b.len() as c_int,
                out.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(
            hex(&out),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"
        );
        // RFC 6070: PBKDF2-HMAC-SHA1, "password"/"salt", 2 iterations, 20 bytes.
        let mut key = [0u8; 20];
        let rc = unsafe {
            kdf(
                std::ptr::null_mut(),
                SHA1,
                b"password".as_ptr(),
                8,
                b"salt".as_ptr(),
                4,
                2,
                20,
                key.as_mut_ptr(),
            )
        };
        assert_eq!(rc, SQLITE_OK);
        assert_eq!(hex(&key), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
        assert_eq!(unsafe { hmac_size(std::ptr::null_mut(), 9) }, 0);
    }
}
