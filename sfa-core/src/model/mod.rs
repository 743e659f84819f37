//! Plain records and their validation. No storage here.

mod company;
mod ids;
pub mod limits;
mod page;
mod person;
mod time;
mod user;

pub use company::{Company, CompanyInput};
pub use ids::{CompanyId, PersonId, UserId};
pub(crate) use page::into_page;
pub use page::{ListQuery, MAX_PAGE_SIZE, Page, PageRequest};
pub use person::{Person, PersonInput};
pub use time::{
    Clock, SystemClock, Timestamp, format_timestamp, parse_timestamp, truncate_to_millis,
};
pub use user::{Role, User, UserInput};
