//! # sfa-core
//!
//! The core of an embeddable sales-force-automation (SFA) library for Japanese sales
//! teams: the customer ledger (companies, persons), users, Japanese fuzzy search
//! ([`search`]), interactions (visits, calls...), tasks, the notifications outbox, the
//! agenda with its iCalendar export ([`ical`]), master data and deals with exact
//! amounts, and the storage they live in. Storage sits behind the
//! [`store::Store`] trait; SQLite is the default.
//!
//! ```
//! use sfa_core::{CompanyInput, PageRequest, PersonInput, SearchRequest, Sfa, UserInput};
//!
//! # fn main() -> sfa_core::Result<()> {
//! let sfa = Sfa::open_in_memory()?; // Sfa::open("ledger.sqlite") for a file
//! let admin = sfa.create_first_admin(&UserInput::admin("管理 太郎", "admin@example.co.jp"))?;
//! let me = sfa.session(admin.id)?;
//!
//! let company = me.add_company(&CompanyInput {
//!     name: "株式会社山田製作所".into(),
//!     name_reading: Some("ﾔﾏﾀﾞｾｲｻｸｼｮ".into()),
//!     phone: Some("０３（１２３４）５６７８".into()),
//!     website: Some("yamada-ss.example.co.jp".into()),
//!     ..CompanyInput::default()
//! })?;
//! assert_eq!(company.name_reading.as_deref(), Some("ヤマダセイサクショ"));
//! assert_eq!(company.phone.as_deref(), Some("+81312345678"));
//! assert_eq!(company.website.as_deref(), Some("https://yamada-ss.example.co.jp"));
//!
//! let person = me.add_person(&PersonInput {
//!     name_reading: Some("タカハシ イチロウ".into()),
//!     email: Some("ichiro.takahashi@example.co.jp".into()),
//!     ..PersonInput::named(company.id, "高橋 一郎")
//! })?;
//! let persons = me.company_persons(company.id, &PageRequest::default())?;
//! assert_eq!(persons.items, vec![person.clone()]);
//! assert_eq!(
//!     person.contact_links().mailto.as_deref(),
//!     Some("mailto:ichiro.takahashi@example.co.jp")
//! );
//!
//! // Fuzzy search: half-width kana, romaji, variant kanji, phone notations...
//! let hits = me.search(&SearchRequest::new("takahasi itiro"))?;
//! assert_eq!(hits[0].person_id(), Some(person.id));
//! let hits = me.search(&SearchRequest::new("03-1234-5678"))?;
//! assert_eq!(hits[0].company_id(), Some(company.id));
//! # Ok(())
//! # }
//! ```
//!
//! The day's activity: a visit is planned, reported to a manager, and the manager's
//! phone polls the notification it caused.
//!
//! ```
//! use chrono::{Duration, Utc};
//! use sfa_core::{
//!     CompanyInput, InteractionInput, NotificationKind, ReportInput, Sfa, TaskKind, UserInput,
//! };
//!
//! # fn main() -> sfa_core::Result<()> {
//! let sfa = Sfa::open_in_memory()?;
//! let boss = sfa.create_first_admin(&UserInput::admin("部長", "bucho@example.co.jp"))?;
//! let manager = sfa.session(boss.id)?;
//! let hanako = manager.add_user(&UserInput::member("営業 花子", "hanako@example.co.jp"))?;
//! let me = sfa.session(hanako.id)?;
//! let company = me.add_company(&CompanyInput::named("株式会社山田製作所"))?;
//!
//! // A call that just happened, logged with its result and sent to the manager.
//! let start = Utc::now() - Duration::minutes(30);
//! let call = me.log_interaction(
//!     &InteractionInput {
//!         company_id: company.id,
//!         purpose: "納期の確認".into(),
//!         starts_at: start,
//!         ends_at: start + Duration::minutes(10),
//!         participant_ids: vec![me.user_id()],
//!         ..InteractionInput::default()
//!     },
//!     &ReportInput {
//!         report_to: Some(manager.user_id()),
//!         ..ReportInput::outcome("12月10日納品で了承")
//!     },
//! )?;
//! let tasks = manager.interaction_tasks(call.id)?;
//! assert_eq!(tasks[0].kind, TaskKind::Confirmation);
//! let due = manager.due_notifications(Utc::now())?;
//! assert_eq!(due[0].kind, NotificationKind::ConfirmationRequested);
//! manager.mark_delivered(&[due[0].id])?;
//! # Ok(())
//! # }
//! ```
#![warn(missing_docs)]

pub mod card_text;
pub mod csv_io;
mod error;
#[cfg(feature = "fault-injection")]
pub mod fault;
pub mod forecast;
pub mod ical;
pub mod model;
pub mod normalize;
pub mod observe;
pub mod search;
pub mod store;
pub mod sync;
mod workflow;

pub use card_text::{CardDraft, CardPhone, PhoneLabel, parse_card_text};
pub use csv_io::progress::ImportProgress;
pub use csv_io::{CsvEncoding, DealNames, ExportOptions, ImportKind, ImportOptions, ImportReport};
pub use error::{
    Entity, Error, FieldError, Reason, RefusedField, Result, RowError, RowProblem, StorageError,
    ValidationError,
};
pub use model::{
    Agenda, AgendaRequest, AgendaTask, BoardRequest, BusinessCard, Campaign, CampaignId,
    CampaignInput, CardId, CardStatus, Company, CompanyChoice, CompanyId, CompanyInput, Confidence,
    ConfidenceId, ConfidenceInput, Deal, DealId, DealInput, DealLine, DealLineInput, DealStatus,
    DuplicateHint, DuplicateReason, ImageType, Interaction, InteractionId, InteractionInput,
    InteractionKind, InteractionStatus, Master, MasterId, MasterKind, MemberBoard, Notification,
    NotificationId, NotificationKind, Page, PageRequest, Person, PersonChoice, PersonId,
    PersonInput, Product, ProductCategory, ProductCategoryId, ProductCategoryInput, ProductId,
    ProductInput, ReportInput, Role, Stage, StageId, StageInput, Task, TaskId, TaskInput, TaskKind,
    TaskStatus, Team, TeamBoard, TeamId, TeamInput, Timestamp, TranscribeInput, User, UserId,
    UserInput,
};
pub use rust_decimal::Decimal;
pub use search::{EAGER_INDEX_CHANGES, HitKind, IndexCheck, SearchHit, SearchRequest, SearchScope};
pub use store::RecordProblem;
pub use workflow::{
    CONFIRMATION_TITLE_PREFIX, CompanyLinks, ContactLinks, MAX_ICAL_INTERACTIONS,
    MAX_MARKED_PER_CALL, MAX_NOTIFICATIONS_PER_POLL, NOTIFICATION_CLAIM_SECONDS, Session, Sfa,
    Transcription,
};
