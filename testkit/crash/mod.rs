//! What the crash harness's writer (`testkit/crash/writer.rs`) and checker
//! (`tests/crash.rs`) share: the users it acts as and the data it writes.
//! The writer itself is the `sfa-crash-writer` binary (`testkit/crash/writer.rs`).

/// The admin the writer acts as.
pub const ADMIN_EMAIL: &str = "admin@crash.example.jp";
/// The user its visit reports go to.
pub const REVIEWER_EMAIL: &str = "bucho@crash.example.jp";

/// The image of card `n` of the run with `seed`: a JPEG signature and bytes that
/// differ per card, so that a mixed-up or torn image is seen.
pub fn card_image(seed: u64, n: u64) -> Vec<u8> {
    let mut image = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ n;
    for _ in 0..(2048 + (n % 7) * 512) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        image.push(x as u8);
    }
    image
}
