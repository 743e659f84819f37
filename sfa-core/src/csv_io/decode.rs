//! Streaming transcoding of CSV input to UTF-8: UTF-8 (with or without BOM) or
//! Shift_JIS/CP932 (what Japanese Excel writes), detected from the first 64 KiB when
//! not given. Malformed bytes are an error with their line number, never replaced.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, Encoding, SHIFT_JIS, UTF_8};

use super::CsvEncoding;

const CHUNK: usize = 64 * 1024;

/// Where (1-based line) and why the input cannot be read as CSV text.
#[derive(Debug)]
pub(crate) struct MalformedInput {
    pub(crate) line: u64,
    /// The encoding the bytes are not valid in, or `None` for a line too long.
    pub(crate) encoding: Option<&'static str>,
}

impl std::fmt::Display for MalformedInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.encoding {
            Some(encoding) => write!(
                f,
                "bytes that are not valid {encoding} on line {}; choose the file's encoding (UTF-8 or Shift_JIS) explicitly",
                self.line
            ),
            None => write!(
                f,
                "line {} is longer than {} KiB: not a CSV of sfa records",
                self.line,
                super::MAX_ROW_BYTES / 1024
            ),
        }
    }
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
    lines_emitted: u64,
    /// Bytes emitted since the last line break.
    line_length: usize,
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
            let line = self.lines_emitted + count_lines(&self.out) + 1;
            let encoding = Some(decoder.encoding().name());
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                MalformedInput { line, encoding },
            ));
        }
        // Refuse an endless line before the CSV reader buffers it.
        let mut segments = self.out.split(|&b| b == b'\n').peekable();
        while let Some(segment) = segments.next() {
            self.line_length += segment.len();
            if self.line_length > super::MAX_ROW_BYTES {
                let line = self.lines_emitted + 1;
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    MalformedInput {
                        line,
                        encoding: None,
                    },
                ));
            }
            if segments.peek().is_some() {
                self.lines_emitted += 1;
                self.line_length = 0;
            }
        }
        if self.eof && self.raw_pos == self.raw.len() && result == DecoderResult::InputEmpty {
            self.finished = true;
        }
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
}
