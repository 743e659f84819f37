//! The CSV codec: rows of the ledger (companies and persons), deals, master data and
//! users to inputs (with field errors and line numbers) and records back to rows. The
//! codec never touches the database: the workflow layer resolves names to records,
//! applies the same rules as the API and owns the import's transaction
//! (`Session::import_*_csv`, `Session::export_*_csv`).
//!
//! # A whole database as a file set
//! Every export re-imports into an empty database as it is. A team's data is five
//! files, exported and imported in this order (each refers to the ones before it):
//!
//! 1. `users.csv` ([`crate::Session::export_users_csv`]): users by id, e-mail, role;
//! 2. `masters.csv` ([`crate::Session::export_masters_csv`]): categories, products,
//!    stages (in process order), confidence levels, campaigns;
//! 3. `companies.csv`, 4. `persons.csv`: the ledger, archived records included;
//! 5. `deals.csv`: deals with their line items, masters by name, owners by e-mail.
//!
//! Ids are kept throughout, so links survive. Into an empty database: create the first
//! admin, then import the five files in order as that admin (a user in `users.csv`
//! with the admin's e-mail is recognised, not created twice). The importing admin is
//! recorded as the author of what the import creates; deals keep their `created_at`.
//!
//! # Encodings
//! Imports read UTF-8 (with or without BOM) and Shift_JIS/CP932, the encoding Japanese
//! Excel writes. [`CsvEncoding::Auto`] decides from the first 64 KiB: a BOM or valid
//! UTF-8 means UTF-8, anything else Shift_JIS. Invalid bytes fail the import with the
//! line number; they are never replaced. Exports write UTF-8 with BOM by default (Excel
//! then opens them correctly), plain UTF-8, or Shift_JIS.
//!
//! # Header mapping
//! The first row names the columns, in any order. Headers are matched after folding
//! width and case and dropping spaces, `_`, `-` and `・`. Accepted names:
//!
//! | field | companies | persons |
//! |---|---|---|
//! | `id` | id | id |
//! | `company_id` | | company_id, 顧客ID, 企業ID |
//! | `company_name` | | company_name, company, 会社名, 企業名, 顧客名, 社名 |
//! | `name` (required) | name, company, 会社名, 企業名, 顧客名, 社名 | name, full_name, 氏名, 名前, 担当者名, 担当者 |
//! | `name_reading` | reading, kana, 会社名フリガナ, フリガナ, ふりがな, よみ, 読み, カナ | reading, kana, 氏名フリガナ, フリガナ, ふりがな, よみ, 読み, カナ |
//! | `postal_code` | zip, zip_code, postcode, 郵便番号, 〒 | |
//! | `address` | 住所, 所在地 | |
//! | `phone` | tel, telephone, 電話, 電話番号, 代表電話 | |
//! | `website` | url, homepage, web, HP, ホームページ, Webサイト | |
//! | `industry` | 業種, 業界 | |
//! | `department` | | dept, 部署, 部署名, 所属 |
//! | `title` | | job_title, position, 役職 |
//! | `email` | | e-mail, mail, メール, メールアドレス |
//! | `office_phone` | | phone, tel, 電話, 電話番号, 会社電話 |
//! | `mobile_phone` | | mobile, cell, 携帯, 携帯電話, 携帯番号 |
//! | `notes` | note, memo, 備考, メモ | note, memo, 備考, メモ |
//! | `archived` | true/false, 1/0, yes/no, はい/いいえ | same |
//!
//! `created_at`, `created_by`, `updated_at`, `updated_by` and `version` (written by
//! exports) are accepted and ignored: the import sets them. Any other column fails the
//! import unless [`ImportOptions::ignore_unknown_columns`] is set, so that a misspelt
//! header never drops data silently.
//!
//! The header row is required: an import refuses a file whose header names unknown
//! columns (say, a file without a header row) and names those columns by position,
//! never by their text.
//!
//! A non-blank `id` keeps that id (it must not exist yet), so an export can be
//! re-imported into an empty database with its person -> company links intact.
//! A person names its company by `company_id` (any existing company, archived ones
//! included, so an export restores whole) or, when that is blank, by `company_name`:
//! the exact name of exactly one non-archived company.
//!
//! # Deals
//! One row per line item; a deal without line items is one row with the product
//! columns blank. The rows of one deal are consecutive and share a `deal_ref`; the deal
//! columns (everything but the product columns) are read from its first row, and later
//! rows must leave them blank or repeat them exactly. A row with a blank `deal_ref` is
//! a deal of its own. A `deal_ref` that is a UUID becomes the deal's id (it must not
//! exist yet), so an export restores whole; any other text only groups rows.
//!
//! | field | accepted headers | value |
//! |---|---|---|
//! | `deal_ref` | id, deal_id, deal_ref, 案件ID, 案件番号, 案件コード | groups rows |
//! | `company_id` / `company_name` (one required) | as for persons | the company |
//! | `name` (required) | name, deal, deal_name, 案件名, 案件 | |
//! | `owner_email` | owner, 案件担当, 担当者, 担当者メール | an active user's e-mail; blank = the importing user |
//! | `amount` | 金額, 案件金額, 見込金額 | `1,234.5`, `￥1,200`, `1200円`; with lines, blank or their sum |
//! | `expected_close_on` | close_date, 受注予定日, 完了予定日 | `2026-12-01` or `2026/12/01` |
//! | `stage` | 商談プロセス, フェーズ, 商談フェーズ | a stage's name |
//! | `confidence` | 確度, 案件確度, ヨミ | a confidence level's label |
//! | `campaign` | キャンペーン, マーケティング活動, 施策, リードソース | a campaign's name |
//! | `status` | 状態, ステータス | open / won / lost, 進行中 / 受注 / 失注; blank = open |
//! | `closed_on` | 完了日, 受注日, 失注日 | required for won and lost deals, refused for open ones |
//! | `lost_reason` | 失注理由 | lost deals only |
//! | `notes` | note, memo, 備考, メモ | |
//! | `product_code` | product, 商材コード, 商品コード, 商材 | a product's code |
//! | `quantity` | qty, 数量 | required with a product; more than zero |
//! | `unit_price` | price, 単価 | blank = the product's list price |
//! | `created_at` | 作成日時, 登録日, 作成日 | when the deal was created (RFC 3339, or a date = midnight in Japan); blank = now |
//!
//! Masters must exist and not be retired, except on won or lost deals, which are
//! history. A closed deal's close date must not be before its `created_at`: to load
//! historical closed deals, give `created_at`. Exports also write `line_amount` and the
//! audit columns, which imports ignore. An import's `imported` counts deals.
//!
//! # Master data
//! One file, a row per master with its `kind` (種別): `product_category` (商材カテゴリ),
//! `product` (商材), `stage` (商談プロセス), `confidence` (確度), `campaign`
//! (キャンペーン). Rows are stored in file order, so categories come before their
//! products; stages are appended to the process in file order.
//!
//! | field | accepted headers | used by |
//! |---|---|---|
//! | `kind` (required) | 種別, 種類 | every row |
//! | `id` | id | every row: the id to keep (blank = new) |
//! | `name` (required) | label, 名前, 名称, ラベル | every kind (a confidence level's label) |
//! | `code` | product_code, コード, 商材コード | products (required) |
//! | `category` | カテゴリ, 商材カテゴリ | products: the category's name (required) |
//! | `percentage` | percent, %, 確率 | stages (default percentage), confidence levels (required) |
//! | `starts_on`, `ends_on` | start, end, 開始日, 終了日 | campaigns (required) |
//! | `cost` | 費用, コスト | campaigns (required) |
//! | `unit_price` | price, 単価, 価格 | products (required) |
//! | `notes` | 備考, メモ | campaigns |
//! | `retired` | 廃止 | every kind: true/false |
//!
//! # Users
//! Admins only. Columns `id`, `name` (氏名), `email` (メール), `role` (admin/member,
//! 管理者/メンバー), `active` (blank = true). A row whose e-mail is already a user's is
//! recognised as that user (and must carry the same id, or none), not created again.
//!
//! # Rows
//! Line ends may be CRLF (Excel, our exports), LF or CR alone (classic Mac Excel);
//! line numbers count physical lines, so a cell with a line break moves the next
//! row's number on. A byte-order mark is accepted at the start and dropped anywhere
//! else. A quote left open at the end fails the import with the line where it opened.
//! Values are validated and normalised like the same fields in the API. Rows whose
//! every field is blank are counted as blank and skipped. A row with more fields than
//! the header is accepted only if the extra fields are empty. The first bad row fails
//! the whole import (one transaction: nothing is stored) with its line number and
//! reason, unless [`ImportOptions::skip_bad_rows`] is set; then bad rows are skipped
//! and listed in [`ImportReport::skipped`].

pub(crate) mod columns;
pub(crate) mod deals;
pub use deals::DealNames;
mod decode;
pub(crate) mod ledger;
pub(crate) mod masters;
pub(crate) mod progress;
pub(crate) mod rows;
mod shift_jis;
pub(crate) mod users;
pub(crate) mod writer;

use serde::{Deserialize, Serialize};

use crate::error::RowError;

/// The most data rows one import reads (a bigger file is refused whole: split it).
pub const MAX_IMPORT_ROWS: u64 = 1_000_000;

/// The longest row, in bytes of UTF-8 (every field at its limit fits with room to
/// spare). A longer row, or a longer physical line, stops the import.
pub const MAX_ROW_BYTES: usize = 64 * 1024;

/// The character encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvEncoding {
    /// Import: detect UTF-8 or Shift_JIS. Export: UTF-8 with BOM.
    #[default]
    #[serde(alias = "Auto")]
    Auto,
    /// UTF-8; an import accepts a BOM, an export writes none.
    #[serde(alias = "Utf8")]
    Utf8,
    /// UTF-8 with a byte-order mark (what Excel expects to recognise UTF-8).
    #[serde(alias = "Utf8WithBom")]
    Utf8WithBom,
    /// Shift_JIS as Windows writes it (CP932, including NEC and IBM extensions).
    #[serde(alias = "ShiftJis")]
    ShiftJis,
}

/// How to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The file's encoding.
    pub encoding: CsvEncoding,
    /// Skip bad rows (listing them in the report) instead of failing the whole import.
    pub skip_bad_rows: bool,
    /// Ignore columns the import does not know instead of failing.
    pub ignore_unknown_columns: bool,
}

/// What a CSV import reads: the file of which `import_*_csv` call (see
/// `Session::import_csv_with_progress`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `Session::import_companies_csv`.
    Companies,
    /// `Session::import_persons_csv`.
    Persons,
    /// `Session::import_deals_csv`.
    Deals,
    /// `Session::import_masters_csv`.
    Masters,
    /// `Session::import_users_csv`.
    Users,
}

/// How to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExportOptions {
    /// The encoding to write.
    pub encoding: CsvEncoding,
    /// Include archived records.
    pub include_archived: bool,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Rows stored.
    pub imported: i64,
    /// Rows skipped because they were bad (only with `skip_bad_rows`), in file order.
    pub skipped: Vec<RowError>,
    /// Rows with every field blank, ignored.
    pub blank_rows: i64,
}

impl ImportReport {
    /// Counts one record's outcome: stored, or bad (listed when bad rows are skipped,
    /// else the import fails with it).
    pub(crate) fn tally(
        &mut self,
        outcome: Result<(), RowError>,
        skip_bad_rows: bool,
    ) -> crate::Result<()> {
        match outcome {
            Ok(()) => self.imported += 1,
            Err(bad) if skip_bad_rows => self.skipped.push(bad),
            Err(bad) => return Err(bad.into()),
        }
        Ok(())
    }
}
