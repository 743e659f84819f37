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

use super::{CsvEncoding, shift_jis};

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

/// The encodings input is read in: the two a CSV file is chosen or detected as, and
/// UTF-16, which a byte-order mark selects whatever the choice (as browsers do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    ShiftJis,
    Utf16Le,
    Utf16Be,
}

impl Charset {
    fn name(self) -> &'static str {
        match self {
            Charset::Utf8 => "UTF-8",
            Charset::ShiftJis => "Shift_JIS",
            Charset::Utf16Le => "UTF-16LE",
            Charset::Utf16Be => "UTF-16BE",
        }
    }

    /// The encoding a byte-order mark at the start names, and the mark's length.
    fn from_bom(start: &[u8]) -> Option<(Charset, usize)> {
        if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
            Some((Charset::Utf8, 3))
        } else if start.starts_with(&[0xFF, 0xFE]) {
            Some((Charset::Utf16Le, 2))
        } else if start.starts_with(&[0xFE, 0xFF]) {
            Some((Charset::Utf16Be, 2))
        } else {
            None
        }
    }

    /// Decodes the whole characters at the start of `input` into `out` (UTF-8) and
    /// answers the bytes read; a character cut at the end is left for the next call
    /// unless `last`. `Err` at the first malformed bytes (`out` holds the text before).
    fn decode(self, input: &[u8], out: &mut Vec<u8>, last: bool) -> Result<usize, ()> {
        match self {
            Charset::Utf8 => match std::str::from_utf8(input) {
                Ok(_) => {
                    out.extend_from_slice(input);
                    Ok(input.len())
                }
                Err(e) => {
                    out.extend_from_slice(&input[..e.valid_up_to()]);
                    match e.error_len() {
                        None if !last => Ok(e.valid_up_to()),
                        _ => Err(()),
                    }
                }
            },
            Charset::ShiftJis => shift_jis::decode(input, out, last).map_err(|_| ()),
            Charset::Utf16Le => utf16(input, out, last, u16::from_le_bytes),
            Charset::Utf16Be => utf16(input, out, last, u16::from_be_bytes),
        }
    }
}

/// UTF-16 for [`Charset::decode`]: a lone surrogate or an odd byte at the end is
/// malformed.
fn utf16(
    input: &[u8],
    out: &mut Vec<u8>,
    last: bool,
    unit: fn([u8; 2]) -> u16,
) -> Result<usize, ()> {
    let units: Vec<u16> = input.chunks_exact(2).map(|b| unit([b[0], b[1]])).collect();
    let mut read = 0;
    let mut buf = [0u8; 4];
    for c in char::decode_utf16(units.iter().copied()) {
        match c {
            Ok(c) => {
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                read += 2 * c.len_utf16();
            }
            // A high surrogate cut off by the end of this chunk.
            Err(e)
                if !last
                    && read + 2 == 2 * units.len()
                    && (0xD800..0xDC00).contains(&e.unpaired_surrogate()) =>
            {
                return Ok(read);
            }
            Err(_) => return Err(()),
        }
    }
    if last && read < input.len() {
        return Err(());
    }
    Ok(read)
}

/// A reader that yields UTF-8 from input in the chosen or detected encoding.
pub(crate) struct DecodingReader<R> {
    inner: R,
    choice: CsvEncoding,
    /// The encoding, known once the first chunk is read.
    charset: Option<Charset>,
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
            charset: None,
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

    fn detect(&self) -> Charset {
        match self.choice {
            CsvEncoding::Utf8 | CsvEncoding::Utf8WithBom => Charset::Utf8,
            CsvEncoding::ShiftJis => Charset::ShiftJis,
            CsvEncoding::Auto => {
                let sample = &self.raw[..];
                let utf8 = match std::str::from_utf8(sample) {
                    Ok(_) => true,
                    // A character cut at the end of the sample is still UTF-8.
                    Err(e) => e.error_len().is_none() && !self.eof,
                };
                if utf8 {
                    Charset::Utf8
                } else {
                    Charset::ShiftJis
                }
            }
        }
    }

    fn decode_more(&mut self) -> io::Result<()> {
        if self.raw.len() - self.raw_pos < CHUNK / 2 && !self.eof {
            self.fill_raw()?;
        }
        let charset = match self.charset {
            Some(charset) => charset,
            None => {
                // A byte-order mark names the encoding whatever the choice, and goes.
                let (charset, bom) = Charset::from_bom(&self.raw[self.raw_pos..])
                    .unwrap_or_else(|| (self.detect(), 0));
                self.raw_pos += bom;
                *self.charset.insert(charset)
            }
        };
        self.out.clear();
        self.out_pos = 0;
        let decoded = charset.decode(&self.raw[self.raw_pos..], &mut self.out, self.eof);
        let Ok(read) = decoded else {
            let line = self.lines_emitted + count_lines(&self.out) as i64 + 1;
            let kind = Malformed::Encoding(charset.name());
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                MalformedInput { line, kind },
            ));
        };
        self.raw_pos += read;
        let at_end = self.eof && self.raw_pos == self.raw.len();
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
            if self.charset.is_none() {
                self.fill_raw()?;
            }
            self.decode_more()?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::SHIFT_JIS;

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
    fn a_utf16_byte_order_mark_selects_utf16_whatever_the_choice() {
        let text = "会社名,担当\n株式会社山田製作所,山田 😀\n";
        let little: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let big: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        for choice in [CsvEncoding::Auto, CsvEncoding::Utf8, CsvEncoding::ShiftJis] {
            assert_eq!(decode(&little, choice).unwrap(), text);
            assert_eq!(decode(&big, choice).unwrap(), text);
        }
        // Across chunks: surrogate pairs cut by a chunk's end somewhere.
        let long = "あ😀\nx".repeat(CHUNK / 4);
        let bytes: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(long.encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&bytes, CsvEncoding::Auto).unwrap(), long);
        // A lone surrogate, or an odd byte at the end, is malformed.
        let err = decode(
            &[0xFF, 0xFE, b'a', 0, b'\n', 0, 0x00, 0xD8],
            CsvEncoding::Auto,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("UTF-16LE on line 2"), "{err}");
        assert!(decode(&[0xFF, 0xFE, b'a', 0, b'b'], CsvEncoding::Auto).is_err());
    }

    #[test]
    fn malformed_shift_jis_names_its_line_and_a_cut_character_is_malformed() {
        let mut bytes = SHIFT_JIS.encode("会社名\n山田\n").0.into_owned();
        bytes.extend_from_slice(&[0x82, 0x20]);
        let err = decode(&bytes, CsvEncoding::ShiftJis)
            .unwrap_err()
            .to_string();
        assert!(err.contains("Shift_JIS on line 3"), "{err}");
        let mut cut = SHIFT_JIS.encode("会社名\n山田").0.into_owned();
        cut.pop();
        let err = decode(&cut, CsvEncoding::Auto).unwrap_err().to_string();
        assert!(err.contains("Shift_JIS on line 2"), "{err}");
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
