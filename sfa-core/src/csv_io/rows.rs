//! Reading a CSV file row by row: decoding, the header map, the size limits, and the
//! typed values of one row with the fields that could not be read.

use std::io::Read;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, TimeZone};
use csv::StringRecord;
use rust_decimal::Decimal;

use super::columns::{Column, ColumnMap};
use super::decode::{DecodingReader, MalformedInput};
use super::{ImportOptions, MAX_IMPORT_ROWS, MAX_ROW_BYTES};
use crate::error::{Error, FieldError, Reason, Result, RowError, RowProblem};
use crate::model::money::parse_decimal;
use crate::model::{DEFAULT_UTC_OFFSET_MINUTES, Timestamp, parse_timestamp, truncate_to_millis};

/// The data rows of a CSV file, after its header.
pub(crate) struct CsvRows<R: Read> {
    reader: csv::Reader<DecodingReader<R>>,
    map: ColumnMap,
    rows: u64,
}

/// A decoded row: its line, what it says, and the fields that could not be read (their
/// values are left absent).
#[derive(Debug, Clone)]
pub(crate) struct Decoded<T> {
    pub(crate) line: i64,
    pub(crate) value: T,
    pub(crate) errors: Vec<FieldError>,
}

/// One data row: the line it starts on (the header is line 1) and its fields.
#[derive(Debug, Clone)]
pub(crate) struct CsvRow {
    pub(crate) line: i64,
    record: StringRecord,
}

impl<R: Read> CsvRows<R> {
    /// Reads the header and maps it onto `columns`.
    pub(crate) fn open(
        input: R,
        options: &ImportOptions,
        columns: &'static [Column],
    ) -> Result<CsvRows<R>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(DecodingReader::new(input, options.encoding));
        let mut header = StringRecord::new();
        if !reader.read_record(&mut header).map_err(csv_error)? {
            return Err(super::columns::header_error("the file is empty".into()).into());
        }
        let map = ColumnMap::new(&header, columns, options.ignore_unknown_columns)?;
        Ok(CsvRows {
            reader,
            map,
            rows: 0,
        })
    }

    /// The header's map.
    pub(crate) fn map(&self) -> &ColumnMap {
        &self.map
    }

    /// The next row (`None` at the end), enforcing [`MAX_IMPORT_ROWS`] and
    /// [`MAX_ROW_BYTES`]: either stops the whole import.
    pub(crate) fn next_row(&mut self) -> Result<Option<CsvRow>> {
        let mut record = StringRecord::new();
        if !self.reader.read_record(&mut record).map_err(csv_error)? {
            return Ok(None);
        }
        self.rows += 1;
        let line = record.position().map_or(0, |p| p.line() as i64);
        let problem = if self.rows > MAX_IMPORT_ROWS {
            format!("the file has more than {MAX_IMPORT_ROWS} rows; split it")
        } else if record.as_byte_record().as_slice().len() > MAX_ROW_BYTES {
            format!("the row is longer than {} KiB", MAX_ROW_BYTES / 1024)
        } else {
            return Ok(Some(CsvRow { line, record }));
        };
        Err(RowError {
            line,
            problem: RowProblem::Malformed(problem),
        }
        .into())
    }
}

impl CsvRow {
    /// The field's raw text ("" when the column is absent).
    pub(crate) fn get<'r>(&'r self, map: &ColumnMap, field: &str) -> &'r str {
        map.get(&self.record, field)
    }

    /// The field's text, or `None` when absent or blank.
    pub(crate) fn opt(&self, map: &ColumnMap, field: &str) -> Option<String> {
        map.opt(&self.record, field)
    }

    /// True when every field is blank (such rows are counted and skipped).
    pub(crate) fn is_blank(&self) -> bool {
        self.record.iter().all(|f| f.trim().is_empty())
    }

    /// A row must have the header's width; trailing empty fields (as spreadsheets
    /// write) are tolerated.
    pub(crate) fn width_problem(&self, map: &ColumnMap) -> Option<RowError> {
        let width = map.width;
        let fits = self.record.len() == width
            || (self.record.len() > width
                && self.record.iter().skip(width).all(|f| f.trim().is_empty()));
        (!fits).then(|| RowError {
            line: self.line,
            problem: RowProblem::Malformed(format!(
                "the row has {} fields but the header has {width}",
                self.record.len()
            )),
        })
    }

    /// Reads this row's fields, collecting those that cannot be read.
    pub(crate) fn fields<'r>(&'r self, map: &'r ColumnMap) -> Fields<'r> {
        Fields {
            map,
            record: &self.record,
            errors: Vec::new(),
        }
    }
}

/// The typed fields of one row; each unreadable one is recorded (with why), and its
/// value comes back as absent or the type's default.
pub(crate) struct Fields<'r> {
    map: &'r ColumnMap,
    record: &'r StringRecord,
    pub(crate) errors: Vec<FieldError>,
}

impl Fields<'_> {
    /// The raw text ("" when the column is absent).
    pub(crate) fn text(&self, field: &str) -> String {
        self.map.get(self.record, field).to_string()
    }

    /// The text, or `None` when absent or blank.
    pub(crate) fn opt(&self, field: &str) -> Option<String> {
        self.map.opt(self.record, field)
    }

    /// The text trimmed, or `None` when absent or blank.
    pub(crate) fn trimmed(&self, field: &str) -> Option<String> {
        self.opt(field).map(|t| t.trim().to_string())
    }

    /// Records a refused field.
    pub(crate) fn refuse(&mut self, field: &'static str, reason: Reason) {
        self.errors.push(FieldError { field, reason });
    }

    /// A value parsed by `parse`, `None` when blank.
    pub(crate) fn parsed<T>(
        &mut self,
        field: &'static str,
        parse: impl FnOnce(&str) -> Result<T, Reason>,
    ) -> Option<T> {
        let text = self.opt(field)?;
        match parse(text.trim()) {
            Ok(v) => Some(v),
            Err(reason) => {
                self.refuse(field, reason);
                None
            }
        }
    }

    /// An id (or any `FromStr` with [`Reason`] errors), `None` when blank.
    pub(crate) fn id<T: FromStr<Err = Reason>>(&mut self, field: &'static str) -> Option<T> {
        self.parsed(field, str::parse)
    }

    /// A decimal as people write it (`1,234.5`, `￥1,200`), `None` when blank.
    pub(crate) fn decimal(&mut self, field: &'static str) -> Option<Decimal> {
        self.parsed(field, parse_decimal)
    }

    /// A whole number, `None` when blank.
    pub(crate) fn integer(&mut self, field: &'static str) -> Option<i32> {
        self.parsed(field, |t| {
            crate::normalize::fold_width(t)
                .parse()
                .map_err(|_| Reason::InvalidNumber)
        })
    }

    /// A date `2026-12-01` or `2026/12/01`, `None` when blank.
    pub(crate) fn date(&mut self, field: &'static str) -> Option<NaiveDate> {
        self.parsed(field, |t| parse_date(t).ok_or(Reason::InvalidDate))
    }

    /// An RFC 3339 instant, or a date (midnight in Japan), `None` when blank.
    pub(crate) fn instant(&mut self, field: &'static str) -> Option<Timestamp> {
        self.parsed(field, |t| parse_instant(t).ok_or(Reason::InvalidDate))
    }

    /// true/false, 1/0, yes/no, はい/いいえ; blank is false.
    pub(crate) fn flag(&mut self, field: &'static str) -> bool {
        match self.text(field).trim().to_lowercase().as_str() {
            "" | "0" | "false" | "no" | "いいえ" => false,
            "1" | "true" | "yes" | "はい" => true,
            _ => {
                self.refuse(field, Reason::NotAllowed);
                false
            }
        }
    }
}

/// `2026-12-01` or `2026/12/01` (width folded).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = crate::normalize::fold_width(text.trim()).replace('/', "-");
    NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()
}

/// An RFC 3339 instant, or a date (taken as midnight in Japan).
fn parse_instant(text: &str) -> Option<Timestamp> {
    if let Some(t) = parse_timestamp(text.trim()) {
        return Some(truncate_to_millis(t));
    }
    let day = parse_date(text)?;
    FixedOffset::east_opt(DEFAULT_UTC_OFFSET_MINUTES * 60)?
        .from_local_datetime(&day.and_hms_opt(0, 0, 0)?)
        .single()
        .map(|t| t.to_utc())
}

pub(crate) fn csv_error(e: csv::Error) -> Error {
    let line = e.position().map_or(0, |p| p.line() as i64);
    match e.into_kind() {
        csv::ErrorKind::Io(io) => {
            match io
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<MalformedInput>())
            {
                Some(bad) => RowError {
                    line: bad.line,
                    problem: RowProblem::Malformed(bad.to_string()),
                }
                .into(),
                None => Error::Io(io),
            }
        }
        _ => RowError {
            line,
            problem: RowProblem::Malformed("the row is not valid CSV".into()),
        }
        .into(),
    }
}
