//! Which engine keeps the state: [`Store`] is a SQLite file ([`SqliteStore`]) or a
//! PostgreSQL database ([`PgStore`]), chosen by the `state` setting (a path, or a
//! `postgres://` URL), and answers every caller the same way whichever it is.
//!
//! Owns: the choice of engine and the forwarding of each call to it. Each method is the
//! engine's method of the same name; the engines' own documentation says what it does.
//! Must not touch: SQL (each engine has its own), or what callers do with the answers.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};

use super::postgres::PgStore;
use super::{
    Counts, FetchRecord, IngestOutcome, InputRecord, KnownInput, NewArticle, OutboxEntry,
    OutboxStatus, OverrideRecord, PendingSubscription, RunRecord, RunTotals, SearchPage,
    SqliteStore, Subscriber, SubscriberUpdate, heads,
};
use crate::model::{Override, Printing, StoredArticle};

/// An open store: a SQLite file or a PostgreSQL database.
#[derive(Debug)]
pub enum Store {
    /// A SQLite file (one machine).
    Sqlite(Box<SqliteStore>),
    /// A PostgreSQL database (several machines may share it).
    Postgres(Box<PgStore>),
}

/// Whether `state` names a PostgreSQL database (`postgres://…` or `postgresql://…`)
/// rather than a SQLite file.
pub fn is_database_url(state: &Path) -> bool {
    crate::config::is_database_url(state)
}

/// How the state is shown in messages: the file's path, or the database's URL without
/// its password.
pub fn shown_state(state: &Path) -> String {
    match state.to_str() {
        Some(url) if is_database_url(state) => super::postgres::shown_url(url),
        _ => state.display().to_string(),
    }
}

/// Whether the state exists yet: a file that a run created, or any database URL (a
/// database is created by its administrator, and the store makes its tables).
pub fn state_exists(state: &Path) -> bool {
    is_database_url(state) || state.exists()
}

/// Holds the run lock of a PostgreSQL store for the life of the value (a file lock does
/// for SQLite; see `schedule::lock`).
pub use super::postgres::RunLock as DatabaseRunLock;

/// Takes the run lock of the PostgreSQL store at `url`; `None` when another process
/// holds it.
pub fn database_run_lock(url: &str) -> Result<Option<DatabaseRunLock>> {
    super::postgres::run_lock(url)
}

macro_rules! forward {
    ($($(#[$doc:meta])* fn $name:ident(&self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(&self $(, $arg: $ty)*) -> $ret {
                match self {
                    Store::Sqlite(s) => s.$name($($arg),*),
                    Store::Postgres(s) => s.$name($($arg),*),
                }
            }
        )*
    };
}

macro_rules! forward_mut {
    ($($(#[$doc:meta])* fn $name:ident(&mut self $(, $arg:ident: $ty:ty)*) -> $ret:ty;)*) => {
        $(
            $(#[$doc])*
            #[allow(clippy::too_many_arguments)]
            pub fn $name(&mut self $(, $arg: $ty)*) -> $ret {
                match self {
                    Store::Sqlite(s) => s.$name($($arg),*),
                    Store::Postgres(s) => s.$name($($arg),*),
                }
            }
        )*
    };
}

impl Store {
    /// Opens the state named by `state`: a PostgreSQL database when it is a
    /// `postgres://` URL (see [`PgStore::open`]), else the SQLite file at that path,
    /// created when absent (see [`SqliteStore::open`]).
    pub fn open(state: &Path) -> Result<Self> {
        match state.to_str() {
            Some(url) if is_database_url(state) => {
                Ok(Self::Postgres(Box::new(PgStore::open(url)?)))
            }
            _ => Ok(Self::Sqlite(Box::new(SqliteStore::open(state)?))),
        }
    }

    /// Opens an in-memory SQLite store (tests and benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        Ok(Self::Sqlite(Box::new(SqliteStore::open_in_memory()?)))
    }

    /// Whether several digest workers may share this store's outbox (PostgreSQL): then
    /// [`Store::outbox_claim`] hands out due entries a batch at a time and is asked again
    /// until it has none.
    pub fn claims_in_batches(&self) -> bool {
        matches!(self, Self::Postgres(_))
    }

    /// The due outbox entries this sender may send now, oldest first. SQLite has one
    /// sender: every pending entry due at `now` ([`SqliteStore::outbox_due`]).
    /// PostgreSQL claims a batch of them for this store's worker, skipping those another
    /// worker holds ([`PgStore::outbox_claim`]).
    pub fn outbox_claim(&mut self, now: &DateTime<FixedOffset>) -> Result<Vec<OutboxEntry>> {
        match self {
            Self::Sqlite(s) => s.outbox_due(now),
            Self::Postgres(s) => s.outbox_claim(now),
        }
    }

    /// A reader of article bodies by id that any thread may use while this store is open.
    pub fn body_reader(&self) -> Result<BodyReader> {
        Ok(match self {
            Self::Sqlite(s) => BodyReader::Sqlite(s.body_reader()?),
            Self::Postgres(s) => BodyReader::Postgres(s.body_reader()?),
        })
    }

    /// What one pass of the `stories` stage found, in one transaction (see
    /// [`SqliteStore::record_stories`]).
    pub fn record_stories(
        &mut self,
        signed: &[&str],
        sketch: impl Fn(usize) -> Vec<u8>,
        before: &[(String, String)],
        after: &[(String, String)],
    ) -> Result<()> {
        match self {
            Self::Sqlite(s) => s.record_stories(signed, sketch, before, after),
            Self::Postgres(s) => s.record_stories(signed, sketch, before, after),
        }
    }

    /// Hands each kept sketch to `each`, with its article's id, in the order of ids (see
    /// [`SqliteStore::each_sketch`]).
    pub fn each_sketch(&self, each: impl FnMut(&str, &[u8])) -> Result<()> {
        match self {
            Self::Sqlite(s) => s.each_sketch(each),
            Self::Postgres(s) => s.each_sketch(each),
        }
    }

    forward! {
        /// What is known of an input file.
        fn input(&self, source: &str, name: &str) -> Result<Option<InputRecord>>;
        /// Every input file known, failed ones first.
        fn inputs(&self) -> Result<Vec<InputRecord>>;
        /// What the store knows of the input files `names` of `source`.
        fn known_inputs(&self, source: &str, names: &[&str]) -> Result<Vec<Option<KnownInput>>>;
        /// A number that moves whenever a stored article or an override changes.
        fn changes(&self) -> Result<i64>;
        /// What the output folder `out` was last published from.
        fn publish_mark(&self, out: &str) -> Result<Option<String>>;
        /// Stored articles read and decoded since the store was opened.
        fn articles_decoded(&self) -> u64;
        /// When the input `(source, name)` was first seen, if it ever was.
        fn input_first_seen(&self, source: &str, name: &str) -> Result<Option<DateTime<FixedOffset>>>;
        /// The stored article with id `id`, if there is one.
        fn article(&self, id: &str) -> Result<Option<StoredArticle>>;
        /// The articles stored from input `(source, name)`, as extracted, by id.
        fn articles_of_input(&self, source: &str, name: &str) -> Result<Vec<StoredArticle>>;
        /// Every stored article as the editor wants it shown, ordered by id.
        fn articles(&self) -> Result<Vec<StoredArticle>>;
        /// The stories published into any of `codes` with a printing first seen after
        /// `since`, newest first.
        fn articles_in(&self, codes: &[String], since: Option<&DateTime<FixedOffset>>) -> Result<Vec<StoredArticle>>;
        /// Counts for `localfeed status`.
        fn counts(&self) -> Result<Counts>;
        /// The most recent run, if any.
        fn last_run(&self) -> Result<Option<RunRecord>>;
        /// Every stored article without its body.
        fn article_heads(&self) -> Result<Vec<StoredArticle>>;
        /// How many articles each place code holds (a `GROUP BY`), sorted by code.
        fn place_counts(&self) -> Result<Vec<(String, u64)>>;
        /// The heads of the last `limit` articles to arrive in place `code`, newest
        /// arrival first, before arrival number `before` when given (an index range).
        fn place_heads(&self, code: &str, before: Option<u64>, limit: usize) -> Result<Vec<StoredArticle>>;
        /// The heads of the articles `ids` that are in the store, sorted by id.
        fn heads_of(&self, ids: &[&str]) -> Result<Vec<StoredArticle>>;
        /// Every subscriber, by address.
        fn subscribers(&self) -> Result<Vec<Subscriber>>;
        /// One subscriber by address.
        fn subscriber(&self, email: &str) -> Result<Option<Subscriber>>;
        /// One subscriber by the id their tokens carry, current or earlier.
        fn subscriber_by_token(&self, token_id: &str) -> Result<Option<Subscriber>>;
        /// Which of `ids` have already gone into a digest for `email`.
        fn digested_articles(&self, email: &str, ids: &[String]) -> Result<HashSet<String>>;
        /// True when a digest for `email` is recorded and not yet sent.
        fn has_pending_digest(&self, email: &str) -> Result<bool>;
        /// Outbox entries, oldest first; only those with `status` when given.
        fn outbox(&self, status: Option<OutboxStatus>) -> Result<Vec<OutboxEntry>>;
        /// Pending entries whose next attempt is due at `now`, oldest first.
        fn outbox_due(&self, now: &DateTime<FixedOffset>) -> Result<Vec<OutboxEntry>>;
        /// Outbox entries per status: (pending, sent, failed).
        fn outbox_counts(&self) -> Result<(i64, i64, i64)>;
        /// What is known of a URL.
        fn fetch_record(&self, url: &str) -> Result<Option<FetchRecord>>;
        /// Every URL known, by source and URL.
        fn fetch_records(&self) -> Result<Vec<FetchRecord>>;
        /// A page fetched earlier for its full text: its bytes and declared charset.
        fn cached_page(&self, url: &str) -> Result<Option<(Vec<u8>, Option<String>)>>;
        /// Articles matching every word of `q`, ranked, `limit` of them after `offset`.
        fn search(&self, q: &str, limit: usize, offset: usize) -> Result<SearchPage>;
        /// The newest `limit` stories into `codes` mentioning every word of `include` and
        /// none of `exclude`.
        fn articles_matching(&self, codes: &[String], include: &[String], exclude: &[String], limit: usize) -> Result<Vec<StoredArticle>>;
        /// The ids of the stored articles the `stories` stage has yet to sign, sorted.
        fn unsigned_articles(&self, version: u8) -> Result<Vec<String>>;
        /// The sketches kept for the articles `ids`, sorted by id.
        fn sketches_of(&self, ids: &[&str]) -> Result<Vec<(String, Vec<u8>)>>;
        /// Every printing listed as part of another article's story, by printing id.
        fn story_members(&self) -> Result<Vec<(String, String)>>;
        /// The story an article is a printing of, when it is not its own.
        fn story_of(&self, id: &str) -> Result<Option<String>>;
        /// The printings of the story `id` leads (ids, sorted).
        fn printings_of(&self, id: &str) -> Result<Vec<String>>;
        /// The other printings of the story article `id` leads, in the order first seen.
        fn printings(&self, id: &str) -> Result<Vec<Printing>>;
        /// The override of article `id`, if any.
        fn override_of(&self, id: &str) -> Result<Option<OverrideRecord>>;
        /// Every override, by article id.
        fn overrides(&self) -> Result<HashMap<String, OverrideRecord>>;
        /// One pending subscription by its nonce.
        fn pending_subscription(&self, nonce: &str) -> Result<Option<PendingSubscription>>;
        /// The pending subscriptions whose link still works at `now`.
        fn pending_subscriptions(&self, now: i64) -> Result<Vec<PendingSubscription>>;
    }

    forward_mut! {
        /// Stores the articles of one input file, all or nothing.
        fn ingest(&mut self, source: &str, name: &str, hash: &str, size: u64, articles: &[NewArticle], now: &DateTime<FixedOffset>) -> Result<IngestOutcome>;
        /// Starts a batch of input files written in one transaction.
        fn begin_batch(&mut self) -> Result<()>;
        /// Commits the batch and starts the next one when it holds `files` input files.
        fn commit_batch_if_full(&mut self, files: usize) -> Result<()>;
        /// Commits the batch, if one is open.
        fn end_batch(&mut self) -> Result<()>;
        /// Shrinks a SQLite file by its free pages when they are `1/share` of it or more.
        fn hand_back_free_pages(&mut self, share: i64) -> Result<()>;
        /// Records the modification time of an input file.
        fn stamp_input(&mut self, source: &str, name: &str, mtime_ns: Option<i64>) -> Result<()>;
        /// Records what the output folder `out` was just published from.
        fn set_publish_mark(&mut self, out: &str, mark: Option<&str>) -> Result<()>;
        /// Records that an input file could not be read.
        fn record_failure(&mut self, source: &str, name: &str, hash: &str, size: u64, error: &str, now: &DateTime<FixedOffset>) -> Result<()>;
        /// Forgets the failures of files that are gone from a source folder.
        fn forget_missing_failures(&mut self, source: &str, present: &[String]) -> Result<usize>;
        /// Records the start of a run and returns its number.
        fn start_run(&mut self, now: &DateTime<FixedOffset>) -> Result<i64>;
        /// Records the end of a run.
        fn finish_run(&mut self, id: i64, totals: &RunTotals, ok: bool, now: &DateTime<FixedOffset>) -> Result<()>;
        /// Adds a subscriber or updates one; true when new.
        fn upsert_subscriber(&mut self, s: &SubscriberUpdate, initial_mark: &DateTime<FixedOffset>, resubscribe: bool, now: &DateTime<FixedOffset>) -> Result<bool>;
        /// Removes a subscriber, its history and its unsent digests.
        fn remove_subscriber(&mut self, email: &str) -> Result<bool>;
        /// Removes the subscribers that came from configuration and are no longer in it.
        fn prune_config_subscribers(&mut self, keep: &[String]) -> Result<Vec<String>>;
        /// Gives every subscriber the token id `id_of` makes from their address.
        fn renew_token_ids(&mut self, id_of: &dyn Fn(&str) -> String) -> Result<usize>;
        /// Records an unsubscription.
        fn unsubscribe(&mut self, email: &str, now: &DateTime<FixedOffset>) -> Result<bool>;
        /// Suspends digests to an address that bounces.
        fn suspend_if_bouncing(&mut self, email: &str, limit: u32, reason: &str, now: &DateTime<FixedOffset>) -> Result<bool>;
        /// Records a composed digest in one transaction; returns its outbox row.
        fn enqueue_digest(&mut self, email: &str, message_id: &str, subject: &str, message: &[u8], article_ids: &[String], digested_until: &DateTime<FixedOffset>, slot: &DateTime<FixedOffset>, now: &DateTime<FixedOffset>) -> Result<i64>;
        /// Records that a schedule slot was handled with nothing to send.
        fn mark_slot(&mut self, email: &str, slot: &DateTime<FixedOffset>) -> Result<()>;
        /// Marks an outbox entry sent.
        fn outbox_sent(&mut self, id: i64, now: &DateTime<FixedOffset>) -> Result<()>;
        /// Records a transient failure of an outbox entry.
        fn outbox_retry(&mut self, id: i64, error: &str, next_attempt: &DateTime<FixedOffset>) -> Result<()>;
        /// Records a permanent failure of an outbox entry.
        fn outbox_failed(&mut self, id: i64, error: &str, now: &DateTime<FixedOffset>) -> Result<()>;
        /// Records what asking a URL gave.
        fn record_fetch(&mut self, r: &FetchRecord) -> Result<()>;
        /// Keeps a page fetched for its full text.
        fn cache_page(&mut self, url: &str, body: &[u8], charset: Option<&str>, now: &DateTime<FixedOffset>) -> Result<()>;
        /// Replaces what the store knows of stories with `members`.
        fn set_stories(&mut self, members: &[(String, String)]) -> Result<()>;
        /// Forgets every story and every kept sketch.
        fn forget_stories(&mut self) -> Result<()>;
        /// Sets (or replaces) the override of article `id`.
        fn set_override(&mut self, id: &str, fix: &Override, codes: Option<&[String]>, now: &DateTime<FixedOffset>) -> Result<()>;
        /// Removes the override of article `id`; false when it had none.
        fn remove_override(&mut self, id: &str) -> Result<bool>;
        /// Records a pending subscription.
        fn add_pending_subscription(&mut self, p: &PendingSubscription) -> Result<()>;
        /// Removes a pending subscription; false when it was not there.
        fn remove_pending_subscription(&mut self, nonce: &str) -> Result<bool>;
        /// Removes expired pending subscriptions and old counted attempts.
        fn prune_subscriptions(&mut self, before: i64, attempts_before: i64) -> Result<usize>;
        /// Counts one attempt under `key` unless the limit is reached.
        fn count_attempt(&mut self, key: &str, since: i64, limit: u32, now: i64) -> Result<bool>;
    }
}

/// Reads article bodies by id, on any thread (see [`Store::body_reader`]).
#[derive(Debug)]
pub enum BodyReader {
    /// Read-only connections to a SQLite file.
    Sqlite(heads::BodyReader),
    /// Connections of its own to a PostgreSQL database.
    Postgres(super::postgres::BodyReader),
}

impl BodyReader {
    /// The bodies of the articles `ids`, in that order (one query).
    pub fn bodies(&self, ids: &[&str]) -> Result<Vec<String>> {
        match self {
            Self::Sqlite(r) => r.bodies(ids),
            Self::Postgres(r) => r.bodies(ids),
        }
    }

    /// Bodies read so far.
    pub fn bodies_read(&self) -> u64 {
        match self {
            Self::Sqlite(r) => r.bodies_read(),
            Self::Postgres(r) => r.bodies_read(),
        }
    }

    /// The most bodies read by one call so far.
    pub fn largest_batch(&self) -> u64 {
        match self {
            Self::Sqlite(r) => r.largest_batch(),
            Self::Postgres(r) => r.largest_batch(),
        }
    }
}
