//! The master data's CSV codec: one file for every kind, a row per record with its
//! `kind`, in the order a restore needs (categories before their products, stages in
//! process order). References stay names for the workflow to resolve.

use super::columns::ColumnMap;
use super::rows::{CsvRow, Decoded};
use super::writer::text;
use crate::error::Reason;
use crate::model::{
    CampaignInput, ConfidenceInput, Master, MasterId, MasterInput, MasterKind,
    ProductCategoryInput, ProductInput, StageInput, format_timestamp,
};

/// One master as the file gives it.
#[derive(Debug, Clone)]
pub(crate) struct MasterRow {
    /// The id to keep, or a new one when absent.
    pub(crate) id: Option<MasterId>,
    /// The input; a product's category is still to be resolved from `category`.
    pub(crate) input: MasterInput,
    /// A product's category, by name.
    pub(crate) category: Option<String>,
    pub(crate) retired: bool,
}

/// The `kind` column's words.
fn parse_kind(text: &str) -> Result<MasterKind, Reason> {
    let key: String = crate::normalize::fold_width(text.trim())
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .collect();
    Ok(match key.as_str() {
        "productcategory" | "category" | "商材カテゴリ" | "カテゴリ" => {
            MasterKind::ProductCategory
        }
        "product" | "商材" | "商品" => MasterKind::Product,
        "stage" | "商談プロセス" | "フェーズ" => MasterKind::Stage,
        "confidence" | "確度" | "案件確度" => MasterKind::Confidence,
        "campaign" | "キャンペーン" | "マーケティング活動" => MasterKind::Campaign,
        _ => return Err(Reason::NotAllowed),
    })
}

fn kind_word(kind: MasterKind) -> &'static str {
    match kind {
        MasterKind::ProductCategory => "product_category",
        MasterKind::Product => "product",
        MasterKind::Stage => "stage",
        MasterKind::Confidence => "confidence",
        MasterKind::Campaign => "campaign",
    }
}

/// Decodes a row; `None` as the value when its kind cannot be read (the error says so).
pub(crate) fn master_row(map: &ColumnMap, row: &CsvRow) -> Decoded<Option<MasterRow>> {
    let mut f = row.fields(map);
    let Some(kind) = f.parsed("kind", parse_kind) else {
        if f.errors.is_empty() {
            f.refuse("kind", Reason::Required);
        }
        return Decoded {
            line: row.line,
            value: None,
            errors: f.errors,
        };
    };
    let id = f.parsed("id", |t| kind.parse_id(t));
    let name = f.text("name");
    let percentage = f.integer("percentage");
    let mut category = None;
    let input = match kind {
        MasterKind::ProductCategory => MasterInput::ProductCategory(ProductCategoryInput { name }),
        MasterKind::Product => {
            category = f.trimmed("category");
            if category.is_none() {
                f.refuse("category", Reason::Required);
            }
            let unit_price = f.decimal("unit_price");
            if f.opt("unit_price").is_none() {
                f.refuse("unit_price", Reason::Required);
            }
            MasterInput::Product(ProductInput {
                category_id: Default::default(),
                code: f.text("code"),
                name,
                unit_price: unit_price.unwrap_or_default(),
            })
        }
        MasterKind::Stage => MasterInput::Stage(StageInput {
            name,
            default_percentage: percentage,
        }),
        MasterKind::Confidence => {
            if f.opt("percentage").is_none() {
                f.refuse("percentage", Reason::Required);
            }
            MasterInput::Confidence(ConfidenceInput {
                label: name,
                percentage: percentage.unwrap_or_default(),
            })
        }
        MasterKind::Campaign => {
            let mut required = |field| {
                if f.opt(field).is_none() {
                    f.refuse(field, Reason::Required);
                }
            };
            required("starts_on");
            required("ends_on");
            required("cost");
            MasterInput::Campaign(CampaignInput {
                starts_on: f.date("starts_on").unwrap_or_default(),
                ends_on: f.date("ends_on").unwrap_or_default(),
                cost: f.decimal("cost").unwrap_or_default(),
                notes: f.opt("notes"),
                name,
            })
        }
    };
    let retired = f.flag("retired");
    Decoded {
        line: row.line,
        value: Some(MasterRow {
            id,
            input,
            category,
            retired,
        }),
        errors: f.errors,
    }
}

pub(crate) const MASTER_HEADER: &[&str] = &[
    "kind",
    "id",
    "name",
    "code",
    "category",
    "percentage",
    "starts_on",
    "ends_on",
    "cost",
    "unit_price",
    "notes",
    "retired",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
];

/// A master's row; `category` is a product's category name.
pub(crate) fn master_fields(m: &Master, category: &str) -> Vec<String> {
    let blank = String::new;
    let day = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let pct = |p: Option<i32>| p.map(|p| p.to_string()).unwrap_or_default();
    // name, code, category, percentage, starts_on, ends_on, cost, unit_price, notes
    let own: [String; 9] = match m {
        Master::ProductCategory(c) => [
            c.name.clone(),
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
        ],
        Master::Product(p) => [
            p.name.clone(),
            p.code.clone(),
            category.to_string(),
            blank(),
            blank(),
            blank(),
            blank(),
            p.unit_price.to_string(),
            blank(),
        ],
        Master::Stage(s) => [
            s.name.clone(),
            blank(),
            blank(),
            pct(s.default_percentage),
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
        ],
        Master::Confidence(c) => [
            c.label.clone(),
            blank(),
            blank(),
            pct(Some(c.percentage)),
            blank(),
            blank(),
            blank(),
            blank(),
            blank(),
        ],
        Master::Campaign(c) => [
            c.name.clone(),
            blank(),
            blank(),
            blank(),
            day(c.starts_on),
            day(c.ends_on),
            c.cost.to_string(),
            blank(),
            text(&c.notes),
        ],
    };
    let (created_at, created_by, updated_at, updated_by) = match m {
        Master::ProductCategory(c) => (c.created_at, c.created_by, c.updated_at, c.updated_by),
        Master::Product(c) => (c.created_at, c.created_by, c.updated_at, c.updated_by),
        Master::Stage(c) => (c.created_at, c.created_by, c.updated_at, c.updated_by),
        Master::Confidence(c) => (c.created_at, c.created_by, c.updated_at, c.updated_by),
        Master::Campaign(c) => (c.created_at, c.created_by, c.updated_at, c.updated_by),
    };
    let mut row = vec![kind_word(m.id().kind()).to_string(), m.id().to_string()];
    row.extend(own);
    row.extend([
        m.retired().to_string(),
        format_timestamp(&created_at),
        created_by.to_string(),
        format_timestamp(&updated_at),
        updated_by.to_string(),
        m.version().to_string(),
    ]);
    row
}
