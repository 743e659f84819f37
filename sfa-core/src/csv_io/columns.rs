//! CSV header mapping: which header texts name which field.
//!
//! Headers are compared after folding width, lower-casing and dropping spaces,
//! underscores, hyphens and middle dots, so `Name Reading`, `name_reading` and
//! `ＮＡＭＥ－ＲＥＡＤＩＮＧ` are one header.

use std::collections::HashMap;

use crate::error::{RowError, RowProblem};
use crate::normalize::fold_width;

/// One importable field and the header texts that name it.
pub(crate) struct Column {
    pub(crate) field: &'static str,
    pub(crate) aliases: &'static [&'static str],
}

/// Columns that exports write but imports do not take (the library sets them).
pub(crate) const READ_ONLY: &[&str] = &[
    "line_amount",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "version",
];

pub(crate) const COMPANY_COLUMNS: &[Column] = &[
    Column {
        field: "id",
        aliases: &["id", "顧客id", "企業id"],
    },
    Column {
        field: "name",
        aliases: &[
            "name",
            "company",
            "company_name",
            "会社名",
            "企業名",
            "顧客名",
            "社名",
        ],
    },
    Column {
        field: "name_reading",
        aliases: &[
            "name_reading",
            "reading",
            "kana",
            "会社名フリガナ",
            "会社名かな",
            "フリガナ",
            "ふりがな",
            "よみ",
            "読み",
            "カナ",
        ],
    },
    Column {
        field: "postal_code",
        aliases: &[
            "postal_code",
            "zip",
            "zip_code",
            "postcode",
            "郵便番号",
            "〒",
        ],
    },
    Column {
        field: "address",
        aliases: &["address", "住所", "所在地"],
    },
    Column {
        field: "phone",
        aliases: &[
            "phone",
            "tel",
            "telephone",
            "電話",
            "電話番号",
            "代表電話",
            "代表電話番号",
        ],
    },
    Column {
        field: "website",
        aliases: &[
            "website",
            "url",
            "homepage",
            "web",
            "ホームページ",
            "hp",
            "webサイト",
            "ウェブサイト",
        ],
    },
    Column {
        field: "industry",
        aliases: &["industry", "業種", "業界"],
    },
    Column {
        field: "notes",
        aliases: &["notes", "note", "memo", "備考", "メモ"],
    },
    Column {
        field: "archived",
        aliases: &["archived", "アーカイブ"],
    },
];

pub(crate) const PERSON_COLUMNS: &[Column] = &[
    Column {
        field: "id",
        aliases: &["id", "担当者id"],
    },
    Column {
        field: "company_id",
        aliases: &["company_id", "顧客id", "企業id"],
    },
    Column {
        field: "company_name",
        aliases: &[
            "company_name",
            "company",
            "会社名",
            "企業名",
            "顧客名",
            "社名",
        ],
    },
    Column {
        field: "name",
        aliases: &["name", "full_name", "氏名", "名前", "担当者名", "担当者"],
    },
    Column {
        field: "name_reading",
        aliases: &[
            "name_reading",
            "reading",
            "kana",
            "氏名フリガナ",
            "フリガナ",
            "ふりがな",
            "よみ",
            "読み",
            "カナ",
        ],
    },
    Column {
        field: "department",
        aliases: &["department", "dept", "部署", "部署名", "所属"],
    },
    Column {
        field: "title",
        aliases: &["title", "job_title", "position", "役職"],
    },
    Column {
        field: "email",
        aliases: &[
            "email",
            "e_mail",
            "mail",
            "メール",
            "メールアドレス",
            "eメール",
        ],
    },
    Column {
        field: "office_phone",
        aliases: &[
            "office_phone",
            "phone",
            "tel",
            "電話",
            "電話番号",
            "会社電話",
        ],
    },
    Column {
        field: "mobile_phone",
        aliases: &[
            "mobile_phone",
            "mobile",
            "cell",
            "携帯",
            "携帯電話",
            "携帯番号",
            "携帯電話番号",
        ],
    },
    Column {
        field: "notes",
        aliases: &["notes", "note", "memo", "備考", "メモ"],
    },
    Column {
        field: "archived",
        aliases: &["archived", "アーカイブ"],
    },
];

pub(crate) const DEAL_COLUMNS: &[Column] = &[
    Column {
        field: "deal_ref",
        aliases: &[
            "id",
            "deal_id",
            "deal_ref",
            "案件id",
            "案件番号",
            "案件コード",
        ],
    },
    Column {
        field: "company_id",
        aliases: &["company_id", "顧客id", "企業id"],
    },
    Column {
        field: "company_name",
        aliases: &[
            "company_name",
            "company",
            "会社名",
            "企業名",
            "顧客名",
            "社名",
        ],
    },
    Column {
        field: "name",
        aliases: &["name", "deal", "deal_name", "案件名", "案件"],
    },
    Column {
        field: "owner_email",
        aliases: &[
            "owner_email",
            "owner",
            "案件担当",
            "担当者",
            "担当者メール",
            "担当者メールアドレス",
        ],
    },
    Column {
        field: "amount",
        aliases: &["amount", "金額", "案件金額", "見込金額"],
    },
    Column {
        field: "expected_close_on",
        aliases: &[
            "expected_close_on",
            "close_date",
            "受注予定日",
            "完了予定日",
        ],
    },
    Column {
        field: "stage",
        aliases: &["stage", "商談プロセス", "フェーズ", "商談フェーズ"],
    },
    Column {
        field: "confidence",
        aliases: &["confidence", "確度", "案件確度", "ヨミ"],
    },
    Column {
        field: "campaign",
        aliases: &[
            "campaign",
            "キャンペーン",
            "マーケティング活動",
            "施策",
            "リードソース",
        ],
    },
    Column {
        field: "status",
        aliases: &["status", "状態", "ステータス"],
    },
    Column {
        field: "closed_on",
        aliases: &["closed_on", "完了日", "受注日", "失注日"],
    },
    Column {
        field: "lost_reason",
        aliases: &["lost_reason", "失注理由"],
    },
    Column {
        field: "notes",
        aliases: &["notes", "note", "memo", "備考", "メモ"],
    },
    Column {
        field: "product_code",
        aliases: &[
            "product_code",
            "product",
            "商材コード",
            "商品コード",
            "商材",
        ],
    },
    Column {
        field: "quantity",
        aliases: &["quantity", "qty", "数量"],
    },
    Column {
        field: "unit_price",
        aliases: &["unit_price", "price", "単価"],
    },
    Column {
        field: "created_at",
        aliases: &["created_at", "作成日時", "登録日", "作成日"],
    },
];

pub(crate) const MASTER_COLUMNS: &[Column] = &[
    Column {
        field: "kind",
        aliases: &["kind", "種別", "種類", "マスタ"],
    },
    Column {
        field: "id",
        aliases: &["id"],
    },
    Column {
        field: "name",
        aliases: &["name", "label", "名前", "名称", "ラベル"],
    },
    Column {
        field: "code",
        aliases: &["code", "product_code", "コード", "商材コード", "商品コード"],
    },
    Column {
        field: "category",
        aliases: &["category", "カテゴリ", "商材カテゴリ"],
    },
    Column {
        field: "percentage",
        aliases: &["percentage", "percent", "%", "確率", "パーセント"],
    },
    Column {
        field: "starts_on",
        aliases: &["starts_on", "start", "開始日"],
    },
    Column {
        field: "ends_on",
        aliases: &["ends_on", "end", "終了日"],
    },
    Column {
        field: "cost",
        aliases: &["cost", "費用", "コスト"],
    },
    Column {
        field: "unit_price",
        aliases: &["unit_price", "price", "単価", "価格"],
    },
    Column {
        field: "notes",
        aliases: &["notes", "note", "memo", "備考", "メモ"],
    },
    Column {
        field: "retired",
        aliases: &["retired", "廃止"],
    },
];

pub(crate) const USER_COLUMNS: &[Column] = &[
    Column {
        field: "id",
        aliases: &["id", "ユーザーid"],
    },
    Column {
        field: "name",
        aliases: &["name", "氏名", "名前", "ユーザー名"],
    },
    Column {
        field: "email",
        aliases: &["email", "e-mail", "mail", "メール", "メールアドレス"],
    },
    Column {
        field: "role",
        aliases: &["role", "権限", "役割"],
    },
    Column {
        field: "active",
        aliases: &["active", "有効"],
    },
];

fn header_key(text: &str) -> String {
    fold_width(text.trim_start_matches('\u{feff}'))
        .to_lowercase()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '・' | '\t'))
        .collect()
}

/// Where each field's value sits in a row.
pub(crate) struct ColumnMap {
    index: HashMap<&'static str, usize>,
    pub(crate) width: usize,
}

impl ColumnMap {
    /// Maps a header row. Unknown headers are an error unless `ignore_unknown`;
    /// a field named twice is always one.
    pub(crate) fn new(
        header: &csv::StringRecord,
        columns: &'static [Column],
        ignore_unknown: bool,
    ) -> Result<ColumnMap, RowError> {
        let mut index = HashMap::new();
        let mut unknown = Vec::new();
        for (i, text) in header.iter().enumerate() {
            let key = header_key(text);
            if key.is_empty() {
                continue;
            }
            let found = columns
                .iter()
                .find(|c| c.aliases.iter().any(|a| header_key(a) == key));
            match found {
                Some(column) => {
                    if index.insert(column.field, i).is_some() {
                        return Err(header_error(format!(
                            "two columns name the field `{}`",
                            column.field
                        )));
                    }
                }
                None if READ_ONLY.iter().any(|r| header_key(r) == key) => {}
                None => unknown.push((i + 1).to_string()),
            }
        }
        if !unknown.is_empty() && !ignore_unknown {
            // Positions, not texts: a file without a header row would otherwise echo
            // its first record (customers' data) into the error.
            return Err(header_error(format!(
                "the columns at positions {} have unknown names (or the file has no header row); rename them or ask to ignore unknown columns",
                unknown.join(", ")
            )));
        }
        Ok(ColumnMap {
            index,
            width: header.len(),
        })
    }

    /// True when the header has the field.
    pub(crate) fn has(&self, field: &str) -> bool {
        self.index.contains_key(field)
    }

    /// The field's raw value in `row` ("" when the column is absent).
    pub(crate) fn get<'r>(&self, row: &'r csv::StringRecord, field: &str) -> &'r str {
        self.index
            .get(field)
            .and_then(|&i| row.get(i))
            .unwrap_or("")
    }

    /// The field's value, or `None` when absent or blank.
    pub(crate) fn opt(&self, row: &csv::StringRecord, field: &str) -> Option<String> {
        let v = self.get(row, field);
        (!v.trim().is_empty()).then(|| v.to_string())
    }
}

pub(crate) fn header_error(message: String) -> RowError {
    RowError {
        line: 1,
        problem: RowProblem::Malformed(format!("header: {message}")),
    }
}
