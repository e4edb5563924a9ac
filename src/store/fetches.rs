//! What the store keeps of network sources: per URL, the validators for conditional
//! requests, the last answer, failures in a row and when it may be asked again; and the
//! pages fetched for full text, so each is fetched once.

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params};

use super::{SqliteStore as Store, ts};

/// What is known of one fetched URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRecord {
    /// The URL.
    pub url: String,
    /// The source it belongs to.
    pub source: String,
    /// The `ETag` of the last full answer.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last full answer.
    pub last_modified: Option<String>,
    /// When it was last asked (RFC 3339).
    pub last_fetch: String,
    /// `ok`, `not-modified`, `failed` or `later` (the server asked to come back).
    pub status: String,
    /// The HTTP status of the last answer, when there was one.
    pub http_status: Option<i64>,
    /// Why the last request failed.
    pub error: Option<String>,
    /// Failures in a row.
    pub failures: i64,
    /// Not to be asked before this time (RFC 3339): backoff, `Retry-After`, a feed's
    /// `<ttl>`, the source's `min_interval_mins`.
    pub next_fetch: Option<String>,
    /// The `<ttl>` of the feed's last full answer, in minutes.
    pub ttl_mins: Option<i64>,
    /// The `<skipHours>` of the feed's last full answer (GMT hours, comma-separated).
    pub skip_hours: Option<String>,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FetchRecord> {
    Ok(FetchRecord {
        url: r.get(0)?,
        source: r.get(1)?,
        etag: r.get(2)?,
        last_modified: r.get(3)?,
        last_fetch: r.get(4)?,
        status: r.get(5)?,
        http_status: r.get(6)?,
        error: r.get(7)?,
        failures: r.get(8)?,
        next_fetch: r.get(9)?,
        ttl_mins: r.get(10)?,
        skip_hours: r.get(11)?,
    })
}

const COLUMNS: &str = "url, source, etag, last_modified, last_fetch, status, http_status, error, failures, next_fetch, ttl_mins, skip_hours";

impl Store {
    /// What is known of a URL.
    pub fn fetch_record(&self, url: &str) -> Result<Option<FetchRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM fetches WHERE url = ?1"),
                params![url],
                row,
            )
            .optional()?)
    }

    /// Every URL known, by source and URL.
    pub fn fetch_records(&self) -> Result<Vec<FetchRecord>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM fetches ORDER BY source, url"
        ))?;
        let rows = st.query_map([], row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records what asking a URL gave (replacing what was known).
    pub fn record_fetch(&mut self, r: &FetchRecord) -> Result<()> {
        self.conn.execute(
            &format!(
                "INSERT OR REPLACE INTO fetches ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ),
            params![
                r.url,
                r.source,
                r.etag,
                r.last_modified,
                r.last_fetch,
                r.status,
                r.http_status,
                r.error,
                r.failures,
                r.next_fetch,
                r.ttl_mins,
                r.skip_hours
            ],
        )?;
        Ok(())
    }

    /// A page fetched earlier for its full text: its bytes and declared charset.
    pub fn cached_page(&self, url: &str) -> Result<Option<(Vec<u8>, Option<String>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT body, charset FROM fetched_pages WHERE url = ?1",
                params![url],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Keeps a page fetched for its full text.
    pub fn cache_page(
        &mut self,
        url: &str,
        body: &[u8],
        charset: Option<&str>,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO fetched_pages (url, body, charset, fetched) VALUES (?1, ?2, ?3, ?4)",
            params![url, body, charset, ts(now)],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetch_records_and_pages_round_trip() {
        let mut s = Store::open_in_memory().unwrap();
        let r = FetchRecord {
            url: "http://x.example/feed".into(),
            source: "f".into(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            last_fetch: "2026-01-02T08:00:00+08:00".into(),
            status: "ok".into(),
            http_status: Some(200),
            error: None,
            failures: 0,
            next_fetch: None,
            ttl_mins: Some(60),
            skip_hours: Some("0,1".into()),
        };
        s.record_fetch(&r).unwrap();
        assert_eq!(s.fetch_record(&r.url).unwrap(), Some(r.clone()));
        let failed = FetchRecord {
            status: "failed".into(),
            failures: 1,
            ..r.clone()
        };
        s.record_fetch(&failed).unwrap();
        assert_eq!(s.fetch_records().unwrap(), [failed]);
        let now = DateTime::parse_from_rfc3339("2026-01-02T08:00:00+08:00").unwrap();
        s.cache_page("http://x.example/1", b"<p>a</p>", Some("gbk"), &now)
            .unwrap();
        assert_eq!(
            s.cached_page("http://x.example/1").unwrap(),
            Some((b"<p>a</p>".to_vec(), Some("gbk".into())))
        );
    }
}
