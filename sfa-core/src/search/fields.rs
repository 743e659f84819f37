//! The index schema and how records become documents. A document carries its
//! records' text as it is; the searchable fields are cut into tokens by the two
//! tokenizers registered here ([`register_tokenizers`]), built on [`super::text`] as
//! the queries are, so indexing and querying share one analyser. Tokens are made on
//! tantivy's indexing thread: a document waiting in its queue (up to 10,000 of them
//! during a rebuild) weighs its text, not its tokens (about 14 KB).

use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{PreTokenizedStream, PreTokenizedString, TextAnalyzer, Token, Tokenizer};
use tantivy::{Index, TantivyDocument};

use super::text::{Piece, START, bigram, normalize, pieces, unigram, whole_key};
use crate::model::{Company, Person};

/// The schema's field handles, looked up once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    /// `c:<id>` or `p:<id>`: the unique key used to replace a document.
    pub key: Field,
    /// `company` or `person`.
    pub kind: Field,
    /// `0` or `1`.
    pub archived: Field,
    /// The name shown in a hit.
    pub display: Field,
    /// Company or person name.
    pub name: Field,
    /// Kana reading.
    pub reading: Field,
    /// A person's company: name and reading.
    pub org: Field,
    /// Address, department, title, industry, e-mail, website (and a person's company address).
    pub detail: Field,
    /// Every suffix of every Latin word, for infix and as-you-type matching.
    pub latin: Field,
    /// Phone numbers: national digits, E.164 digits and the last four digits.
    pub phone: Field,
    /// A fingerprint of everything searchable in the document (see [`DocBuilder`]), so
    /// that a check can tell an index entry that no longer matches its record.
    pub digest: Field,
    /// Orders hits of equal score: あいうえお order of the record's sort key (its first
    /// bytes), then a hash of its key, so that ties never depend on how the index
    /// happens to be laid out in segments.
    pub tiebreak: Field,
}

/// The name of the [`Fields::tiebreak`] field.
pub(crate) const TIEBREAK: &str = "tiebreak";

/// The [`Fields::tiebreak`] value of a record: the first six bytes of its list sort key
/// (kana reading or lower-cased name; UTF-8 bytes keep that order), then 16 bits of a
/// hash of its key.
fn tiebreak(sort_key: &str, key: &str) -> u64 {
    let mut prefix = [0u8; 8];
    for (slot, b) in prefix.iter_mut().zip(sort_key.as_bytes().iter().take(6)) {
        *slot = *b;
    }
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    u64::from_be_bytes(prefix) | (hash & 0xFFFF)
}

/// A document being built, with an FNV-1a fingerprint of every field and token added.
pub(crate) struct DocBuilder {
    doc: TantivyDocument,
    digest: u64,
}

impl DocBuilder {
    fn feed(&mut self, field: Field, text: &str) {
        for b in field
            .field_id()
            .to_le_bytes()
            .iter()
            .chain(text.as_bytes())
            .chain(&[0xFF])
        {
            self.digest ^= u64::from(*b);
            self.digest = self.digest.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn text(&mut self, field: Field, text: &str) {
        self.feed(field, text);
        self.doc.add_text(field, text);
    }

    /// The document with its fingerprint, and the fingerprint.
    fn finish(mut self, digest_field: Field) -> (TantivyDocument, String) {
        let digest = format!("{:016x}", self.digest);
        self.doc.add_text(digest_field, &digest);
        (self.doc, digest)
    }
}

impl Fields {
    pub(crate) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let tokenized = |tokenizer| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(tokenizer)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            )
        };
        let grams = tokenized(GRAMS);
        let fields = Fields {
            key: b.add_text_field("key", STRING | STORED),
            kind: b.add_text_field("kind", STRING),
            archived: b.add_text_field("archived", STRING),
            display: b.add_text_field("display", STORED),
            name: b.add_text_field("name", grams.clone()),
            reading: b.add_text_field("reading", grams.clone()),
            org: b.add_text_field("org", grams.clone()),
            detail: b.add_text_field("detail", grams.clone()),
            latin: b.add_text_field("latin", tokenized(LATIN)),
            phone: b.add_text_field("phone", STRING),
            digest: b.add_text_field("digest", STRING | STORED),
            tiebreak: b.add_u64_field(TIEBREAK, FAST),
        };
        (b.build(), fields)
    }

    pub(crate) fn company_doc(&self, c: &Company) -> TantivyDocument {
        self.company_doc_and_digest(c).0
    }

    pub(crate) fn person_doc(&self, p: &Person, company: Option<&Company>) -> TantivyDocument {
        self.person_doc_and_digest(p, company).0
    }

    /// A company's document and its fingerprint.
    pub(crate) fn company_doc_and_digest(&self, c: &Company) -> (TantivyDocument, String) {
        let mut doc = self.base(
            &company_key(&c.id.to_string()),
            "company",
            c.archived,
            &c.name,
            &c.sort_key(),
        );
        self.add_grams(&mut doc, self.name, &c.name);
        if let Some(r) = &c.name_reading {
            self.add_grams(&mut doc, self.reading, r);
        }
        for v in [&c.address, &c.industry, &c.website].into_iter().flatten() {
            self.add_grams(&mut doc, self.detail, v);
        }
        let website_host = c.website.as_deref().map(host_of);
        self.add_latin(
            &mut doc,
            [Some(c.name.as_str()), website_host].into_iter().flatten(),
        );
        if let Some(p) = &c.phone {
            self.add_phone(&mut doc, p);
        }
        doc.finish(self.digest)
    }

    /// A person's document (with its company's searchable text) and its fingerprint.
    pub(crate) fn person_doc_and_digest(
        &self,
        p: &Person,
        company: Option<&Company>,
    ) -> (TantivyDocument, String) {
        let mut doc = self.base(
            &person_key(&p.id.to_string()),
            "person",
            p.archived,
            &p.name,
            &p.sort_key(),
        );
        self.add_grams(&mut doc, self.name, &p.name);
        if let Some(r) = &p.name_reading {
            self.add_grams(&mut doc, self.reading, r);
        }
        if let Some(c) = company {
            self.add_grams(&mut doc, self.org, &c.name);
            if let Some(r) = &c.name_reading {
                self.add_grams(&mut doc, self.org, r);
            }
            if let Some(a) = &c.address {
                self.add_grams(&mut doc, self.detail, a);
            }
        }
        for v in [&p.department, &p.title, &p.email].into_iter().flatten() {
            self.add_grams(&mut doc, self.detail, v);
        }
        let company_name = company.map(|c| c.name.as_str());
        self.add_latin(
            &mut doc,
            [Some(p.name.as_str()), p.email.as_deref(), company_name]
                .into_iter()
                .flatten(),
        );
        for phone in [&p.office_phone, &p.mobile_phone].into_iter().flatten() {
            self.add_phone(&mut doc, phone);
        }
        doc.finish(self.digest)
    }

    fn base(
        &self,
        key: &str,
        kind: &str,
        archived: bool,
        display: &str,
        sort_key: &str,
    ) -> DocBuilder {
        let mut doc = DocBuilder {
            doc: TantivyDocument::default(),
            digest: 0xcbf2_9ce4_8422_2325,
        };
        doc.doc.add_u64(self.tiebreak, tiebreak(sort_key, key));
        doc.text(self.key, key);
        doc.text(self.kind, kind);
        doc.text(self.archived, if archived { "1" } else { "0" });
        doc.text(self.display, display);
        doc
    }

    /// A value for the [`GRAMS`] tokenizer.
    fn add_grams(&self, doc: &mut DocBuilder, field: Field, value: &str) {
        doc.text(field, value);
    }

    /// Values for the [`LATIN`] tokenizer, as one text (its words' positions run on
    /// across the values). A text without Latin words makes no tokens, as if absent.
    fn add_latin<'a>(&self, doc: &mut DocBuilder, values: impl Iterator<Item = &'a str>) {
        let joined = values.collect::<Vec<_>>().join(LATIN_VALUES);
        if !joined.is_empty() {
            doc.text(self.latin, &joined);
        }
    }

    fn add_phone(&self, doc: &mut DocBuilder, e164: &str) {
        for token in phone_tokens(e164) {
            doc.text(self.phone, &token);
        }
    }
}

/// The searchable forms of an E.164 number: `0312345678`, `81312345678`, and its
/// endings of 4 to 8 digits: the subscriber number `5678` and the local number without
/// its area code, whatever the area code's length (`12345678` of 03-1234-5678,
/// `98765432` of 090-9876-5432, `1234567` of 045-123-4567).
pub(crate) fn phone_tokens(e164: &str) -> Vec<String> {
    let mut out = whole_number_forms(e164);
    let local = out.last().cloned().unwrap_or_default();
    // Endings shorter than the number less its first digit (and the trunk 0).
    let longest = local.len().saturating_sub(2).min(8);
    for len in 4..=longest {
        out.push(local[local.len() - len..].to_string());
    }
    out
}

/// A whole number's forms: its E.164 digits, then (for a Japanese number) the national
/// number with the trunk 0.
pub(crate) fn whole_number_forms(e164: &str) -> Vec<String> {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    let national = digits.strip_prefix("81").map(|n| format!("0{n}"));
    let mut out = vec![digits];
    out.extend(national);
    out
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#', ':']).next().unwrap_or(rest)
}

/// The tokenizer of the name, reading, org and detail fields ([`gram_tokens`]).
pub(crate) const GRAMS: &str = "sfa_grams";
/// The tokenizer of the latin field ([`latin_tokens`]).
pub(crate) const LATIN: &str = "sfa_latin";
/// Separates the values of the latin field's one text.
const LATIN_VALUES: &str = "\u{1F}";

/// Registers [`GRAMS`] and [`LATIN`] with an index: needed before it is written to
/// (its schema names them).
pub(crate) fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(GRAMS, TextAnalyzer::from(Analyser(gram_tokens)));
    index
        .tokenizers()
        .register(LATIN, TextAnalyzer::from(Analyser(latin_tokens)));
}

/// A tantivy tokenizer from a function of the text.
#[derive(Clone)]
struct Analyser<F>(F);

impl<F: Fn(&str) -> Vec<Token> + Clone + Send + Sync + 'static> Tokenizer for Analyser<F> {
    type TokenStream<'a> = PreTokenizedStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PreTokenizedStream {
        PreTokenizedStream::from(PreTokenizedString {
            text: String::new(),
            tokens: (self.0)(text),
        })
    }
}

/// Unigrams and bigrams of Japanese runs, whole Latin words, a start marker for the
/// first gram and a whole-value key, all with positions for phrase matching.
pub(crate) fn gram_tokens(value: &str) -> Vec<Token> {
    let normalized = normalize(value);
    let mut tokens = Vec::new();
    let mut position = 0;
    for (n, piece) in pieces(&normalized).iter().enumerate() {
        match piece {
            Piece::Ja(run) => {
                if n == 0 {
                    let first = if run.len() > 1 {
                        bigram(run, 0)
                    } else {
                        unigram(run, 0)
                    };
                    push(&mut tokens, format!("{START}{first}"), position);
                }
                for i in 0..run.len() {
                    push(&mut tokens, unigram(run, i), position + i);
                    if i + 1 < run.len() {
                        push(&mut tokens, bigram(run, i), position + i);
                    }
                }
                position += run.len() + 1;
            }
            Piece::Word(w) => {
                push(&mut tokens, w.clone(), position);
                // An address number `4-2-1` is found by its leading parts too
                // (`4-2`, `4`): 北1条西4 finds 北一条西4-2-1.
                if w.starts_with(|c: char| c.is_ascii_digit()) {
                    for (i, _) in w.match_indices('-') {
                        push(&mut tokens, w[..i].to_string(), position);
                    }
                }
                if n == 0 {
                    push(&mut tokens, format!("{START}{w}"), position);
                }
                position += 2;
            }
        }
    }
    push(&mut tokens, whole_key(&normalized), position);
    tokens
}

/// Every suffix (of at least two letters) of every Latin word of the values (joined
/// by [`LATIN_VALUES`]), each word at the position of its first suffix.
fn latin_tokens(joined: &str) -> Vec<Token> {
    let words: Vec<String> = joined
        .split(LATIN_VALUES)
        .flat_map(|value| pieces(&normalize(value)))
        .filter_map(|piece| match piece {
            Piece::Word(w) => Some(w),
            Piece::Ja(_) => None,
        })
        .collect();
    let mut tokens = Vec::new();
    for w in words {
        let position = tokens.len();
        for (start, _) in w.char_indices() {
            if w.len() - start >= 2 || start == 0 {
                push(&mut tokens, w[start..].to_string(), position);
            }
        }
    }
    tokens
}

fn push(tokens: &mut Vec<Token>, text: String, position: usize) {
    tokens.push(Token {
        offset_from: 0,
        offset_to: 0,
        position,
        text,
        position_length: 1,
    });
}

pub(crate) fn company_key(id: &str) -> String {
    format!("c:{id}")
}

pub(crate) fn person_key(id: &str) -> String {
    format!("p:{id}")
}
