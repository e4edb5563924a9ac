//! Schema migrations, applied in order from an empty file. Append only: a released
//! migration is never edited, a change is a new entry at the end.

use anyhow::Context as _;
use rusqlite::params;
use rusqlite_migration::{HookError, M, Migrations};

use crate::model::{Article, Placement};

use super::packing::{self, Packer};
use super::search;

/// Articles, their places, input files and runs.
const CORE: &str = "
CREATE TABLE inputs (
    source      TEXT NOT NULL,
    name        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
    error       TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    articles    INTEGER NOT NULL DEFAULT 0,
    first_seen  TEXT NOT NULL,
    last_seen   TEXT NOT NULL,
    PRIMARY KEY (source, name)
);
CREATE TABLE articles (
    id           TEXT PRIMARY KEY,
    source       TEXT NOT NULL,
    input        TEXT NOT NULL,
    publication  TEXT,
    article      TEXT NOT NULL,
    placement    TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    published    TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    updated      TEXT NOT NULL
);
CREATE INDEX articles_by_input ON articles (source, input);
CREATE INDEX articles_by_published ON articles (published);
CREATE TABLE article_places (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    code       TEXT NOT NULL,
    PRIMARY KEY (article_id, code)
) WITHOUT ROWID;
CREATE INDEX article_places_by_code ON article_places (code);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    started     TEXT NOT NULL,
    finished    TEXT,
    files_read  INTEGER NOT NULL DEFAULT 0,
    files_new   INTEGER NOT NULL DEFAULT 0,
    files_failed INTEGER NOT NULL DEFAULT 0,
    articles_changed INTEGER NOT NULL DEFAULT 0,
    feeds_written INTEGER NOT NULL DEFAULT 0,
    digests_sent INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'running'
);
";

/// Digest subscribers, the articles each has been sent, and the outbox.
const DIGESTS: &str = "
CREATE TABLE subscribers (
    email           TEXT PRIMARY KEY,
    token_id        TEXT NOT NULL,
    localities      TEXT NOT NULL,
    codes           TEXT NOT NULL,
    schedule        TEXT NOT NULL,
    timezone        TEXT NOT NULL,
    plain_text_only INTEGER NOT NULL DEFAULT 0,
    origin          TEXT NOT NULL CHECK (origin IN ('config', 'cli')),
    unsubscribed    TEXT,
    created         TEXT NOT NULL,
    digested_until  TEXT NOT NULL,
    last_slot       TEXT
);
CREATE INDEX subscribers_by_token ON subscribers (token_id);
CREATE TABLE digest_items (
    email      TEXT NOT NULL REFERENCES subscribers (email) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    outbox_id  INTEGER NOT NULL,
    PRIMARY KEY (email, article_id)
) WITHOUT ROWID;
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    message_id   TEXT NOT NULL UNIQUE,
    email        TEXT NOT NULL,
    subject      TEXT NOT NULL,
    articles     INTEGER NOT NULL,
    message      BLOB NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt TEXT NOT NULL,
    last_error   TEXT,
    created      TEXT NOT NULL,
    finished     TEXT
);
CREATE INDEX outbox_by_status ON outbox (status, next_attempt);
CREATE INDEX outbox_by_email ON outbox (email, status);
";

/// Subscriptions made on the web: confirmations waiting for their link, and the attempts
/// the subscribe form's rate limits count. Times are seconds since the Unix epoch.
const SUBSCRIPTIONS: &str = "
CREATE TABLE pending_subscriptions (
    nonce      TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    localities TEXT NOT NULL,
    schedule   TEXT NOT NULL,
    timezone   TEXT NOT NULL,
    created    INTEGER NOT NULL,
    expires    INTEGER NOT NULL
);
CREATE INDEX pending_subscriptions_by_expiry ON pending_subscriptions (expires);
CREATE TABLE subscribe_attempts (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX subscribe_attempts_by_key ON subscribe_attempts (key, at);
";

/// Subscribers gain the `web` origin (confirmed on the subscription page) and a suspension
/// (an address whose digests keep failing permanently). SQLite cannot change a CHECK
/// constraint, so the table is rebuilt; foreign keys are off while migrations run (see
/// `Store::open`), so the `digest_items` rows that point at it survive.
const SUBSCRIBER_ORIGIN_AND_SUSPENSION: &str = "
CREATE TABLE subscribers_new (
    email            TEXT PRIMARY KEY,
    token_id         TEXT NOT NULL,
    localities       TEXT NOT NULL,
    codes            TEXT NOT NULL,
    schedule         TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    plain_text_only  INTEGER NOT NULL DEFAULT 0,
    origin           TEXT NOT NULL CHECK (origin IN ('config', 'cli', 'web')),
    unsubscribed     TEXT,
    created          TEXT NOT NULL,
    digested_until   TEXT NOT NULL,
    last_slot        TEXT,
    suspended        TEXT,
    suspended_reason TEXT
);
INSERT INTO subscribers_new (email, token_id, localities, codes, schedule, timezone,
    plain_text_only, origin, unsubscribed, created, digested_until, last_slot)
SELECT email, token_id, localities, codes, schedule, timezone,
    plain_text_only, origin, unsubscribed, created, digested_until, last_slot
FROM subscribers;
DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;
CREATE INDEX subscribers_by_token ON subscribers (token_id);
";

/// Articles stored under an id of their own because another page's article held the id
/// their content gives (a reprint); kept for the deliberate merging of stories.
const ARTICLE_TWINS: &str = "
CREATE TABLE article_twins (
    id           TEXT PRIMARY KEY,
    base_id      TEXT NOT NULL,
    source       TEXT NOT NULL,
    input        TEXT NOT NULL,
    other_source TEXT NOT NULL,
    other_input  TEXT NOT NULL,
    recorded     TEXT NOT NULL
);
CREATE INDEX article_twins_by_base ON article_twins (base_id);
";

/// Subscribers keep the token id their earlier digests carried when it changes (ids
/// were once made from the whole address lower-cased, so two addresses differing only
/// in the case of their local part shared one).
const OLD_TOKEN_IDS: &str = "
ALTER TABLE subscribers ADD COLUMN old_token_id TEXT;
CREATE INDEX subscribers_by_old_token ON subscribers (old_token_id);
";

/// What is known of each URL fetched for a network source (conditional-request
/// validators, the last answer, failures in a row, when to ask again, and the `<ttl>` and
/// `<skipHours>` its feed last gave), and the article
/// pages fetched for full text, kept so each is fetched once.
const FETCHES: &str = "
CREATE TABLE fetches (
    url           TEXT PRIMARY KEY,
    source        TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    last_fetch    TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('ok', 'not-modified', 'failed', 'later')),
    http_status   INTEGER,
    error         TEXT,
    failures      INTEGER NOT NULL DEFAULT 0,
    next_fetch    TEXT,
    ttl_mins      INTEGER,
    skip_hours    TEXT
);
CREATE INDEX fetches_by_source ON fetches (source);
CREATE TABLE fetched_pages (
    url     TEXT PRIMARY KEY,
    body    BLOB NOT NULL,
    charset TEXT,
    fetched TEXT NOT NULL
);
";

/// The full-text index of the articles (see `search.rs`): headline lines and body as the
/// words `localfeed_bigrams` makes (the view `article_search_rows` says how, for the
/// triggers that keep the index and for the articles already stored).
const ARTICLE_SEARCH: &str = "
CREATE TABLE article_search_ids (
    n  INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE article_search USING fts5(
    head, body, content = '', contentless_delete = 1, tokenize = 'unicode61'
);
CREATE VIEW article_search_rows (n, head, body) AS
    SELECT s.n,
        localfeed_bigrams(concat_ws(' ', a.article ->> '$.kicker', a.article ->> '$.title',
            a.article ->> '$.subtitle')),
        localfeed_bigrams(a.article ->> '$.body')
    FROM articles a JOIN article_search_ids s ON s.id = a.id;
CREATE TRIGGER article_search_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_search_ids (id) VALUES (new.id);
    INSERT INTO article_search (rowid, head, body)
        SELECT n, head, body FROM article_search_rows
        WHERE n = (SELECT n FROM article_search_ids WHERE id = new.id);
END;
CREATE TRIGGER article_search_update AFTER UPDATE OF article ON articles BEGIN
    DELETE FROM article_search WHERE rowid = (SELECT n FROM article_search_ids WHERE id = old.id);
    INSERT INTO article_search (rowid, head, body)
        SELECT n, head, body FROM article_search_rows
        WHERE n = (SELECT n FROM article_search_ids WHERE id = new.id);
END;
CREATE TRIGGER article_search_rename AFTER UPDATE OF id ON articles BEGIN
    UPDATE article_search_ids SET id = new.id WHERE id = old.id;
END;
CREATE TRIGGER article_search_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_search WHERE rowid = (SELECT n FROM article_search_ids WHERE id = old.id);
    DELETE FROM article_search_ids WHERE id = old.id;
END;
INSERT INTO article_search_ids (id) SELECT id FROM articles ORDER BY id;
INSERT INTO article_search (rowid, head, body) SELECT n, head, body FROM article_search_rows;
";

/// Which stored articles are printings of another article's story (only those: an
/// article not listed leads its own story), as the `stories` stage found them on the last
/// run; and the editor's overrides (`localfeed fix`), kept apart from what was extracted
/// so that re-reading a page keeps them and undoing one restores the extracted values.
/// `override` is the JSON of `model::Override`; `codes` the division codes its place
/// publishes into (JSON array), when it sets a place.
const STORIES_AND_OVERRIDES: &str = "
CREATE TABLE article_stories (
    article_id TEXT PRIMARY KEY,
    story_id   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX article_stories_by_story ON article_stories (story_id);
CREATE TABLE overrides (
    article_id TEXT PRIMARY KEY,
    override   TEXT NOT NULL,
    codes      TEXT,
    set_at     TEXT NOT NULL
);
";

/// What lets a run do work in proportion to what changed: each input file's modification
/// time as last read (nanoseconds since the Unix epoch; NULL when it was too close to the
/// time it was read to vouch for the bytes), a counter that every change to the articles
/// or to the editor's overrides moves (kept by triggers, so no writer can forget it), and
/// what each output folder was last published from (see `Store::publish_mark`).
const CHANGE_TRACKING: &str = "
ALTER TABLE inputs ADD COLUMN mtime_ns INTEGER;
CREATE TABLE changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  INTEGER NOT NULL
);
INSERT INTO changes (id, n) VALUES (1, 0);
CREATE TRIGGER changes_article_insert AFTER INSERT ON articles BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_article_delete AFTER DELETE ON articles BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_article_update AFTER UPDATE ON articles
WHEN old.id IS NOT new.id OR old.source IS NOT new.source OR old.input IS NOT new.input
    OR old.publication IS NOT new.publication OR old.article IS NOT new.article
    OR old.placement IS NOT new.placement OR old.published IS NOT new.published
    OR old.first_seen IS NOT new.first_seen OR old.updated IS NOT new.updated
BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_override_insert AFTER INSERT ON overrides BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_override_delete AFTER DELETE ON overrides BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_override_update AFTER UPDATE ON overrides BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TABLE publish_marks (
    out  TEXT PRIMARY KEY,
    mark TEXT NOT NULL
);
";

/// What the `stories` stage keeps of each article between runs: its sketch (story text's
/// length and MinHash signatures, `stories::Sketch::to_bytes`), so a run signs only the
/// articles that are new or changed. A sketch goes when its article's text changes, its
/// id changes or it is removed.
const STORY_SKETCHES: &str = "
CREATE TABLE article_sketches (
    article_id TEXT PRIMARY KEY,
    sketch     BLOB NOT NULL
);
CREATE TRIGGER article_sketches_update AFTER UPDATE OF article ON articles BEGIN
    DELETE FROM article_sketches WHERE article_id = old.id;
END;
CREATE TRIGGER article_sketches_rename AFTER UPDATE OF id ON articles BEGIN
    DELETE FROM article_sketches WHERE article_id = old.id;
END;
CREATE TRIGGER article_sketches_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_sketches WHERE article_id = old.id;
END;
";

/// A lean store (issue 18): each article's row keeps it packed (see `packing.rs`: its
/// body and its head compressed apart with zstd, with dictionaries trained from the
/// store's own articles), numbered by `n`, which is also its row in a full-text index
/// that keeps only which words each article holds (`detail = none`; a search checks and
/// ranks the articles it finds against their text, see `search.rs`); `tokens` is how
/// many words the index took from it, and `search_totals` the articles and words of the
/// whole index, which ranking needs. The content hash is kept as its 32 bytes, sketches
/// under their article's number (the sketches stored so far are of a bigger kind than
/// `stories::Sketch` now keeps and are not copied: the next pass of the stories stage
/// signs every article again, once). This part makes the new tables; the migration's hook
/// copies the articles into them and [`LEAN_STORE_FINISH`] puts them in place. An
/// article's places are kept under its number too.
const LEAN_STORE: &str = "
DROP TRIGGER article_search_insert;
DROP TRIGGER article_search_update;
DROP TRIGGER article_search_rename;
DROP TRIGGER article_search_delete;
DROP VIEW article_search_rows;
DROP TABLE article_search;
DROP TABLE article_search_ids;
DROP TRIGGER changes_article_insert;
DROP TRIGGER changes_article_delete;
DROP TRIGGER changes_article_update;
DROP TRIGGER article_sketches_update;
DROP TRIGGER article_sketches_rename;
DROP TRIGGER article_sketches_delete;
CREATE TABLE store_dictionaries (
    id   INTEGER PRIMARY KEY,
    body BLOB NOT NULL,
    head BLOB NOT NULL
);
CREATE TABLE articles_packed (
    n            INTEGER PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    source       TEXT NOT NULL,
    input        TEXT NOT NULL,
    publication  TEXT,
    head         BLOB NOT NULL,
    body         BLOB NOT NULL,
    dict         INTEGER REFERENCES store_dictionaries (id),
    tokens       INTEGER NOT NULL,
    content_hash BLOB NOT NULL,
    published    TEXT NOT NULL,
    first_seen   TEXT NOT NULL,
    updated      TEXT NOT NULL
);
CREATE VIRTUAL TABLE article_search USING fts5(
    head, body, content = '', contentless_delete = 1, detail = none, tokenize = 'unicode61'
);
CREATE TABLE search_totals (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    rows   INTEGER NOT NULL,
    tokens INTEGER NOT NULL
);
CREATE TABLE sketches_packed (
    n      INTEGER PRIMARY KEY,
    sketch BLOB NOT NULL
);
";

/// The end of [`LEAN_STORE`], after its hook copied the articles: the old tables go, the
/// new ones take their names, and the triggers that keep the index's totals, the count
/// of changes and the sketches are made again for the new columns. The index's rows are
/// written by the store itself (it alone can unpack an article's text); removing an
/// article removes its row by trigger.
const LEAN_STORE_FINISH: &str = "
DROP TABLE article_sketches;
ALTER TABLE sketches_packed RENAME TO article_sketches;
CREATE TABLE places_packed (
    n    INTEGER NOT NULL REFERENCES articles (n) ON DELETE CASCADE ON UPDATE CASCADE,
    code TEXT NOT NULL,
    PRIMARY KEY (n, code)
) WITHOUT ROWID;
INSERT INTO places_packed (n, code)
    SELECT a.n, p.code FROM article_places p JOIN articles_packed a ON a.id = p.article_id
    ORDER BY a.n, p.code;
DROP TABLE article_places;
ALTER TABLE places_packed RENAME TO article_places;
CREATE INDEX article_places_by_code ON article_places (code);
DROP TABLE articles;
ALTER TABLE articles_packed RENAME TO articles;
CREATE INDEX articles_by_input ON articles (source, input);
CREATE INDEX articles_by_published ON articles (published);
INSERT INTO search_totals (id, rows, tokens)
    SELECT 1, count(*), coalesce(sum(tokens), 0) FROM articles;
CREATE TRIGGER search_totals_insert AFTER INSERT ON articles BEGIN
    UPDATE search_totals SET rows = rows + 1, tokens = tokens + new.tokens WHERE id = 1;
END;
CREATE TRIGGER search_totals_update AFTER UPDATE OF tokens ON articles BEGIN
    UPDATE search_totals SET tokens = tokens - old.tokens + new.tokens WHERE id = 1;
END;
CREATE TRIGGER search_totals_delete AFTER DELETE ON articles BEGIN
    UPDATE search_totals SET rows = rows - 1, tokens = tokens - old.tokens WHERE id = 1;
    DELETE FROM article_search WHERE rowid = old.n;
END;
CREATE TRIGGER changes_article_insert AFTER INSERT ON articles BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_article_delete AFTER DELETE ON articles BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER changes_article_update AFTER UPDATE ON articles
WHEN old.id IS NOT new.id OR old.source IS NOT new.source OR old.input IS NOT new.input
    OR old.publication IS NOT new.publication OR old.content_hash IS NOT new.content_hash
    OR old.published IS NOT new.published
    OR old.first_seen IS NOT new.first_seen OR old.updated IS NOT new.updated
BEGIN
    UPDATE changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER article_sketches_update AFTER UPDATE OF content_hash ON articles BEGIN
    DELETE FROM article_sketches WHERE n = old.n;
END;
CREATE TRIGGER article_sketches_rename AFTER UPDATE OF id ON articles BEGIN
    DELETE FROM article_sketches WHERE n = old.n;
END;
CREATE TRIGGER article_sketches_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_sketches WHERE n = old.n;
END;
";

/// The version of the schema that [`LEAN_STORE`] makes (a file older than that is
/// vacuumed once it is migrated).
pub(crate) const LEAN_STORE_VERSION: i64 = 12;

/// Every migration, oldest first.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(CORE),
        M::up(DIGESTS),
        M::up(SUBSCRIPTIONS),
        M::up(SUBSCRIBER_ORIGIN_AND_SUSPENSION).foreign_key_check(),
        M::up(ARTICLE_TWINS),
        M::up(OLD_TOKEN_IDS),
        M::up(FETCHES),
        M::up(ARTICLE_SEARCH),
        M::up(STORIES_AND_OVERRIDES),
        M::up(CHANGE_TRACKING),
        M::up(STORY_SKETCHES),
        M::up_with_hook(LEAN_STORE, |tx: &rusqlite::Transaction<'_>| {
            copy_articles(tx).map_err(|e| HookError::Hook(format!("{e:#}")))
        }),
    ])
}

/// The hook of [`LEAN_STORE`]: every stored article packed into `articles_packed` and
/// indexed, numbered in the order the old table received them (its rowid: feeds and
/// their archives are cut in that order, see `StoredArticle::arrival`); then [`LEAN_STORE_FINISH`], and the dictionaries trained
/// when there are articles enough to learn from. All in the migration's transaction: a
/// migration killed half way leaves the old file as it was.
fn copy_articles(tx: &rusqlite::Transaction<'_>) -> anyhow::Result<()> {
    let count: i64 = tx.query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
    if usize::try_from(count).unwrap_or(0) >= packing::TRAIN_AT {
        let mut st = tx.prepare("SELECT article, placement FROM articles ORDER BY id LIMIT ?1")?;
        let mut rows = st.query(params![packing::TRAIN_SAMPLE as i64])?;
        let mut samples: Vec<(Article, Placement)> = Vec::new();
        while let Some(r) = rows.next()? {
            samples.push((
                serde_json::from_str(r.get_ref(0)?.as_str()?)?,
                serde_json::from_str(r.get_ref(1)?.as_str()?)?,
            ));
        }
        packing::train(tx, &samples)?;
    }
    let mut packer = Packer::new(tx)?;
    {
        let mut read = tx.prepare(
            "SELECT id, source, input, publication, article, placement, content_hash,
             published, first_seen, updated FROM articles ORDER BY rowid",
        )?;
        let mut write = tx.prepare(
            "INSERT INTO articles_packed (id, source, input, publication, head, body, dict,
             tokens, content_hash, published, first_seen, updated)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut index =
            tx.prepare("INSERT INTO article_search (rowid, head, body) VALUES (?1, ?2, ?3)")?;
        let mut rows = read.query([])?;
        while let Some(r) = rows.next()? {
            let id = r.get_ref(0)?.as_str()?;
            let article: Article = serde_json::from_str(r.get_ref(4)?.as_str()?)
                .with_context(|| format!("article {id} in the store"))?;
            let placement: Placement = serde_json::from_str(r.get_ref(5)?.as_str()?)
                .with_context(|| format!("placement of article {id} in the store"))?;
            let hash = hex::decode(r.get_ref(6)?.as_str()?)
                .with_context(|| format!("content hash of article {id} in the store"))?;
            let packed = packer.pack(&article, &placement)?;
            let words = search::Words::of(&article);
            write.execute(params![
                id,
                r.get_ref(1)?.as_str()?,
                r.get_ref(2)?.as_str()?,
                r.get::<_, Option<String>>(3)?,
                packed.head,
                packed.body,
                packed.dict,
                words.count(),
                hash,
                r.get_ref(7)?.as_str()?,
                r.get_ref(8)?.as_str()?,
                r.get_ref(9)?.as_str()?,
            ])?;
            index.execute(params![
                tx.last_insert_rowid(),
                words.index_head(),
                words.index_body()
            ])?;
        }
    }
    tx.execute_batch(LEAN_STORE_FINISH)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use rusqlite::{Connection, params};

    use super::super::{NewArticle, SqliteStore as Store, migrate, search, tests::new_article};
    use crate::model::{Override, content_hash};

    #[test]
    fn migrations_are_valid() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        // the version the lean store's migration makes is the one `migrate` vacuums after
        let mut conn = Connection::open_in_memory().unwrap();
        search::register(&conn).unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        let lean = |c: &Connection| -> bool {
            c.query_row(
                "SELECT count(*) FROM sqlite_schema WHERE name = 'store_dictionaries'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap()
                == 1
        };
        let version = super::LEAN_STORE_VERSION as usize;
        super::migrations()
            .to_version(&mut conn, version - 1)
            .unwrap();
        assert!(!lean(&conn));
        super::migrations().to_version(&mut conn, version).unwrap();
        assert!(lean(&conn));
    }

    /// The version of the schema before the lean store (issue 18).
    const BEFORE_LEAN: usize = 11;

    /// A store with the schema of `BEFORE_LEAN`, holding `articles` as that version's
    /// `ingest` wrote them (five to an input file), with article 1 a printing of article
    /// 0's story and article 2 hidden.
    fn old_store(articles: &[NewArticle]) -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        search::register(&conn).unwrap();
        conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
        super::migrations()
            .to_version(&mut conn, BEFORE_LEAN)
            .unwrap();
        for (i, a) in articles.iter().enumerate() {
            let article = serde_json::to_string(&a.article).unwrap();
            let placement = serde_json::to_string(&a.placement).unwrap();
            let hash = content_hash(
                format!("{article}\u{0}{placement}\u{0}{:?}", a.publication).as_bytes(),
            );
            let seen = format!("2026-01-{:02}T08:00:00+08:00", 1 + i % 28);
            conn.execute(
                "INSERT INTO articles (id, source, input, publication, article, placement,
                 content_hash, published, first_seen, updated)
                 VALUES (?1, 'src', ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7)",
                params![
                    a.id,
                    format!("p{}.txt", i / 5),
                    a.publication,
                    article,
                    placement,
                    hash,
                    seen
                ],
            )
            .unwrap();
            for code in &a.codes {
                conn.execute(
                    "INSERT INTO article_places (article_id, code) VALUES (?1, ?2)",
                    params![a.id, code],
                )
                .unwrap();
            }
        }
        let hide = serde_json::to_string(&Override {
            hide: true,
            ..Default::default()
        })
        .unwrap();
        conn.execute_batch(&format!(
            "INSERT INTO article_stories (article_id, story_id) VALUES ('{}', '{}');
             INSERT INTO overrides (article_id, override, codes, set_at)
                VALUES ('{}', '{hide}', NULL, '2026-01-05T08:00:00+08:00');",
            articles[1].id, articles[0].id, articles[2].id
        ))
        .unwrap();
        conn
    }

    /// What a search gave before the lean store: the ids ranked by FTS5's own BM25 over
    /// an index with positions, and how many there were.
    fn old_search(conn: &Connection, q: &str) -> (Vec<String>, usize) {
        let Some(m) = search::positional_query(q) else {
            return (vec![], 0);
        };
        let shown = "s.id NOT IN (SELECT article_id FROM article_stories)
            AND s.id NOT IN (SELECT article_id FROM overrides WHERE override ->> '$.hide' = 1)";
        let mut st = conn
            .prepare(&format!(
                "SELECT a.id FROM article_search
                 JOIN article_search_ids s ON s.n = article_search.rowid
                 JOIN articles a ON a.id = s.id
                 WHERE article_search MATCH ?1 AND {shown}
                 ORDER BY bm25(article_search, 4.0, 1.0), a.published DESC, a.id"
            ))
            .unwrap();
        let ids: Vec<String> = st
            .query_map([m], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let n = ids.len();
        (ids, n)
    }

    /// Pseudo-random articles from a small vocabulary (so that words repeat across
    /// articles and within one, in headlines and bodies), some with a kicker and a
    /// subtitle, some with Latin letters and digits.
    fn articles(n: usize) -> Vec<NewArticle> {
        const WORDS: &[&str] = &[
            "防汛",
            "工作",
            "乡村振兴",
            "安吉县",
            "递铺街道",
            "举办",
            "活动",
            "群众",
            "县委",
            "书记",
            "调研",
            "农业",
            "合作社",
            "产业",
            "发展",
            "G20",
            "LOW-E",
            "5G",
            "集市",
            "赶集",
            "汛期",
            "防汛抗旱",
            "演练",
            "工作会议",
            "振兴",
            "哈哈哈",
            "县",
            "镇",
            "村",
            "会",
            "，",
            "。",
            "\n\n",
            "2026年",
            "项目",
            "建设",
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move |m: usize| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m as u64) as usize
        };
        (0..n)
            .map(|i| {
                let mut text =
                    |len: usize| -> String { (0..len).map(|_| WORDS[next(WORDS.len())]).collect() };
                let body = text(20 + i % 90);
                let title = text(2 + i % 5);
                let kicker = (i % 3 == 0).then(|| text(3));
                let subtitle = (i % 4 == 0).then(|| text(4));
                let mut a = new_article(&format!("{i:06x}{}", i * 7919 % 1000), &body);
                a.article.title = Some(title);
                a.article.kicker = kicker;
                a.article.subtitle = subtitle;
                a.publication = (i % 2 == 0).then(|| "湖州日报".to_string());
                a.codes = vec!["33".into(), format!("3305{:02}", 20 + i % 4)];
                a
            })
            .collect()
    }

    /// Queries that find many articles and few, in headlines and bodies: words, one
    /// character alone, phrases longer than any word, words across two words, Latin.
    const QUERIES: &[&str] = &[
        "防汛",
        "工作",
        "振兴",
        "乡村振兴",
        "防汛工作",
        "县",
        "镇",
        "会",
        "汛",
        "g20",
        "low",
        "5g",
        "集市 赶集",
        "书记调研",
        "哈哈",
        "哈哈哈哈",
        "县委书记",
        "安吉县递铺街道",
        "作会",
        "2026年",
        "产业 发展 群众",
        "不在",
        "防汛 -g20",
        "建设项目",
    ];

    #[test]
    fn an_old_store_migrates_to_the_lean_one_with_the_same_articles_and_searches() {
        for n in [40, super::super::packing::TRAIN_AT + 60] {
            let given = articles(n);
            let mut conn = old_store(&given);
            let before: Vec<(String, usize)> = QUERIES
                .iter()
                .map(|q| {
                    let (ids, total) = old_search(&conn, q);
                    (ids.join(" "), total)
                })
                .collect();
            migrate(&mut conn).unwrap();
            let store = Store::with(conn).unwrap();
            let trained: i64 = store
                .conn
                .query_row("SELECT count(*) FROM store_dictionaries", [], |r| r.get(0))
                .unwrap();
            assert_eq!(trained, i64::from(n > super::super::packing::TRAIN_AT));
            // every article as it was (the hidden one left out)
            let got = store.articles().unwrap();
            assert_eq!(got.len(), n - 1);
            for a in &got {
                let g = given.iter().find(|g| g.id == a.id).unwrap();
                assert_eq!(a.article, g.article);
                assert_eq!(a.placement, g.placement);
                assert_eq!(a.publication, g.publication);
            }
            // numbered in the order the old table received them (arrival order)
            let mut arrived: Vec<(u64, &str)> =
                got.iter().map(|a| (a.arrival, a.id.as_str())).collect();
            arrived.sort_unstable();
            let order: Vec<&str> = given
                .iter()
                .map(|g| g.id.as_str())
                .filter(|id| got.iter().any(|a| a.id == *id))
                .collect();
            assert_eq!(arrived.iter().map(|a| a.1).collect::<Vec<_>>(), order);
            // every story once in its places: the printing and the hidden one left out
            assert_eq!(
                store.articles_in(&["33".into()], None).unwrap().len(),
                n - 2
            );
            // the same searches, ranked alike
            for (q, (ids, total)) in QUERIES.iter().zip(&before) {
                let page = store.search(q, 10_000, 0).unwrap();
                let got: Vec<String> = page.articles.iter().map(|a| a.id.clone()).collect();
                assert_eq!(
                    (&got.join(" "), page.total),
                    (ids, *total),
                    "{q:?} ({n} articles)"
                );
                let tail = store.search(q, 3, 2).unwrap();
                let want: Vec<&str> = ids
                    .split(' ')
                    .filter(|s| !s.is_empty())
                    .skip(2)
                    .take(3)
                    .collect();
                let got: Vec<&str> = tail.articles.iter().map(|a| a.id.as_str()).collect();
                assert_eq!(got, want, "{q:?} page 2");
            }
        }
    }

    #[test]
    fn a_migration_that_fails_leaves_the_old_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let given = articles(12);
        let old = old_store(&given);
        // one article the lean store cannot read: the whole migration must not happen
        old.execute(
            "UPDATE articles SET placement = '{' WHERE id = ?1",
            params![given[5].id],
        )
        .unwrap();
        old.execute("VACUUM INTO ?1", params![path.to_str().unwrap()])
            .unwrap();
        drop(old);
        let err = Store::open(&path).unwrap_err();
        assert!(
            format!("{err:#}").contains("placement of article"),
            "{err:#}"
        );
        let conn = Connection::open(&path).unwrap();
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, BEFORE_LEAN as i64);
        let kept: i64 = conn
            .query_row(
                "SELECT count(*) FROM articles WHERE json_valid(article)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(kept, 12);
    }
}
