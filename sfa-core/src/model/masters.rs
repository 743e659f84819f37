//! Master data for deals (マスターデータ): campaigns, stages, confidence levels, product
//! categories and products. Admins maintain them; everyone reads them. A master that
//! deals (or products) refer to can be retired -- hidden from pickers, kept for history
//! -- but not deleted.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::company::optional;
use super::money::{check_amount, check_percentage};
use super::time::check_date;
use super::{
    CampaignId, ConfidenceId, ProductCategoryId, ProductId, StageId, Timestamp, UserId, limits,
};
use crate::error::{Checker, Entity, Reason, ValidationError};
use crate::normalize::{clean_multiline, required_line};

/// The fields every master record shares after its own.
macro_rules! master_record {
    (
        $(#[$doc:meta])*
        pub struct $name:ident {
            $(
                $(#[$fdoc:meta])*
                pub $field:ident: $ty:ty,
            )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name {
            $(
                $(#[$fdoc])*
                pub $field: $ty,
            )*
            /// Retired masters are hidden from pickers and refused on new deals, but
            /// kept for the records that refer to them.
            pub retired: bool,
            /// When it was created.
            pub created_at: Timestamp,
            /// Who created it.
            pub created_by: UserId,
            /// When it last changed.
            pub updated_at: Timestamp,
            /// Who changed it last.
            pub updated_by: UserId,
            /// Incremented on every change; send it back with a change.
            pub version: i64,
        }
    };
}

/// Checks a required one-line name.
fn name(c: &mut Checker, field: &'static str, value: &str) -> String {
    c.check(field, required_line(value, limits::NAME))
}

// --- Campaigns ---------------------------------------------------------------------

/// The editable fields of a campaign (マーケティング活動).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CampaignInput {
    /// Name (required, unique among campaigns).
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day (not before the first).
    pub ends_on: NaiveDate,
    /// What it cost, exactly (not negative).
    pub cost: Decimal,
    /// Free notes.
    pub notes: Option<String>,
}

impl CampaignInput {
    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<CampaignInput, ValidationError> {
        let mut c = Checker::new(Entity::Campaign);
        let name = name(&mut c, "name", &self.name);
        c.check("starts_on", check_date(self.starts_on));
        c.check("ends_on", check_date(self.ends_on));
        if self.ends_on < self.starts_on {
            c.check::<()>("ends_on", Err(Reason::BeforeStart));
        }
        let cost = c.check("cost", check_amount(self.cost));
        let notes = c.check(
            "notes",
            optional(&self.notes, |v| clean_multiline(v, limits::NOTES)),
        );
        c.finish(CampaignInput {
            name,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
            cost,
            notes,
        })
    }
}

master_record! {
    /// A marketing activity (マーケティング活動) that deals can name as their source.
    pub struct Campaign {
        /// The id.
        pub id: CampaignId,
        /// Name.
        pub name: String,
        /// First day.
        pub starts_on: NaiveDate,
        /// Last day.
        pub ends_on: NaiveDate,
        /// Cost.
        pub cost: Decimal,
        /// Notes.
        pub notes: Option<String>,
    }
}

// --- Stages ------------------------------------------------------------------------

/// The editable fields of a stage (商談プロセス).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StageInput {
    /// Name (required, unique among stages).
    pub name: String,
    /// The probability of a deal at this stage when it names no confidence level
    /// (0-100).
    pub default_percentage: Option<i32>,
}

impl StageInput {
    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<StageInput, ValidationError> {
        let mut c = Checker::new(Entity::Stage);
        let name = name(&mut c, "name", &self.name);
        let default_percentage = c.check(
            "default_percentage",
            self.default_percentage.map(check_percentage).transpose(),
        );
        c.finish(StageInput {
            name,
            default_percentage,
        })
    }
}

master_record! {
    /// A step of the sales process (商談プロセス), in the order the team sets.
    pub struct Stage {
        /// The id.
        pub id: StageId,
        /// Name.
        pub name: String,
        /// Place in the process, from 1.
        pub position: i32,
        /// Default probability (0-100).
        pub default_percentage: Option<i32>,
    }
}

// --- Confidence levels -------------------------------------------------------------

/// The editable fields of a confidence level (案件確度).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConfidenceInput {
    /// Label (required, unique), e.g. `A`.
    pub label: String,
    /// The probability it stands for (0-100), e.g. 80.
    pub percentage: i32,
}

impl ConfidenceInput {
    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<ConfidenceInput, ValidationError> {
        let mut c = Checker::new(Entity::Confidence);
        let label = c.check("label", required_line(&self.label, limits::SHORT_TEXT));
        let percentage = c.check("percentage", check_percentage(self.percentage));
        c.finish(ConfidenceInput { label, percentage })
    }
}

master_record! {
    /// A named likelihood (案件確度), e.g. A = 80%.
    pub struct Confidence {
        /// The id.
        pub id: ConfidenceId,
        /// Label.
        pub label: String,
        /// Probability (0-100).
        pub percentage: i32,
    }
}

// --- Product categories and products ----------------------------------------------

/// The editable fields of a product category (商材カテゴリ).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductCategoryInput {
    /// Name (required, unique).
    pub name: String,
}

impl ProductCategoryInput {
    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<ProductCategoryInput, ValidationError> {
        let mut c = Checker::new(Entity::ProductCategory);
        let name = name(&mut c, "name", &self.name);
        c.finish(ProductCategoryInput { name })
    }
}

master_record! {
    /// A group of products (商材カテゴリ).
    pub struct ProductCategory {
        /// The id.
        pub id: ProductCategoryId,
        /// Name.
        pub name: String,
    }
}

/// The editable fields of a product (商材).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductInput {
    /// Its category (required).
    pub category_id: ProductCategoryId,
    /// Product code (required, unique), e.g. `SV-100`.
    pub code: String,
    /// Name (required).
    pub name: String,
    /// List price per unit (not negative).
    pub unit_price: Decimal,
}

impl ProductInput {
    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<ProductInput, ValidationError> {
        let mut c = Checker::new(Entity::Product);
        if self.category_id == ProductCategoryId::default() {
            c.check::<()>("category_id", Err(Reason::Required));
        }
        let code = c.check("code", required_line(&self.code, limits::SHORT_TEXT));
        let name = name(&mut c, "name", &self.name);
        let unit_price = c.check("unit_price", check_amount(self.unit_price));
        c.finish(ProductInput {
            category_id: self.category_id,
            code,
            name,
            unit_price,
        })
    }
}

master_record! {
    /// Something the team sells (商材).
    pub struct Product {
        /// The id.
        pub id: ProductId,
        /// Its category.
        pub category_id: ProductCategoryId,
        /// Product code.
        pub code: String,
        /// Name.
        pub name: String,
        /// List price per unit.
        pub unit_price: Decimal,
    }
}

// --- Any master --------------------------------------------------------------------

/// The editable fields of a master of any kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MasterInput {
    /// A campaign.
    Campaign(CampaignInput),
    /// A stage.
    Stage(StageInput),
    /// A confidence level.
    Confidence(ConfidenceInput),
    /// A product category.
    ProductCategory(ProductCategoryInput),
    /// A product.
    Product(ProductInput),
}

impl MasterInput {
    /// The kind of master.
    pub fn kind(&self) -> MasterKind {
        match self {
            MasterInput::Campaign(_) => MasterKind::Campaign,
            MasterInput::Stage(_) => MasterKind::Stage,
            MasterInput::Confidence(_) => MasterKind::Confidence,
            MasterInput::ProductCategory(_) => MasterKind::ProductCategory,
            MasterInput::Product(_) => MasterKind::Product,
        }
    }

    /// The value that must be unique within the kind (a label, a product code, a name).
    pub fn unique_name(&self) -> &str {
        match self {
            MasterInput::Campaign(i) => &i.name,
            MasterInput::Stage(i) => &i.name,
            MasterInput::Confidence(i) => &i.label,
            MasterInput::ProductCategory(i) => &i.name,
            MasterInput::Product(i) => &i.code,
        }
    }

    /// Checks every field and returns the normalised input, or every refused field.
    pub fn validate(&self) -> Result<MasterInput, ValidationError> {
        Ok(match self {
            MasterInput::Campaign(i) => MasterInput::Campaign(i.validate()?),
            MasterInput::Stage(i) => MasterInput::Stage(i.validate()?),
            MasterInput::Confidence(i) => MasterInput::Confidence(i.validate()?),
            MasterInput::ProductCategory(i) => MasterInput::ProductCategory(i.validate()?),
            MasterInput::Product(i) => MasterInput::Product(i.validate()?),
        })
    }
}

/// A kind of master record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MasterKind {
    /// Campaigns, by first day then name.
    Campaign,
    /// Stages, by position.
    Stage,
    /// Confidence levels, by percentage (highest first) then label.
    Confidence,
    /// Product categories, by name.
    ProductCategory,
    /// Products, by code.
    Product,
}

impl MasterKind {
    /// Every kind, in the order a reader that resolves references wants them:
    /// categories before the products that name them (the order of a restore).
    pub const ALL: [MasterKind; 5] = [
        MasterKind::ProductCategory,
        MasterKind::Product,
        MasterKind::Stage,
        MasterKind::Confidence,
        MasterKind::Campaign,
    ];
}

/// The id of any master record, for the calls every kind shares (retire, delete).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MasterId {
    /// A campaign.
    Campaign(CampaignId),
    /// A stage.
    Stage(StageId),
    /// A confidence level.
    Confidence(ConfidenceId),
    /// A product category.
    ProductCategory(ProductCategoryId),
    /// A product.
    Product(ProductId),
}

impl MasterKind {
    /// The kind's record entity (for errors).
    pub fn entity(self) -> Entity {
        match self {
            MasterKind::Campaign => Entity::Campaign,
            MasterKind::Stage => Entity::Stage,
            MasterKind::Confidence => Entity::Confidence,
            MasterKind::ProductCategory => Entity::ProductCategory,
            MasterKind::Product => Entity::Product,
        }
    }

    /// A new id of this kind.
    pub fn new_id(self) -> MasterId {
        match self {
            MasterKind::Campaign => MasterId::Campaign(CampaignId::new()),
            MasterKind::Stage => MasterId::Stage(StageId::new()),
            MasterKind::Confidence => MasterId::Confidence(ConfidenceId::new()),
            MasterKind::ProductCategory => MasterId::ProductCategory(ProductCategoryId::new()),
            MasterKind::Product => MasterId::Product(ProductId::new()),
        }
    }

    /// Parses an id of this kind.
    pub fn parse_id(self, text: &str) -> Result<MasterId, Reason> {
        Ok(match self {
            MasterKind::Campaign => MasterId::Campaign(text.parse()?),
            MasterKind::Stage => MasterId::Stage(text.parse()?),
            MasterKind::Confidence => MasterId::Confidence(text.parse()?),
            MasterKind::ProductCategory => MasterId::ProductCategory(text.parse()?),
            MasterKind::Product => MasterId::Product(text.parse()?),
        })
    }
}

impl MasterId {
    /// The kind of master.
    pub fn kind(&self) -> MasterKind {
        match self {
            MasterId::Campaign(_) => MasterKind::Campaign,
            MasterId::Stage(_) => MasterKind::Stage,
            MasterId::Confidence(_) => MasterKind::Confidence,
            MasterId::ProductCategory(_) => MasterKind::ProductCategory,
            MasterId::Product(_) => MasterKind::Product,
        }
    }

    /// The kind of record.
    pub fn entity(&self) -> Entity {
        self.kind().entity()
    }

    /// The id's UUID, whatever the kind (ids of different kinds never share one).
    pub fn as_uuid(&self) -> uuid::Uuid {
        match self {
            MasterId::Campaign(id) => id.as_uuid(),
            MasterId::Stage(id) => id.as_uuid(),
            MasterId::Confidence(id) => id.as_uuid(),
            MasterId::ProductCategory(id) => id.as_uuid(),
            MasterId::Product(id) => id.as_uuid(),
        }
    }
}

impl std::fmt::Display for MasterId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MasterId::Campaign(id) => id.fmt(f),
            MasterId::Stage(id) => id.fmt(f),
            MasterId::Confidence(id) => id.fmt(f),
            MasterId::ProductCategory(id) => id.fmt(f),
            MasterId::Product(id) => id.fmt(f),
        }
    }
}

/// Any master record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Master {
    /// A campaign.
    Campaign(Campaign),
    /// A stage.
    Stage(Stage),
    /// A confidence level.
    Confidence(Confidence),
    /// A product category.
    ProductCategory(ProductCategory),
    /// A product.
    Product(Product),
}

macro_rules! master_kinds {
    ($($kind:ident),*) => {$(
        impl From<$kind> for Master {
            fn from(m: $kind) -> Master {
                Master::$kind(m)
            }
        }

        impl TryFrom<Master> for $kind {
            type Error = Master;

            fn try_from(m: Master) -> Result<$kind, Master> {
                match m {
                    Master::$kind(m) => Ok(m),
                    other => Err(other),
                }
            }
        }
    )*};
}
master_kinds!(Campaign, Stage, Confidence, ProductCategory, Product);

macro_rules! each_master {
    ($value:expr, $m:ident => $body:expr) => {
        match $value {
            Master::Campaign($m) => $body,
            Master::Stage($m) => $body,
            Master::Confidence($m) => $body,
            Master::ProductCategory($m) => $body,
            Master::Product($m) => $body,
        }
    };
}

impl Master {
    /// The record's id.
    pub fn id(&self) -> MasterId {
        match self {
            Master::Campaign(m) => MasterId::Campaign(m.id),
            Master::Stage(m) => MasterId::Stage(m.id),
            Master::Confidence(m) => MasterId::Confidence(m.id),
            Master::ProductCategory(m) => MasterId::ProductCategory(m.id),
            Master::Product(m) => MasterId::Product(m.id),
        }
    }

    /// True when it is retired.
    pub fn retired(&self) -> bool {
        each_master!(self, m => m.retired)
    }

    /// Its version.
    pub fn version(&self) -> i64 {
        each_master!(self, m => m.version)
    }

    /// Sets the retired flag.
    pub(crate) fn set_retired(&mut self, retired: bool) {
        each_master!(self, m => m.retired = retired)
    }

    /// Records a change by `by` at `now` over stored version `expected`.
    pub(crate) fn stamp(&mut self, by: UserId, now: Timestamp, expected: i64) {
        each_master!(self, m => {
            m.updated_at = now;
            m.updated_by = by;
            m.version = super::next_version(expected);
        })
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn bad_master_input_names_each_field() {
        let e = CampaignInput {
            name: "".into(),
            starts_on: NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(),
            ends_on: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
            cost: Decimal::from_str("-1").unwrap(),
            notes: None,
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.reason_for("name"), Some(&Reason::Required));
        assert_eq!(e.reason_for("ends_on"), Some(&Reason::BeforeStart));
        assert_eq!(e.reason_for("cost"), Some(&Reason::Negative));

        let e = ConfidenceInput {
            label: "A".into(),
            percentage: 120,
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.reason_for("percentage"), Some(&Reason::OutOfRange));
        let e = StageInput {
            name: "提案".into(),
            default_percentage: Some(-5),
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            e.reason_for("default_percentage"),
            Some(&Reason::OutOfRange)
        );
        let e = ProductInput {
            code: " ".into(),
            unit_price: Decimal::from_str("-0.01").unwrap(),
            ..ProductInput::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(e.reason_for("category_id"), Some(&Reason::Required));
        assert_eq!(e.reason_for("code"), Some(&Reason::Required));
        assert_eq!(e.reason_for("unit_price"), Some(&Reason::Negative));
    }
}
