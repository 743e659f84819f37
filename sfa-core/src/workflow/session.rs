//! Opening a database and acting as a user.

use std::sync::Arc;

use crate::error::{Entity, Error, Result};
use crate::model::{Clock, SystemClock, Timestamp, User, UserId, UserInput};
use crate::normalize::normalize_email;
use crate::observe::{Listener, Observation, ObserversGuard};
use crate::search::{IndexerGuard, SearchHit, SearchIndex, SearchRequest};
use crate::store::{ReadTx, RecordProblem, Store, WriteTx};

/// An open sfa database. Cheap to clone; safe to share between threads.
#[derive(Clone)]
pub struct Sfa {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) search: Arc<SearchIndex>,
    /// Stops the background indexer when the last clone goes.
    _indexer: Arc<IndexerGuard>,
    /// Stops the observers' watcher when the last clone goes.
    observers: Arc<ObserversGuard>,
}

impl std::fmt::Debug for Sfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sfa").finish_non_exhaustive()
    }
}

impl Sfa {
    /// Changes the key the database is encrypted with, if its store has one (the
    /// SQLite store with the `encryption` feature); other stores refuse with a
    /// validation error. The search index's files are encrypted again with a new key
    /// too.
    pub fn change_key(&self, new_key: &str) -> Result<()> {
        self.store.change_key(new_key)?;
        self.search.rekey(self.store.as_ref())
    }

    /// Runs the workflows on any storage implementation (the PostgreSQL store, or one
    /// written outside this crate), with an in-memory search index built from it now.
    pub fn with_store(store: Arc<dyn Store>) -> Result<Sfa> {
        Sfa::with_store_and_index(store, SearchIndex::open_in_memory()?, true)
    }

    /// Runs the workflows on `store` with `index` (in a directory, or in memory). With
    /// `catch_up_now` the index follows the store before this returns (applying what it
    /// missed, or rebuilding when it belongs to another database, is new or was
    /// restored); without, the first search does it (opening stays fast).
    pub fn with_store_and_index(
        store: Arc<dyn Store>,
        index: SearchIndex,
        catch_up_now: bool,
    ) -> Result<Sfa> {
        if catch_up_now {
            index.catch_up(store.as_ref(), &mut |_, _| {})?;
        }
        let search = Arc::new(index);
        Ok(Sfa {
            store,
            clock: Arc::new(SystemClock),
            _indexer: Arc::new(IndexerGuard::new(Arc::clone(&search))),
            observers: Arc::new(ObserversGuard(Arc::default())),
            search,
        })
    }

    /// Indexes every company and person again, calling `progress(done, total)` as it
    /// goes, in one index commit (until it commits, searches see the old index; a
    /// failure leaves it as it was). Returns how many records were indexed.
    pub fn rebuild_search_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        self.search.rebuild(self.store.as_ref(), progress)
    }

    /// How many committed record changes the search index has not applied yet (after
    /// a bulk import, for instance); searches apply them first.
    pub fn pending_search_changes(&self) -> Result<u64> {
        self.search.pending(self.store.as_ref())
    }

    /// Applies the changes the search index has not seen yet, calling
    /// `progress(done, total)` as it goes; returns how many documents were written.
    /// Searches do this by themselves; call it after a bulk import so that the first
    /// search is fast, or to show indexing progress.
    pub fn catch_up_search_index(&self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        self.search.catch_up(self.store.as_ref(), progress)
    }

    /// Compares the search index with the database after applying the queued changes
    /// (a diagnostic: it reads every record); a damaged or stale index is fixed by
    /// [`Sfa::rebuild_search_index`].
    pub fn check_search_index(&self) -> Result<crate::search::IndexCheck> {
        self.search.catch_up(self.store.as_ref(), &mut |_, _| {})?;
        self.search.check(self.store.as_ref())
    }

    /// Lists every stored record that today's rules refuse: written by an older
    /// version of the library, or by SQL outside it (a deal whose amount has more than
    /// four decimal places or is past the amount limit, lines that do not add up to
    /// the amount, a value that cannot be read). Analytics leave such records out and
    /// answer for the rest; run this after upgrading, and fix or archive what it lists.
    /// Reads every deal: a diagnostic, not for every screen.
    pub fn check_stored_records(&self) -> Result<Vec<RecordProblem>> {
        self.store.read(|tx| {
            let mut problems = Vec::new();
            tx.scan_deals(&mut |scanned| {
                if let Err(problem) = scanned {
                    problems.push(problem);
                }
                Ok(())
            })?;
            Ok(problems)
        })
    }

    /// Calls `listener` with the records of `kinds` (`company`, `person`, `deal`, ...:
    /// [`crate::observe::OBSERVABLE_KINDS`]) changed by each later commit, through this
    /// handle, another handle or process, or a sync; see [`crate::observe`]. The
    /// listener runs on the observers' thread. Keep the returned [`Observation`] while
    /// the screen shows; dropping or closing it stops the calls. An unknown kind is a
    /// validation error on `kinds`.
    pub fn observe(&self, kinds: &[String], listener: Listener) -> Result<Observation> {
        self.observers.0.observe(&self.store, kinds, listener)
    }

    /// Tells the observers' watcher that this handle committed.
    pub(crate) fn committed(&self) {
        self.observers.0.kick();
    }

    /// Replaces the clock (tests use a fixed one).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Sfa {
        self.clock = clock;
        self
    }

    /// True once the first admin exists.
    pub fn has_users(&self) -> Result<bool> {
        Ok(self.store.read(|tx| tx.user_count())? > 0)
    }

    /// Creates the first user, an active admin, in an empty database. Refused with
    /// `PermissionDenied` once any user exists: later users are added by admins.
    pub fn create_first_admin(&self, input: &UserInput) -> Result<User> {
        let input = input.validate()?;
        let now = self.clock.now();
        self.store.write(|tx| {
            if tx.user_count()? > 0 {
                return Err(Error::permission_denied(
                    "the first admin exists already; an admin must add further users",
                ));
            }
            let id = UserId::new();
            let user = User {
                id,
                name: input.name,
                email: input.email,
                role: crate::Role::Admin,
                active: true,
                created_at: now,
                created_by: id,
                updated_at: now,
                updated_by: id,
                version: 1,
            };
            tx.insert_user(&user)?;
            Ok(user)
        })
    }

    /// Acts as the user: every later call is made, and recorded, as them.
    pub fn session(&self, user: UserId) -> Result<Session> {
        let session = Session {
            sfa: self.clone(),
            user,
        };
        session.read(|_, _| Ok(()))?;
        Ok(session)
    }

    /// Acts as `user` without reading the user now: each call checks, in its own
    /// transaction, that the user exists and is active (as every call does anyway), so
    /// a binding that makes a session per call saves a transaction. [`Sfa::session`]
    /// reports an unknown or inactive user at once instead.
    pub fn session_unverified(&self, user: UserId) -> Session {
        Session {
            sfa: self.clone(),
            user,
        }
    }

    /// Acts as the user with this e-mail address (how host apps map a login).
    pub fn session_by_email(&self, email: &str) -> Result<Session> {
        let email = normalize_email(email)
            .map(|e| e.to_lowercase())
            .map_err(|reason| crate::ValidationError::single(Entity::User, "email", reason))?;
        let user = self
            .store
            .read(|tx| tx.find_user_by_email(&email))?
            .ok_or_else(|| Error::not_found(Entity::User, "with that e-mail"))?;
        self.session(user.id)
    }
}

/// Acting as one user. Cheap to clone; safe to share between threads.
#[derive(Debug, Clone)]
pub struct Session {
    pub(super) sfa: Sfa,
    pub(super) user: UserId,
}

impl Session {
    /// The acting user's id.
    pub fn user_id(&self) -> UserId {
        self.user
    }

    /// The acting user's record, as stored now.
    pub fn me(&self) -> Result<User> {
        self.read(|_, me| Ok(me.clone()))
    }

    /// The current instant: the running call's (see [`super::call`]), else the clock's.
    pub(crate) fn now(&self) -> Timestamp {
        match super::call::current(&self.sfa.store) {
            Some(call) => call.now,
            None => self.sfa.clock.now(),
        }
    }

    /// A read transaction with the acting user loaded and checked active.
    pub(crate) fn read<T>(&self, f: impl FnOnce(&mut dyn ReadTx, &User) -> Result<T>) -> Result<T> {
        self.sfa.store.read(|tx| {
            let me = active_user(tx, self.user)?;
            f(tx, &me)
        })
    }

    /// A write transaction with the acting user loaded and checked active; the user is
    /// checked inside the transaction, so a deactivation cannot race with the write.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&mut dyn WriteTx, &User) -> Result<T>,
    ) -> Result<T> {
        let call = super::call::current(&self.sfa.store);
        let value = self.sfa.store.write(|tx| {
            let me = active_user(tx, self.user)?;
            // Only a call that is recorded (on a sync client) or replayed needs to know
            // where the sync log stood, to find what it wrote.
            let recorded = match &call {
                Some(call) if call.is_recorded(tx)? => Some((call, tx.sync_head()?)),
                _ => None,
            };
            let value = f(tx, &me)?;
            if let Some((call, before)) = recorded {
                call.log(tx, before, self.user)?;
            }
            Ok(value)
        })?;
        // The write is committed. The index catches up in the background (a bulk
        // write is left to the next search or an explicit catch-up), so the write
        // returns at database speed; a search catches up first, so it sees it.
        self.sfa.search.kick(&self.sfa.store);
        self.sfa.committed();
        Ok(value)
    }

    /// Searches companies and persons (曖昧検索); see [`SearchRequest`].
    ///
    /// Writes log their changes in the database, in their own transaction; the index
    /// applies them in the background after everyday writes, and a search first
    /// applies whatever it has not (a bulk write of more than
    /// [`crate::EAGER_INDEX_CHANGES`] changes waits for it), so it always sees every
    /// committed write. After a large import, call [`Sfa::catch_up_search_index`] (with
    /// progress) to pay that cost up front.
    ///
    /// An index that fails to read (a damaged file) is checked and, when damaged,
    /// rebuilt from the database before the search is answered.
    pub fn search(&self, request: &SearchRequest) -> Result<Vec<SearchHit>> {
        self.read(|_, _| Ok(()))?;
        let index = &self.sfa.search;
        let store = self.sfa.store.as_ref();
        let answer = index
            .catch_up(store, &mut |_, _| {})
            .and_then(|_| index.search(request));
        match answer {
            Err(Error::Search(_)) if index.is_damaged() => {
                index.repair(store)?;
                index.search(request)
            }
            other => other,
        }
    }
}

fn active_user(tx: &mut dyn ReadTx, id: UserId) -> Result<User> {
    let user = tx
        .get_user(id)?
        .ok_or_else(|| Error::not_found(Entity::User, id))?;
    if !user.active {
        return Err(Error::permission_denied("the acting user is deactivated"));
    }
    Ok(user)
}
