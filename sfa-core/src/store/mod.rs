//! Storage: the traits the workflow layer depends on, and the SQLite implementation.
//!
//! A [`Store`] hands out transactions. Reads see one consistent snapshot
//! ([`ReadTx`]); a write ([`WriteTx`]) commits only when its closure returns `Ok`, so
//! every workflow call is all-or-nothing. Updates carry the version the caller read:
//! a store must refuse a stale one with [`Error::Conflict`] and change nothing.

mod activity;
#[cfg(any(test, feature = "conformance"))]
pub mod conformance;
#[cfg(feature = "postgres")]
pub mod postgres;
mod sales;
pub mod sqlite;
mod sync;
mod teams;

pub use crate::model::MasterKind;
pub use activity::{ActivityReadTx, ActivityWriteTx, HistoryOf};
pub use sales::{DealScan, DealsOf, SalesReadTx, SalesWriteTx, ScanSink, Scanned};
pub use sync::{OutboxEntry, Removal, SyncChange, SyncReadTx, SyncWriteTx, WaitingCall};
pub use teams::{TeamReadTx, TeamWriteTx};

use crate::error::{Entity, Error, Result};
use crate::model::{Company, CompanyId, ListQuery, Person, PersonId, Timestamp, User, UserId};

/// Queries available inside any transaction.
pub trait ReadTx: ActivityReadTx + SalesReadTx + TeamReadTx + SyncReadTx {
    /// How many users exist (active or not).
    fn user_count(&mut self) -> Result<u64>;
    /// A user by id.
    fn get_user(&mut self, id: UserId) -> Result<Option<User>>;
    /// A user by normalised e-mail address.
    fn find_user_by_email(&mut self, email: &str) -> Result<Option<User>>;
    /// Every user, ordered by name then id.
    fn list_users(&mut self) -> Result<Vec<User>>;

    /// A company by id.
    fn get_company(&mut self, id: CompanyId) -> Result<Option<Company>>;
    /// Companies ordered by (sort key, id), at most `query.limit`.
    fn list_companies(&mut self, query: &ListQuery) -> Result<Vec<Company>>;
    /// The ids of the non-archived companies with exactly this name.
    fn company_ids_by_name(&mut self, name: &str) -> Result<Vec<CompanyId>>;

    /// A person by id.
    fn get_person(&mut self, id: PersonId) -> Result<Option<Person>>;
    /// Persons (of one company, or all) ordered by (sort key, id), at most `query.limit`.
    fn list_persons(
        &mut self,
        company: Option<CompanyId>,
        query: &ListQuery,
    ) -> Result<Vec<Person>>;

    /// Persons (archived ones too) that match: by normalised e-mail, by E.164 phone
    /// (office or mobile), or by exact name at a company. At most 50.
    fn find_persons(&mut self, by: PersonMatch<'_>) -> Result<Vec<Person>>;

    /// How many companies and persons exist, archived ones included.
    fn ledger_size(&mut self) -> Result<u64>;
    /// The database's identity, made with it at random: an index records it, so that
    /// an index beside a replaced or truncated file is noticed.
    fn database_id(&mut self) -> Result<String>;
    /// The seq of the newest change in the change log (0 when there is none): what
    /// this snapshot reflects.
    fn change_log_head(&mut self) -> Result<i64>;
    /// The highest seq pruned from the change log (0 when none was): an index whose
    /// cursor is below it cannot catch up and must be rebuilt.
    fn change_log_floor(&mut self) -> Result<i64>;
    /// The oldest `limit` changes after seq `after`, in commit order.
    fn changes_since(&mut self, after: i64, limit: u32) -> Result<Vec<IndexChange>>;
    /// How many changes come after seq `after`.
    fn change_count_since(&mut self, after: i64) -> Result<u64>;
}

/// A stored record that today's rules refuse (written by an older version, or by SQL
/// outside the library). Analytics leave it out and answer for the rest;
/// [`crate::Sfa::check_stored_records`] lists every such record. Names the record and
/// the rule, never the value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordProblem {
    /// The kind of record (`deal`, `task`...).
    pub entity: String,
    /// The record's id as stored.
    pub id: String,
    /// The field that breaks a rule (or `row` when the row cannot be read at all).
    pub field: String,
    /// The rule, in words.
    pub reason: String,
}

impl RecordProblem {
    /// A problem with one field of one record.
    pub fn new(
        entity: Entity,
        id: impl std::fmt::Display,
        field: &str,
        reason: &dyn std::fmt::Display,
    ) -> RecordProblem {
        RecordProblem {
            entity: entity.to_string(),
            id: id.to_string(),
            field: field.to_string(),
            reason: reason.to_string(),
        }
    }
}

impl std::fmt::Display for RecordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}: `{}` {}",
            self.entity, self.id, self.field, self.reason
        )
    }
}

/// How [`ReadTx::find_persons`] matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonMatch<'a> {
    /// The same e-mail address.
    Email(&'a str),
    /// The same office or mobile phone (E.164).
    Phone(&'a str),
    /// The same name at the company.
    NameAtCompany(CompanyId, &'a str),
}

/// A change in the change log: a record whose search-index entry must be rewritten
/// (or removed, if it is gone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexChange {
    /// Its place in commit order: a change with a higher seq committed later. Seqs
    /// increase and are never reused.
    pub seq: i64,
    /// Company or person.
    pub entity: Entity,
    /// The record's id.
    pub id: String,
}

/// Changes, available inside a write transaction.
///
/// Every insert and update of a company or person must also append an [`IndexChange`]
/// for it to the change log in the same transaction, in commit order (a change
/// committed later gets a higher seq, even when transactions run at once), so that
/// every search index can catch up from its cursor, also after a crash.
///
/// `update_*` stores the record (whose `version` is already the new one) only if the
/// stored version equals `expected_version`; otherwise it returns
/// [`Error::Conflict`] (or [`Error::NotFound`]) and changes nothing.
pub trait WriteTx: ReadTx + ActivityWriteTx + SalesWriteTx + TeamWriteTx + SyncWriteTx {
    /// Stores a new user.
    fn insert_user(&mut self, user: &User) -> Result<()>;
    /// Replaces a user if its stored version is `expected_version`.
    fn update_user(&mut self, user: &User, expected_version: i64) -> Result<()>;
    /// Stores a new company.
    fn insert_company(&mut self, company: &Company) -> Result<()>;
    /// Replaces a company if its stored version is `expected_version`.
    fn update_company(&mut self, company: &Company, expected_version: i64) -> Result<()>;
    /// Stores a new person.
    fn insert_person(&mut self, person: &Person) -> Result<()>;
    /// Replaces a person if its stored version is `expected_version`.
    fn update_person(&mut self, person: &Person, expected_version: i64) -> Result<()>;

    /// Records how far an index has read the change log, and when (for pruning).
    fn set_index_cursor(&mut self, index_id: &str, seq: i64, now: Timestamp) -> Result<()>;
    /// Forgets an index's cursor (an index that is gone).
    fn forget_index_cursor(&mut self, index_id: &str) -> Result<()>;
    /// Prunes the change log up to the lowest cursor of the indexes seen at or after
    /// `seen_since` (never its newest change, so that a seq is never reused), and
    /// raises the floor to match; returns the floor.
    fn prune_change_log(&mut self, seen_since: Timestamp) -> Result<i64>;
}

/// A storage backend. Implementations call the closure exactly once per transaction.
pub trait Store: Send + Sync {
    /// Runs `f` in a read transaction (one consistent snapshot).
    fn read_tx(&self, f: &mut dyn FnMut(&mut dyn ReadTx) -> Result<()>) -> Result<()>;
    /// Runs `f` in a write transaction, committed only when `f` returns `Ok`.
    fn write_tx(&self, f: &mut dyn FnMut(&mut dyn WriteTx) -> Result<()>) -> Result<()>;

    /// Changes the key the data is encrypted with, for a store that encrypts at rest;
    /// others refuse (a validation error on `key`).
    fn change_key(&self, new_key: &str) -> Result<()> {
        let _ = new_key;
        Err(
            crate::ValidationError::single(Entity::Database, "key", crate::Reason::NotAllowed)
                .into(),
        )
    }
}

impl dyn Store + '_ {
    /// Runs `f` in a read transaction and returns its value.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn ReadTx) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.read_tx(&mut |tx| {
            if let Some(f) = f.take() {
                out = Some(f(tx)?);
            }
            Ok(())
        })?;
        out.ok_or_else(closure_not_run)
    }

    /// Runs `f` in a write transaction and returns its value; commits only on `Ok`.
    pub fn write<T>(&self, f: impl FnOnce(&mut dyn WriteTx) -> Result<T>) -> Result<T> {
        let mut f = Some(f);
        let mut out = None;
        self.write_tx(&mut |tx| {
            if let Some(f) = f.take() {
                out = Some(f(tx)?);
            }
            Ok(())
        })?;
        out.ok_or_else(closure_not_run)
    }
}

/// Records per page when a whole list is walked.
const WALK_PAGE: u32 = 500;

/// Calls `f` with every company (archived ones too if asked), in list order, reading
/// a page at a time so that memory stays flat on large ledgers.
pub fn walk_companies(
    tx: &mut dyn ReadTx,
    include_archived: bool,
    mut f: impl FnMut(&mut dyn ReadTx, &Company) -> Result<()>,
) -> Result<()> {
    walk(
        tx,
        include_archived,
        |tx, q| tx.list_companies(q),
        Company::sort_key,
        |c| c.id.to_string(),
        &mut f,
    )
}

/// Calls `f` with every person (of one company, or all), in list order, a page at a
/// time.
pub fn walk_persons(
    tx: &mut dyn ReadTx,
    company: Option<CompanyId>,
    include_archived: bool,
    mut f: impl FnMut(&mut dyn ReadTx, &Person) -> Result<()>,
) -> Result<()> {
    walk(
        tx,
        include_archived,
        |tx, q| tx.list_persons(company, q),
        Person::sort_key,
        |p| p.id.to_string(),
        &mut f,
    )
}

fn walk<T>(
    tx: &mut dyn ReadTx,
    include_archived: bool,
    list: impl Fn(&mut dyn ReadTx, &ListQuery) -> Result<Vec<T>>,
    sort_key: impl Fn(&T) -> String,
    id: impl Fn(&T) -> String,
    f: &mut dyn FnMut(&mut dyn ReadTx, &T) -> Result<()>,
) -> Result<()> {
    let mut query = ListQuery {
        limit: WALK_PAGE,
        after: None,
        include_archived,
    };
    loop {
        let page = list(tx, &query)?;
        for item in &page {
            f(tx, item)?;
        }
        match page.last() {
            Some(last) if page.len() == WALK_PAGE as usize => {
                query.after = Some((sort_key(last), id(last)))
            }
            _ => return Ok(()),
        }
    }
}

fn closure_not_run() -> Error {
    Error::Storage(crate::error::StorageError::message(
        "the store did not run the transaction",
    ))
}
