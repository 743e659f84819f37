//! Field length limits, in characters (Unicode scalar values). Values beyond them are
//! refused with [`crate::Reason::TooLong`], never truncated.

/// Names of users, companies and persons.
pub const NAME: usize = 200;
/// Kana readings.
pub const READING: usize = 200;
/// Address text.
pub const ADDRESS: usize = 500;
/// Industry, department and title.
pub const SHORT_TEXT: usize = 200;
/// Notes.
pub const NOTES: usize = 10_000;
/// Purposes of interactions.
pub const TITLE: usize = 200;
/// Task titles (room for a generated prefix before an interaction's purpose).
pub const TASK_TITLE: usize = 300;
/// Ids in one list (participants, persons met).
pub const LIST_ITEMS: usize = 100;
/// The longest an interaction may last, in days (a longer one is a typing error, and
/// the bound keeps agenda queries short).
pub const INTERACTION_DAYS: i64 = 31;
