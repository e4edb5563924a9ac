//! Digest state in PostgreSQL: subscribers, what each was sent, and the outbox that
//! several workers share.
//!
//! A worker claims due rows with `SELECT … FOR UPDATE SKIP LOCKED` and sets its lease on
//! them in the same statement ([`PgStore::outbox_claim`]); another worker's claim skips
//! the rows locked or leased, so no row is handed to two workers. A row is marked sent
//! after the server accepted it; a worker that dies holding rows leaves them to be
//! claimed again once their lease ran out (its Message-ID, derived from the digest,
//! lets receiving servers drop the copy should the first one have gone out).

use std::collections::HashSet;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use postgres::Row;

use super::super::digests::{OutboxEntry, OutboxStatus, Subscriber, SubscriberUpdate};
use super::{PgStore, parse_ts, ts};

/// How long a claim keeps other workers off the rows it took.
const LEASE: chrono::TimeDelta = chrono::TimeDelta::minutes(15);

/// How many rows one claim takes.
const CLAIM: i64 = 20;

const SUBSCRIBER_COLS: &str =
    "email, token_id, localities, codes, schedule, timezone, plain_text_only,
    origin, unsubscribed, created, digested_until, last_slot, suspended, suspended_reason";

fn opt_ts(s: Option<String>) -> Result<Option<DateTime<FixedOffset>>> {
    s.as_deref().map(parse_ts).transpose()
}

fn subscriber(r: &Row) -> Result<Subscriber> {
    let localities: String = r.get(2);
    let codes: String = r.get(3);
    let created: String = r.get(9);
    let until: String = r.get(10);
    let reason: Option<String> = r.get(13);
    Ok(Subscriber {
        chosen: SubscriberUpdate {
            email: r.get(0),
            token_id: r.get(1),
            localities: serde_json::from_str(&localities)?,
            codes: serde_json::from_str(&codes)?,
            schedule: r.get(4),
            timezone: r.get(5),
            plain_text_only: r.get(6),
            origin: r.get(7),
        },
        unsubscribed: opt_ts(r.get(8))?,
        created: parse_ts(&created)?,
        digested_until: parse_ts(&until)?,
        last_slot: opt_ts(r.get(11))?,
        suspended: opt_ts(r.get(12))?.map(|at| (at, reason.unwrap_or_default())),
    })
}

const OUTBOX_COLS: &str = "id, message_id, email, subject, articles, message, status, attempts,
    next_attempt, last_error, created, finished";

fn status(s: &str) -> OutboxStatus {
    match s {
        "sent" => OutboxStatus::Sent,
        "failed" => OutboxStatus::Failed,
        "cancelled" => OutboxStatus::Cancelled,
        _ => OutboxStatus::Pending,
    }
}

fn outbox_entry(r: &Row) -> Result<OutboxEntry> {
    let st: String = r.get(6);
    let next: String = r.get(8);
    let created: String = r.get(10);
    Ok(OutboxEntry {
        id: r.get(0),
        message_id: r.get(1),
        email: r.get(2),
        subject: r.get(3),
        articles: r.get(4),
        message: r.get(5),
        status: status(&st),
        attempts: r.get(7),
        next_attempt: parse_ts(&next)?,
        last_error: r.get(9),
        created: parse_ts(&created)?,
        finished: opt_ts(r.get(11))?,
    })
}

impl PgStore {
    /// Adds a subscriber or updates one, keeping its marks and history (see the SQLite
    /// store). Returns true when the subscriber is new.
    pub fn upsert_subscriber(
        &mut self,
        s: &SubscriberUpdate,
        initial_mark: &DateTime<FixedOffset>,
        resubscribe: bool,
        now: &DateTime<FixedOffset>,
    ) -> Result<bool> {
        let localities = serde_json::to_string(&s.localities)?;
        let codes = serde_json::to_string(&s.codes)?;
        self.atomically(|db| {
            let exists = db
                .row(
                    "SELECT 1 FROM subscribers WHERE email = $1 FOR UPDATE",
                    &[&s.email],
                )?
                .is_some();
            if exists {
                db.exec(
                    "UPDATE subscribers SET token_id = $2, localities = $3, codes = $4, schedule = $5,
                     timezone = $6, plain_text_only = $7, origin = $8,
                     unsubscribed = CASE WHEN $9 THEN NULL ELSE unsubscribed END,
                     suspended = CASE WHEN $9 THEN NULL ELSE suspended END,
                     suspended_reason = CASE WHEN $9 THEN NULL ELSE suspended_reason END
                     WHERE email = $1",
                    &[
                        &s.email,
                        &s.token_id,
                        &localities,
                        &codes,
                        &s.schedule,
                        &s.timezone,
                        &s.plain_text_only,
                        &s.origin,
                        &resubscribe,
                    ],
                )?;
            } else {
                db.exec(
                    "INSERT INTO subscribers (email, token_id, localities, codes, schedule, timezone,
                     plain_text_only, origin, unsubscribed, created, digested_until, last_slot)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, $9, $10, NULL)",
                    &[
                        &s.email,
                        &s.token_id,
                        &localities,
                        &codes,
                        &s.schedule,
                        &s.timezone,
                        &s.plain_text_only,
                        &s.origin,
                        &ts(now),
                        &ts(initial_mark),
                    ],
                )?;
            }
            Ok(!exists)
        })
    }

    /// Removes a subscriber, its history and its unsent digests.
    pub fn remove_subscriber(&mut self, email: &str) -> Result<bool> {
        self.atomically(|db| {
            db.exec(
                "UPDATE outbox SET status = 'cancelled' WHERE email = $1 AND status = 'pending'",
                &[&email],
            )?;
            Ok(db.exec("DELETE FROM subscribers WHERE email = $1", &[&email])? > 0)
        })
    }

    /// Removes the subscribers that came from configuration and are no longer in it.
    pub fn prune_config_subscribers(&mut self, keep: &[String]) -> Result<Vec<String>> {
        let keep: HashSet<&str> = keep.iter().map(String::as_str).collect();
        let gone: Vec<String> = self
            .subscribers()?
            .into_iter()
            .filter(|s| s.origin == "config" && !keep.contains(s.email.as_str()))
            .map(|s| s.chosen.email)
            .collect();
        for email in &gone {
            self.remove_subscriber(email)?;
        }
        Ok(gone)
    }

    /// Every subscriber, by address.
    pub fn subscribers(&self) -> Result<Vec<Subscriber>> {
        self.rows(
            &format!("SELECT {SUBSCRIBER_COLS} FROM subscribers ORDER BY email COLLATE \"C\""),
            &[],
        )?
        .iter()
        .map(subscriber)
        .collect()
    }

    /// One subscriber by address.
    pub fn subscriber(&self, email: &str) -> Result<Option<Subscriber>> {
        self.row(
            &format!("SELECT {SUBSCRIBER_COLS} FROM subscribers WHERE email = $1"),
            &[&email],
        )?
        .as_ref()
        .map(subscriber)
        .transpose()
    }

    /// One subscriber by the id their tokens carry, current or earlier.
    pub fn subscriber_by_token(&self, token_id: &str) -> Result<Option<Subscriber>> {
        self.row(
            &format!(
                "(SELECT {SUBSCRIBER_COLS}, 0 AS k FROM subscribers WHERE token_id = $1)
                 UNION ALL
                 (SELECT {SUBSCRIBER_COLS}, 1 AS k FROM subscribers WHERE old_token_id = $1)
                 ORDER BY k LIMIT 1"
            ),
            &[&token_id],
        )?
        .as_ref()
        .map(subscriber)
        .transpose()
    }

    /// Gives every subscriber the token id `id_of` makes from their address, keeping the
    /// one it replaces.
    pub fn renew_token_ids(&mut self, id_of: &dyn Fn(&str) -> String) -> Result<usize> {
        self.atomically(|db| {
            let rows: Vec<(String, String)> = db
                .rows("SELECT email, token_id FROM subscribers", &[])?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let mut changed = 0;
            for (email, old) in rows {
                let new = id_of(&email);
                if new != old {
                    db.exec(
                        "UPDATE subscribers SET token_id = $2, old_token_id = $3 WHERE email = $1",
                        &[&email, &new, &old],
                    )?;
                    changed += 1;
                }
            }
            Ok(changed)
        })
    }

    /// Records an unsubscription; unsent digests are dropped.
    pub fn unsubscribe(&mut self, email: &str, now: &DateTime<FixedOffset>) -> Result<bool> {
        self.atomically(|db| {
            db.exec(
                "UPDATE outbox SET status = 'cancelled' WHERE email = $1 AND status = 'pending'",
                &[&email],
            )?;
            Ok(db.exec(
                "UPDATE subscribers SET unsubscribed = coalesce(unsubscribed, $2) WHERE email = $1",
                &[&email, &ts(now)],
            )? > 0)
        })
    }

    /// Suspends digests to `email` when its last `limit` finished digests all failed.
    pub fn suspend_if_bouncing(
        &mut self,
        email: &str,
        limit: u32,
        reason: &str,
        now: &DateTime<FixedOffset>,
    ) -> Result<bool> {
        if limit == 0 {
            return Ok(false);
        }
        self.atomically(|db| {
            let failed: i64 = db.value(
                "SELECT count(*) FROM (SELECT status FROM outbox
                 WHERE email = $1 AND status IN ('sent', 'failed')
                 ORDER BY finished COLLATE \"C\" DESC NULLS LAST, id DESC LIMIT $2) f WHERE status = 'failed'",
                &[&email, &i64::from(limit)],
            )?;
            let n = if failed >= i64::from(limit) {
                db.exec(
                    "UPDATE subscribers SET suspended = $2, suspended_reason = $3
                     WHERE email = $1 AND suspended IS NULL",
                    &[&email, &ts(now), &reason],
                )?
            } else {
                0
            };
            Ok(n > 0)
        })
    }

    /// Which of `ids` have already gone into a digest for `email` (the article or another
    /// printing of its story).
    pub fn digested_articles(&self, email: &str, ids: &[String]) -> Result<HashSet<String>> {
        let mut out = HashSet::new();
        for id in ids {
            let same = self.story_ids(id)?;
            if self
                .row(
                    "SELECT 1 FROM digest_items WHERE email = $1 AND article_id = ANY($2) LIMIT 1",
                    &[&email, &same],
                )?
                .is_some()
            {
                out.insert(id.clone());
            }
        }
        Ok(out)
    }

    /// Records a composed digest in one transaction (see the SQLite store).
    #[allow(clippy::too_many_arguments)]
    pub fn enqueue_digest(
        &mut self,
        email: &str,
        message_id: &str,
        subject: &str,
        message: &[u8],
        article_ids: &[String],
        digested_until: &DateTime<FixedOffset>,
        slot: &DateTime<FixedOffset>,
        now: &DateTime<FixedOffset>,
    ) -> Result<i64> {
        self.atomically(|db| {
            let current: String = db.value(
                "SELECT digested_until FROM subscribers WHERE email = $1 FOR UPDATE",
                &[&email],
            )?;
            let id: i64 = db.value(
                "INSERT INTO outbox (message_id, email, subject, articles, message, status, attempts,
                 next_attempt, next_at, created)
                 VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $6) RETURNING id",
                &[
                    &message_id,
                    &email,
                    &subject,
                    &(article_ids.len() as i64),
                    &message,
                    &ts(now),
                    now,
                ],
            )?;
            db.exec(
                "INSERT INTO digest_items (email, article_id, outbox_id)
                 SELECT $1, unnest($2::text[]), $3 ON CONFLICT DO NOTHING",
                &[&email, &article_ids, &id],
            )?;
            let mark = parse_ts(&current)?.max(*digested_until);
            db.exec(
                "UPDATE subscribers SET digested_until = $2, last_slot = $3 WHERE email = $1",
                &[&email, &ts(&mark), &ts(slot)],
            )?;
            Ok(id)
        })
    }

    /// Records that a schedule slot was handled with nothing to send.
    pub fn mark_slot(&mut self, email: &str, slot: &DateTime<FixedOffset>) -> Result<()> {
        self.exec(
            "UPDATE subscribers SET last_slot = $2 WHERE email = $1",
            &[&email, &ts(slot)],
        )?;
        Ok(())
    }

    /// True when a digest for `email` is recorded and not yet sent.
    pub fn has_pending_digest(&self, email: &str) -> Result<bool> {
        self.value(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE email = $1 AND status = 'pending')",
            &[&email],
        )
    }

    /// Outbox entries, oldest first; only those with `status` when given.
    pub fn outbox(&self, status: Option<OutboxStatus>) -> Result<Vec<OutboxEntry>> {
        let status = status.map(OutboxStatus::as_str);
        self.rows(
            &format!(
                "SELECT {OUTBOX_COLS} FROM outbox WHERE $1::text IS NULL OR status = $1 ORDER BY id"
            ),
            &[&status],
        )?
        .iter()
        .map(outbox_entry)
        .collect()
    }

    /// Pending entries whose next attempt is due at `now`, oldest first (whoever holds
    /// them).
    pub fn outbox_due(&self, now: &DateTime<FixedOffset>) -> Result<Vec<OutboxEntry>> {
        self.rows(
            &format!(
                "SELECT {OUTBOX_COLS} FROM outbox WHERE status = 'pending' AND next_at <= $1
                 ORDER BY id"
            ),
            &[now],
        )?
        .iter()
        .map(outbox_entry)
        .collect()
    }

    /// Claims up to 20 pending entries due at `now` that no other worker holds:
    /// they are this worker's until they are marked sent, retried or failed, or their
    /// lease (15 minutes after `now`) runs out. Oldest first.
    pub fn outbox_claim(&mut self, now: &DateTime<FixedOffset>) -> Result<Vec<OutboxEntry>> {
        let lease = *now + LEASE;
        let worker = self.worker.clone();
        let cols = OUTBOX_COLS
            .split(',')
            .map(|c| format!("o.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let mut rows = self
            .rows(
                &format!(
                    "UPDATE outbox o SET claimed_by = $2, lease_until = $3
                     FROM (SELECT id FROM outbox
                           WHERE status = 'pending' AND next_at <= $1
                             AND (lease_until IS NULL OR lease_until <= $1)
                           ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED) c
                     WHERE o.id = c.id RETURNING {cols}"
                ),
                &[now, &worker, &lease, &CLAIM],
            )?
            .iter()
            .map(outbox_entry)
            .collect::<Result<Vec<_>>>()?;
        rows.sort_by_key(|e| e.id);
        Ok(rows)
    }

    /// Marks an entry sent (committed before it returns).
    pub fn outbox_sent(&mut self, id: i64, now: &DateTime<FixedOffset>) -> Result<()> {
        self.exec(
            "UPDATE outbox SET status = 'sent', finished = $2, claimed_by = NULL, lease_until = NULL
             WHERE id = $1",
            &[&id, &ts(now)],
        )?;
        Ok(())
    }

    /// Records a transient failure: one more attempt, tried again at `next_attempt`.
    pub fn outbox_retry(
        &mut self,
        id: i64,
        error: &str,
        next_attempt: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.exec(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $2, next_attempt = $3,
             next_at = $4, claimed_by = NULL, lease_until = NULL
             WHERE id = $1 AND status = 'pending'",
            &[&id, &error, &ts(next_attempt), next_attempt],
        )?;
        Ok(())
    }

    /// Records a permanent failure: the entry is not tried again.
    pub fn outbox_failed(
        &mut self,
        id: i64,
        error: &str,
        now: &DateTime<FixedOffset>,
    ) -> Result<()> {
        self.exec(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2,
             finished = $3, claimed_by = NULL, lease_until = NULL WHERE id = $1",
            &[&id, &error, &ts(now)],
        )?;
        Ok(())
    }

    /// Outbox entries per status: (pending, sent, failed).
    pub fn outbox_counts(&self) -> Result<(i64, i64, i64)> {
        let r = self
            .row(
                "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'sent'),
                 count(*) FILTER (WHERE status = 'failed') FROM outbox",
                &[],
            )?
            .ok_or_else(|| anyhow::anyhow!("no outbox counts"))?;
        Ok((r.get(0), r.get(1), r.get(2)))
    }
}
