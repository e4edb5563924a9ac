//! The state of localfeed: one SQLite file (WAL) holding input files, articles, their
//! places, runs, subscribers and the digest outbox; or the same tables in a PostgreSQL
//! database (`postgres/`), when `state` is a `postgres://` URL ([`Store`] is either).
//!
//! Owns: the schema and its migrations, and every SQL statement. Writes are idempotent
//! upserts keyed by content-derived ids; each input file is stored all or nothing (one
//! transaction, or one savepoint of a batch's transaction). Also what lets a run do work
//! in proportion to what changed: each input's size and modification time as last read,
//! a count of changes to articles and corrections (kept by triggers), and what each output
//! folder was last published from. Articles are kept packed (`packing.rs`: zstd, with
//! dictionaries trained from the store's own articles), so that the file weighs less than
//! the pages it was made from.
//! Must not touch: rendering, fetching (it keeps what fetching learnt: validators,
//! failures, pages), XML, email, or the clock (callers pass times in).

mod backends;
mod digests;
mod fetches;
mod heads;
mod packing;
mod postgres;
mod schema;
mod search;
mod stories;
mod subscriptions;

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{Article, Placement, StoredArticle, content_hash};

pub use backends::{
    BodyReader, DatabaseRunLock, Store, database_run_lock, is_database_url, shown_state,
    state_exists,
};
pub use digests::{OutboxEntry, OutboxStatus, Subscriber, SubscriberUpdate};
pub use fetches::FetchRecord;
pub use postgres::PgStore;
pub use search::{SearchPage, mentions};
pub use stories::OverrideRecord;
pub use subscriptions::PendingSubscription;

/// An open SQLite store (see [`Store`], which opens this or a PostgreSQL store).
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    /// Stored articles read and decoded since the store was opened (see
    /// [`Store::articles_decoded`]).
    decoded: std::sync::atomic::AtomicU64,
    /// Input files stored since the last commit of a batch (see [`Store::begin_batch`]).
    batched: usize,
    /// Packs the articles stored.
    packer: packing::Packer,
    /// Unpacks the articles read.
    unpacker: std::cell::RefCell<packing::Unpacker>,
    /// Articles stored without a dictionary, while the store has none (see
    /// [`packing::train_when_due`]); `None` once training has been tried.
    plain: Option<usize>,
}

/// The columns of an article row that [`raw_article`] reads, in its order.
const ARTICLE_COLUMNS: &str =
    "id, source, input, publication, head, body, dict, first_seen, updated, n";

/// What the store knew of an input file before this run read it (see
/// [`Store::known_inputs`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownInput {
    /// SHA-256 of the bytes last read.
    pub hash: String,
    /// Whether it was read successfully (a failed file is read again).
    pub ok: bool,
    /// Its size in bytes when last read.
    pub size: u64,
    /// Its modification time when last read (ns since the Unix epoch), when that time
    /// vouches for the bytes.
    pub mtime_ns: Option<i64>,
    /// When it was first seen.
    pub first_seen: DateTime<FixedOffset>,
}

/// What the store knows of one input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRecord {
    /// Source id.
    pub source: String,
    /// File name relative to the source folder.
    pub name: String,
    /// SHA-256 of the bytes last read.
    pub hash: String,
    /// `ok` or `failed`.
    pub status: String,
    /// Why it failed, when it did.
    pub error: Option<String>,
    /// How many times it failed in a row.
    pub attempts: i64,
    /// Articles stored from it.
    pub articles: i64,
    /// When it was last read.
    pub last_seen: String,
}

/// An article stored under an id of its own because another page's article already had
/// the id its content gives (a reprint: same source, headline and opening).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twin {
    /// The id it was given.
    pub id: String,
    /// Its headline (or caption).
    pub title: String,
    /// The source of the page holding the article with the content-derived id.
    pub other_source: String,
    /// That page.
    pub other_input: String,
}

/// What storing one input file changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IngestOutcome {
    /// Articles new in this file whose content-derived id another page's article holds,
    /// stored under ids of their own (see [`crate::model::twin_id`]).
    pub twins: Vec<Twin>,
    /// Articles new to the store.
    pub added: usize,
    /// Articles whose content changed.
    pub updated: usize,
    /// Articles that were already stored unchanged.
    pub unchanged: usize,
    /// Articles that the new version of the file no longer holds.
    pub removed: usize,
}

impl IngestOutcome {
    /// True when the store's articles changed.
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

/// Counts for `localfeed status`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Stored articles.
    pub articles: i64,
    /// Distinct division codes with at least one article.
    pub places: i64,
    /// Input files read successfully.
    pub inputs_ok: i64,
    /// Input files that failed.
    pub inputs_failed: i64,
}

/// One recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRecord {
    /// Run number.
    pub id: i64,
    /// When it started (RFC 3339).
    pub started: String,
    /// When it finished, if it did.
    pub finished: Option<String>,
    /// `running`, `ok`, `failed`.
    pub status: String,
    /// Files read.
    pub files_read: i64,
    /// Files new or changed.
    pub files_new: i64,
    /// Files that failed.
    pub files_failed: i64,
    /// Articles added, changed or removed.
    pub articles_changed: i64,
    /// Feed files written.
    pub feeds_written: i64,
    /// Digests sent or written.
    pub digests_sent: i64,
}

/// Totals of one run, recorded when it finishes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunTotals {
    /// Files read.
    pub files_read: usize,
    /// Files new or changed.
    pub files_new: usize,
    /// Files that failed.
    pub files_failed: usize,
    /// Articles added, changed or removed.
    pub articles_changed: usize,
    /// Feed files written.
    pub feeds_written: usize,
    /// Digests sent or written.
    pub digests_sent: usize,
}

/// An article ready to be stored: everything but the times the store keeps.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// Stable id (see [`crate::model::article_id`]).
    pub id: String,
    /// Publication name, if known.
    pub publication: Option<String>,
    /// The article.
    pub article: Article,
    /// Where it is placed.
    pub placement: Placement,
    /// Division codes it is published into (chain codes with ancestors).
    pub codes: Vec<String>,
}

fn ts(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

fn parse_ts(s: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).with_context(|| format!("bad time {s:?} in the store"))
}

/// Brings the schema up to date with foreign keys off (a migration may rebuild a table that
/// others point at; each migration that does checks the keys itself), then turns them on.
/// Two processes opening a new file at once may both find it unmigrated: the second
/// waits for the first one's write lock, fails on tables that now exist, and tries again
/// from the version the first one left.
///
/// A new file frees the pages it no longer needs as it goes (`auto_vacuum =
/// incremental`, see [`packing::train_when_due`]); a file that the lean store's migration
/// rewrote is vacuumed once after it, which hands the old tables' pages back and turns
/// that on too.
fn migrate(conn: &mut Connection) -> Result<()> {
    // The full-text index's triggers (and its migration) call this function.
    search::register(conn)?;
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    // only a file without tables takes it
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    let before: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut result = schema::migrations().to_latest(conn);
    for _ in 0..3 {
        if result.is_ok() {
            break;
        }
        result = schema::migrations().to_latest(conn);
    }
    result?;
    if (1..schema::LEAN_STORE_VERSION).contains(&before) {
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        conn.execute_batch("VACUUM")?;
    }
    conn.pragma_update(None, "foreign_keys", "ON")?;
    Ok(())
}

/// How long a writer waits for another process's write lock before it gives up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The id an article of `(source, input)` is stored under, `base` being the id its content
/// gives. The article that first had `base` keeps it; an article of another page with
/// the same `base` gets [`crate::model::twin_id`] and keeps that id for good (even when
/// the first one goes), so no page's article ever replaces another page's. Returns the
/// page holding `base` when the id is a new twin's.
fn own_id(
    tx: &Connection,
    source: &str,
    input: &str,
    base: &str,
) -> Result<(String, Option<(String, String)>)> {
    let owner = |id: &str| -> Result<Option<(String, String)>> {
        Ok(tx
            .query_row(
                "SELECT source, input FROM articles WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    };
    let mine = |o: &Option<(String, String)>| {
        o.as_ref()
            .is_some_and(|(s, i)| s.as_str() == source && i.as_str() == input)
    };
    let base_owner = owner(base)?;
    if mine(&base_owner) {
        return Ok((base.to_string(), None));
    }
    let twin = crate::model::twin_id(base, source, input);
    let twin_owner = owner(&twin)?;
    if mine(&twin_owner) {
        return Ok((twin, None));
    }
    match base_owner {
        None => Ok((base.to_string(), None)),
        Some(other) => {
            anyhow::ensure!(
                twin_owner.is_none(),
                "article id {twin} of {input:?} is held by another page"
            );
            Ok((twin, Some(other)))
        }
    }
}

impl SqliteStore {
    /// Opens (creating when absent) the store at `path`, switches it to WAL and brings the
    /// schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the state folder {}", dir.display()))?;
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("cannot open the state file {}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Every transaction here writes. A deferred one that reads first cannot wait for
        // the write lock in WAL mode (SQLITE_BUSY_SNAPSHOT as soon as another process
        // committed, whatever the busy timeout): each takes the write lock when it
        // begins, so writers (a run, `subscribers add`, `serve`) queue for it instead.
        conn.set_transaction_behavior(rusqlite::TransactionBehavior::Immediate);
        // before WAL, which a new file cannot take it after (see `migrate`)
        conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .with_context(|| format!("cannot switch {} to WAL", path.display()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        migrate(&mut conn)
            .with_context(|| format!("cannot migrate the state file {}", path.display()))?;
        Self::with(conn)
    }

    fn with(conn: Connection) -> Result<Self> {
        let packer = packing::Packer::new(&conn)?;
        let plain = if packer.has_dictionaries() {
            None
        } else {
            let n: i64 = conn.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
            Some(usize::try_from(n).unwrap_or(0))
        };
        Ok(Self {
            conn,
            decoded: Default::default(),
            batched: 0,
            packer,
            unpacker: std::cell::RefCell::new(packing::Unpacker::new()?),
            plain,
        })
    }

    /// Opens an in-memory store (tests and benchmarks).
    pub fn open_in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        migrate(&mut conn)?;
        Self::with(conn)
    }

    /// An article row as read by [`raw_article`], unpacked.
    fn unpack(&self, raw: RawArticle) -> Result<StoredArticle> {
        let (article, placement) = self
            .unpacker
            .borrow_mut()
            .article(&self.conn, &raw.head, &raw.body, raw.dict)
            .with_context(|| format!("article {} in the store", raw.id))?;
        Ok(StoredArticle {
            article,
            placement,
            first_seen: parse_ts(&raw.first_seen)?,
            updated: parse_ts(&raw.updated)?,
            printings: vec![],
            body_digest: None,
            arrival: u64::try_from(raw.n).unwrap_or_default(),
            id: raw.id,
            source: raw.source,
            input: raw.input,
            publication: raw.publication,
        })
    }

    /// Trains the store's dictionaries once it holds enough articles packed without one
    /// (in the transaction or savepoint `tx` of the ingest that stored them).
    fn train_when_due(
        tx: &Connection,
        packer: &mut packing::Packer,
        plain: &mut Option<usize>,
        added: usize,
    ) -> Result<()> {
        let Some(n) = plain.as_mut() else {
            return Ok(());
        };
        *n += added;
        if *n >= packing::TRAIN_AT {
            packing::train_when_due(tx)?;
            *packer = packing::Packer::new(tx)?;
            *plain = None;
        }
        Ok(())
    }

    /// The connection, for the store's own submodules.
    #[allow(dead_code)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// What is known of an input file.
    pub fn input(&self, source: &str, name: &str) -> Result<Option<InputRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT source, name, hash, status, error, attempts, articles, last_seen
                 FROM inputs WHERE source = ?1 AND name = ?2",
                params![source, name],
                row_to_input,
            )
            .optional()?)
    }

    /// Every input file known, failed ones first.
    pub fn inputs(&self) -> Result<Vec<InputRecord>> {
        let mut st = self.conn.prepare(
            "SELECT source, name, hash, status, error, attempts, articles, last_seen
             FROM inputs ORDER BY status DESC, source, name",
        )?;
        let rows = st.query_map([], row_to_input)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Stores the articles of one input file in one transaction: upserts each article by
    /// id (keeping its first-seen time), removes the articles the file no longer holds,
    /// and marks the file read. A crash leaves either the old state or the new one.
    ///
    /// Inside a batch ([`Store::begin_batch`]) the file's writes are a savepoint of the
    /// batch's transaction instead: readers see them when the batch commits, still all or
    /// nothing per file.
    pub fn ingest(
        &mut self,
        source: &str,
        name: &str,
        hash: &str,
        size: u64,
        articles: &[NewArticle],
        now: &DateTime<FixedOffset>,
    ) -> Result<IngestOutcome> {
        let file = (source, name, hash, size);
        let (packer, plain) = (&mut self.packer, &mut self.plain);
        if self.conn.is_autocommit() {
            let tx = self.conn.transaction()?;
            let out = ingest_into(&tx, packer, file, articles, now)?;
            Self::train_when_due(&tx, packer, plain, out.added)?;
            tx.commit()?;
            Ok(out)
        } else {
            let sp = self.conn.savepoint()?;
            let out = ingest_into(&sp, packer, file, articles, now)?;
            Self::train_when_due(&sp, packer, plain, out.added)?;
            sp.commit()?;
            self.batched += 1;
            Ok(out)
        }
    }

    /// Starts a batch: the input files stored from now on ([`Store::ingest`],
    /// [`Store::record_failure`], [`Store::stamp_input`]) are written in one transaction,
    /// committed by [`Store::commit_batch_if_full`] and [`Store::end_batch`]. Each file
    /// stays all or nothing; a killed run loses the files of the batch it was in (their
    /// inputs are not marked read either, so the next run reads them again).
    pub fn begin_batch(&mut self) -> Result<()> {
        if self.conn.is_autocommit() {
            self.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.batched = 0;
        }
        Ok(())
    }

    /// Commits the batch and starts the next one when it holds `files` input files.
    pub fn commit_batch_if_full(&mut self, files: usize) -> Result<()> {
        if self.batched >= files {
            self.end_batch()?;
            self.begin_batch()?;
        }
        Ok(())
    }

    /// Commits the batch, if one is open; then hands back the file's free pages when they
    /// are a quarter of it or more (see [`Store::hand_back_free_pages`]).
    pub fn end_batch(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        self.batched = 0;
        self.hand_back_free_pages(4)
    }

    /// Shrinks the state file by its free pages when they are `1/share` of it or more: the
    /// pages a store's first articles leave when it trains its dictionaries and packs them
    /// again, or what the full-text index leaves as it merges. Articles to come would
    /// fill them in time; a store that grows no more would keep them. Only a file that
    /// frees pages as it goes (`auto_vacuum = incremental`, every file the lean store made
    /// or migrated) can.
    pub fn hand_back_free_pages(&mut self, share: i64) -> Result<()> {
        let pragma = |name: &str| -> Result<i64> {
            Ok(self
                .conn
                .query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))?)
        };
        if pragma("auto_vacuum")? == 2 && pragma("freelist_count")? * share >= pragma("page_count")?
        {
            // a row for every page it frees: all of them are stepped through
            let mut st = self.conn.prepare("PRAGMA incremental_vacuum")?;
            let mut rows = st.query([])?;
            while rows.next()?.is_some() {}
        }
        Ok(())
    }

    /// Records the modification time of an input file just stored or found unchanged
    /// (ns since the Unix epoch), so that a later run that finds the same size and time
    /// need not read it; `None` forgets it.
    pub fn stamp_input(&mut self, source: &str, name: &str, mtime_ns: Option<i64>) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE inputs SET mtime_ns = ?3 WHERE source = ?1 AND name = ?2")?
            .execute(params![source, name, mtime_ns])?;
        Ok(())
    }

    /// What the store knows of the input files `names` of `source` (sorted by name, as
    /// the scan of a source folder lists them), one entry each in the same order: one pass
    /// over the source's inputs in name order, keeping only the names asked for.
    pub fn known_inputs(&self, source: &str, names: &[&str]) -> Result<Vec<Option<KnownInput>>> {
        let mut out: Vec<Option<KnownInput>> = vec![None; names.len()];
        let sorted = names.is_sorted();
        let mut st = self.conn.prepare(
            "SELECT name, hash, status, size, mtime_ns, first_seen FROM inputs
             WHERE source = ?1 ORDER BY name",
        )?;
        let mut rows = st.query(params![source])?;
        let mut i = 0;
        let index: std::collections::HashMap<&str, usize> = if sorted {
            Default::default()
        } else {
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect()
        };
        while let Some(r) = rows.next()? {
            let name = r.get_ref(0)?.as_str()?;
            let at = if sorted {
                while names.get(i).is_some_and(|n| *n < name) {
                    i += 1;
                }
                if i >= names.len() {
                    break;
                }
                (names[i] == name).then_some(i)
            } else {
                index.get(name).copied()
            };
            let Some(at) = at else { continue };
            out[at] = Some(KnownInput {
                hash: r.get(1)?,
                ok: r.get_ref(2)?.as_str()? == "ok",
                size: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                mtime_ns: r.get(4)?,
                first_seen: parse_ts(r.get_ref(5)?.as_str()?)?,
            });
        }
        Ok(out)
    }

    /// A number that moves whenever a stored article or an editor's override changes
    /// (kept by triggers on those tables).
    pub fn changes(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("SELECT n FROM changes WHERE id = 1", [], |r| r.get(0))?)
    }

    /// What the output folder `out` was last published from, as [`Store::set_publish_mark`]
    /// recorded it.
    pub fn publish_mark(&self, out: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT mark FROM publish_marks WHERE out = ?1",
                params![out],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Records what the output folder `out` was just published from (`None`: forget it).
    pub fn set_publish_mark(&mut self, out: &str, mark: Option<&str>) -> Result<()> {
        match mark {
            Some(m) => self.conn.execute(
                "INSERT INTO publish_marks (out, mark) VALUES (?1, ?2)
                 ON CONFLICT (out) DO UPDATE SET mark = ?2",
                params![out, m],
            )?,
            None => self
                .conn
                .execute("DELETE FROM publish_marks WHERE out = ?1", params![out])?,
        };
        Ok(())
    }

    /// How many stored articles this store has read and decoded since it was opened (a
    /// run with nothing new reads none).
    pub fn articles_decoded(&self) -> u64 {
        self.decoded.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn count_decoded(&self, n: usize) {
        self.decoded
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The writes of [`Store::ingest`], in the transaction or savepoint `tx`.
fn ingest_into(
    tx: &Connection,
    packer: &mut packing::Packer,
    (source, name, hash, size): (&str, &str, &str, u64),
    articles: &[NewArticle],
    now: &DateTime<FixedOffset>,
) -> Result<IngestOutcome> {
    {
        let now_s = ts(now);
        let mut out = IngestOutcome::default();
        let mut seen = BTreeSet::new();
        let mut seen_base = BTreeSet::new();
        for a in articles {
            if !seen_base.insert(a.id.as_str()) {
                continue; // the same article twice on one page: keep the first
            }
            let (id, twin_of) = own_id(tx, source, name, &a.id)?;
            seen.insert(id.clone());
            let article_json = serde_json::to_string(&a.article)?;
            let placement_json = serde_json::to_string(&a.placement)?;
            let chash = hex::decode(content_hash(
                format!(
                    "{article_json}\u{0}{placement_json}\u{0}{:?}",
                    a.publication
                )
                .as_bytes(),
            ))?;
            let existing: Option<(i64, Vec<u8>, String)> = tx
                .prepare_cached("SELECT n, content_hash, first_seen FROM articles WHERE id = ?1")?
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            let first_seen = match &existing {
                Some((_, _, f)) => parse_ts(f)?,
                None => *now,
            };
            let stored = StoredArticle {
                id: id.clone(),
                source: source.to_string(),
                input: name.to_string(),
                publication: a.publication.clone(),
                article: a.article.clone(),
                placement: a.placement.clone(),
                first_seen,
                updated: *now,
                printings: vec![],
                body_digest: None,
                arrival: existing
                    .as_ref()
                    .and_then(|e| u64::try_from(e.0).ok())
                    .unwrap_or_default(),
            };
            let published = ts(&stored.published());
            if let Some((_, old, _)) = &existing
                && *old == chash
            {
                tx.execute(
                    "UPDATE articles SET input = ?2 WHERE id = ?1",
                    params![id, name],
                )?;
                out.unchanged += 1;
                continue;
            }
            let packed = packer.pack(&a.article, &a.placement)?;
            let words = search::Words::of(&a.article);
            // the row's values, numbered alike for an update and an insert
            let tokens = words.count();
            let row = params![
                id,
                source,
                name,
                a.publication,
                packed.head,
                packed.body,
                packed.dict,
                tokens,
                chash,
                published,
                now_s
            ];
            let n = match existing {
                Some((n, _, _)) => {
                    tx.prepare_cached(
                        "UPDATE articles SET source = ?2, input = ?3, publication = ?4, head = ?5,
                         body = ?6, dict = ?7, tokens = ?8, content_hash = ?9, published = ?10,
                         updated = ?11 WHERE id = ?1",
                    )?
                    .execute(row)?;
                    tx.prepare_cached("DELETE FROM article_places WHERE n = ?1")?
                        .execute(params![n])?;
                    tx.prepare_cached("DELETE FROM article_search WHERE rowid = ?1")?
                        .execute(params![n])?;
                    out.updated += 1;
                    n
                }
                None => {
                    tx.prepare_cached(
                        "INSERT INTO articles (id, source, input, publication, head, body, dict,
                         tokens, content_hash, published, first_seen, updated)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                    )?
                    .execute(row)?;
                    let n = tx.last_insert_rowid();
                    out.added += 1;
                    if let Some((other_source, other_input)) = twin_of {
                        tx.execute(
                            "INSERT OR IGNORE INTO article_twins (id, base_id, source, input,
                             other_source, other_input, recorded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                            params![id, a.id, source, name, other_source, other_input, now_s],
                        )?;
                        out.twins.push(Twin {
                            id: id.clone(),
                            title: a.article.display_title(),
                            other_source,
                            other_input,
                        });
                    }
                    n
                }
            };
            tx.prepare_cached(
                "INSERT INTO article_search (rowid, head, body) VALUES (?1, ?2, ?3)",
            )?
            .execute(params![n, words.index_head(), words.index_body()])?;
            let mut ins = tx
                .prepare_cached("INSERT OR IGNORE INTO article_places (n, code) VALUES (?1, ?2)")?;
            for code in &a.codes {
                ins.execute(params![n, code])?;
            }
        }
        // Articles the file held before and no longer holds.
        let old_ids: Vec<String> = {
            let mut st = tx.prepare("SELECT id FROM articles WHERE source = ?1 AND input = ?2")?;
            let rows = st.query_map(params![source, name], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        for id in old_ids.iter().filter(|id| !seen.contains(*id)) {
            tx.execute("DELETE FROM articles WHERE id = ?1", params![id])?;
            out.removed += 1;
        }
        tx.execute(
            "INSERT INTO inputs (source, name, hash, size, status, error, attempts, articles, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, 'ok', NULL, 0, ?5, ?6, ?6)
             ON CONFLICT (source, name) DO UPDATE SET hash = ?3, size = ?4, status = 'ok', error = NULL,
               attempts = 0, articles = ?5, last_seen = ?6, mtime_ns = NULL",
            params![source, name, hash, size as i64, seen.len() as i64, now_s],
        )?;
        Ok(out)
    }
}

impl SqliteStore {
    /// When the input `(source, name)` was first seen, if it ever was (read or failed).
    pub fn input_first_seen(
        &self,
        source: &str,
        name: &str,
    ) -> Result<Option<DateTime<FixedOffset>>> {
        let first: Option<String> = self
            .conn
            .query_row(
                "SELECT first_seen FROM inputs WHERE source = ?1 AND name = ?2",
                params![source, name],
                |r| r.get(0),
            )
            .optional()?;
        first.as_deref().map(parse_ts).transpose()
    }

    /// Records that an input file could not be read; it is tried again on the next run.
    /// Articles stored from an earlier good version of the file are kept.
    pub fn record_failure(
        &mut self,
        source: &str,
        name: &str,
        hash: &str,
        size: u64,
        error: &str,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        let now_s = ts(now);
        self.conn.execute(
            "INSERT INTO inputs (source, name, hash, size, status, error, attempts, articles, first_seen, last_seen)
             VALUES (?1, ?2, ?3, ?4, 'failed', ?5, 1, 0, ?6, ?6)
             ON CONFLICT (source, name) DO UPDATE SET hash = ?3, size = ?4, status = 'failed', error = ?5,
               attempts = attempts + 1, last_seen = ?6, mtime_ns = NULL",
            params![source, name, hash, size as i64, error, now_s],
        )?;
        Ok(())
    }

    /// Forgets the failures of files that are gone from a source folder: a deleted file is
    /// no longer input. (Articles of deleted files that were read are kept.)
    pub fn forget_missing_failures(&mut self, source: &str, present: &[String]) -> Result<usize> {
        let present: BTreeSet<&str> = present.iter().map(String::as_str).collect();
        let failed: Vec<String> = {
            let mut st = self
                .conn
                .prepare("SELECT name FROM inputs WHERE source = ?1 AND status = 'failed'")?;
            let rows = st.query_map(params![source], |r| r.get::<_, String>(0))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut n = 0;
        for name in failed.iter().filter(|n| !present.contains(n.as_str())) {
            n += self.conn.execute(
                "DELETE FROM inputs WHERE source = ?1 AND name = ?2 AND status = 'failed'",
                params![source, name],
            )?;
        }
        Ok(n)
    }

    /// The stored article with id `id`, if there is one.
    pub fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"),
                params![id],
                raw_article,
            )
            .optional()?;
        self.count_decoded(usize::from(raw.is_some()));
        raw.map(|r| self.unpack(r)).transpose()
    }

    /// The articles stored from input `(source, name)`, as extracted (no overrides), by id.
    pub fn articles_of_input(&self, source: &str, name: &str) -> Result<Vec<StoredArticle>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE source = ?1 AND input = ?2 ORDER BY id"
        ))?;
        let rows = st.query_map(params![source, name], raw_article)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(self.unpack(r?)?);
        }
        self.count_decoded(out.len());
        Ok(out)
    }

    /// Every stored article as the editor wants it shown (overrides applied, hidden ones
    /// left out), ordered by id.
    pub fn articles(&self) -> Result<Vec<StoredArticle>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id"
        ))?;
        let rows = st.query_map([], raw_article)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(self.unpack(r?)?);
        }
        self.count_decoded(out.len());
        Ok(stories::apply_overrides(out, &self.overrides()?))
    }

    /// The stories published into any of `codes` (a code covers everything below it) with
    /// a printing first seen after `since` (all when `None`), newest first: an article
    /// that is a printing of another article's story stands for that story (see
    /// [`Store::set_stories`]), so each story comes once, with its other printings
    /// listed. Overrides are applied: a place set by an editor decides the codes, hidden
    /// articles are left out.
    pub fn articles_in(
        &self,
        codes: &[String],
        since: Option<&DateTime<FixedOffset>>,
    ) -> Result<Vec<StoredArticle>> {
        let overrides = self.overrides()?;
        let placed_by_hand = |id: &str| overrides.get(id).is_some_and(|o| o.codes.is_some());
        let mut ids = BTreeSet::new();
        let mut st = self.conn.prepare_cached(
            "SELECT a.id FROM article_places p JOIN articles a ON a.n = p.n WHERE p.code = ?1",
        )?;
        for code in codes {
            for id in st.query_map(params![code], |r| r.get::<_, String>(0))? {
                let id = id?;
                if !placed_by_hand(&id) {
                    ids.insert(id);
                }
            }
        }
        for (id, o) in &overrides {
            if o.codes
                .as_ref()
                .is_some_and(|c| c.iter().any(|x| codes.contains(x)))
            {
                ids.insert(id.clone());
            }
        }
        let mut seen_after = self
            .conn
            .prepare_cached("SELECT first_seen FROM articles WHERE id = ?1")?;
        let mut stories_of = BTreeSet::new();
        for id in ids {
            let Some(first) = seen_after
                .query_row(params![id], |r| r.get::<_, String>(0))
                .optional()?
            else {
                continue;
            };
            if since.is_none_or(|s| parse_ts(&first).is_ok_and(|f| f > *s)) {
                stories_of.insert(self.story_of(&id)?.unwrap_or(id));
            }
        }
        let mut out = Vec::new();
        let mut get = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"
        ))?;
        for id in stories_of {
            if let Some(raw) = get.query_row(params![id], raw_article).optional()? {
                self.count_decoded(1);
                let mut a = self.unpack(raw)?;
                // the papers that reprinted the story, for feeds and digests to list
                a.printings = self.printings(&a.id)?;
                out.push(a);
            }
        }
        let mut out = stories::apply_overrides(out, &overrides);
        out.sort_by(|a, b| {
            b.published()
                .cmp(&a.published())
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Counts for `localfeed status`.
    pub fn counts(&self) -> Result<Counts> {
        let one = |sql: &str| -> Result<i64> { Ok(self.conn.query_row(sql, [], |r| r.get(0))?) };
        Ok(Counts {
            articles: one("SELECT count(*) FROM articles")?,
            places: one("SELECT count(DISTINCT code) FROM article_places")?,
            inputs_ok: one("SELECT count(*) FROM inputs WHERE status = 'ok'")?,
            inputs_failed: one("SELECT count(*) FROM inputs WHERE status = 'failed'")?,
        })
    }

    /// Records the start of a run and returns its number.
    pub fn start_run(&mut self, now: &DateTime<FixedOffset>) -> Result<i64> {
        self.conn
            .execute("INSERT INTO runs (started) VALUES (?1)", params![ts(now)])?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Records the end of a run.
    pub fn finish_run(
        &mut self,
        id: i64,
        totals: &RunTotals,
        ok: bool,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.conn.execute(
            "UPDATE runs SET finished = ?2, files_read = ?3, files_new = ?4, files_failed = ?5,
             articles_changed = ?6, feeds_written = ?7, digests_sent = ?8, status = ?9 WHERE id = ?1",
            params![
                id,
                ts(now),
                totals.files_read as i64,
                totals.files_new as i64,
                totals.files_failed as i64,
                totals.articles_changed as i64,
                totals.feeds_written as i64,
                totals.digests_sent as i64,
                if ok { "ok" } else { "failed" }
            ],
        )?;
        Ok(())
    }

    /// The most recent run, if any.
    pub fn last_run(&self) -> Result<Option<RunRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, started, finished, status, files_read, files_new, files_failed,
                 articles_changed, feeds_written, digests_sent FROM runs ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    Ok(RunRecord {
                        id: r.get(0)?,
                        started: r.get(1)?,
                        finished: r.get(2)?,
                        status: r.get(3)?,
                        files_read: r.get(4)?,
                        files_new: r.get(5)?,
                        files_failed: r.get(6)?,
                        articles_changed: r.get(7)?,
                        feeds_written: r.get(8)?,
                        digests_sent: r.get(9)?,
                    })
                },
            )
            .optional()?)
    }
}

fn row_to_input(r: &rusqlite::Row<'_>) -> rusqlite::Result<InputRecord> {
    Ok(InputRecord {
        source: r.get(0)?,
        name: r.get(1)?,
        hash: r.get(2)?,
        status: r.get(3)?,
        error: r.get(4)?,
        attempts: r.get(5)?,
        articles: r.get(6)?,
        last_seen: r.get(7)?,
    })
}

/// The bounds of a read of a place's last arrivals as SQL integers: before an arrival
/// number (none: every one), and how many.
pub(crate) fn place_bounds(before: Option<u64>, limit: usize) -> (i64, i64) {
    (
        before.map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX)),
        i64::try_from(limit).unwrap_or(i64::MAX),
    )
}

/// `columns` (a list separated by `, `) each named as a column of `table`: `a.id, a.n`.
pub(crate) fn qualified(columns: &str, table: &str) -> String {
    columns
        .split(", ")
        .map(|c| format!("{table}.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

struct RawArticle {
    id: String,
    source: String,
    input: String,
    publication: Option<String>,
    head: Vec<u8>,
    body: Vec<u8>,
    dict: Option<i64>,
    first_seen: String,
    updated: String,
    n: i64,
}

fn raw_article(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawArticle> {
    Ok(RawArticle {
        id: r.get(0)?,
        source: r.get(1)?,
        input: r.get(2)?,
        publication: r.get(3)?,
        head: r.get(4)?,
        body: r.get(5)?,
        dict: r.get(6)?,
        first_seen: r.get(7)?,
        updated: r.get(8)?,
        n: r.get(9)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    pub(super) fn new_article(id: &str, body: &str) -> NewArticle {
        NewArticle {
            id: id.into(),
            publication: None,
            article: Article {
                title: Some("标题".into()),
                kicker: None,
                subtitle: None,
                body: body.into(),
                reporters: vec![],
                contributors: vec![],
                photographers: vec![],
                date: None,
                kind: Kind::News,
                url: None,
                place_hint: None,
                opener: None,
            },
            placement: Placement::default(),
            codes: vec!["37".into(), "3708".into()],
        }
    }

    fn t(h: u32) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-01-02T{h:02}:00:00+08:00")).unwrap()
    }

    #[test]
    fn reingest_keeps_first_seen_and_removes_dropped_articles() {
        let mut s = Store::open_in_memory().unwrap();
        let o = s
            .ingest(
                "src",
                "a.txt",
                "h1",
                10,
                &[new_article("x", "正文"), new_article("y", "二")],
                &t(1),
            )
            .unwrap();
        assert_eq!((o.added, o.updated, o.removed), (2, 0, 0));
        let o = s
            .ingest(
                "src",
                "a.txt",
                "h2",
                10,
                &[new_article("x", "正文改")],
                &t(2),
            )
            .unwrap();
        assert_eq!((o.added, o.updated, o.removed), (0, 1, 1));
        let all = s.articles().unwrap();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].first_seen, t(1));
        assert_eq!(all[0].updated, t(2));
        assert_eq!(s.articles_in(&["3708".into()], None).unwrap().len(), 1);
        assert_eq!(
            s.articles_in(&["3708".into()], Some(&t(1))).unwrap().len(),
            0
        );
    }

    #[test]
    fn failure_is_recorded_and_counted() {
        let mut s = Store::open_in_memory().unwrap();
        s.record_failure("src", "bad.bin", "h", 3, "binary file", &t(1))
            .unwrap();
        s.record_failure("src", "bad.bin", "h", 3, "binary file", &t(2))
            .unwrap();
        let rec = s.input("src", "bad.bin").unwrap().unwrap();
        assert_eq!((rec.status.as_str(), rec.attempts), ("failed", 2));
        assert_eq!(s.counts().unwrap().inputs_failed, 1);
    }
}
