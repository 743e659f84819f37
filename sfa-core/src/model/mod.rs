//! Plain records and their validation. No storage here.

/// An enum stored and exchanged as fixed lower-case names (`visit`, `web_meeting`).
macro_rules! stored_enum {
    (
        $(#[$doc:meta])*
        $name:ident {
            $(
                $(#[$vdoc:meta])*
                $variant:ident = $text:literal,
            )*
        }
    ) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, Default,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name {
            $(
                $(#[$vdoc])*
                #[serde(rename = $text)]
                $variant,
            )*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// Parses the stored name (case and surrounding spaces ignored).
            pub fn parse(s: &str) -> Result<$name, crate::Reason> {
                let s = s.trim();
                $(
                    if s.eq_ignore_ascii_case($text) {
                        return Ok($name::$variant);
                    }
                )*
                Err(crate::Reason::NotAllowed)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod agenda;
mod card;
mod company;
mod deal;
mod ids;
mod interaction;
pub mod limits;
mod masters;
pub mod money;
mod notification;
mod page;
mod person;
mod task;
mod team;
mod time;
mod user;

pub use agenda::{Agenda, AgendaRequest, AgendaTask, DEFAULT_UTC_OFFSET_MINUTES};
pub use card::{
    BusinessCard, CardStatus, CompanyChoice, DuplicateHint, DuplicateReason, ImageType,
    MAX_CARD_IMAGE_BYTES, PersonChoice, TranscribeInput,
};
pub use company::{Company, CompanyInput};
pub use deal::{Deal, DealInput, DealLine, DealLineInput, DealStatus, MAX_DEAL_LINES};
pub(crate) use deal::{clean_lost_reason, lines_total};
pub use ids::{
    CampaignId, CardId, CompanyId, ConfidenceId, DealId, InteractionId, NotificationId, PersonId,
    ProductCategoryId, ProductId, StageId, TaskId, TeamId, UserId,
};
pub(crate) use ids::{DerivedIds, derived_ids};
pub use interaction::{
    Interaction, InteractionInput, InteractionKind, InteractionStatus, ReportInput,
};
pub use masters::{
    Campaign, CampaignInput, Confidence, ConfidenceInput, Master, MasterId, MasterInput,
    MasterKind, Product, ProductCategory, ProductCategoryInput, ProductInput, Stage, StageInput,
};
pub use notification::{Notification, NotificationKind};
pub(crate) use page::into_page;
pub use page::{ListQuery, MAX_PAGE_SIZE, Page, PageRequest};
pub use person::{Person, PersonInput};
pub use task::{Task, TaskInput, TaskKind, TaskStatus};
pub use team::{
    BOARD_DAYS, BOARD_LIST_LIMIT, BoardRequest, MemberBoard, Team, TeamBoard, TeamInput,
};
pub(crate) use time::check_date;
pub use time::{
    Clock, SystemClock, Timestamp, YEARS, format_timestamp, parse_timestamp, truncate_to_millis,
};
pub use user::{Role, User, UserInput};

/// The version a record gets when a change to `expected` is stored. Saturating: a
/// caller's nonsense version (`i64::MAX`) cannot overflow; no stored version matches
/// it, so the change is refused as a conflict.
pub(crate) fn next_version(expected: i64) -> i64 {
    expected.saturating_add(1)
}
