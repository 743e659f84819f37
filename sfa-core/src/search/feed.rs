//! How an index follows its database: the change log and the index's cursor.
//!
//! Every company or person change appends a row to the database's change log in the
//! change's own transaction, in commit order. An index records, in the payload of each
//! of its commits, the database it belongs to, the seq it has applied up to (its
//! cursor) and the change at that seq. Catching up reads the log after the cursor,
//! writes the documents of the records as they are now, and commits them together
//! with the new cursor: the documents and the cursor move as one, so a failed or
//! interrupted commit (a crash, a full disk, a panic) leaves the cursor where it was and
//! the changes are applied again. Nothing is ever deleted from the log by an index;
//! old rows are pruned once every index seen lately has passed them.
//!
//! Any handle or process catches up by itself before it searches: it takes the index
//! writer for the catch-up only (waiting while another holds it), so no handle keeps
//! the others from indexing. An index is rebuilt whole, in one commit (a failure
//! leaves the old index in place), when it has no cursor, belongs to another database
//! (the file was replaced or truncated), is ahead of the database or disagrees with
//! its history (the file was restored from a backup), is behind the pruned part of
//! the log, or was written by another analyser version.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tantivy::indexer::NoMergePolicy;
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

use super::fields::{Fields, company_key, person_key};
use super::{SearchError, SearchIndex, WRITER_MEMORY_BYTES};
use crate::error::{Entity, Error, Result};
use crate::model::{CompanyId, PersonId, Timestamp};
use crate::store::{IndexChange, ReadTx, Store, walk_companies, walk_persons};

/// Bumped whenever the analyser or schema changes: an index written by another version
/// is rebuilt from the database.
pub(super) const ANALYZER_VERSION: &str = "sfa-search-4";

/// How many changes are read per round while catching up.
const CATCH_UP_BATCH: u32 = 2000;

/// A round stops taking changes once it holds this many documents: a document ready
/// for the index (every gram of every field) weighs about 14 KB, and a company change
/// brings its persons' documents too, so a round of 2,000 changes of a fresh import
/// held over 100 MB of them.
const CATCH_UP_DOCUMENTS: usize = 500;

/// How long a catch-up waits for another handle or process to release the writer.
const WRITER_WAIT: Duration = Duration::from_secs(30);

/// An index reports its cursor to the database (for pruning) at least every this many
/// changes, and the log is pruned once it holds more than this many pruneable rows.
const REPORT_EVERY: i64 = 1000;

/// Indexes not seen for this long no longer hold back pruning (a closed in-memory
/// index, a device's copy that was deleted); one that comes back later is rebuilt.
const CURSOR_LIFETIME_DAYS: i64 = 7;

/// What an index commit records besides its documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Commit {
    /// [`ANALYZER_VERSION`] of the documents.
    pub(super) analyzer: String,
    /// The database the documents come from.
    pub(super) database_id: String,
    /// This index's id among the log's cursors.
    pub(super) index_id: String,
    /// The seq of the newest change applied.
    pub(super) cursor: i64,
    /// The change at `cursor` (`c:<id>` or `p:<id>`), to notice a database whose
    /// history differs (restored from a backup).
    pub(super) last_change: Option<String>,
}

/// The payload of the index's newest commit, if it has a readable one.
pub(super) fn read_commit(index: &Index) -> Option<Commit> {
    let payload = index.load_metas().ok()?.payload?;
    serde_json::from_str(&payload).ok()
}

/// What this handle last told the database about its cursor.
#[derive(Debug, Default)]
pub(super) struct Reported {
    cursor: Option<i64>,
}

/// The database's side of the feed, read in one snapshot.
struct LogState {
    database_id: String,
    head: i64,
    floor: i64,
}

fn log_state(tx: &mut dyn ReadTx) -> Result<LogState> {
    Ok(LogState {
        database_id: tx.database_id()?,
        head: tx.change_log_head()?,
        floor: tx.change_log_floor()?,
    })
}

/// The records (`c:<id>`, `p:<id>`) changed after `cursor`.
pub(super) fn changed_since(
    tx: &mut dyn ReadTx,
    mut cursor: i64,
) -> Result<std::collections::HashSet<String>> {
    let mut keys = std::collections::HashSet::new();
    loop {
        let batch = tx.changes_since(cursor, CATCH_UP_BATCH)?;
        let Some(last) = batch.last() else {
            return Ok(keys);
        };
        cursor = last.seq;
        keys.extend(batch.iter().map(change_key));
    }
}

fn change_key(change: &IndexChange) -> String {
    match change.entity {
        Entity::Company => company_key(&change.id),
        _ => person_key(&change.id),
    }
}

impl SearchIndex {
    /// Applies every change committed since the index's cursor (or rebuilds the index
    /// when it cannot follow this database), calling `progress(done, total)` as it
    /// goes; returns how many documents were written.
    ///
    /// An index whose files turn out damaged (reading fails, or tantivy panics on
    /// garbled bytes) is made anew and rebuilt.
    pub fn catch_up(&self, store: &dyn Store, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        match super::guarded(|| self.catch_up_once(store, progress, u64::MAX)) {
            Err(Error::Search(_)) if self.is_damaged() => self.repair(store),
            other => other,
        }
    }

    /// Applies at most about `max_changes` of the waiting changes (whole rounds) and
    /// commits them; returns whether more are waiting. The background indexer works
    /// through a large backlog (a first sync) this way, so that it can stop between
    /// rounds when the database is closed. An index that cannot follow the database is
    /// rebuilt whole, as by [`SearchIndex::catch_up`].
    pub(crate) fn catch_up_some(&self, store: &dyn Store, max_changes: u64) -> Result<bool> {
        match super::guarded(|| self.catch_up_once(store, &mut |_, _| {}, max_changes)) {
            Err(Error::Search(_)) if self.is_damaged() => {
                self.repair(store)?;
            }
            other => {
                other?;
            }
        }
        Ok(self.pending(store)? > 0)
    }

    fn catch_up_once(
        &self,
        store: &dyn Store,
        progress: &mut dyn FnMut(u64, u64),
        max_changes: u64,
    ) -> Result<u64> {
        // The common case, nothing new, costs one read and takes no lock.
        let head = store.read(|tx| tx.change_log_head())?;
        if self.seen.load(Ordering::SeqCst) == head {
            return Ok(0);
        }
        let mut reported = self.feed.lock().unwrap_or_else(|e| e.into_inner());
        let live = self.live();
        // The index's commit first, then the database: a cursor another process
        // committed meanwhile is then never ahead of the head read.
        let commit = read_commit(&live.index);
        let state = store.read(log_state)?;
        let Some(commit) = commit.filter(|c| self.follows(store, c, &state).unwrap_or(false))
        else {
            drop(live);
            return self.rebuild_locked(store, progress, &mut reported);
        };
        if commit.cursor >= state.head {
            live.reader.reload()?;
            self.seen.store(commit.cursor, Ordering::SeqCst);
            return Ok(0);
        }
        let mut writer = take_writer(&live.index)?;
        // Another process may have caught up while this one waited for the writer.
        let commit = read_commit(&live.index)
            .filter(|c| c.database_id == state.database_id)
            .ok_or_else(|| SearchError("the index changed while catching up".into()))?;
        // What the index holds now: nobody else commits while this writer is held.
        live.reader.reload()?;
        let indexed = live.reader.searcher();
        let (cursor, last_change, documents) = self.apply(
            store,
            &mut writer,
            &indexed,
            commit.cursor,
            progress,
            max_changes,
        )?;
        if cursor > commit.cursor {
            self.commit(
                &mut writer,
                &state.database_id,
                cursor,
                last_change.or(commit.last_change),
            )?;
        }
        finish(writer);
        live.reader.reload()?;
        settle_after_bulk(&live, documents)?;
        self.seen.store(cursor, Ordering::SeqCst);
        self.report(store, cursor, &mut reported);
        Ok(documents)
    }

    /// Catches up only when at most `limit` changes are waiting; returns whether it
    /// did.
    pub fn catch_up_if_small(&self, store: &dyn Store, limit: u64) -> Result<bool> {
        let pending = self.pending(store)?;
        if pending == 0 || pending > limit {
            return Ok(false);
        }
        self.catch_up(store, &mut |_, _| {})?;
        Ok(true)
    }

    /// How many committed changes the index has not applied yet.
    pub fn pending(&self, store: &dyn Store) -> Result<u64> {
        let cursor = read_commit(&self.live().index).map_or(0, |c| c.cursor);
        store.read(|tx| tx.change_count_since(cursor))
    }

    /// Indexes every company and person again, in one commit: until it commits, the
    /// old index stays as it was; a failure (or a panic) changes nothing. Returns how
    /// many records were indexed.
    pub fn rebuild(&self, store: &dyn Store, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        let mut reported = self.feed.lock().unwrap_or_else(|e| e.into_inner());
        self.rebuild_locked(store, progress, &mut reported)
    }

    /// Makes a damaged index anew and rebuilds it from the database.
    pub fn repair(&self, store: &dyn Store) -> Result<u64> {
        let mut reported = self.feed.lock().unwrap_or_else(|e| e.into_inner());
        self.make_anew()?;
        self.rebuild_locked(store, &mut |_, _| {}, &mut reported)
    }

    /// True when the index's files fail their checksums or cannot be read.
    pub fn is_damaged(&self) -> bool {
        self.live()
            .index
            .validate_checksum()
            .map_or(true, |bad| !bad.is_empty())
    }

    /// Whether an index commit can follow this database from its cursor.
    fn follows(&self, store: &dyn Store, commit: &Commit, state: &LogState) -> Result<bool> {
        if commit.analyzer != ANALYZER_VERSION
            || commit.database_id != state.database_id
            || commit.cursor > state.head
            || commit.cursor < state.floor
        {
            return Ok(false);
        }
        // The change at the cursor must be the one the index saw (unless pruned).
        let Some(expected) = &commit.last_change else {
            return Ok(commit.cursor == 0);
        };
        let at_cursor = store.read(|tx| tx.changes_since(commit.cursor - 1, 1))?;
        Ok(match at_cursor.first() {
            Some(change) if change.seq == commit.cursor => change_key(change) == *expected,
            _ => commit.cursor <= state.floor,
        })
    }

    fn rebuild_locked(
        &self,
        store: &dyn Store,
        progress: &mut dyn FnMut(u64, u64),
        reported: &mut Reported,
    ) -> Result<u64> {
        let live = self.live();
        let mut writer = take_writer(&live.index)?;
        writer.delete_all_documents()?;
        // One snapshot: the records and the head they reflect.
        let (state, last_change, records) = store.read(|tx| {
            let state = log_state(tx)?;
            let last = tx.changes_since(state.head - 1, 1)?.first().map(change_key);
            let total = tx.ledger_size()?;
            let mut done = 0u64;
            walk_companies(tx, true, |tx, c| {
                let change = IndexChange {
                    seq: 0,
                    entity: Entity::Company,
                    id: c.id.to_string(),
                };
                let mut docs = Vec::new();
                documents_for(tx, &self.fields, &change, &mut docs)?;
                done += docs.len() as u64;
                for (_, doc) in docs {
                    if let Some(doc) = doc {
                        writer.add_document(doc)?;
                    }
                }
                progress(done.min(total), total.max(done));
                Ok(())
            })?;
            Ok((state, last, done))
        })?;
        self.commit(&mut writer, &state.database_id, state.head, last_change)?;
        finish(writer);
        live.reader.reload()?;
        settle_after_bulk(&live, records)?;
        self.seen.store(state.head, Ordering::SeqCst);
        reported.cursor = None;
        self.report(store, state.head, reported);
        Ok(records)
    }

    /// Writes the documents of the changes after `cursor`; returns the new cursor, the
    /// change at it and how many documents were written.
    fn apply(
        &self,
        store: &dyn Store,
        writer: &mut IndexWriter,
        indexed: &tantivy::Searcher,
        cursor: i64,
        progress: &mut dyn FnMut(u64, u64),
        max_changes: u64,
    ) -> Result<(i64, Option<String>, u64)> {
        let total = store.read(|tx| tx.change_count_since(cursor))?;
        let mut done = 0u64;
        let mut last = cursor;
        let mut last_change = None;
        let mut documents = 0u64;
        // Each document written, with the newest seq its snapshot reflected: a later
        // change that snapshot already included needs no second write (a company change
        // rewrites its persons, whose own changes usually follow in the log).
        let mut written: HashMap<String, i64> = HashMap::new();
        while done < max_changes {
            let after = last;
            let (changes, docs) = store.read(|tx| {
                let high_water = tx.change_log_head()?;
                let mut changes = tx.changes_since(after, CATCH_UP_BATCH)?;
                let mut docs = Vec::new();
                let mut taken = 0;
                for change in &changes {
                    if docs.len() >= CATCH_UP_DOCUMENTS {
                        break;
                    }
                    taken += 1;
                    if written
                        .get(&change_key(change))
                        .is_none_or(|&seen| seen < change.seq)
                    {
                        documents_for(tx, &self.fields, change, &mut docs)?;
                    }
                }
                // The rest are read again in the next round.
                changes.truncate(taken);
                // Each fresh document, and whether an earlier round wrote it (then it
                // replaces that one).
                let docs: Vec<_> = docs
                    .into_iter()
                    .filter_map(|(key, doc)| {
                        let before = written.get(&key).copied();
                        if before.is_some_and(|seen| seen >= high_water) {
                            return None;
                        }
                        written.insert(key.clone(), high_water);
                        Some((key, doc, before.is_some()))
                    })
                    .collect();
                Ok((changes, docs))
            })?;
            let Some(newest) = changes.last() else { break };
            last = newest.seq;
            last_change = Some(change_key(newest));
            for (key, doc, rewritten) in docs {
                // Only a document that is there is deleted: each delete is kept in
                // memory until the commit (about 600 bytes), and most documents of an
                // import are new.
                let term = Term::from_field_text(self.fields.key, &key);
                if rewritten || indexed.doc_freq(&term)? > 0 {
                    writer.delete_term(term);
                }
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                    documents += 1;
                }
            }
            done += changes.len() as u64;
            progress(done.min(total), total.max(done));
        }
        Ok((last, last_change, documents))
    }

    /// Commits the writer's documents with the cursor they bring the index to.
    fn commit(
        &self,
        writer: &mut IndexWriter,
        database_id: &str,
        cursor: i64,
        last_change: Option<String>,
    ) -> Result<()> {
        let payload = Commit {
            analyzer: ANALYZER_VERSION.into(),
            database_id: database_id.into(),
            index_id: self.id.clone(),
            cursor,
            last_change,
        };
        let payload = serde_json::to_string(&payload)
            .map_err(|e| SearchError(format!("cannot record the cursor: {e}")))?;
        #[cfg(feature = "fault-injection")]
        crate::fault::before_index_commit()?;
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&payload);
        prepared.commit()?;
        Ok(())
    }

    /// Tells the database how far this index has read (now and then), and prunes the
    /// log when it has grown. Failing here costs nothing but pruning, so errors are
    /// left for the next time.
    fn report(&self, store: &dyn Store, cursor: i64, reported: &mut Reported) {
        if reported
            .cursor
            .is_some_and(|last| cursor - last < REPORT_EVERY)
        {
            return;
        }
        let now: Timestamp = chrono::Utc::now();
        let since = now - chrono::Duration::days(CURSOR_LIFETIME_DAYS);
        let done = store.write(|tx| {
            tx.set_index_cursor(&self.id, cursor, now)?;
            let floor = tx.change_log_floor()?;
            if cursor - floor > REPORT_EVERY {
                tx.prune_change_log(since)?;
            }
            Ok(())
        });
        if done.is_ok() {
            reported.cursor = Some(cursor);
        }
    }
}

/// A catch-up or rebuild that wrote at least this many documents, and at least a
/// quarter of the index, was a bulk indexing (the first after an import, a rebuild).
const BULK_DOCUMENTS: u64 = 10_000;

/// After a catch-up or rebuild that wrote `written` documents (and was committed and
/// read): when it was a bulk indexing ([`BULK_DOCUMENTS`]), merges the index into one
/// segment and reads it again. Costs nothing for a small catch-up.
fn settle_after_bulk(live: &super::Live, written: u64) -> Result<()> {
    if written >= BULK_DOCUMENTS && written.saturating_mul(4) >= live.reader.searcher().num_docs() {
        merge_into_one(&live.index);
        live.reader.reload()?;
    }
    Ok(())
}

/// Merges every segment of the index into one, after a bulk indexing, which leaves
/// several behind (its writer flushes whenever its memory budget fills; tantivy's merge
/// policy joins only segments of a size). A search visits every segment (each clause's
/// terms, each fuzzy word's automaton), so one segment halves a typical search's time
/// over 400k records (BENCHMARKS.md, "Search"). A merge that fails changes nothing
/// committed; the index is then searched as it is.
fn merge_into_one(index: &Index) {
    let Ok(mut writer) = take_writer(index) else {
        return;
    };
    writer.set_merge_policy(Box::new(NoMergePolicy));
    if let Ok(segments) = index.searchable_segment_ids()
        && segments.len() > 1
    {
        let _ = writer.merge(&segments).wait();
    }
    finish(writer);
}

/// The index writer, waiting while another handle or process holds it.
fn take_writer(index: &Index) -> Result<IndexWriter> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match index.writer_with_num_threads(1, WRITER_MEMORY_BYTES) {
            Ok(writer) => return Ok(writer),
            Err(tantivy::TantivyError::LockFailure(..)) if started.elapsed() < WRITER_WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(tantivy::TantivyError::LockFailure(..)) => {
                return Err(Error::Search(SearchError(
                    "another handle has held the search index for too long".into(),
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// Lets the writer's merges finish and releases it (and the directory lock), so that
/// nothing writes to the index once the call returns. A merge that fails changes
/// nothing committed.
fn finish(writer: IndexWriter) {
    let _ = writer.wait_merging_threads();
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
    Error::Search(SearchError("a logged change has a malformed id".into()))
}
