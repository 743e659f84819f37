//! Normalisation and validation of the values users type: text, phone numbers,
//! e-mail addresses, homepages and postal codes. Pure functions; each is idempotent
//! (normalising a normalised value returns it unchanged) and never panics.

mod email;
mod phone;
mod postal;
mod text;
mod website;

pub use email::{MAX_EMAIL_CHARS, mailto_uri, normalize_email};
pub use phone::{normalize_phone, tel_uri};
pub use postal::normalize_postal_code;
pub use text::{clean_line, clean_multiline, clean_reading, fold_width, required_line, sort_key};
pub use website::{MAX_WEBSITE_CHARS, normalize_website};
