//! Schema migrations, applied in order from an empty file. Append only: a released
//! migration is never edited, a change is a new entry at the end.

use rusqlite_migration::{M, Migrations};

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
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        // The full-text index's migration calls the function every connection is given.
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        crate::store::search::register(&conn).unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
    }
}
