//! Stories, the editor's overrides, fetch state and web subscriptions in PostgreSQL:
//! each method answers what the SQLite store's method of the same name answers.

use std::collections::HashMap;

use anyhow::{Context as _, Result};
use chrono::{DateTime, FixedOffset};

use super::super::fetches::FetchRecord;
use super::super::stories::OverrideRecord;
use super::super::subscriptions::PendingSubscription;
use super::{PgStore, parse_ts, ts};
use crate::model::{Override, Printing};

impl PgStore {
    /// Replaces what the store knows of stories with `members` (one transaction).
    pub fn set_stories(&mut self, members: &[(String, String)]) -> Result<()> {
        let (a, s): (Vec<&str>, Vec<&str>) = members
            .iter()
            .map(|(m, s)| (m.as_str(), s.as_str()))
            .unzip();
        self.atomically(|db| {
            db.exec("DELETE FROM article_stories", &[])?;
            db.exec(
                "INSERT INTO article_stories (article_id, story_id)
                 SELECT * FROM unnest($1::text[], $2::text[])
                 ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
                &[&a, &s],
            )?;
            Ok(())
        })
    }

    /// Every printing listed as part of another article's story, by printing id.
    pub fn story_members(&self) -> Result<Vec<(String, String)>> {
        Ok(self
            .rows(
                "SELECT article_id, story_id FROM article_stories ORDER BY article_id COLLATE \"C\"",
                &[],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    /// What one pass of the `stories` stage found, in one transaction (see the SQLite
    /// store).
    pub fn record_stories(
        &mut self,
        signed: &[&str],
        sketch: impl Fn(usize) -> Vec<u8>,
        before: &[(String, String)],
        after: &[(String, String)],
    ) -> Result<()> {
        self.atomically(|db| {
            let numbers: HashMap<String, i64> = db
                .rows("SELECT id, n FROM articles WHERE id = ANY($1)", &[&signed])?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let mut ns: Vec<i64> = Vec::with_capacity(signed.len());
            let mut sketches: Vec<Vec<u8>> = Vec::with_capacity(signed.len());
            for (k, id) in signed.iter().enumerate() {
                if let Some(n) = numbers.get(*id) {
                    // an id signed twice keeps its last sketch (one row per statement)
                    match ns.iter().position(|m| m == n) {
                        Some(at) => sketches[at] = sketch(k),
                        None => {
                            ns.push(*n);
                            sketches.push(sketch(k));
                        }
                    }
                }
                // a statement for every thousand, so that the sketches held stay few
                if ns.len() >= 1000 || (k + 1 == signed.len() && !ns.is_empty()) {
                    db.exec(
                        "INSERT INTO article_sketches (n, sketch)
                         SELECT * FROM unnest($1::bigint[], $2::bytea[])
                         ON CONFLICT (n) DO UPDATE SET sketch = excluded.sketch",
                        &[&ns, &sketches],
                    )?;
                    ns.clear();
                    sketches.clear();
                }
            }
            let before_map: HashMap<&str, &str> = before
                .iter()
                .map(|(a, s)| (a.as_str(), s.as_str()))
                .collect();
            let after_map: HashMap<&str, &str> = after
                .iter()
                .map(|(a, s)| (a.as_str(), s.as_str()))
                .collect();
            let gone: Vec<&str> = before_map
                .keys()
                .filter(|a| !after_map.contains_key(*a))
                .copied()
                .collect();
            db.exec(
                "DELETE FROM article_stories WHERE article_id = ANY($1)",
                &[&gone],
            )?;
            let (put_a, put_s): (Vec<&str>, Vec<&str>) = after
                .iter()
                .filter(|(a, s)| before_map.get(a.as_str()) != Some(&s.as_str()))
                .map(|(a, s)| (a.as_str(), s.as_str()))
                .unzip();
            db.exec(
                "INSERT INTO article_stories (article_id, story_id)
                 SELECT * FROM unnest($1::text[], $2::text[])
                 ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id",
                &[&put_a, &put_s],
            )?;
            Ok(())
        })
    }

    /// Forgets every story and every kept sketch.
    pub fn forget_stories(&mut self) -> Result<()> {
        self.atomically(|db| {
            db.exec("DELETE FROM article_stories", &[])?;
            db.exec("DELETE FROM article_sketches", &[])?;
            Ok(())
        })
    }

    /// Hands each kept sketch to `each`, with its article's id, in the order of ids.
    pub fn each_sketch(&self, mut each: impl FnMut(&str, &[u8])) -> Result<()> {
        for r in self.rows(
            "SELECT a.id, s.sketch FROM article_sketches s JOIN articles a ON a.n = s.n
             ORDER BY a.id COLLATE \"C\"",
            &[],
        )? {
            each(r.get::<_, &str>(0), r.get::<_, &[u8]>(1));
        }
        Ok(())
    }

    /// The ids of the stored articles that have no sketch kept, or one whose first byte
    /// is not `version` (kept by another version of the sketch), sorted.
    pub fn unsigned_articles(&self, version: u8) -> Result<Vec<String>> {
        Ok(self
            .rows(
                "SELECT a.id FROM articles a LEFT JOIN article_sketches s ON s.n = a.n
                 WHERE s.n IS NULL OR length(s.sketch) = 0 OR get_byte(s.sketch, 0) <> $1
                 ORDER BY a.id COLLATE \"C\"",
                &[&i32::from(version)],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    /// The sketches kept for the articles `ids` (those that have one): `(id, bytes)`,
    /// sorted by id.
    pub fn sketches_of(&self, ids: &[&str]) -> Result<Vec<(String, Vec<u8>)>> {
        Ok(self
            .rows(
                "SELECT a.id, s.sketch FROM articles a JOIN article_sketches s ON s.n = a.n
                 WHERE a.id = ANY($1) ORDER BY a.id COLLATE \"C\"",
                &[&ids],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    /// The story an article is a printing of, when it is not its own.
    pub fn story_of(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .row(
                "SELECT story_id FROM article_stories WHERE article_id = $1",
                &[&id],
            )?
            .map(|r| r.get(0)))
    }

    /// The printings of the story `id` leads (ids, sorted).
    pub fn printings_of(&self, id: &str) -> Result<Vec<String>> {
        Ok(self
            .rows(
                "SELECT article_id FROM article_stories WHERE story_id = $1
                 ORDER BY article_id COLLATE \"C\"",
                &[&id],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    /// The other printings of the story article `id` leads, in the order first seen.
    pub(crate) fn printings(&self, id: &str) -> Result<Vec<Printing>> {
        let mut out = Vec::new();
        for r in self.rows(
            "SELECT a.id, a.source, a.publication, a.first_seen
             FROM article_stories s JOIN articles a ON a.id = s.article_id
             WHERE s.story_id = $1",
            &[&id],
        )? {
            let first: String = r.get(3);
            out.push(Printing {
                id: r.get(0),
                source: r.get(1),
                publication: r.get(2),
                first_seen: parse_ts(&first)?,
                arrival: 0,
                entered: None,
            });
        }
        out.sort_by(|x, y| (x.first_seen, &x.id).cmp(&(y.first_seen, &y.id)));
        Ok(out)
    }

    /// Every article id that stands for the same story as `id`.
    pub(crate) fn story_ids(&self, id: &str) -> Result<Vec<String>> {
        let story = self.story_of(id)?.unwrap_or_else(|| id.to_string());
        let mut out = self.printings_of(&story)?;
        out.push(story);
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Sets (or replaces) the override of article `id`; fails when no such article is
    /// stored.
    pub fn set_override(
        &mut self,
        id: &str,
        fix: &Override,
        codes: Option<&[String]>,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        let exists = self
            .row("SELECT 1 FROM articles WHERE id = $1", &[&id])?
            .is_some();
        anyhow::ensure!(exists, "no stored article has the id {id:?}");
        let mut fix = fix.clone();
        fix.set = Some(*now);
        let codes = codes.map(serde_json::to_string).transpose()?;
        self.exec(
            "INSERT INTO overrides (article_id, override, codes, set_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (article_id) DO UPDATE SET override = $2, codes = $3, set_at = $4",
            &[&id, &serde_json::to_string(&fix)?, &codes, &ts(now)],
        )?;
        Ok(())
    }

    /// Removes the override of article `id`; false when it had none.
    pub fn remove_override(&mut self, id: &str) -> Result<bool> {
        Ok(self.exec("DELETE FROM overrides WHERE article_id = $1", &[&id])? > 0)
    }

    /// The override of article `id`, if any.
    pub fn override_of(&self, id: &str) -> Result<Option<OverrideRecord>> {
        Ok(self.overrides()?.remove(id))
    }

    /// Every override, by article id.
    pub fn overrides(&self) -> Result<HashMap<String, OverrideRecord>> {
        let mut out = HashMap::new();
        for r in self.rows(
            "SELECT article_id, override, codes, set_at FROM overrides",
            &[],
        )? {
            let id: String = r.get(0);
            let fix: String = r.get(1);
            let codes: Option<String> = r.get(2);
            let set_at: String = r.get(3);
            let fix: Override = serde_json::from_str(&fix)
                .with_context(|| format!("override of article {id} in the store"))?;
            let codes: Option<Vec<String>> = codes
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .with_context(|| format!("override codes of article {id} in the store"))?;
            out.insert(
                id.clone(),
                OverrideRecord {
                    article_id: id,
                    fix,
                    codes,
                    set_at: parse_ts(&set_at)?,
                },
            );
        }
        Ok(out)
    }

    /// What is known of a URL.
    pub fn fetch_record(&self, url: &str) -> Result<Option<FetchRecord>> {
        Ok(self
            .row(
                &format!("SELECT {FETCH_COLUMNS} FROM fetches WHERE url = $1"),
                &[&url],
            )?
            .as_ref()
            .map(fetch_record))
    }

    /// Every URL known, by source and URL.
    pub fn fetch_records(&self) -> Result<Vec<FetchRecord>> {
        Ok(self
            .rows(
                &format!(
                    "SELECT {FETCH_COLUMNS} FROM fetches ORDER BY source COLLATE \"C\", url COLLATE \"C\""
                ),
                &[],
            )?
            .iter()
            .map(fetch_record)
            .collect())
    }

    /// Records what asking a URL gave (replacing what was known).
    pub fn record_fetch(&mut self, r: &FetchRecord) -> Result<()> {
        self.exec(
            &format!(
                "INSERT INTO fetches ({FETCH_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
                 ON CONFLICT (url) DO UPDATE SET source = $2, etag = $3, last_modified = $4,
                 last_fetch = $5, status = $6, http_status = $7, error = $8, failures = $9,
                 next_fetch = $10, ttl_mins = $11, skip_hours = $12"
            ),
            &[
                &r.url,
                &r.source,
                &r.etag,
                &r.last_modified,
                &r.last_fetch,
                &r.status,
                &r.http_status,
                &r.error,
                &r.failures,
                &r.next_fetch,
                &r.ttl_mins,
                &r.skip_hours,
            ],
        )?;
        Ok(())
    }

    /// A page fetched earlier for its full text: its bytes and declared charset.
    pub fn cached_page(&self, url: &str) -> Result<Option<(Vec<u8>, Option<String>)>> {
        Ok(self
            .row(
                "SELECT body, charset FROM fetched_pages WHERE url = $1",
                &[&url],
            )?
            .map(|r| (r.get(0), r.get(1))))
    }

    /// Keeps a page fetched for its full text.
    pub fn cache_page(
        &mut self,
        url: &str,
        body: &[u8],
        charset: Option<&str>,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO fetched_pages (url, body, charset, fetched) VALUES ($1, $2, $3, $4)
             ON CONFLICT (url) DO UPDATE SET body = $2, charset = $3, fetched = $4",
            &[&url, &body, &charset, &ts(now)],
        )?;
        Ok(())
    }

    /// Records a pending subscription (replacing one with the same nonce).
    pub fn add_pending_subscription(&mut self, p: &PendingSubscription) -> Result<()> {
        self.exec(
            "INSERT INTO pending_subscriptions
             (nonce, email, localities, schedule, timezone, created, expires)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (nonce) DO UPDATE SET email = $2, localities = $3, schedule = $4,
             timezone = $5, created = $6, expires = $7",
            &[
                &p.nonce,
                &p.email,
                &serde_json::to_string(&p.localities)?,
                &p.schedule,
                &p.timezone,
                &p.created,
                &p.expires,
            ],
        )?;
        Ok(())
    }

    /// One pending subscription by its nonce.
    pub fn pending_subscription(&self, nonce: &str) -> Result<Option<PendingSubscription>> {
        self.row(
            &format!("SELECT {PENDING_COLUMNS} FROM pending_subscriptions WHERE nonce = $1"),
            &[&nonce],
        )?
        .as_ref()
        .map(pending)
        .transpose()
    }

    /// The pending subscriptions whose link still works at `now`, by address and age.
    pub fn pending_subscriptions(&self, now: i64) -> Result<Vec<PendingSubscription>> {
        self.rows(
            &format!(
                "SELECT {PENDING_COLUMNS} FROM pending_subscriptions WHERE expires >= $1
                 ORDER BY email COLLATE \"C\", created, nonce COLLATE \"C\""
            ),
            &[&now],
        )?
        .iter()
        .map(pending)
        .collect()
    }

    /// Removes a pending subscription; false when it was not there.
    pub fn remove_pending_subscription(&mut self, nonce: &str) -> Result<bool> {
        Ok(self.exec(
            "DELETE FROM pending_subscriptions WHERE nonce = $1",
            &[&nonce],
        )? > 0)
    }

    /// Removes expired pending subscriptions and old counted attempts.
    pub fn prune_subscriptions(&mut self, before: i64, attempts_before: i64) -> Result<usize> {
        let a = self.exec(
            "DELETE FROM pending_subscriptions WHERE expires < $1",
            &[&before],
        )?;
        let b = self.exec(
            "DELETE FROM subscribe_attempts WHERE at < $1",
            &[&attempts_before],
        )?;
        Ok((a + b) as usize)
    }

    /// Counts one attempt under `key` at `now` when fewer than `limit` were counted since
    /// `since` (check and count under one lock on the key, so that two `serve` processes
    /// cannot both count the last one).
    pub fn count_attempt(&mut self, key: &str, since: i64, limit: u32, now: i64) -> Result<bool> {
        self.atomically(|db| {
            db.exec("SELECT pg_advisory_xact_lock(hashtext($1))", &[&key])?;
            let n: i64 = db.value(
                "SELECT count(*) FROM subscribe_attempts WHERE key = $1 AND at >= $2",
                &[&key, &since],
            )?;
            if n >= i64::from(limit) {
                return Ok(false);
            }
            db.exec(
                "INSERT INTO subscribe_attempts (key, at) VALUES ($1, $2)",
                &[&key, &now],
            )?;
            Ok(true)
        })
    }
}

const FETCH_COLUMNS: &str = "url, source, etag, last_modified, last_fetch, status, http_status, error, failures, next_fetch, ttl_mins, skip_hours";

fn fetch_record(r: &postgres::Row) -> FetchRecord {
    FetchRecord {
        url: r.get(0),
        source: r.get(1),
        etag: r.get(2),
        last_modified: r.get(3),
        last_fetch: r.get(4),
        status: r.get(5),
        http_status: r.get(6),
        error: r.get(7),
        failures: r.get(8),
        next_fetch: r.get(9),
        ttl_mins: r.get(10),
        skip_hours: r.get(11),
    }
}

const PENDING_COLUMNS: &str = "nonce, email, localities, schedule, timezone, created, expires";

fn pending(r: &postgres::Row) -> Result<PendingSubscription> {
    let localities: String = r.get(2);
    Ok(PendingSubscription {
        nonce: r.get(0),
        email: r.get(1),
        localities: serde_json::from_str(&localities)?,
        schedule: r.get(3),
        timezone: r.get(4),
        created: r.get(5),
        expires: r.get(6),
    })
}
