//! A small master-data set for tests and the demo: a five-step sales process, three
//! confidence levels, a trade-show campaign and two categories of products.

use std::str::FromStr;

use chrono::NaiveDate;
use sfa_core::{
    Campaign, CampaignInput, Confidence, ConfidenceInput, Decimal, Product, ProductCategory,
    ProductCategoryInput, ProductInput, Session, Stage, StageInput,
};

/// The records [`Catalog::create`] made.
pub struct Catalog {
    /// 初回訪問 (10%), ヒアリング (20%), 提案 (40%), 見積提示 (60%), 最終交渉 (80%).
    pub stages: Vec<Stage>,
    /// A (80%), B (50%), C (20%).
    pub confidences: Vec<Confidence>,
    /// 展示会2026 (cost 1,200,000).
    pub campaign: Campaign,
    /// ソフトウェア, サービス.
    pub categories: Vec<ProductCategory>,
    /// SV-100 生産管理システム (500,000), SV-200 在庫管理オプション (120,000),
    /// SP-10 保守サービス（月額） (30,000), SP-20 導入支援（時間） (8,500 an hour).
    pub products: Vec<Product>,
}

/// An exact decimal from text.
///
/// # Panics
/// On text that is not a number (test data only).
pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).expect("a decimal number")
}

impl Catalog {
    /// Creates the set as `admin`.
    ///
    /// # Panics
    /// If any of it is refused.
    pub fn create(admin: &Session) -> Catalog {
        let stages = [
            ("初回訪問", 10),
            ("ヒアリング", 20),
            ("提案", 40),
            ("見積提示", 60),
            ("最終交渉", 80),
        ]
        .into_iter()
        .map(|(name, pct)| {
            admin
                .add_stage(&StageInput {
                    name: name.into(),
                    default_percentage: Some(pct),
                })
                .expect("stage")
        })
        .collect();
        let confidences = [("A", 80), ("B", 50), ("C", 20)]
            .into_iter()
            .map(|(label, percentage)| {
                admin
                    .add_confidence(&ConfidenceInput {
                        label: label.into(),
                        percentage,
                    })
                    .expect("confidence")
            })
            .collect();
        let campaign = admin
            .add_campaign(&CampaignInput {
                name: "展示会2026".into(),
                starts_on: NaiveDate::from_ymd_opt(2026, 10, 14).expect("date"),
                ends_on: NaiveDate::from_ymd_opt(2026, 10, 16).expect("date"),
                cost: dec("1200000"),
                notes: Some("東京ビッグサイト 小間 A-12".into()),
            })
            .expect("campaign");
        let categories: Vec<ProductCategory> = ["ソフトウェア", "サービス"]
            .into_iter()
            .map(|name| {
                admin
                    .add_product_category(&ProductCategoryInput { name: name.into() })
                    .expect("category")
            })
            .collect();
        let products = [
            (0, "SV-100", "生産管理システム", "500000"),
            (0, "SV-200", "在庫管理オプション", "120000"),
            (1, "SP-10", "保守サービス（月額）", "30000"),
            (1, "SP-20", "導入支援（時間）", "8500"),
        ]
        .into_iter()
        .map(|(category, code, name, price)| {
            admin
                .add_product(&ProductInput {
                    category_id: categories[category].id,
                    code: code.into(),
                    name: name.into(),
                    unit_price: dec(price),
                })
                .expect("product")
        })
        .collect();
        Catalog {
            stages,
            confidences,
            campaign,
            categories,
            products,
        }
    }
}
