//! CSV import and export of the ledger (companies and persons).
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
//! A non-blank `id` keeps that id (it must not exist yet), so an export can be
//! re-imported into an empty database with its person -> company links intact.
//! A person names its company by `company_id` (any existing company, archived ones
//! included, so an export restores whole) or, when that is blank, by `company_name`:
//! the exact name of exactly one non-archived company.
//!
//! # Rows
//! Values are validated and normalised like the same fields in the API. Rows whose
//! every field is blank are counted as blank and skipped. A row with more fields than
//! the header is accepted only if the extra fields are empty. The first bad row fails
//! the whole import (one transaction: nothing is stored) with its line number and
//! reason, unless [`ImportOptions::skip_bad_rows`] is set; then bad rows are skipped
//! and listed in [`ImportReport::skipped`].

mod columns;
mod decode;
mod export;
mod import;

use serde::{Deserialize, Serialize};

use crate::error::RowError;

/// The character encoding of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum CsvEncoding {
    /// Import: detect UTF-8 or Shift_JIS. Export: UTF-8 with BOM.
    #[default]
    Auto,
    /// UTF-8; an import accepts a BOM, an export writes none.
    Utf8,
    /// UTF-8 with a byte-order mark (what Excel expects to recognise UTF-8).
    Utf8WithBom,
    /// Shift_JIS as Windows writes it (CP932, including NEC and IBM extensions).
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
    pub imported: u64,
    /// Rows skipped because they were bad (only with `skip_bad_rows`), in file order.
    pub skipped: Vec<RowError>,
    /// Rows with every field blank, ignored.
    pub blank_rows: u64,
}
