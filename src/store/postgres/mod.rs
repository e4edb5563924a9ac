//! The state in PostgreSQL: the same tables, answers and guarantees as the SQLite store,
//! for a deployment where several machines share the state (several `serve` processes,
//! several digest workers, a store backed up and replicated while it is written).
//!
//! Owns: the PostgreSQL schema and its migrations (`schema.rs`), and every SQL statement
//! sent to PostgreSQL. Each method answers what the SQLite store's method of the same
//! name answers (one store test suite runs against both, `tests/store_suite.rs`); where
//! the engines differ it says so. The digest outbox is shared by workers: each claims
//! rows with `FOR UPDATE SKIP LOCKED` under a lease (`digests.rs`). Must not touch:
//! rendering, fetching, XML, email, or the clock (callers pass times in).

mod digests;
mod other;
mod schema;
mod search;

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement};

use super::{
    Counts, IngestOutcome, InputRecord, KnownInput, NewArticle, RunRecord, RunTotals, Twin,
    heads::head, packing::head_text, parse_ts, stories::apply_overrides, ts,
};
use crate::model::{Article, Placement, StoredArticle, content_hash};

/// The zstd level articles are packed at (as in SQLite's store).
const LEVEL: i32 = 3;

/// How a PostgreSQL URL is shown: without its password.
pub(crate) fn shown_url(url: &str) -> String {
    crate::model::shown(&crate::model::without_password(url)).into_owned()
}

/// Runs `f`, which blocks on a connection's own runtime, where that is allowed: the
/// `postgres` crate drives each connection with a runtime of its own, which cannot be
/// entered from inside another one, and `serve` opens and drops stores inside its
/// (multi-threaded) runtime. There `f` runs as a blocking section of the worker
/// thread; anywhere else (the pipeline, `serve`'s blocking threads) it just runs.
fn outside_async<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::CurrentThread => f(),
        _ => tokio::task::block_in_place(f),
    }
}

/// A connection, closed (and its runtime dropped) where blocking is allowed.
struct Conn(Option<Client>);

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            outside_async(move || drop(c));
        }
    }
}

impl std::ops::Deref for Conn {
    type Target = Client;

    fn deref(&self) -> &Client {
        self.0
            .as_ref()
            .expect("a connection is there until dropped")
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        self.0
            .as_mut()
            .expect("a connection is there until dropped")
    }
}

/// Opens a connection to `url`, saying which server (without its password) when it fails.
fn connect(url: &str) -> Result<Conn> {
    outside_async(|| Client::connect(url, NoTls))
        .map(|c| Conn(Some(c)))
        .with_context(|| format!("cannot connect to the state database {}", shown_url(url)))
}

/// An open PostgreSQL store.
pub struct PgStore {
    url: String,
    client: RefCell<Conn>,
    /// Prepared statements by their text.
    prepared: RefCell<HashMap<String, Statement>>,
    /// Transactions and savepoints open (a batch is one).
    depth: Cell<u32>,
    /// Whether a batch is open (see [`PgStore::begin_batch`]).
    in_batch: Cell<bool>,
    /// Input files stored since the batch began.
    batched: Cell<usize>,
    decoded: AtomicU64,
    /// Who this store claims outbox rows as.
    worker: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &shown_url(&self.url))
            .finish()
    }
}

/// Holds the run lock of a PostgreSQL store (a session-level advisory lock) for the life
/// of the value.
pub struct RunLock {
    _client: Conn,
}

impl std::fmt::Debug for RunLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RunLock")
    }
}

/// The advisory lock key of localfeed's run lock ("localfeed" in ASCII, cut to 63 bits).
const RUN_LOCK_KEY: i64 = 0x006c_6f63_616c_6665;

/// Takes the run lock of the store at `url`; `None` when another process holds it.
pub(crate) fn run_lock(url: &str) -> Result<Option<RunLock>> {
    let mut client = connect(url)?;
    let got: bool =
        outside_async(|| client.query_one("SELECT pg_try_advisory_lock($1)", &[&RUN_LOCK_KEY]))?
            .get(0);
    Ok(got.then_some(RunLock { _client: client }))
}

/// What [`PgStore::own_id`] finds: the id to store under, the page holding the
/// content-derived id when that id is a new twin's, and the stored row of the id.
type OwnId = (
    String,
    Option<(String, String)>,
    Option<(i64, Vec<u8>, String)>,
);

/// An article row as read, still packed.
struct RawArticle {
    id: String,
    source: String,
    input: String,
    publication: Option<String>,
    head: Vec<u8>,
    body: Vec<u8>,
    first_seen: String,
    updated: String,
    n: i64,
}

/// The columns [`raw`] reads, in its order.
const ARTICLE_COLUMNS: &str = "id, source, input, publication, head, body, first_seen, updated, n";

fn raw(r: &Row) -> RawArticle {
    RawArticle {
        id: r.get(0),
        source: r.get(1),
        input: r.get(2),
        publication: r.get(3),
        head: r.get(4),
        body: r.get(5),
        first_seen: r.get(6),
        updated: r.get(7),
        n: r.get(8),
    }
}

fn unzstd(bytes: &[u8]) -> Result<String> {
    let plain = zstd::stream::decode_all(bytes).context("a packed article is damaged")?;
    String::from_utf8(plain).context("a packed article is not UTF-8")
}

fn unpack_head(head: &[u8]) -> Result<(Article, Placement)> {
    let text = unzstd(head)?;
    let (a, p) = text
        .split_once('\n')
        .context("a packed article head is damaged")?;
    Ok((serde_json::from_str(a)?, serde_json::from_str(p)?))
}

/// The index terms of an article (every Chinese character and every other word once, of
/// its headline lines and body: what SQLite's FTS5 table keeps of it).
fn index_terms(words: &super::search::Words) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for t in [words.index_head(), words.index_body()] {
        for w in t.split(' ').filter(|w| !w.is_empty()) {
            if seen.insert(w.to_string()) {
                out.push(w.to_string());
            }
        }
    }
    out
}

impl PgStore {
    /// Connects to the database at `url` and brings its schema up to date.
    pub fn open(url: &str) -> Result<Self> {
        let mut client = connect(url)?;
        outside_async(|| migrate(&mut client))
            .with_context(|| format!("cannot migrate the state database {}", shown_url(url)))?;
        static OPENED: AtomicU64 = AtomicU64::new(0);
        let nth = OPENED.fetch_add(1, Ordering::Relaxed);
        Ok(Self {
            url: url.to_string(),
            client: RefCell::new(client),
            prepared: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
            in_batch: Cell::new(false),
            batched: Cell::new(0),
            decoded: AtomicU64::new(0),
            worker: format!("{}-{nth}", std::process::id()),
        })
    }

    fn statement(&self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.prepared.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = outside_async(|| self.client.borrow_mut().prepare(sql))?;
        self.prepared
            .borrow_mut()
            .insert(sql.to_string(), s.clone());
        Ok(s)
    }

    /// The rows `sql` gives.
    fn rows(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let st = self.statement(sql)?;
        Ok(outside_async(|| {
            self.client.borrow_mut().query(&st, params)
        })?)
    }

    /// The one row `sql` gives, if any.
    fn row(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        let st = self.statement(sql)?;
        Ok(outside_async(|| {
            self.client.borrow_mut().query_opt(&st, params)
        })?)
    }

    /// The first column of the one row `sql` always gives.
    fn value<T: for<'a> postgres::types::FromSql<'a>>(
        &self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<T> {
        let st = self.statement(sql)?;
        Ok(outside_async(|| self.client.borrow_mut().query_one(&st, params))?.get(0))
    }

    /// Runs `sql`; returns the rows it changed.
    fn exec(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let st = self.statement(sql)?;
        Ok(outside_async(|| {
            self.client.borrow_mut().execute(&st, params)
        })?)
    }

    fn batch(&self, sql: &str) -> Result<()> {
        Ok(outside_async(|| {
            self.client.borrow_mut().batch_execute(sql)
        })?)
    }

    /// Runs `f` in a transaction (a savepoint inside one already open): all of it or none.
    fn atomically<T>(&self, f: impl FnOnce(&Self) -> Result<T>) -> Result<T> {
        let depth = self.depth.get();
        if depth == 0 {
            self.batch("BEGIN")?;
        } else {
            self.batch(&format!("SAVEPOINT s{depth}"))?;
        }
        self.depth.set(depth + 1);
        let out = f(self);
        self.depth.set(depth);
        match (&out, depth) {
            (Ok(_), 0) => self.batch("COMMIT")?,
            (Ok(_), _) => self.batch(&format!("RELEASE SAVEPOINT s{depth}"))?,
            (Err(_), 0) => self.batch("ROLLBACK")?,
            (Err(_), _) => self.batch(&format!("ROLLBACK TO SAVEPOINT s{depth}"))?,
        }
        out
    }

    fn count_decoded(&self, n: usize) {
        self.decoded.fetch_add(n as u64, Ordering::Relaxed);
    }

    fn unpack(&self, raw: RawArticle) -> Result<StoredArticle> {
        let (mut article, placement) =
            unpack_head(&raw.head).with_context(|| format!("article {} in the store", raw.id))?;
        article.body = unzstd(&raw.body)?;
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

    /// What is known of an input file.
    pub fn input(&self, source: &str, name: &str) -> Result<Option<InputRecord>> {
        self.row(
            "SELECT source, name, hash, status, error, attempts, articles, last_seen
             FROM inputs WHERE source = $1 AND name = $2",
            &[&source, &name],
        )
        .map(|r| r.as_ref().map(input_record))
    }

    /// Every input file known, failed ones first.
    pub fn inputs(&self) -> Result<Vec<InputRecord>> {
        Ok(self
            .rows(
                "SELECT source, name, hash, status, error, attempts, articles, last_seen
                 FROM inputs ORDER BY status DESC, source COLLATE \"C\", name COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(input_record)
            .collect())
    }

    /// Stores the articles of one input file all or nothing (see the SQLite store).
    pub fn ingest(
        &mut self,
        source: &str,
        name: &str,
        hash: &str,
        size: u64,
        articles: &[NewArticle],
        now: &DateTime<FixedOffset>,
    ) -> Result<IngestOutcome> {
        let out = self.atomically(|s| s.ingest_into((source, name, hash, size), articles, now))?;
        if self.in_batch.get() {
            self.batched.set(self.batched.get() + 1);
        }
        Ok(out)
    }

    /// The id an article of `(source, input)` is stored under (see the SQLite store's
    /// `own_id`), the page holding `base` when the id is a new twin's, and the stored row
    /// of that id if there is one (number, content hash, first seen): one query.
    fn own_id(&self, source: &str, input: &str, base: &str) -> Result<OwnId> {
        let twin = crate::model::twin_id(base, source, input);
        let rows = self.rows(
            "SELECT id, source, input, n, content_hash, first_seen FROM articles
             WHERE id = $1 OR id = $2",
            &[&base, &twin],
        )?;
        let find = |id: &str| rows.iter().find(|r| r.get::<_, &str>(0) == id);
        let mine = |r: &&Row| r.get::<_, &str>(1) == source && r.get::<_, &str>(2) == input;
        let existing = |r: &Row| Some((r.get(3), r.get(4), r.get(5)));
        let (base_row, twin_row) = (find(base), find(&twin));
        if let Some(r) = base_row.filter(mine) {
            return Ok((base.to_string(), None, existing(r)));
        }
        if let Some(r) = twin_row.filter(mine) {
            return Ok((twin, None, existing(r)));
        }
        match base_row {
            None => Ok((base.to_string(), None, None)),
            Some(r) => {
                anyhow::ensure!(
                    twin_row.is_none(),
                    "article id {twin} of {input:?} is held by another page"
                );
                Ok((twin, Some((r.get(1), r.get(2))), None))
            }
        }
    }

    fn ingest_into(
        &self,
        (source, name, hash, size): (&str, &str, &str, u64),
        articles: &[NewArticle],
        now: &DateTime<FixedOffset>,
    ) -> Result<IngestOutcome> {
        let now_s = ts(now);
        let mut out = IngestOutcome::default();
        let mut seen = BTreeSet::new();
        let mut seen_base = BTreeSet::new();
        for a in articles {
            if !seen_base.insert(a.id.as_str()) {
                continue;
            }
            let (id, twin_of, existing) = self.own_id(source, name, &a.id)?;
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
                self.exec(
                    "UPDATE articles SET input = $2 WHERE id = $1 AND input <> $2",
                    &[&id, &name],
                )?;
                out.unchanged += 1;
                continue;
            }
            let head = zstd::bulk::compress(&head_text(&a.article, &a.placement)?, LEVEL)?;
            let body = zstd::bulk::compress(a.article.body.as_bytes(), LEVEL)?;
            let words = super::search::Words::of(&a.article);
            let terms = index_terms(&words);
            let tokens = words.count();
            let row: [&(dyn ToSql + Sync); 11] = [
                &id,
                &source,
                &name,
                &a.publication,
                &head,
                &body,
                &terms,
                &tokens,
                &chash,
                &published,
                &now_s,
            ];
            let n: i64 = match existing {
                Some((n, _, _)) => {
                    self.exec(
                        "UPDATE articles SET source = $2, input = $3, publication = $4, head = $5,
                         body = $6, terms = $7, tokens = $8, content_hash = $9, published = $10,
                         updated = $11 WHERE id = $1",
                        &row,
                    )?;
                    self.exec("DELETE FROM article_places WHERE n = $1", &[&n])?;
                    out.updated += 1;
                    n
                }
                None => {
                    let n = self.value(
                        "INSERT INTO articles (id, source, input, publication, head, body, terms,
                         tokens, content_hash, published, first_seen, updated)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING n",
                        &row,
                    )?;
                    out.added += 1;
                    if let Some((other_source, other_input)) = twin_of {
                        self.exec(
                            "INSERT INTO article_twins (id, base_id, source, input,
                             other_source, other_input, recorded)
                             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                            &[
                                &id,
                                &a.id,
                                &source,
                                &name,
                                &other_source,
                                &other_input,
                                &now_s,
                            ],
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
            self.exec(
                "INSERT INTO article_places (n, code) SELECT $1, unnest($2::text[])
                 ON CONFLICT DO NOTHING",
                &[&n, &a.codes],
            )?;
        }
        let old_ids: Vec<String> = self
            .rows(
                "SELECT id FROM articles WHERE source = $1 AND input = $2",
                &[&source, &name],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for id in old_ids.iter().filter(|id| !seen.contains(*id)) {
            self.exec("DELETE FROM articles WHERE id = $1", &[id])?;
            out.removed += 1;
        }
        let size = size as i64;
        let count = seen.len() as i64;
        self.exec(
            "INSERT INTO inputs (source, name, hash, size, status, error, attempts, articles, first_seen, last_seen)
             VALUES ($1, $2, $3, $4, 'ok', NULL, 0, $5, $6, $6)
             ON CONFLICT (source, name) DO UPDATE SET hash = $3, size = $4, status = 'ok', error = NULL,
               attempts = 0, articles = $5, last_seen = $6, mtime_ns = NULL",
            &[&source, &name, &hash, &size, &count, &now_s],
        )?;
        Ok(out)
    }

    /// Starts a batch: the input files stored from now on are written in one transaction.
    pub fn begin_batch(&mut self) -> Result<()> {
        if !self.in_batch.get() && self.depth.get() == 0 {
            self.batch("BEGIN")?;
            self.depth.set(1);
            self.in_batch.set(true);
            self.batched.set(0);
        }
        Ok(())
    }

    /// Commits the batch and starts the next one when it holds `files` input files.
    pub fn commit_batch_if_full(&mut self, files: usize) -> Result<()> {
        if self.batched.get() >= files {
            self.end_batch()?;
            self.begin_batch()?;
        }
        Ok(())
    }

    /// Commits the batch, if one is open.
    pub fn end_batch(&mut self) -> Result<()> {
        if self.in_batch.get() {
            self.batch("COMMIT")?;
            self.depth.set(0);
            self.in_batch.set(false);
        }
        self.batched.set(0);
        Ok(())
    }

    /// Nothing to hand back: PostgreSQL's autovacuum reuses the space of deleted rows.
    pub fn hand_back_free_pages(&mut self, _share: i64) -> Result<()> {
        Ok(())
    }

    /// Records the modification time of an input file just stored or found unchanged.
    pub fn stamp_input(&mut self, source: &str, name: &str, mtime_ns: Option<i64>) -> Result<()> {
        self.exec(
            "UPDATE inputs SET mtime_ns = $3 WHERE source = $1 AND name = $2",
            &[&source, &name, &mtime_ns],
        )?;
        Ok(())
    }

    /// What the store knows of the input files `names` of `source`, one entry each in
    /// the same order.
    pub fn known_inputs(&self, source: &str, names: &[&str]) -> Result<Vec<Option<KnownInput>>> {
        let index: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let mut out: Vec<Option<KnownInput>> = vec![None; names.len()];
        for r in self.rows(
            "SELECT name, hash, status, size, mtime_ns, first_seen FROM inputs
             WHERE source = $1 AND name = ANY($2)",
            &[&source, &names],
        )? {
            let name: String = r.get(0);
            let Some(&at) = index.get(name.as_str()) else {
                continue;
            };
            let status: String = r.get(2);
            let first: String = r.get(5);
            out[at] = Some(KnownInput {
                hash: r.get(1),
                ok: status == "ok",
                size: u64::try_from(r.get::<_, i64>(3)).unwrap_or(0),
                mtime_ns: r.get(4),
                first_seen: parse_ts(&first)?,
            });
        }
        Ok(out)
    }

    /// A number that moves whenever a stored article or an override changes.
    pub fn changes(&self) -> Result<i64> {
        self.value("SELECT n FROM changes WHERE id = 1", &[])
    }

    /// What the output folder `out` was last published from.
    pub fn publish_mark(&self, out: &str) -> Result<Option<String>> {
        Ok(self
            .row("SELECT mark FROM publish_marks WHERE out = $1", &[&out])?
            .map(|r| r.get(0)))
    }

    /// Records what the output folder `out` was just published from (`None`: forget it).
    pub fn set_publish_mark(&mut self, out: &str, mark: Option<&str>) -> Result<()> {
        match mark {
            Some(m) => self.exec(
                "INSERT INTO publish_marks (out, mark) VALUES ($1, $2)
                 ON CONFLICT (out) DO UPDATE SET mark = $2",
                &[&out, &m],
            )?,
            None => self.exec("DELETE FROM publish_marks WHERE out = $1", &[&out])?,
        };
        Ok(())
    }

    /// Stored articles read and decoded since the store was opened.
    pub fn articles_decoded(&self) -> u64 {
        self.decoded.load(Ordering::Relaxed)
    }

    /// When the input `(source, name)` was first seen, if it ever was.
    pub fn input_first_seen(
        &self,
        source: &str,
        name: &str,
    ) -> Result<Option<DateTime<FixedOffset>>> {
        let first: Option<String> = self
            .row(
                "SELECT first_seen FROM inputs WHERE source = $1 AND name = $2",
                &[&source, &name],
            )?
            .map(|r| r.get(0));
        first.as_deref().map(parse_ts).transpose()
    }

    /// Records that an input file could not be read.
    pub fn record_failure(
        &mut self,
        source: &str,
        name: &str,
        hash: &str,
        size: u64,
        error: &str,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO inputs (source, name, hash, size, status, error, attempts, articles, first_seen, last_seen)
             VALUES ($1, $2, $3, $4, 'failed', $5, 1, 0, $6, $6)
             ON CONFLICT (source, name) DO UPDATE SET hash = $3, size = $4, status = 'failed', error = $5,
               attempts = inputs.attempts + 1, last_seen = $6, mtime_ns = NULL",
            &[&source, &name, &hash, &(size as i64), &error, &ts(now)],
        )?;
        Ok(())
    }

    /// Forgets the failures of files that are gone from a source folder.
    pub fn forget_missing_failures(&mut self, source: &str, present: &[String]) -> Result<usize> {
        let n = self.exec(
            "DELETE FROM inputs WHERE source = $1 AND status = 'failed' AND NOT (name = ANY($2))",
            &[&source, &present],
        )?;
        Ok(n as usize)
    }

    /// The stored article with id `id`, if there is one.
    pub fn article(&self, id: &str) -> Result<Option<StoredArticle>> {
        let r = self.row(
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = $1"),
            &[&id],
        )?;
        self.count_decoded(usize::from(r.is_some()));
        r.map(|r| self.unpack(raw(&r))).transpose()
    }

    /// The articles stored from input `(source, name)`, as extracted, by id.
    pub fn articles_of_input(&self, source: &str, name: &str) -> Result<Vec<StoredArticle>> {
        let rows = self.rows(
            &format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE source = $1 AND input = $2
                 ORDER BY id COLLATE \"C\""
            ),
            &[&source, &name],
        )?;
        self.count_decoded(rows.len());
        rows.iter().map(|r| self.unpack(raw(r))).collect()
    }

    /// Every stored article as the editor wants it shown, ordered by id.
    pub fn articles(&self) -> Result<Vec<StoredArticle>> {
        let rows = self.rows(
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id COLLATE \"C\""),
            &[],
        )?;
        self.count_decoded(rows.len());
        let out = rows
            .iter()
            .map(|r| self.unpack(raw(r)))
            .collect::<Result<Vec<_>>>()?;
        Ok(apply_overrides(out, &self.overrides()?))
    }

    /// The stories published into any of `codes` with a printing first seen after
    /// `since`, newest first (see the SQLite store).
    pub fn articles_in(
        &self,
        codes: &[String],
        since: Option<&DateTime<FixedOffset>>,
    ) -> Result<Vec<StoredArticle>> {
        let overrides = self.overrides()?;
        let placed_by_hand = |id: &str| overrides.get(id).is_some_and(|o| o.codes.is_some());
        let mut found: BTreeSet<(String, String)> = BTreeSet::new();
        for r in self.rows(
            "SELECT DISTINCT a.id, a.first_seen FROM article_places p JOIN articles a ON a.n = p.n
             WHERE p.code = ANY($1)",
            &[&codes],
        )? {
            let id: String = r.get(0);
            if !placed_by_hand(&id) {
                found.insert((id, r.get(1)));
            }
        }
        let by_hand: Vec<String> = overrides
            .iter()
            .filter(|(_, o)| {
                o.codes
                    .as_ref()
                    .is_some_and(|c| c.iter().any(|x| codes.contains(x)))
            })
            .map(|(id, _)| id.clone())
            .collect();
        for r in self.rows(
            "SELECT id, first_seen FROM articles WHERE id = ANY($1)",
            &[&by_hand],
        )? {
            found.insert((r.get(0), r.get(1)));
        }
        let mut stories_of = BTreeSet::new();
        for (id, first) in found {
            if since.is_none_or(|s| parse_ts(&first).is_ok_and(|f| f > *s)) {
                stories_of.insert(self.story_of(&id)?.unwrap_or(id));
            }
        }
        let ids: Vec<String> = stories_of.into_iter().collect();
        let rows = self.rows(
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY($1)"),
            &[&ids],
        )?;
        self.count_decoded(rows.len());
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let mut a = self.unpack(raw(r))?;
            a.printings = self.printings(&a.id)?;
            out.push(a);
        }
        let mut out = apply_overrides(out, &overrides);
        out.sort_by(|a, b| {
            b.published()
                .cmp(&a.published())
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(out)
    }

    /// Counts for `localfeed status`.
    pub fn counts(&self) -> Result<Counts> {
        let r = self
            .row(
                "SELECT (SELECT count(*) FROM articles), (SELECT count(DISTINCT code) FROM article_places),
                 (SELECT count(*) FROM inputs WHERE status = 'ok'),
                 (SELECT count(*) FROM inputs WHERE status = 'failed')",
                &[],
            )?
            .context("no counts")?;
        Ok(Counts {
            articles: r.get(0),
            places: r.get(1),
            inputs_ok: r.get(2),
            inputs_failed: r.get(3),
        })
    }

    /// Records the start of a run and returns its number.
    pub fn start_run(&mut self, now: &DateTime<FixedOffset>) -> Result<i64> {
        self.value(
            "INSERT INTO runs (started) VALUES ($1) RETURNING id",
            &[&ts(now)],
        )
    }

    /// Records the end of a run.
    pub fn finish_run(
        &mut self,
        id: i64,
        totals: &RunTotals,
        ok: bool,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.exec(
            "UPDATE runs SET finished = $2, files_read = $3, files_new = $4, files_failed = $5,
             articles_changed = $6, feeds_written = $7, digests_sent = $8, status = $9 WHERE id = $1",
            &[
                &id,
                &ts(now),
                &(totals.files_read as i64),
                &(totals.files_new as i64),
                &(totals.files_failed as i64),
                &(totals.articles_changed as i64),
                &(totals.feeds_written as i64),
                &(totals.digests_sent as i64),
                &(if ok { "ok" } else { "failed" }),
            ],
        )?;
        Ok(())
    }

    /// The most recent run, if any.
    pub fn last_run(&self) -> Result<Option<RunRecord>> {
        Ok(self
            .row(
                "SELECT id, started, finished, status, files_read, files_new, files_failed,
                 articles_changed, feeds_written, digests_sent FROM runs ORDER BY id DESC LIMIT 1",
                &[],
            )?
            .map(|r| RunRecord {
                id: r.get(0),
                started: r.get(1),
                finished: r.get(2),
                status: r.get(3),
                files_read: r.get(4),
                files_new: r.get(5),
                files_failed: r.get(6),
                articles_changed: r.get(7),
                feeds_written: r.get(8),
                digests_sent: r.get(9),
            }))
    }

    /// The articles of `rows` (read with [`ARTICLE_COLUMNS`]) as heads, with their
    /// overrides.
    fn heads(&self, rows: &[Row]) -> Result<Vec<StoredArticle>> {
        self.count_decoded(rows.len());
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(head(self.unpack(raw(r))?));
        }
        Ok(apply_overrides(out, &self.overrides()?))
    }

    /// Every stored article without its body (see the SQLite store's `article_heads`).
    pub fn article_heads(&self) -> Result<Vec<StoredArticle>> {
        let rows = self.rows(
            &format!("SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id COLLATE \"C\""),
            &[],
        )?;
        self.heads(&rows)
    }

    /// How many articles each place holds, by code (see the SQLite store's
    /// `place_counts`), sorted by code.
    pub fn place_counts(&self) -> Result<Vec<(String, u64)>> {
        let rows = self.rows(
            "SELECT code, count(*) FROM article_places GROUP BY code ORDER BY code COLLATE \"C\"",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let k: i64 = r.get(1);
                (r.get(0), u64::try_from(k).unwrap_or_default())
            })
            .collect())
    }

    /// The heads of the last `limit` articles to arrive in place `code`, newest arrival
    /// first, before arrival number `before` when given (see the SQLite store's
    /// `place_heads`): read through the index on `article_places (code, n)`.
    pub fn place_heads(
        &self,
        code: &str,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<StoredArticle>> {
        let (before, limit) = super::place_bounds(before, limit);
        let cols = super::qualified(ARTICLE_COLUMNS, "a");
        let rows = self.rows(
            &format!(
                "SELECT {cols} FROM article_places p JOIN articles a ON a.n = p.n
                 WHERE p.code = $1 AND p.n < $2 ORDER BY p.n DESC LIMIT $3"
            ),
            &[&code, &before, &limit],
        )?;
        self.heads(&rows)
    }

    /// The heads of the articles `ids` that are in the store, sorted by id (see the
    /// SQLite store's `heads_of`).
    pub fn heads_of(&self, ids: &[&str]) -> Result<Vec<StoredArticle>> {
        let ids: Vec<String> = ids.iter().map(|s| (*s).to_string()).collect();
        let rows = self.rows(
            &format!(
                "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY($1) ORDER BY id COLLATE \"C\""
            ),
            &[&ids],
        )?;
        self.heads(&rows)
    }

    /// A reader of article bodies by id that any thread may use (connections of its own).
    pub fn body_reader(&self) -> Result<BodyReader> {
        Ok(BodyReader {
            url: self.url.clone(),
            idle: Mutex::new(Vec::new()),
            read: AtomicU64::new(0),
            largest: AtomicU64::new(0),
        })
    }
}

fn input_record(r: &Row) -> InputRecord {
    InputRecord {
        source: r.get(0),
        name: r.get(1),
        hash: r.get(2),
        status: r.get(3),
        error: r.get(4),
        attempts: r.get(5),
        articles: r.get(6),
        last_seen: r.get(7),
    }
}

/// Brings the schema up to date, one migration per transaction; an advisory lock keeps
/// two processes opening a new database from migrating it at once.
fn migrate(client: &mut Client) -> Result<()> {
    const MIGRATION_LOCK: i64 = RUN_LOCK_KEY + 1;
    client.batch_execute(
        "SET client_min_messages = warning;
         CREATE TABLE IF NOT EXISTS store_version (version BIGINT NOT NULL)",
    )?;
    client.query_one("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let result = (|| -> Result<()> {
        let version: i64 = client
            .query_opt("SELECT version FROM store_version", &[])?
            .map_or(0, |r| r.get(0));
        for (i, m) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let mut tx = client.transaction()?;
            tx.batch_execute(m)?;
            tx.execute("DELETE FROM store_version", &[])?;
            tx.execute(
                "INSERT INTO store_version (version) VALUES ($1)",
                &[&(i as i64 + 1)],
            )?;
            tx.commit()?;
        }
        Ok(())
    })();
    client.query_one("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
    result
}

/// Reads article bodies by id from the database, on any thread.
pub struct BodyReader {
    url: String,
    idle: Mutex<Vec<Conn>>,
    read: AtomicU64,
    largest: AtomicU64,
}

impl std::fmt::Debug for BodyReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BodyReader")
            .field("url", &shown_url(&self.url))
            .finish()
    }
}

impl BodyReader {
    /// The bodies of the articles `ids`, in that order (one query).
    pub fn bodies(&self, ids: &[&str]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let mut client = match idle {
            Some(c) => c,
            None => connect(&self.url)?,
        };
        let got = outside_async(|| {
            client.query("SELECT id, body FROM articles WHERE id = ANY($1)", &[&ids])
        });
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(client);
        let mut by_id = HashMap::with_capacity(ids.len());
        for r in got? {
            let id: String = r.get(0);
            let body: Vec<u8> = r.get(1);
            let text = unzstd(&body).with_context(|| format!("article {id} in the store"))?;
            by_id.insert(id, text);
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(
                by_id
                    .get(*id)
                    .cloned()
                    .with_context(|| format!("article {id} is no longer in the state database"))?,
            );
        }
        self.read.fetch_add(ids.len() as u64, Ordering::Relaxed);
        self.largest.fetch_max(ids.len() as u64, Ordering::Relaxed);
        Ok(out)
    }

    /// Bodies read so far.
    pub fn bodies_read(&self) -> u64 {
        self.read.load(Ordering::Relaxed)
    }

    /// The most bodies read by one call so far.
    pub fn largest_batch(&self) -> u64 {
        self.largest.load(Ordering::Relaxed)
    }
}
