//! Japanese fuzzy search (曖昧検索) over companies and persons, on tantivy.
//!
//! - [`text`]: the analyser, shared by indexing and querying (no dictionary).
//! - [`romaji`]: romaji to kana for reading fields.
//! - [`fields`]: the index schema and record -> document.
//! - [`query`]: user text -> ranked query.
//!
//! The index is kept beside the database (`<db>.search/`) and always catches up with
//! it: every company or person change queues an [`IndexChange`] in the database's own
//! transaction, and [`SearchIndex::catch_up`] applies queued changes, commits the
//! index, then clears them. Everyday writes catch up before they return; bulk writes
//! (imports) leave it to the next search, which always catches up first, so a search
//! sees every committed write while imports run at database speed. A crash in between
//! only means the changes are applied again. A missing, unreadable or outdated index
//! is rebuilt.

mod fields;
mod query;
mod romaji;
mod text;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use fields::{Fields, company_key, person_key};

use crate::error::{Entity, Error, Result};
use crate::model::{CompanyId, PersonId};
use crate::store::{IndexChange, ReadTx, Store, walk_companies, walk_persons};

/// The index writer's memory budget (tantivy's minimum is 15 MB); bounded for phones.
pub const WRITER_MEMORY_BYTES: usize = 20 * 1024 * 1024;

/// Bumped whenever the analyser or schema changes: an index written by another version
/// is rebuilt from the database on open.
const ANALYZER_VERSION: &str = "sfa-search-3";
const VERSION_FILE: &str = "sfa-search-version";

/// How many queued changes are read per round while catching up.
const CATCH_UP_BATCH: u32 = 2000;

/// Which records a search looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum SearchScope {
    /// Companies only.
    Companies,
    /// Persons only.
    Persons,
    /// Both.
    #[default]
    All,
}

/// What a search asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// What the user typed: part of a name, a reading (kana or romaji), an address, a
    /// phone number, an e-mail or a web address, in any width or notation.
    pub text: String,
    /// Companies, persons or both.
    pub scope: SearchScope,
    /// Whether archived records are found too.
    pub include_archived: bool,
    /// How many hits at most (1 to 1000).
    pub limit: u32,
    /// How many of the best hits to skip (for paging).
    pub offset: u32,
}

impl SearchRequest {
    /// The first 20 hits for `text` among companies and persons.
    pub fn new(text: impl Into<String>) -> Self {
        SearchRequest {
            text: text.into(),
            scope: SearchScope::All,
            include_archived: false,
            limit: 20,
            offset: 0,
        }
    }

    /// The same request with another scope.
    pub fn scope(mut self, scope: SearchScope) -> Self {
        self.scope = scope;
        self
    }
}

/// The kind of record a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum HitKind {
    /// A company.
    Company,
    /// A person.
    Person,
}

/// One search result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// Company or person.
    pub kind: HitKind,
    /// The record's id (a [`CompanyId`] or [`PersonId`] in text form).
    pub id: String,
    /// Relevance; higher is better. Only comparable within one search.
    pub score: f32,
    /// The record's name, for showing the hit.
    pub display_name: String,
}

impl SearchHit {
    /// The company id, if the hit is a company.
    pub fn company_id(&self) -> Option<CompanyId> {
        (self.kind == HitKind::Company)
            .then(|| self.id.parse().ok())
            .flatten()
    }

    /// The person id, if the hit is a person.
    pub fn person_id(&self) -> Option<PersonId> {
        (self.kind == HitKind::Person)
            .then(|| self.id.parse().ok())
            .flatten()
    }
}

pub use crate::error::SearchError;

impl From<tantivy::TantivyError> for Error {
    fn from(e: tantivy::TantivyError) -> Self {
        Error::Search(SearchError(e.to_string()))
    }
}

/// How the search index compares with the database (see [`SearchIndex::check`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct IndexCheck {
    /// Companies and persons in the database.
    pub records: u64,
    /// Documents in the index.
    pub documents: u64,
    /// Records with no document (`c:<id>` or `p:<id>`).
    pub missing: Vec<String>,
    /// Documents with no record.
    pub extra: Vec<String>,
    /// Documents whose searchable text differs from their record's.
    pub stale: Vec<String>,
}

impl IndexCheck {
    /// True when every record has exactly its document.
    pub fn is_consistent(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.stale.is_empty()
    }
}

/// The search index of one database.
pub struct SearchIndex {
    reader: IndexReader,
    /// `None` when another handle holds the index's writer lock: this handle then only
    /// reads, and the writer's owner applies the queued changes.
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
}

impl Drop for SearchIndex {
    /// Waits for the writer's background merges, so that nothing writes to the index
    /// directory once the last handle is gone (apps copy or delete the files after
    /// closing). A merge that fails here changes nothing committed.
    fn drop(&mut self) {
        let writer = match self.writer.get_mut() {
            Ok(w) => w.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        if let Some(writer) = writer {
            let _ = writer.wait_merging_threads();
        }
    }
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").finish_non_exhaustive()
    }
}

/// The normalisation the index applies to every text and query (width, case, company
/// forms, variant kanji, kana, long vowels, address numbers); public so that tools and
/// benchmarks can compare against the same normalised text.
pub fn normalize_for_search(text: &str) -> String {
    text::normalize(text)
}

/// Where the index of a database file lives.
pub fn index_dir_for(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".search");
    PathBuf::from(name)
}

impl SearchIndex {
    /// Opens the index in `dir`; returns it and whether it was (re)created empty and
    /// must be rebuilt from the database.
    pub fn open_dir(dir: &Path) -> Result<(SearchIndex, bool)> {
        let (schema, fields) = Fields::schema();
        let version_ok = std::fs::read_to_string(dir.join(VERSION_FILE))
            .is_ok_and(|v| v.trim() == ANALYZER_VERSION);
        if version_ok
            && let Ok(index) = Index::open_in_dir(dir)
            && index.schema() == schema
            && let Ok(search) = SearchIndex::from_index(index, fields)
        {
            return Ok((search, false));
        }
        // Missing, damaged or from another analyser version: start over. The database
        // is the source of truth, so nothing is lost.
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
        }
        std::fs::create_dir_all(dir)?;
        let index = Index::create_in_dir(dir, schema)?;
        let search = SearchIndex::from_index(index, fields)?;
        std::fs::write(dir.join(VERSION_FILE), ANALYZER_VERSION)?;
        Ok((search, true))
    }

    /// An index in memory (for in-memory databases and other stores); always empty.
    pub fn open_in_memory() -> Result<SearchIndex> {
        let (schema, fields) = Fields::schema();
        SearchIndex::from_index(Index::create_in_ram(schema), fields)
    }

    fn from_index(index: Index, fields: Fields) -> Result<SearchIndex> {
        let writer = match index.writer_with_num_threads(1, WRITER_MEMORY_BYTES) {
            Ok(w) => Some(w),
            Err(tantivy::TantivyError::LockFailure(..)) => None,
            Err(e) => return Err(e.into()),
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchIndex {
            reader,
            writer: Mutex::new(writer),
            fields,
        })
    }

    /// How many records the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// True when the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Applies every queued change from the database, commits the index, then clears
    /// the applied changes. `progress(done, total)` counts changes and is called after
    /// each batch. Returns how many documents were written.
    pub fn catch_up(&self, store: &dyn Store, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        // The common case, nothing queued, must not serialise concurrent searches on the
        // writer lock.
        if store.read(|tx| tx.pending_index_change_count())? == 0 {
            return Ok(0);
        }
        let mut guard = self
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let Some(writer) = guard.as_mut() else {
            return Ok(0);
        };
        let total = store.read(|tx| tx.pending_index_change_count())?;
        if total == 0 {
            return Ok(0);
        }
        let mut done = 0u64;
        let mut last_seq = None;
        let mut documents = 0u64;
        // Each document written, with the newest change its snapshot reflected: a later
        // queued change that snapshot already included needs no second write (a company
        // change rewrites its persons, whose own changes usually follow in the queue).
        let mut written: HashMap<String, i64> = HashMap::new();
        loop {
            let after = last_seq;
            let (changes, docs) = store.read(|tx| {
                let high_water = tx.last_index_change_seq()?.unwrap_or(i64::MIN);
                let changes = tx.pending_index_changes(after, CATCH_UP_BATCH)?;
                let mut docs = Vec::with_capacity(changes.len());
                for change in &changes {
                    let key = match change.entity {
                        Entity::Company => company_key(&change.id),
                        _ => person_key(&change.id),
                    };
                    if written.get(&key).is_none_or(|&seen| seen < change.seq) {
                        documents_for(tx, &self.fields, change, &mut docs)?;
                    }
                }
                docs.retain(|(key, _)| {
                    let fresh = written.get(key).is_none_or(|&seen| seen < high_water);
                    if fresh {
                        written.insert(key.clone(), high_water);
                    }
                    fresh
                });
                Ok((changes, docs))
            })?;
            let Some(last) = changes.last() else { break };
            last_seq = Some(last.seq);
            for (key, doc) in docs {
                writer.delete_term(Term::from_field_text(self.fields.key, &key));
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                    documents += 1;
                }
            }
            done += changes.len() as u64;
            progress(done.min(total), total.max(done));
        }
        writer.commit()?;
        if let Some(seq) = last_seq {
            store.write(|tx| tx.clear_index_changes(seq))?;
        }
        self.reader.reload()?;
        Ok(documents)
    }

    /// Catches up only when at most `limit` changes are queued; returns whether it did.
    pub fn catch_up_if_small(&self, store: &dyn Store, limit: u64) -> Result<bool> {
        let pending = store.read(|tx| tx.pending_index_change_count())?;
        if pending == 0 || pending > limit {
            return Ok(false);
        }
        self.catch_up(store, &mut |_, _| {})?;
        Ok(true)
    }

    /// Empties the index and indexes every record again.
    pub fn rebuild(&self, store: &dyn Store, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        {
            let mut guard = self
                .writer
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let Some(writer) = guard.as_mut() else {
                return Err(Error::Search(SearchError(
                    "another handle holds the index writer".into(),
                )));
            };
            writer.delete_all_documents()?;
            store.write(|tx| tx.queue_all_for_index())?;
        }
        self.catch_up(store, progress)
    }

    /// Compares the committed index with the database: every company and person must
    /// have one document whose fingerprint matches the document its record makes now.
    /// Queued changes not applied yet show as differences, so catch up first. Reads
    /// every record and document: a diagnostic, not for every screen.
    pub fn check(&self, store: &dyn Store) -> Result<IndexCheck> {
        self.reader.reload()?;
        let searcher = self.reader.searcher();
        let mut indexed: HashMap<String, String> = HashMap::new();
        let mut documents = 0u64;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in segment.doc_ids_alive() {
                let doc: TantivyDocument = searcher.doc(DocAddress::new(ord as u32, doc_id))?;
                let text = |field| {
                    doc.get_first(field)
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                };
                documents += 1;
                indexed.insert(text(self.fields.key), text(self.fields.digest));
            }
        }
        let mut check = IndexCheck {
            documents,
            ..IndexCheck::default()
        };
        let mut compare = |key: String, digest: String| match indexed.remove(&key) {
            None => check.missing.push(key),
            Some(found) if found != digest => check.stale.push(key),
            Some(_) => {}
        };
        let mut records = 0u64;
        store.read(|tx| {
            walk_companies(tx, true, |_, c| {
                records += 1;
                compare(
                    company_key(&c.id.to_string()),
                    self.fields.company_doc_and_digest(c).1,
                );
                Ok(())
            })?;
            walk_persons(tx, None, true, |tx, p| {
                records += 1;
                let company = tx.get_company(p.company_id)?;
                compare(
                    person_key(&p.id.to_string()),
                    self.fields.person_doc_and_digest(p, company.as_ref()).1,
                );
                Ok(())
            })
        })?;
        check.records = records;
        check.extra = indexed.into_keys().collect();
        check.extra.sort();
        Ok(check)
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<Vec<SearchHit>> {
        if request.limit == 0 || request.limit > 1000 {
            return Err(crate::ValidationError::single(
                Entity::SearchRequest,
                "limit",
                crate::Reason::NotAllowed,
            )
            .into());
        }
        let searcher = self.reader.searcher();
        let doc_freq = |term: &Term| searcher.doc_freq(term).unwrap_or(0);
        let builder = query::QueryBuilder::new(&self.fields, &doc_freq, searcher.num_docs());
        let Some(main) = builder.build(&request.text) else {
            return Ok(Vec::new());
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, main)];
        let kind = match request.scope {
            SearchScope::Companies => Some("company"),
            SearchScope::Persons => Some("person"),
            SearchScope::All => None,
        };
        if let Some(kind) = kind {
            clauses.push((Occur::Must, exact(self.fields.kind, kind)));
        }
        if !request.include_archived {
            clauses.push((Occur::Must, exact(self.fields.archived, "0")));
        }
        let query = BooleanQuery::new(clauses);
        // The best hits by score (block-max pruning stays on), with a margin so that a
        // tie across the page's end is seen whole; then equal scores are ordered by
        // the tiebreak field, never by how the index is laid out in segments.
        let wanted = request.offset as usize + request.limit as usize;
        let top = TopDocs::with_limit(wanted + TIE_MARGIN).order_by_score();
        let mut found = searcher.search_with_statistics_provider(
            &query,
            &top,
            &DampedStatistics {
                searcher: &searcher,
            },
        )?;
        let mut columns = HashMap::new();
        let mut order = |address: DocAddress| -> u64 {
            let column = columns.entry(address.segment_ord).or_insert_with(|| {
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64(fields::TIEBREAK)
                    .ok()
                    .map(|c| c.first_or_default_col(u64::MAX))
            });
            column
                .as_ref()
                .map_or(u64::MAX, |c| c.get_val(address.doc_id))
        };
        let mut keyed: Vec<(f32, u64, DocAddress)> = found
            .drain(..)
            .map(|(score, address)| (score, order(address), address))
            .collect();
        keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let found: Vec<(f32, DocAddress)> = keyed
            .into_iter()
            .skip(request.offset as usize)
            .take(request.limit as usize)
            .map(|(score, _, address)| (score, address))
            .collect();
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let key = text(self.fields.key);
            let (kind, id) = match key.split_once(':') {
                Some(("c", id)) => (HitKind::Company, id.to_string()),
                Some((_, id)) => (HitKind::Person, id.to_string()),
                None => continue,
            };
            hits.push(SearchHit {
                kind,
                id,
                score,
                display_name: text(self.fields.display),
            });
        }
        Ok(hits)
    }
}

/// The index's statistics with rarity capped: every term found in fewer than one
/// document in [`RARE_SHARE`] counts as equally rare. BM25 alone would let a gram that
/// is rare in a context field (山 in one address) outrank the same gram at the start
/// of a name where thousands of names have it (山田, 山本): the field weights say a
/// name match ranks first, and capped rarity keeps it so, while grams common within a
/// field (東京 in addresses) are still discounted.
struct DampedStatistics<'a> {
    searcher: &'a tantivy::Searcher,
}

/// See [`DampedStatistics`].
const RARE_SHARE: u64 = 100;

/// Hits collected beyond the page, so that equal scores at its end are ordered whole.
const TIE_MARGIN: usize = 32;

impl tantivy::query::Bm25StatisticsProvider for DampedStatistics<'_> {
    fn total_num_tokens(&self, field: tantivy::schema::Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        let floor = self.searcher.total_num_docs()? / RARE_SHARE;
        Ok(self.searcher.doc_freq(term)?.max(floor))
    }
}

fn exact(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::Basic,
    ))
}

/// The documents that a change rewrites: the record itself and, for a company, every
/// person at it (their documents carry the company's name and address). `None` as
/// the document means the record is gone and its entry is only deleted.
fn documents_for(
    tx: &mut dyn ReadTx,
    fields: &Fields,
    change: &IndexChange,
    out: &mut Vec<(String, Option<TantivyDocument>)>,
) -> Result<()> {
    match change.entity {
        Entity::Company => {
            let id: CompanyId = change.id.parse().map_err(|_| bad_id())?;
            let company = tx.get_company(id)?;
            out.push((
                company_key(&change.id),
                company.as_ref().map(|c| fields.company_doc(c)),
            ));
            walk_persons(tx, Some(id), true, |_, p| {
                out.push((
                    person_key(&p.id.to_string()),
                    Some(fields.person_doc(p, company.as_ref())),
                ));
                Ok(())
            })?;
        }
        _ => {
            let id: PersonId = change.id.parse().map_err(|_| bad_id())?;
            let person = tx.get_person(id)?;
            let doc = match &person {
                Some(p) => {
                    let company = tx.get_company(p.company_id)?;
                    Some(fields.person_doc(p, company.as_ref()))
                }
                None => None,
            };
            out.push((person_key(&change.id), doc));
        }
    }
    Ok(())
}

fn bad_id() -> Error {
    Error::Search(SearchError("a queued change has a malformed id".into()))
}
