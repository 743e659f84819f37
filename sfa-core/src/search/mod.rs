//! Japanese fuzzy search (曖昧検索) over companies and persons, on tantivy.
//!
//! - [`text`]: the analyser, shared by indexing and querying (no dictionary).
//! - [`romaji`]: romaji to kana for reading fields.
//! - [`fields`]: the index schema and record -> document.
//! - [`query`]: user text -> ranked query.
//! - [`feed`]: how the index follows the database.
//! - [`indexer`]: catching up in the background after writes.
//!
//! The index is kept beside the database (`<db>.search/`, or in memory) and always
//! catches up with it from the database's change log (see [`feed`]): every company or
//! person change appends to the log in the change's own transaction, and each index
//! keeps the cursor it has read up to in its own commits. A search catches up first,
//! so it sees every committed write, from any handle or process; a failed index commit
//! leaves the cursor behind, so the changes are applied again; an index that belongs
//! to another database, is missing, damaged or from another analyser version is
//! rebuilt from the database.
#[cfg(feature = "encryption")]
pub(crate) mod encrypted_dir;
mod feed;
mod fields;
mod indexer;
mod query;
mod romaji;
mod text;

pub use indexer::EAGER_INDEX_CHANGES;
pub(crate) use indexer::IndexerGuard;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

use fields::{Fields, company_key, person_key};

use crate::error::{Entity, Error, Reason, Result, ValidationError};
use crate::model::{CompanyId, PersonId};
use crate::store::{Store, walk_companies, walk_persons};

/// The index writer's memory budget (tantivy's minimum is 15 MB); bounded for phones.
pub const WRITER_MEMORY_BYTES: usize = 20 * 1024 * 1024;

/// The most bytes (UTF-8) of text a search takes; longer text is refused.
pub const MAX_QUERY_BYTES: usize = 512;

/// The most words (runs of Japanese, Latin words, numbers) of text a search takes.
pub const MAX_QUERY_WORDS: usize = 16;

/// The most hits one search returns.
pub const MAX_LIMIT: i32 = 1000;

/// How far into the hits a search may page (`offset`).
pub const MAX_OFFSET: i32 = 10_000;

/// Which records a search looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchScope {
    /// Companies only.
    #[serde(alias = "Companies")]
    Companies,
    /// Persons only.
    #[serde(alias = "Persons")]
    Persons,
    /// Both.
    #[default]
    #[serde(alias = "All")]
    All,
}

/// What a search asks for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// What the user typed: part of a name, a reading (kana or romaji), an address, a
    /// phone number, an e-mail or a web address, in any width or notation. At most
    /// [`MAX_QUERY_BYTES`] bytes and [`MAX_QUERY_WORDS`] words.
    pub text: String,
    /// Companies, persons or both.
    pub scope: SearchScope,
    /// Whether archived records are found too.
    pub include_archived: bool,
    /// How many hits at most (1 to [`MAX_LIMIT`]).
    pub limit: i32,
    /// How many of the best hits to skip (for paging; at most [`MAX_OFFSET`]).
    pub offset: i32,
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
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A company.
    #[serde(alias = "Company")]
    Company,
    /// A person.
    #[serde(alias = "Person")]
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
    /// The index's files fail their checksums (a damaged disk): rebuild it.
    pub damaged: bool,
    /// Records written (by other handles or processes) while the check ran: they are
    /// not compared, since the index may rightly hold their state of a moment before.
    /// Check again once writes are quiet to compare every record.
    pub changed_meanwhile: u64,
}

impl IndexCheck {
    /// True when every record has exactly its document and the files are whole.
    pub fn is_consistent(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.stale.is_empty() && !self.damaged
    }
}

/// The search index of one database.
pub struct SearchIndex {
    /// The tantivy index and its reader; replaced whole when a damaged index is made
    /// anew.
    live: RwLock<Arc<Live>>,
    fields: Fields,
    /// Where it lives.
    place: Place,
    /// This index's id among the change log's cursors.
    id: String,
    /// The change-log seq the reader's view reflects, as far as this handle knows
    /// (`-1`: not known yet).
    seen: AtomicI64,
    /// Serialises this handle's catch-ups and rebuilds; holds what it last reported.
    feed: Mutex<feed::Reported>,
    /// Catches up in the background after writes.
    indexer: indexer::Indexer,
}

/// Where an index lives.
#[derive(Debug)]
enum Place {
    /// In memory only.
    Memory,
    /// In a folder, as tantivy's files.
    Dir(PathBuf),
    /// In a folder, encrypted, read through memory (see [`encrypted_dir`]).
    #[cfg(feature = "encryption")]
    Encrypted {
        folder: PathBuf,
        dir: Mutex<encrypted_dir::EncryptedDir>,
        /// This handle's claim on the folder, held while it lives.
        _claim: std::fs::File,
    },
}

/// A tantivy index and its reader.
struct Live {
    index: Index,
    reader: IndexReader,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("place", &self.place)
            .finish_non_exhaustive()
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
    /// Opens the index in `dir` (created when missing; made anew when unreadable). It
    /// follows the database from the first [`SearchIndex::catch_up`], which rebuilds
    /// it when it is new, belongs to another database or is from another version.
    pub fn open_dir(dir: &Path) -> Result<SearchIndex> {
        let (schema, fields) = Fields::schema();
        let usable = |schema: &tantivy::schema::Schema| match Index::open_in_dir(dir) {
            Ok(index) if index.schema() == *schema => Live::new(index).ok(),
            _ => None,
        };
        let live = match usable(&schema) {
            Some(live) => live,
            None => {
                // Missing, damaged or from another schema: start over, unless another
                // process made it meanwhile (the lock serialises making it). The
                // database is the source of truth, so nothing is lost.
                let _lock = lock_dir(dir)?;
                match usable(&schema) {
                    Some(live) => live,
                    None => Live::new(fresh_dir(dir, schema)?)?,
                }
            }
        };
        let id = feed::read_commit(&live.index)
            .map(|c| c.index_id)
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        Ok(SearchIndex::assemble(
            live,
            fields,
            Place::Dir(dir.to_path_buf()),
            id,
        ))
    }

    /// Opens the encrypted index in `folder` (see [`encrypted_dir`]), reading it into
    /// memory with `key`; an index that does not read (new, damaged, another key, from
    /// another schema) starts empty and the first catch-up rebuilds it. One handle at a
    /// time keeps the folder (the first to open it, in any process); another handle
    /// opened meanwhile gets an index in memory only, built by its first catch-up.
    #[cfg(feature = "encryption")]
    pub(crate) fn open_encrypted_dir(
        folder: &Path,
        key: encrypted_dir::IndexKey,
    ) -> Result<SearchIndex> {
        use encrypted_dir::EncryptedDir;
        let Some(claim) = encrypted_dir::claim(folder)? else {
            return SearchIndex::open_in_memory();
        };
        let (schema, fields) = Fields::schema();
        let usable = |schema: &tantivy::schema::Schema| {
            let dir = EncryptedDir::load(folder, key.clone()).ok()?;
            let index = Index::open(dir.clone()).ok()?;
            if index.schema() != *schema {
                return None;
            }
            Some((Live::new(index).ok()?, dir))
        };
        let (live, dir) = match usable(&schema) {
            Some(found) => found,
            None => {
                let _lock = lock_dir(folder)?;
                match usable(&schema) {
                    Some(found) => found,
                    None => {
                        let dir = encrypted_dir::fresh(folder, key)?;
                        let index =
                            Index::create(dir.clone(), schema, tantivy::IndexSettings::default())?;
                        (Live::new(index)?, dir)
                    }
                }
            }
        };
        let id = feed::read_commit(&live.index)
            .map(|c| c.index_id)
            .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
        let place = Place::Encrypted {
            folder: folder.to_path_buf(),
            dir: Mutex::new(dir),
            _claim: claim,
        };
        Ok(SearchIndex::assemble(live, fields, place, id))
    }

    /// Encrypts the index's files with a new key (kept in `store`) after the
    /// database's key changed; nothing to do for an index that is not encrypted.
    pub(crate) fn rekey(&self, store: &dyn Store) -> Result<()> {
        #[cfg(feature = "encryption")]
        if let Place::Encrypted { dir, .. } = &self.place {
            // No catch-up writes files meanwhile.
            let _feed = self.feed.lock().unwrap_or_else(PoisonError::into_inner);
            let key = encrypted_dir::new_key(store)?;
            dir.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .rekey(key)?;
        }
        let _ = store;
        Ok(())
    }

    /// An index in memory (for in-memory databases, encrypted ones and other stores);
    /// the first catch-up builds it from the database.
    pub fn open_in_memory() -> Result<SearchIndex> {
        let (schema, fields) = Fields::schema();
        let live = Live::new(Index::create_in_ram(schema))?;
        let id = uuid::Uuid::now_v7().to_string();
        Ok(SearchIndex::assemble(live, fields, Place::Memory, id))
    }

    fn assemble(live: Live, fields: Fields, place: Place, id: String) -> SearchIndex {
        SearchIndex {
            live: RwLock::new(Arc::new(live)),
            fields,
            place,
            id,
            seen: AtomicI64::new(-1),
            feed: Mutex::new(feed::Reported::default()),
            indexer: indexer::Indexer::default(),
        }
    }

    /// The current tantivy index and reader.
    fn live(&self) -> Arc<Live> {
        Arc::clone(&self.live.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Replaces the index with an empty one (in place of a damaged one).
    fn make_anew(&self) -> Result<()> {
        let (schema, _) = Fields::schema();
        let index = match &self.place {
            Place::Dir(dir) => {
                let _lock = lock_dir(dir)?;
                fresh_dir(dir, schema)?
            }
            Place::Memory => Index::create_in_ram(schema),
            #[cfg(feature = "encryption")]
            Place::Encrypted {
                folder,
                dir: current,
                ..
            } => {
                let _lock = lock_dir(folder)?;
                let mut current = current.lock().unwrap_or_else(PoisonError::into_inner);
                let dir = encrypted_dir::fresh(folder, current.key())?;
                *current = dir.clone();
                Index::create(dir, schema, tantivy::IndexSettings::default())?
            }
        };
        let live = Live::new(index)?;
        *self.live.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(live);
        self.seen.store(-1, Ordering::SeqCst);
        Ok(())
    }

    /// How many records the index holds.
    pub fn len(&self) -> u64 {
        self.live().reader.searcher().num_docs()
    }

    /// True when the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Compares the committed index with the database: every company and person must
    /// have one document whose fingerprint matches the document its record makes now.
    /// Queued changes not applied yet show as differences, so catch up first; records
    /// changed after the index's cursor (by writers running meanwhile) are counted in
    /// [`IndexCheck::changed_meanwhile`] and not compared. Reads every record and
    /// document: a diagnostic, not for every screen.
    pub fn check(&self, store: &dyn Store) -> Result<IndexCheck> {
        guarded(|| self.check_unguarded(store))
    }

    fn check_unguarded(&self, store: &dyn Store) -> Result<IndexCheck> {
        let live = self.live();
        // The cursor before the searcher: the searcher holds at least these changes.
        let cursor = feed::read_commit(&live.index).map_or(0, |c| c.cursor);
        live.reader.reload()?;
        let searcher = live.reader.searcher();
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
        let mut records = 0u64;
        store.read(|tx| {
            // Records changed after the cursor, read in the snapshot the records are.
            let moving = feed::changed_since(tx, cursor)?;
            for key in &moving {
                indexed.remove(key);
            }
            let mut compare = |key: String, digest: String| {
                if moving.contains(&key) {
                    check.changed_meanwhile += 1;
                    return;
                }
                match indexed.remove(&key) {
                    None => check.missing.push(key),
                    Some(found) if found != digest => check.stale.push(key),
                    Some(_) => {}
                }
            };
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
        check.damaged = self.is_damaged();
        check.extra = indexed.into_keys().collect();
        check.extra.sort();
        Ok(check)
    }

    /// Runs a search on the index as it is (callers catch up first).
    pub fn search(&self, request: &SearchRequest) -> Result<Vec<SearchHit>> {
        check_request(request)?;
        guarded(|| self.search_unguarded(request))
    }

    fn search_unguarded(&self, request: &SearchRequest) -> Result<Vec<SearchHit>> {
        let live = self.live();
        let searcher = live.reader.searcher();
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
        // Both checked by `check_request`: 0..=MAX_OFFSET and 1..=MAX_LIMIT.
        let wanted = request.offset.unsigned_abs() as usize + request.limit.unsigned_abs() as usize;
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
            .skip(request.offset.unsigned_abs() as usize)
            .take(request.limit.unsigned_abs() as usize)
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
/// A wider tie is cut where the collector cut it (by the index's layout): ordering it
/// whole would mean scoring every match, which block-max pruning avoids.
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

/// Runs `f`, turning a panic inside tantivy (garbled index bytes can make it panic)
/// into an error, so that a damaged index never takes the host down and is rebuilt.
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::Search(SearchError(
            "the search index failed while reading its files".into(),
        )))
    })
}

/// Refuses requests that would make a search unbounded: too many hits, paging too
/// deep, too much text or too many words.
fn check_request(request: &SearchRequest) -> Result<()> {
    let refuse =
        |field, reason| Err(ValidationError::single(Entity::SearchRequest, field, reason).into());
    if !(1..=MAX_LIMIT).contains(&request.limit) {
        return refuse("limit", Reason::OutOfRange);
    }
    if !(0..=MAX_OFFSET).contains(&request.offset) {
        return refuse("offset", Reason::OutOfRange);
    }
    if request.text.len() > MAX_QUERY_BYTES {
        return refuse(
            "text",
            Reason::TooBig {
                max_bytes: MAX_QUERY_BYTES,
            },
        );
    }
    if text::pieces(&text::normalize(&request.text)).len() > MAX_QUERY_WORDS {
        return refuse("text", Reason::OutOfRange);
    }
    Ok(())
}

impl Live {
    fn new(index: Index) -> Result<Live> {
        fields::register_tokenizers(&index);
        // Reloaded explicitly after each catch-up (and before each check).
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Live { index, reader })
    }
}

/// Holds the lock file beside an index directory (`<dir>.lock`), which processes take
/// before they make the directory anew, so that one never deletes what another is in
/// the middle of making. Released when the returned file is dropped.
fn lock_dir(dir: &Path) -> Result<std::fs::File> {
    let mut name = dir.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(name)?;
    file.lock()?;
    Ok(file)
}

/// An empty index in `dir`, whatever was there before.
fn fresh_dir(dir: &Path, schema: tantivy::schema::Schema) -> Result<Index> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)?;
    Ok(Index::create_in_dir(dir, schema)?)
}
