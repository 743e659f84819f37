//! Turning what a user typed into a tantivy query, with the ranking the issue asks for:
//! exact > prefix > partial > fuzzy, and name fields above the others.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use super::fields::{Fields, whole_number_forms};
use super::romaji::to_hiragana;
use super::text::{Piece, START, bigram, normalize, pieces, unigram, whole_key};
use crate::normalize::{fold_width, normalize_phone};

/// How much each field weighs.
const NAME: f32 = 3.0;
const READING: f32 = 2.5;
const ORG: f32 = 1.5;
const DETAIL: f32 = 1.0;
const LATIN: f32 = 1.0;
const PHONE: f32 = 3.0;

/// How much each kind of match weighs, on top of the field.
const EXACT: f32 = 6.0;
const PREFIX: f32 = 2.0;
const WORD: f32 = 1.5;
const GRAM: f32 = 1.0;
const WHOLE_RUN: f32 = 1.0;

/// Extra weight for documents that match every piece of a multi-piece query
/// (`山田 丸の内`), so that one strong match of a single word does not outrank them.
const ALL_PIECES: f32 = 8.0;

/// The most conjunctions [`QueryBuilder::every_piece`] makes for one query.
const MAX_CONJUNCTIONS: usize = 4;

/// Extra weight for documents whose own name or reading holds every piece.
const ALL_IN_NAMES: f32 = 4.0;

/// A gram found in more than one in this many documents (`東京` in addresses) is not
/// searched in the long context fields: it would cost the most postings and add the
/// least to the score (its start-of-field marker, which is rare, still is).
const COMMON_SHARE: u64 = 50;

/// Latin words longer than this are matched exactly (as typed or as a prefix), not
/// with typos.
const MAX_FUZZY_CHARS: usize = 32;

/// Numbers with fewer digits than this are not matched inside Latin words.
const MIN_NUMBER_DIGITS: usize = 3;

/// Builds queries against one searcher's statistics.
pub(crate) struct QueryBuilder<'a> {
    f: &'a Fields,
    doc_freq: &'a dyn Fn(&Term) -> u64,
    common: u64,
}

impl<'a> QueryBuilder<'a> {
    /// `doc_freq` tells how many documents hold a term; `num_docs` how many there are.
    pub(crate) fn new(f: &'a Fields, doc_freq: &'a dyn Fn(&Term) -> u64, num_docs: u64) -> Self {
        QueryBuilder {
            f,
            doc_freq,
            common: (num_docs / COMMON_SHARE).max(1000),
        }
    }

    /// The same builder with every gram kept in every field: for a word whose only
    /// gram is common (部長 among thousands of titles), in a conjunction, where dropping
    /// it would drop the whole conjunction.
    fn with_every_gram(&self) -> QueryBuilder<'a> {
        QueryBuilder {
            f: self.f,
            doc_freq: self.doc_freq,
            common: u64::MAX,
        }
    }

    /// The query for `text`, or `None` when it holds nothing searchable.
    pub(crate) fn build(&self, text: &str) -> Option<Box<dyn Query>> {
        let f = self.f;
        let mut clauses: Vec<Box<dyn Query>> = Vec::new();
        self.phone_clauses(text, &mut clauses);

        let normalized = normalize(text);
        let pieces = pieces(&normalized);
        let text_fields = [
            (f.name, NAME),
            (f.reading, READING),
            (f.org, ORG),
            (f.detail, DETAIL),
        ];
        if !pieces.is_empty() {
            let whole = whole_key(&normalized);
            clauses.push(boost(term(f.name, &whole), NAME * EXACT));
            clauses.push(boost(term(f.reading, &whole), READING * EXACT));
            clauses.push(boost(term(f.org, &whole), ORG * EXACT));
        }
        let per_piece: Vec<Box<dyn Query>> = pieces
            .iter()
            .enumerate()
            .filter_map(|(i, piece)| self.piece_query(piece, i == 0, &text_fields, true))
            .collect();
        if pieces.len() > 1 {
            if let Some(all) = self.every_piece(&pieces, &text_fields) {
                clauses.push(boost(all, ALL_PIECES));
            }
            // Every piece in the record's own name or reading (山田 太郎 is 山田 太郎,
            // above 川口 太郎 at 山田商事): such a record must not tie with one that
            // matches some pieces in weaker fields.
            let name_fields = [(f.name, NAME), (f.reading, READING)];
            let in_names: Option<Vec<(Occur, Box<dyn Query>)>> = pieces
                .iter()
                .map(|p| {
                    self.piece_query(p, false, &name_fields, false)
                        .map(|q| (Occur::Must, q))
                })
                .collect();
            if let Some(in_names) = in_names {
                clauses.push(boost(Box::new(BooleanQuery::new(in_names)), ALL_IN_NAMES));
            }
        }
        clauses.extend(per_piece);
        if clauses.is_empty() {
            return None;
        }
        Some(any_of(clauses))
    }

    /// Records that hold every piece somewhere (山田 丸の内, 高橋 部長): one strong match
    /// of a single piece must not outrank them.
    ///
    /// The pieces leave common grams out of the context fields, as alone, except a
    /// word of one gram that is common in a context field (部長 among thousands of
    /// titles, 物流 among departments): dropping it there would lose the very records
    /// it names. A union with such a dense posting list is the costliest thing a
    /// conjunction can seek through, so that field gets a conjunction of its own, where
    /// the word is one posting list the rarer pieces seek in; the records matching any
    /// of them (at most [`MAX_CONJUNCTIONS`]) count. Longer runs keep their rarer grams
    /// (西新宿 in an address is still 西新宿 without its common bigrams), and a single
    /// character (東) names nothing on its own: both stay pruned.
    fn every_piece(&self, pieces: &[Piece], fields: &[(Field, f32)]) -> Option<Box<dyn Query>> {
        let every = self.with_every_gram();
        let mut conjunctions: Vec<Vec<Box<dyn Query>>> = vec![Vec::new()];
        for (i, piece) in pieces.iter().enumerate() {
            let first = i == 0;
            let common = self.common_context_fields(piece, fields);
            let mut legs: Vec<Box<dyn Query>> = Vec::new();
            if common.is_empty() || conjunctions.len() * (1 + common.len()) > MAX_CONJUNCTIONS {
                // Past the bound the common grams stay out, as in the clauses of one
                // piece alone.
                legs.extend(self.piece_query(piece, first, fields, true));
            } else {
                let rest: Vec<(Field, f32)> = fields
                    .iter()
                    .copied()
                    .filter(|(field, _)| !common.contains(field))
                    .collect();
                legs.extend(self.piece_query(piece, first, &rest, true));
                // Without the start marker: the bare posting list is what is cheap
                // to seek in.
                for &(field, weight) in fields.iter().filter(|(f, _)| common.contains(f)) {
                    legs.extend(every.piece_query(piece, false, &[(field, weight)], true));
                }
            }
            if legs.is_empty() {
                return None;
            }
            conjunctions = conjunctions
                .iter()
                .flat_map(|so_far| {
                    legs.iter().map(move |leg| {
                        let mut next: Vec<Box<dyn Query>> =
                            so_far.iter().map(|q| q.box_clone()).collect();
                        next.push(leg.box_clone());
                        next
                    })
                })
                .collect();
        }
        let mut alternatives: Vec<Box<dyn Query>> = conjunctions
            .into_iter()
            .map(|legs| {
                Box::new(BooleanQuery::new(
                    legs.into_iter().map(|q| (Occur::Must, q)).collect(),
                )) as Box<dyn Query>
            })
            .collect();
        if alternatives.len() == 1 {
            return alternatives.pop();
        }
        Some(Box::new(DisjunctionMaxQuery::new(alternatives)))
    }

    /// The context fields among `fields` in which a one-gram Japanese `piece` (部長) is
    /// common, so that leaving common grams out would drop it there.
    fn common_context_fields(&self, piece: &Piece, fields: &[(Field, f32)]) -> Vec<Field> {
        let gram = match piece {
            Piece::Ja(run) if run.len() == 2 => bigram(run, 0),
            _ => return Vec::new(),
        };
        fields
            .iter()
            .filter(|&&(field, weight)| {
                is_context(weight)
                    && (self.doc_freq)(&Term::from_field_text(field, &gram)) > self.common
            })
            .map(|&(field, _)| field)
            .collect()
    }

    /// What one piece of the query matches in `fields`: a Japanese run by its grams; a
    /// Latin word as a word, a prefix (first piece), a fuzzy Latin word (`latin`) and
    /// romaji. `None` when nothing is left to search.
    fn piece_query(
        &self,
        piece: &Piece,
        first: bool,
        fields: &[(Field, f32)],
        latin: bool,
    ) -> Option<Box<dyn Query>> {
        let f = self.f;
        let mut own: Vec<Box<dyn Query>> = Vec::new();
        match piece {
            Piece::Ja(run) => self.run_clauses(fields, run, first, true, &mut own),
            Piece::Word(word) => {
                own.extend(self.best_field(fields, word, WORD));
                if first {
                    own.extend(self.best_field(fields, &format!("{START}{word}"), PREFIX));
                }
                // A short number (`5`, `3-1`: a block of an address) is matched as
                // typed: as a prefix of Latin words it would match a tenth of every
                // number in every name and e-mail, the costliest clause a query can
                // hold, for a match no one meant.
                let digits = word.chars().filter(char::is_ascii_digit).count();
                let short_number = word.chars().all(|c| c.is_ascii_digit() || c == '-')
                    && digits < MIN_NUMBER_DIGITS;
                if latin && !short_number {
                    own.extend(latin_clauses(f.latin, word));
                }
                let romaji_fields: Vec<(Field, f32)> = fields
                    .iter()
                    .filter(|(field, _)| *field != f.detail)
                    .map(|&(field, w)| (field, if field == f.name { w * 0.8 } else { w }))
                    .collect();
                self.romaji_clauses(word, first, &romaji_fields, &mut own);
            }
        }
        (!own.is_empty()).then(|| any_of(own))
    }

    /// A Latin word read as romaji meets kana readings (and kana names) in `fields`.
    fn romaji_clauses(
        &self,
        word: &str,
        first: bool,
        fields: &[(Field, f32)],
        clauses: &mut Vec<Box<dyn Query>>,
    ) {
        let mut spellings: Vec<String> = Vec::new();
        if let Some(kana) = to_hiragana(word) {
            spellings.push(kana);
        }
        // "kenichi" is けにち to an IME but usually means けんいち; "unyu" is うにゅ but
        // usually うんゆ.
        let with_n = word.char_indices().fold(String::new(), |mut s, (i, c)| {
            s.push(c);
            let next = word[i + c.len_utf8()..].chars().next();
            if c == 'n' && next.is_some_and(|n| "aiueoy".contains(n)) && i > 0 {
                s.push('\'');
            }
            s
        });
        if with_n != word
            && let Some(kana) = to_hiragana(&with_n)
        {
            spellings.push(kana);
        }
        for kana in spellings {
            for piece in pieces(&normalize(&kana)) {
                if let Piece::Ja(run) = piece {
                    self.run_clauses(fields, &run, first, false, clauses);
                }
            }
        }
    }

    /// Clauses for one Japanese run: its bigrams (partial, typo-tolerant; together they
    /// reward covering more of the query), a start marker (prefix) and, for one
    /// character, the unigram. `typed`: the run is Japanese as typed, not kana read
    /// from romaji.
    fn run_clauses(
        &self,
        fields: &[(Field, f32)],
        run: &[char],
        first: bool,
        typed: bool,
        clauses: &mut Vec<Box<dyn Query>>,
    ) {
        if run.len() == 1 {
            clauses.extend(self.best_field(fields, &unigram(run, 0), GRAM));
            if first {
                clauses.extend(self.best_field(
                    fields,
                    &format!("{START}{}", unigram(run, 0)),
                    PREFIX,
                ));
            }
            return;
        }
        let grams: Vec<Box<dyn Query>> = (0..run.len() - 1)
            .filter_map(|i| self.best_field(fields, &bigram(run, i), GRAM))
            .collect();
        if run.len() > 2 {
            // Covering the whole run (every bigram) of a name, reading or a person's
            // company name counts extra: the exact substring (部長 山田製作所 is the
            // 部長 at 山田製作所, not a 山田 at some other 製作所). Only the short name
            // fields, where this is cheap; kana read from romaji is a reading, so
            // company names (kanji, mostly) are left to its grams.
            let least = if typed { ORG } else { READING * 0.9 };
            let names: Vec<(Field, f32)> = fields
                .iter()
                .copied()
                .filter(|&(_, w)| w >= least)
                .collect();
            let all: Option<Vec<(Occur, Box<dyn Query>)>> = (0..run.len() - 1)
                .map(|i| {
                    self.best_field(&names, &bigram(run, i), GRAM)
                        .map(|q| (Occur::Must, q))
                })
                .collect();
            if let Some(all) = all {
                clauses.push(boost(Box::new(BooleanQuery::new(all)), WHOLE_RUN));
            }
        }
        clauses.extend(grams);
        if first {
            clauses.extend(self.best_field(fields, &format!("{START}{}", bigram(run, 0)), PREFIX));
        }
    }

    /// One token searched in several fields; the best field counts (others only break
    /// ties), so a short match repeated in name and reading does not outrank a longer
    /// match in one of them. Common grams are left out of the context fields; `None`
    /// when no field is left.
    fn best_field(
        &self,
        fields: &[(Field, f32)],
        token: &str,
        weight: f32,
    ) -> Option<Box<dyn Query>> {
        let disjuncts: Vec<Box<dyn Query>> = fields
            .iter()
            .filter(|&&(field, field_weight)| {
                !is_context(field_weight)
                    || (self.doc_freq)(&Term::from_field_text(field, token)) <= self.common
            })
            .map(|&(field, field_weight)| boost(term(field, token), field_weight * weight))
            .collect();
        match disjuncts.len() {
            0 => None,
            1 => disjuncts.into_iter().next(),
            _ => Some(Box::new(DisjunctionMaxQuery::with_tie_breaker(
                disjuncts, 0.1,
            ))),
        }
    }

    /// Phone-like input (digits with the usual separators) meets the phone field: a
    /// whole number in its international or national form, a fragment (the last four
    /// digits, the local number without the area code) as typed, and as a prefix
    /// while typing (`090-9876` is the area code and exchange).
    fn phone_clauses(&self, text: &str, clauses: &mut Vec<Box<dyn Query>>) {
        let folded = fold_width(text.trim());
        let phone_like = folded
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()ー".contains(c));
        let digits: String = folded.chars().filter(char::is_ascii_digit).collect();
        if !phone_like || digits.len() < 4 {
            return;
        }
        let mut forms = match normalize_phone(&folded) {
            Ok(e164) => whole_number_forms(&e164),
            Err(_) => Vec::new(),
        };
        forms.push(digits.clone());
        forms.sort();
        forms.dedup();
        for form in &forms {
            clauses.push(boost(term(self.f.phone, form), PHONE * EXACT));
        }
        let prefix =
            FuzzyTermQuery::new_prefix(Term::from_field_text(self.f.phone, &digits), 0, false);
        clauses.push(boost(Box::new(prefix), PHONE));
    }
}

/// A Latin word against the latin field (every suffix of every Latin word): as a
/// prefix with typos, as a word is typed. Two edits only for long words: their
/// automaton is the costliest part of a query; none for words past any real name (its
/// cost grows with the word), and none for a word with a digit (`9657` with one digit
/// changed is another number, and as a prefix of every Latin word with one edit it was
/// the costliest clause of a query that holds a number).
///
/// A word that reads as whole romaji syllables (`sato`, `shimuzu`) is matched with its
/// typos as a whole word and as typed as a prefix, not with typos as a prefix: one edit
/// before any prefix of a short word (`ato`, `sat`, `sto` for `sato`) meets thousands of
/// words, and such a word is also searched as kana. A word still being typed, ending
/// mid-syllable (`shimuz`), keeps its typo-tolerant prefix (BENCHMARKS.md, "Search").
fn latin_clauses(latin: Field, word: &str) -> Vec<Box<dyn Query>> {
    let distance = match word.chars().count() {
        _ if word.chars().any(|c| c.is_ascii_digit()) => 0,
        0..=3 => 0,
        4..=9 => 1,
        10..=MAX_FUZZY_CHARS => 2,
        _ => 0,
    };
    let term = Term::from_field_text(latin, word);
    // Whole syllables: it ends in a vowel or ん (`to_hiragana` also reads a word that
    // ends mid-syllable, dropping the rest).
    let whole_romaji =
        word.ends_with(['a', 'i', 'u', 'e', 'o', 'n']) && to_hiragana(word).is_some();
    if distance > 0 && whole_romaji {
        vec![
            boost(
                Box::new(FuzzyTermQuery::new(term.clone(), distance, true)),
                LATIN,
            ),
            boost(Box::new(FuzzyTermQuery::new_prefix(term, 0, true)), LATIN),
        ]
    } else {
        vec![boost(
            Box::new(FuzzyTermQuery::new_prefix(term, distance, true)),
            LATIN,
        )]
    }
}

/// Whether a field of this weight is a context field (address, department, a person's
/// company): long text, where common grams are left out.
fn is_context(weight: f32) -> bool {
    weight < READING * 0.9
}

fn any_of(clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        clauses.into_iter().map(|q| (Occur::Should, q)).collect(),
    ))
}

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn boost(query: Box<dyn Query>, by: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(query, by))
}
