//! Writing CSV: RFC 4180 rows with CRLF line ends (what spreadsheets expect), in UTF-8
//! (with or without BOM) or Shift_JIS, streamed as they are formatted.

use std::io::Write;

use super::{CsvEncoding, shift_jis};
use crate::error::{Entity, Error, Result};

pub(crate) fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

/// Formats records as CSV (CRLF, as spreadsheets expect) and writes them encoded.
pub(crate) struct CsvOut<'h, W: Write> {
    output: W,
    encoding: CsvEncoding,
    header: &'h [&'h str],
    line: String,
    /// The line in Shift_JIS.
    encoded: Vec<u8>,
    records: u64,
}

impl<'h, W: Write> CsvOut<'h, W> {
    pub(crate) fn new(mut output: W, encoding: CsvEncoding, header: &'h [&'h str]) -> Result<Self> {
        if matches!(encoding, CsvEncoding::Auto | CsvEncoding::Utf8WithBom) {
            output.write_all(&[0xEF, 0xBB, 0xBF])?;
        }
        let mut out = CsvOut {
            output,
            encoding,
            header,
            line: String::new(),
            encoded: Vec::new(),
            records: 0,
        };
        out.write_row(header)?;
        Ok(out)
    }

    /// Writes one row; for Shift_JIS, returns the index of a field it cannot represent
    /// (and writes nothing).
    fn write_row<T: AsRef<str>>(&mut self, fields: &[T]) -> Result<Option<usize>> {
        self.line.clear();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.line.push(',');
            }
            push_field(&mut self.line, field.as_ref());
        }
        self.line.push_str("\r\n");
        if self.encoding != CsvEncoding::ShiftJis {
            self.output.write_all(self.line.as_bytes())?;
            return Ok(None);
        }
        self.encoded.clear();
        if !shift_jis::encode(&self.line, &mut self.encoded) {
            return Ok(Some(
                fields
                    .iter()
                    .position(|f| !shift_jis::encode(f.as_ref(), &mut Vec::new()))
                    .unwrap_or(0),
            ));
        }
        self.output.write_all(&self.encoded)?;
        Ok(None)
    }

    pub(crate) fn record(&mut self, entity: Entity, id: &str, fields: &[String]) -> Result<()> {
        if let Some(i) = self.write_row(fields)? {
            return Err(Error::Unrepresentable {
                entity,
                id: id.to_string(),
                field: self.header.get(i).copied().unwrap_or("").to_string(),
            });
        }
        self.records += 1;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> Result<u64> {
        self.output.flush()?;
        Ok(self.records)
    }
}

/// RFC 4180 quoting: fields with commas, quotes, line breaks or edge spaces are quoted.
fn push_field(line: &mut String, field: &str) {
    let quote =
        field.contains([',', '"', '\r', '\n']) || field.starts_with(' ') || field.ends_with(' ');
    if quote {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}
