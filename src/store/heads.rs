//! The stored articles without their bodies (heads), and the bodies read back on demand,
//! a batch at a time: what lets a run hold the bodies of the documents it is writing
//! rather than every body of the store.
//!
//! Owns: the queries that read heads, bodies and sketches in id order, and the read-only
//! connections bodies are read through (one per thread that asks at once). Must not touch:
//! what the bodies are used for (publishing, stories), or any write.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context as _, Result};
use rusqlite::{Connection, OpenFlags, OptionalExtension as _, params};

use super::packing::Unpacker;
use super::{
    ARTICLE_COLUMNS, BUSY_TIMEOUT, SqliteStore as Store, raw_article, stories::apply_overrides,
};
use crate::model::{Evidence, StoredArticle, body_digest};

/// Reads article bodies by id from the state file, on any thread (see
/// [`Store::body_reader`]).
#[derive(Debug)]
pub struct BodyReader {
    path: String,
    /// Connections not in use, each with what unpacks the bodies read through it; a
    /// thread that finds none opens one.
    idle: Mutex<Vec<(Connection, Unpacker)>>,
    read: AtomicU64,
    largest: AtomicU64,
}

impl Store {
    /// Every stored article as [`Store::articles`] gives it, but without its body: the
    /// body is left in the store, `body_digest` stands for it (see
    /// [`StoredArticle::is_head`]), and the placement's evidence keeps only which fields
    /// placed the article (`field`, once each), not what they said or where they placed it.
    /// Bodies are read back with [`Store::body_reader`].
    pub fn article_heads(&self) -> Result<Vec<StoredArticle>> {
        let count: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))?;
        let mut st = self.conn.prepare(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles ORDER BY id"
        ))?;
        let rows = st.query_map([], raw_article)?;
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or_default());
        for r in rows {
            out.push(head(self.unpack(r?)?));
        }
        self.count_decoded(out.len());
        Ok(apply_overrides(out, &self.overrides()?))
    }

    /// How many articles each place holds, by code (one `GROUP BY` over
    /// `article_places`, which its index on `(code, n)` answers without reading an
    /// article), sorted by code. Every printing counts: the stories stage's folding of
    /// reprints into their leader is not applied.
    pub fn place_counts(&self) -> Result<Vec<(String, u64)>> {
        let mut st = self
            .conn
            .prepare("SELECT code, count(*) FROM article_places GROUP BY code ORDER BY code")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = Vec::new();
        for r in rows {
            let (code, k) = r?;
            out.push((code, u64::try_from(k).unwrap_or_default()));
        }
        Ok(out)
    }

    /// The heads (see [`Store::article_heads`]) of the last `limit` articles to arrive
    /// in place `code` (by arrival number, [`StoredArticle::arrival`]), newest arrival
    /// first; with `before`, of those that arrived before that number. Read through the
    /// index of `article_places` on `(code, n)` (the table is keyed `(n, code)` without
    /// a rowid, so its index on `code` holds `n` after it), backwards from the end.
    pub fn place_heads(
        &self,
        code: &str,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<StoredArticle>> {
        let (before, limit) = super::place_bounds(before, limit);
        let mut st = self.conn.prepare_cached(&place_heads_sql())?;
        let rows = st.query_map(params![code, before, limit], raw_article)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(head(self.unpack(r?)?));
        }
        self.count_decoded(out.len());
        Ok(apply_overrides(out, &self.overrides()?))
    }

    /// The heads of the articles `ids` that are in the store, sorted by id: what the
    /// stages that look at a few articles read instead of every head.
    pub fn heads_of(&self, ids: &[&str]) -> Result<Vec<StoredArticle>> {
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"
        ))?;
        let mut sorted: Vec<&str> = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Vec::with_capacity(sorted.len());
        for id in sorted {
            if let Some(r) = st.query_row(params![id], raw_article).optional()? {
                out.push(head(self.unpack(r)?));
            }
        }
        self.count_decoded(out.len());
        Ok(apply_overrides(out, &self.overrides()?))
    }

    /// A reader of article bodies by id that any thread may use while this store is open
    /// (read-only connections of their own to the same file). Fails on an in-memory
    /// store, which no other connection can see.
    pub fn body_reader(&self) -> Result<BodyReader> {
        let path = self
            .conn
            .path()
            .filter(|p| !p.is_empty())
            .context("an in-memory store has no body reader")?;
        Ok(BodyReader {
            path: path.to_string(),
            idle: Mutex::new(Vec::new()),
            read: AtomicU64::new(0),
            largest: AtomicU64::new(0),
        })
    }
}

/// What [`Store::place_heads`] asks: a place's articles before an arrival number, the
/// last first, a few of them.
fn place_heads_sql() -> String {
    let cols = super::qualified(ARTICLE_COLUMNS, "a");
    format!(
        "SELECT {cols} FROM article_places p JOIN articles a ON a.n = p.n
         WHERE p.code = ?1 AND p.n < ?2 ORDER BY p.n DESC LIMIT ?3"
    )
}

/// An article without its body, its evidence cut to the fields that placed it.
pub(super) fn head(mut a: StoredArticle) -> StoredArticle {
    a.body_digest = Some(body_digest(&a.article.body));
    a.article.body = String::new();
    let mut kept: Vec<Evidence> = Vec::new();
    for e in std::mem::take(&mut a.placement.evidence) {
        if !kept.iter().any(|k| k.field == e.field) {
            kept.push(Evidence {
                text: String::new(),
                field: e.field,
                code: String::new(),
                note: String::new(),
            });
        }
    }
    kept.shrink_to_fit();
    a.placement.evidence = kept;
    a
}

impl BodyReader {
    /// The bodies of the articles `ids`, in that order (one query). An id not in the store
    /// is an error: heads and bodies are read in one run, under its lock.
    pub fn bodies(&self, ids: &[&str]) -> Result<Vec<String>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.take()?;
        let got = read_bodies(&conn.0, &mut conn.1, ids);
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(conn);
        let got = got?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let body = got
                .get(*id)
                .cloned()
                .with_context(|| format!("article {id} is no longer in the state file"))?;
            out.push(body);
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

    fn take(&self) -> Result<(Connection, Unpacker)> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        if let Some(c) = idle {
            return Ok(c);
        }
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("cannot open the state file {} to read bodies", self.path))?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        Ok((conn, Unpacker::new()?))
    }
}

/// The bodies of `ids` by id (each article's `body` column, unpacked).
fn read_bodies(
    conn: &Connection,
    unpacker: &mut Unpacker,
    ids: &[&str],
) -> Result<std::collections::HashMap<String, String>> {
    let list = serde_json::to_string(ids)?;
    let mut st = conn.prepare_cached(
        "SELECT id, body, dict FROM articles WHERE id IN (SELECT value FROM json_each(?1))",
    )?;
    let mut rows = st.query(params![list])?;
    let mut out = std::collections::HashMap::with_capacity(ids.len());
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let body = unpacker
            .body(conn, r.get_ref(1)?.as_blob()?, r.get(2)?)
            .with_context(|| format!("article {id} in the store"))?;
        out.insert(id, body);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::new_article;
    use super::*;

    /// A place's last arrivals are an index range: read backwards through the index on
    /// `(code, n)`, no table scanned and nothing sorted, however many articles the store
    /// holds; the counts by place are a walk of that index.
    #[test]
    fn a_place_is_read_through_its_index_without_a_scan_or_a_sort() {
        let s = Store::open_in_memory().unwrap();
        let plan = |sql: &str| -> String {
            let mut st = s
                .conn
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .unwrap();
            let rows = st.query_map([], |r| r.get::<_, String>(3)).unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let p = plan(
            &place_heads_sql()
                .replace("?1", "'37'")
                .replace("?2", "9")
                .replace("?3", "5"),
        );
        assert!(
            p.contains("USING COVERING INDEX article_places_by_code (code=? AND n<?)"),
            "{p}"
        );
        assert!(!p.contains("SCAN") && !p.contains("TEMP B-TREE"), "{p}");
        let p = plan("SELECT code, count(*) FROM article_places GROUP BY code ORDER BY code");
        assert!(p.contains("COVERING INDEX article_places_by_code"), "{p}");
        assert!(!p.contains("TEMP B-TREE"), "{p}");
    }

    #[test]
    fn heads_leave_bodies_in_the_store_and_the_reader_brings_them_back() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("state.db")).unwrap();
        let now = chrono::DateTime::parse_from_rfc3339("2026-01-02T08:00:00+08:00").unwrap();
        s.ingest(
            "src",
            "a.txt",
            "h",
            1,
            &[new_article("x", "正文一"), new_article("y", "正文二")],
            &now,
        )
        .unwrap();
        let full = s.articles().unwrap();
        let heads = s.article_heads().unwrap();
        assert_eq!(heads.len(), 2);
        for (h, f) in heads.iter().zip(&full) {
            assert!(h.is_head() && h.article.body.is_empty());
            assert_eq!(h.digest_of_body(), f.digest_of_body());
            assert_eq!(h.article.title, f.article.title);
        }
        let r = s.body_reader().unwrap();
        assert_eq!(
            r.bodies(&["y", "x", "y"]).unwrap(),
            ["正文二", "正文一", "正文二"]
        );
        assert_eq!((r.bodies_read(), r.largest_batch()), (3, 3));
        assert!(r.bodies(&["gone"]).is_err());
        assert!(Store::open_in_memory().unwrap().body_reader().is_err());
    }
}
