//! Streaming transcoding of CSV input to UTF-8: UTF-8 (with or without BOM) or
//! Shift_JIS/CP932 (what Japanese Excel writes), detected from the first 64 KiB when
//! not given. Malformed bytes are an error with their line number, never replaced.
//!
//! The text is also made plain for the CSV reader: CRLF (Windows, Excel, our own
//! exports) and a lone CR (classic Mac Excel) become LF, so that the reader's line
//! numbers are the file's (the `csv` crate counts CRLF one short, BurntSushi/rust-csv
//! #395) and a CR-only file is not one endless line; byte-order marks after the start
//! (files glued together) are dropped, never stored invisibly in a value; and a quote
//! still open at the end of the input is an error naming the line where it opened,
//! instead of silently swallowing the rows after it into one field.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding, SHIFT_JIS, UTF_8};

use super::CsvEncoding;

const CHUNK: usize = 64 * 1024;

/// Where (1-based line) and why the input cannot be read as CSV text.
#[derive(Debug)]
pub(crate) struct MalformedInput {
    pub(crate) line: i64,
    pub(crate) kind: Malformed,
}

/// What is wrong with the input.
#[derive(Debug)]
pub(crate) enum Malformed {
    /// Bytes that are not valid in this encoding.
    Encoding(&'static str),
    /// A physical line longer than [`super::MAX_ROW_BYTES`].
    LineTooLong,
    /// A quoted field still open at the end of the input (`line` is where it opened).
    UnterminatedQuote,
}

impl std::fmt::Display for MalformedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            Malformed::Encoding(encoding) => write!(
                f,
                "bytes that are not valid {encoding} on line {}; choose the file's encoding (UTF-8 or Shift_JIS) explicitly",
                self.line
            ),
            Malformed::LineTooLong => write!(
                f,
                "line {} is longer than {} KiB: not a CSV of sfa records",
                self.line,
                super::MAX_ROW_BYTES / 1024
            ),
            Malformed::UnterminatedQuote => {
                write!(f, "the quote opened on line {} is never closed", self.line)
            }
        }
    }
}

/// Where the CSV reader is inside a field, to find a quote left open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// At the start of a field.
    FieldStart,
    /// Inside an unquoted field (a quote here is an ordinary character).
    Unquoted,
    /// Inside a quoted field.
    Quoted,
    /// Just after a quote inside a quoted field: `""` or the closing quote.
    QuoteInQuoted,
}

impl std::error::Error for MalformedInput {}

/// A reader that yields UTF-8 from input in the chosen or detected encoding.
pub(crate) struct DecodingReader<R> {
    inner: R,
    choice: CsvEncoding,
    decoder: Option<encoding_rs::Decoder>,
    raw: Vec<u8>,
    raw_pos: usize,
    eof: bool,
    out: Vec<u8>,
    out_pos: usize,
    lines_emitted: i64,
    /// Bytes emitted since the last line break.
    line_length: usize,
    /// The previous chunk ended with a CR (its LF, if any, starts the next one).
    pending_cr: bool,
    quoting: Quoting,
    /// The line where the quoted field now open started.
    quote_line: i64,
    finished: bool,
}

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, choice: CsvEncoding) -> Self {
        DecodingReader {
            inner,
            choice,
            decoder: None,
            raw: Vec::with_capacity(CHUNK),
            raw_pos: 0,
            eof: false,
            out: Vec::new(),
            out_pos: 0,
            lines_emitted: 0,
            line_length: 0,
            pending_cr: false,
            quoting: Quoting::FieldStart,
            quote_line: 0,
            finished: false,
        }
    }

    /// Reads until `raw` holds `CHUNK` unconsumed bytes or the input ends.
    fn fill_raw(&mut self) -> io::Result<()> {
        self.raw.drain(..self.raw_pos);
        self.raw_pos = 0;
        while self.raw.len() < CHUNK && !self.eof {
            let start = self.raw.len();
            self.raw.resize(CHUNK, 0);
            match self.inner.read(&mut self.raw[start..]) {
                Ok(0) => {
                    self.raw.truncate(start);
                    self.eof = true;
                }
                Ok(n) => self.raw.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.raw.truncate(start),
                Err(e) => {
                    self.raw.truncate(start);
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    fn detect(&self) -> &'static Encoding {
        match self.choice {
            CsvEncoding::Utf8 | CsvEncoding::Utf8WithBom => UTF_8,
            CsvEncoding::ShiftJis => SHIFT_JIS,
            CsvEncoding::Auto => {
                let sample = &self.raw[..];
                let utf8 = match std::str::from_utf8(sample) {
                    Ok(_) => true,
                    // A character cut at the end of the sample is still UTF-8.
                    Err(e) => e.error_len().is_none() && !self.eof,
                };
                if utf8 || sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
                    UTF_8
                } else {
                    SHIFT_JIS
                }
            }
        }
    }

    fn decode_more(&mut self) -> io::Result<()> {
        if self.raw.len() - self.raw_pos < CHUNK / 2 && !self.eof {
            self.fill_raw()?;
        }
        let decoder = match &mut self.decoder {
            Some(d) => d,
            None => {
                // The decoder removes a UTF-8 BOM (and honours a UTF-16 one).
                let encoding = self.detect();
                self.decoder.insert(encoding.new_decoder())
            }
        };
        let input = &self.raw[self.raw_pos..];
        let capacity = decoder
            .max_utf8_buffer_length_without_replacement(input.len())
            .unwrap_or(CHUNK * 3)
            .max(16);
        self.out.clear();
        self.out.resize(capacity, 0);
        self.out_pos = 0;
        let (result, read, written) =
            decoder.decode_to_utf8_without_replacement(input, &mut self.out, self.eof);
        self.out.truncate(written);
        self.raw_pos += read;
        if let DecoderResult::Malformed(_, _) = result {
            let line = self.lines_emitted + count_lines(&self.out) as i64 + 1;
            let kind = Malformed::Encoding(decoder.encoding().name());
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                MalformedInput { line, kind },
            ));
        }
        let at_end =
            self.eof && self.raw_pos == self.raw.len() && result == DecoderResult::InputEmpty;
        self.plain_text(at_end)?;
        if at_end {
            self.finished = true;
        }
        Ok(())
    }

    /// Rewrites the decoded chunk in place: line ends to LF, inner byte-order marks
    /// dropped; counts lines (refusing an endless one before the CSV reader buffers
    /// it) and follows the quoting, refusing a quote left open at the end.
    fn plain_text(&mut self, at_end: bool) -> io::Result<()> {
        let input = std::mem::take(&mut self.out);
        let mut out = Vec::with_capacity(input.len() + 1);
        let mut i = 0;
        while i < input.len() {
            let b = input[i];
            i += 1;
            if self.pending_cr {
                self.pending_cr = false;
                self.emit(&mut out, b'\n')?;
                if b == b'\n' {
                    continue;
                }
            }
            match b {
                b'\r' => self.pending_cr = true,
                // U+FEFF in UTF-8; the decoder already removed the one at the start.
                0xEF if input.get(i..i + 2) == Some(&[0xBB, 0xBF]) => i += 2,
                _ => self.emit(&mut out, b)?,
            }
        }
        if at_end {
            if self.pending_cr {
                self.pending_cr = false;
                self.emit(&mut out, b'\n')?;
            }
            if self.quoting == Quoting::Quoted {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    MalformedInput {
                        line: self.quote_line,
                        kind: Malformed::UnterminatedQuote,
                    },
                ));
            }
        }
        self.out = out;
        self.out_pos = 0;
        Ok(())
    }

    fn emit(&mut self, out: &mut Vec<u8>, b: u8) -> io::Result<()> {
        self.quoting = match (self.quoting, b) {
            (Quoting::FieldStart, b'"') => {
                self.quote_line = self.lines_emitted + 1;
                Quoting::Quoted
            }
            (Quoting::Quoted, b'"') => Quoting::QuoteInQuoted,
            (Quoting::Quoted, _) => Quoting::Quoted,
            (Quoting::QuoteInQuoted, b'"') => Quoting::Quoted,
            (_, b',' | b'\n') => Quoting::FieldStart,
            _ => Quoting::Unquoted,
        };
        if b == b'\n' {
            self.lines_emitted += 1;
            self.line_length = 0;
        } else {
            self.line_length += 1;
            if self.line_length > super::MAX_ROW_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    MalformedInput {
                        line: self.lines_emitted + 1,
                        kind: Malformed::LineTooLong,
                    },
                ));
            }
        }
        out.push(b);
        Ok(())
    }
}

fn count_lines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_pos < self.out.len() {
                let n = buf.len().min(self.out.len() - self.out_pos);
                buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
                self.out_pos += n;
                return Ok(n);
            }
            if self.finished || buf.is_empty() {
                return Ok(0);
            }
            if self.decoder.is_none() {
                self.fill_raw()?;
            }
            self.decode_more()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], choice: CsvEncoding) -> io::Result<String> {
        let mut s = String::new();
        DecodingReader::new(bytes, choice).read_to_string(&mut s)?;
        Ok(s)
    }

    #[test]
    fn detects_utf8_with_and_without_bom_and_shift_jis() {
        let text = "会社名,電話番号\n株式会社山田製作所,03-1234-5678\n";
        assert_eq!(decode(text.as_bytes(), CsvEncoding::Auto).unwrap(), text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, CsvEncoding::Auto).unwrap(), text);
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        assert_eq!(decode(&sjis, CsvEncoding::Auto).unwrap(), text);
        assert_eq!(decode(&sjis, CsvEncoding::ShiftJis).unwrap(), text);
    }

    #[test]
    fn large_inputs_stream_across_chunks() {
        let line = "株式会社ヤマダ電機,ﾔﾏﾀﾞ,東京都千代田区丸の内１丁目\n";
        let text = line.repeat(20_000);
        let (sjis, _, _) = SHIFT_JIS.encode(&text);
        assert!(sjis.len() > CHUNK * 4);
        assert_eq!(decode(&sjis, CsvEncoding::Auto).unwrap(), text);
        assert_eq!(decode(text.as_bytes(), CsvEncoding::Auto).unwrap(), text);
    }

    #[test]
    fn malformed_bytes_report_their_line() {
        let mut bytes = "a,b\nc,d\n".as_bytes().to_vec();
        bytes.extend_from_slice(&[0xFF, 0xFE, b'\n']);
        let err = decode(&bytes, CsvEncoding::Utf8).unwrap_err();
        let inner = err
            .get_ref()
            .unwrap()
            .downcast_ref::<MalformedInput>()
            .unwrap();
        assert_eq!(inner.line, 3);
    }

    #[test]
    fn line_ends_become_lf_and_inner_boms_go() {
        assert_eq!(
            decode(b"a,b\r\nc,d\r\n", CsvEncoding::Auto).unwrap(),
            "a,b\nc,d\n"
        );
        assert_eq!(
            decode(b"a,b\rc,d\r", CsvEncoding::Auto).unwrap(),
            "a,b\nc,d\n"
        );
        assert_eq!(
            decode(b"a,b\r\n\r\nc", CsvEncoding::Auto).unwrap(),
            "a,b\n\nc"
        );
        let glued = "\u{feff}a,b\n\u{feff}c,d\n";
        assert_eq!(
            decode(glued.as_bytes(), CsvEncoding::Auto).unwrap(),
            "a,b\nc,d\n"
        );
        // A CR at the very end of a chunk and its LF at the start of the next.
        let mut long = "x".repeat(CHUNK - 1);
        long.push_str("\r\ny\r\n");
        let want = format!("{}\ny\n", "x".repeat(CHUNK - 1));
        assert_eq!(decode(long.as_bytes(), CsvEncoding::Auto).unwrap(), want);
    }

    #[test]
    fn a_quote_left_open_names_the_line_where_it_opened() {
        let text = "a,b\nc,\"d\ne,f\ng,h\n";
        let err = decode(text.as_bytes(), CsvEncoding::Auto).unwrap_err();
        let inner = err
            .get_ref()
            .unwrap()
            .downcast_ref::<MalformedInput>()
            .unwrap();
        assert_eq!(inner.line, 2);
        // Closed quotes, doubled quotes and quotes inside unquoted fields are fine.
        let fine = "a,\"b\"\"c\nd\"\nx\"y,z\n";
        assert_eq!(decode(fine.as_bytes(), CsvEncoding::Auto).unwrap(), fine);
    }
}
