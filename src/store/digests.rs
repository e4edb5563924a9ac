//! Digest state: subscribers and their places, the articles each has been sent, the
//! per-subscriber "digested up to" marks and the outbox.
//!
//! Owns: the SQL of these tables. A digest is recorded (message bytes, Message-ID, the
//! articles it holds and the subscriber's new mark) in one transaction before it is sent,
//! and marked sent only after the server accepted it. Must not touch: rendering, email,
//! the clock (callers pass times in).

use std::collections::HashSet;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};
use rusqlite::{OptionalExtension, params};

use super::{SqliteStore as Store, parse_ts, ts};

/// A subscriber as stored: what configuration or a command set (read through `Deref`:
/// `sub.email`, `sub.codes`), and what the store keeps of its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    /// The fields configuration or a command sets.
    pub chosen: SubscriberUpdate,
    /// When the subscriber unsubscribed, if they did.
    pub unsubscribed: Option<DateTime<FixedOffset>>,
    /// When the subscriber was added.
    pub created: DateTime<FixedOffset>,
    /// Articles first seen at or before this time have been considered for a digest.
    pub digested_until: DateTime<FixedOffset>,
    /// The last schedule slot handled (a digest recorded, or nothing new).
    pub last_slot: Option<DateTime<FixedOffset>>,
    /// When digests to this address were suspended after repeated permanent failures
    /// (an address that bounces), and the last failure; cleared by adding it again.
    pub suspended: Option<(DateTime<FixedOffset>, String)>,
}

impl std::ops::Deref for Subscriber {
    type Target = SubscriberUpdate;

    fn deref(&self) -> &SubscriberUpdate {
        &self.chosen
    }
}

/// The fields of a subscriber that configuration or a command sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriberUpdate {
    /// The address (the key).
    pub email: String,
    /// The opaque id carried by the subscriber's tokens.
    pub token_id: String,
    /// The places followed, as given.
    pub localities: Vec<String>,
    /// The division codes they resolved to.
    pub codes: Vec<String>,
    /// The schedule.
    pub schedule: String,
    /// The schedule's time zone.
    pub timezone: String,
    /// Only a plain-text part.
    pub plain_text_only: bool,
    /// `config` (from `config.toml`, kept in step with it), `cli` (added by command) or
    /// `web` (confirmed on the subscription page).
    pub origin: String,
}

/// The state of an outbox entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Recorded, not yet accepted by the server.
    Pending,
    /// Accepted by the server (or written to the outbox folder).
    Sent,
    /// Refused for good (5xx) or given up after too many attempts.
    Failed,
    /// Dropped because the subscriber left before it was sent.
    Cancelled,
}

impl OutboxStatus {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => Self::Pending,
        }
    }
}

/// One digest in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    /// Row number.
    pub id: i64,
    /// The message's Message-ID (kept on every retry).
    pub message_id: String,
    /// The recipient.
    pub email: String,
    /// The subject, for listings.
    pub subject: String,
    /// Articles in the digest.
    pub articles: i64,
    /// The message bytes, exactly as sent.
    pub message: Vec<u8>,
    /// Where it stands.
    pub status: OutboxStatus,
    /// Delivery attempts that failed.
    pub attempts: i64,
    /// Not to be tried before this time.
    pub next_attempt: DateTime<FixedOffset>,
    /// The last failure.
    pub last_error: Option<String>,
    /// When it was recorded.
    pub created: DateTime<FixedOffset>,
    /// When it was sent or given up.
    pub finished: Option<DateTime<FixedOffset>>,
}

const SUBSCRIBER_COLS: &str =
    "email, token_id, localities, codes, schedule, timezone, plain_text_only,
    origin, unsubscribed, created, digested_until, last_slot, suspended, suspended_reason";

type RawSubscriber = (
    String,
    String,
    String,
    String,
    String,
    String,
    bool,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn raw_subscriber(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawSubscriber> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
        r.get(8)?,
        r.get(9)?,
        r.get(10)?,
        r.get(11)?,
        r.get(12)?,
        r.get(13)?,
    ))
}

fn opt_ts(s: Option<String>) -> Result<Option<DateTime<FixedOffset>>> {
    s.as_deref().map(parse_ts).transpose()
}

fn to_subscriber(r: RawSubscriber) -> Result<Subscriber> {
    Ok(Subscriber {
        chosen: SubscriberUpdate {
            email: r.0,
            token_id: r.1,
            localities: serde_json::from_str(&r.2)?,
            codes: serde_json::from_str(&r.3)?,
            schedule: r.4,
            timezone: r.5,
            plain_text_only: r.6,
            origin: r.7,
        },
        unsubscribed: opt_ts(r.8)?,
        created: parse_ts(&r.9)?,
        digested_until: parse_ts(&r.10)?,
        last_slot: opt_ts(r.11)?,
        suspended: match opt_ts(r.12)? {
            Some(at) => Some((at, r.13.unwrap_or_default())),
            None => None,
        },
    })
}

const OUTBOX_COLS: &str = "id, message_id, email, subject, articles, message, status, attempts,
    next_attempt, last_error, created, finished";

fn row_to_outbox(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<(OutboxEntry, String, String, Option<String>)> {
    let status: String = r.get(6)?;
    let next: String = r.get(8)?;
    let created: String = r.get(10)?;
    let finished: Option<String> = r.get(11)?;
    let placeholder = DateTime::<FixedOffset>::default();
    Ok((
        OutboxEntry {
            id: r.get(0)?,
            message_id: r.get(1)?,
            email: r.get(2)?,
            subject: r.get(3)?,
            articles: r.get(4)?,
            message: r.get(5)?,
            status: OutboxStatus::parse(&status),
            attempts: r.get(7)?,
            next_attempt: placeholder,
            last_error: r.get(9)?,
            created: placeholder,
            finished: None,
        },
        next,
        created,
        finished,
    ))
}

fn finish_outbox(raw: (OutboxEntry, String, String, Option<String>)) -> Result<OutboxEntry> {
    let (mut e, next, created, finished) = raw;
    e.next_attempt = parse_ts(&next)?;
    e.created = parse_ts(&created)?;
    e.finished = opt_ts(finished)?;
    Ok(e)
}

impl Store {
    /// Adds a subscriber or updates one, keeping its marks and history. A new subscriber's
    /// "digested up to" mark is `initial_mark`. `resubscribe` clears an earlier
    /// unsubscription and a suspension (an explicit `subscribers add`, a confirmed web
    /// subscription); configuration sync leaves them alone.
    /// Returns true when the subscriber is new.
    pub fn upsert_subscriber(
        &mut self,
        s: &SubscriberUpdate,
        initial_mark: &DateTime<FixedOffset>,
        resubscribe: bool,
        now: &DateTime<FixedOffset>,
    ) -> Result<bool> {
        let tx = self.conn.transaction()?;
        let exists: bool = tx
            .query_row(
                "SELECT 1 FROM subscribers WHERE email = ?1",
                params![s.email],
                |_| Ok(()),
            )
            .optional()?
            .is_some();
        let localities = serde_json::to_string(&s.localities)?;
        let codes = serde_json::to_string(&s.codes)?;
        if exists {
            tx.execute(
                "UPDATE subscribers SET token_id = ?2, localities = ?3, codes = ?4, schedule = ?5,
                 timezone = ?6, plain_text_only = ?7, origin = ?8,
                 unsubscribed = CASE WHEN ?9 THEN NULL ELSE unsubscribed END,
                 suspended = CASE WHEN ?9 THEN NULL ELSE suspended END,
                 suspended_reason = CASE WHEN ?9 THEN NULL ELSE suspended_reason END
                 WHERE email = ?1",
                params![
                    s.email,
                    s.token_id,
                    localities,
                    codes,
                    s.schedule,
                    s.timezone,
                    s.plain_text_only,
                    s.origin,
                    resubscribe
                ],
            )?;
        } else {
            tx.execute(
                "INSERT INTO subscribers (email, token_id, localities, codes, schedule, timezone,
                 plain_text_only, origin, unsubscribed, created, digested_until, last_slot)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, NULL)",
                params![
                    s.email,
                    s.token_id,
                    localities,
                    codes,
                    s.schedule,
                    s.timezone,
                    s.plain_text_only,
                    s.origin,
                    ts(now),
                    ts(initial_mark)
                ],
            )?;
        }
        tx.commit()?;
        Ok(!exists)
    }

    /// Removes a subscriber, its history and its unsent digests. Returns false when the
    /// address is unknown.
    pub fn remove_subscriber(&mut self, email: &str) -> Result<bool> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE outbox SET status = 'cancelled' WHERE email = ?1 AND status = 'pending'",
            params![email],
        )?;
        let n = tx.execute("DELETE FROM subscribers WHERE email = ?1", params![email])?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Removes the subscribers that came from configuration and are no longer in it.
    /// Returns their addresses.
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
        let mut st = self.conn.prepare(&format!(
            "SELECT {SUBSCRIBER_COLS} FROM subscribers ORDER BY email"
        ))?;
        let rows = st.query_map([], raw_subscriber)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(to_subscriber(r?)?);
        }
        Ok(out)
    }

    /// One subscriber by address.
    pub fn subscriber(&self, email: &str) -> Result<Option<Subscriber>> {
        let raw = self
            .conn
            .query_row(
                &format!("SELECT {SUBSCRIBER_COLS} FROM subscribers WHERE email = ?1"),
                params![email],
                raw_subscriber,
            )
            .optional()?;
        raw.map(to_subscriber).transpose()
    }

    /// One subscriber by the id their tokens carry: the current one, or the one their
    /// earlier digests carried (see [`Store::renew_token_ids`]).
    pub fn subscriber_by_token(&self, token_id: &str) -> Result<Option<Subscriber>> {
        let raw = self
            .conn
            .query_row(
                &format!(
                    "SELECT {SUBSCRIBER_COLS} FROM subscribers WHERE token_id = ?1
                     UNION ALL
                     SELECT {SUBSCRIBER_COLS} FROM subscribers WHERE old_token_id = ?1
                     LIMIT 1"
                ),
                params![token_id],
                raw_subscriber,
            )
            .optional()?;
        raw.map(to_subscriber).transpose()
    }

    /// Gives every subscriber the token id `id_of` makes from their address, keeping the
    /// one it replaces so that links in digests already sent keep working. Returns how
    /// many changed.
    pub fn renew_token_ids(&mut self, id_of: &dyn Fn(&str) -> String) -> Result<usize> {
        let tx = self.conn.transaction()?;
        let rows: Vec<(String, String)> = {
            let mut st = tx.prepare("SELECT email, token_id FROM subscribers")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        let mut changed = 0;
        for (email, old) in rows {
            let new = id_of(&email);
            if new != old {
                tx.execute(
                    "UPDATE subscribers SET token_id = ?2, old_token_id = ?3 WHERE email = ?1",
                    params![email, new, old],
                )?;
                changed += 1;
            }
        }
        tx.commit()?;
        Ok(changed)
    }

    /// Records an unsubscription (a one-click link or a mail): no digest is composed for
    /// the subscriber any more and unsent ones are dropped. Returns false when unknown.
    pub fn unsubscribe(&mut self, email: &str, now: &DateTime<FixedOffset>) -> Result<bool> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE outbox SET status = 'cancelled' WHERE email = ?1 AND status = 'pending'",
            params![email],
        )?;
        let n = tx.execute(
            "UPDATE subscribers SET unsubscribed = coalesce(unsubscribed, ?2) WHERE email = ?1",
            params![email, ts(now)],
        )?;
        tx.commit()?;
        Ok(n > 0)
    }

    /// Suspends digests to `email` when its last `limit` finished digests all failed
    /// permanently (an address that bounces: sending on harms the sender's reputation and
    /// tells nobody anything). Returns true when it was suspended now. `limit` 0 never
    /// suspends.
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
        let tx = self.conn.transaction()?;
        let failed: i64 = tx.query_row(
            "SELECT count(*) FROM (SELECT status FROM outbox
             WHERE email = ?1 AND status IN ('sent', 'failed')
             ORDER BY finished DESC, id DESC LIMIT ?2) WHERE status = 'failed'",
            params![email, limit],
            |r| r.get(0),
        )?;
        let n = if failed >= i64::from(limit) {
            tx.execute(
                "UPDATE subscribers SET suspended = ?2, suspended_reason = ?3
                 WHERE email = ?1 AND suspended IS NULL",
                params![email, ts(now), reason],
            )?
        } else {
            0
        };
        tx.commit()?;
        Ok(n > 0)
    }

    /// Which of `ids` have already gone into a digest for `email`: the article itself, or
    /// another printing of its story (a story whose leading printing changed is not sent
    /// again under its new id).
    pub fn digested_articles(&self, email: &str, ids: &[String]) -> Result<HashSet<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT 1 FROM digest_items WHERE email = ?1 AND article_id = ?2")?;
        let mut out = HashSet::new();
        for id in ids {
            for same in self.story_ids(id)? {
                if st.exists(params![email, same])? {
                    out.insert(id.clone());
                    break;
                }
            }
        }
        Ok(out)
    }

    /// Records a composed digest in one transaction: the message in the outbox (pending),
    /// its articles as sent to `email`, the subscriber's mark moved to `digested_until`
    /// (never backwards) and `slot` as handled. Returns the outbox row.
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
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO outbox (message_id, email, subject, articles, message, status, attempts,
             next_attempt, created) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6)",
            params![
                message_id,
                email,
                subject,
                article_ids.len() as i64,
                message,
                ts(now)
            ],
        )?;
        let id = tx.last_insert_rowid();
        {
            let mut ins = tx.prepare_cached(
                "INSERT OR IGNORE INTO digest_items (email, article_id, outbox_id) VALUES (?1, ?2, ?3)",
            )?;
            for a in article_ids {
                ins.execute(params![email, a, id])?;
            }
        }
        let current: String = tx.query_row(
            "SELECT digested_until FROM subscribers WHERE email = ?1",
            params![email],
            |r| r.get(0),
        )?;
        let mark = parse_ts(&current)?.max(*digested_until);
        tx.execute(
            "UPDATE subscribers SET digested_until = ?2, last_slot = ?3 WHERE email = ?1",
            params![email, ts(&mark), ts(slot)],
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Records that a schedule slot was handled with nothing to send.
    pub fn mark_slot(&mut self, email: &str, slot: &DateTime<FixedOffset>) -> Result<()> {
        self.conn.execute(
            "UPDATE subscribers SET last_slot = ?2 WHERE email = ?1",
            params![email, ts(slot)],
        )?;
        Ok(())
    }

    /// True when a digest for `email` is recorded and not yet sent.
    pub fn has_pending_digest(&self, email: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM outbox WHERE email = ?1 AND status = 'pending')",
            params![email],
            |r| r.get(0),
        )?)
    }

    /// Outbox entries, oldest first; only those with `status` when given.
    pub fn outbox(&self, status: Option<OutboxStatus>) -> Result<Vec<OutboxEntry>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {OUTBOX_COLS} FROM outbox WHERE ?1 IS NULL OR status = ?1 ORDER BY id"
        ))?;
        let rows = st.query_map(params![status.map(OutboxStatus::as_str)], row_to_outbox)?;
        let mut out = Vec::new();
        for r in rows {
            out.push(finish_outbox(r?)?);
        }
        Ok(out)
    }

    /// Pending entries whose next attempt is due at `now`, oldest first.
    pub fn outbox_due(&self, now: &DateTime<FixedOffset>) -> Result<Vec<OutboxEntry>> {
        Ok(self
            .outbox(Some(OutboxStatus::Pending))?
            .into_iter()
            .filter(|e| e.next_attempt <= *now)
            .collect())
    }

    /// Marks an entry sent (the server accepted it): one statement, committed before it
    /// returns, so a crash after it cannot send the message again.
    pub fn outbox_sent(&mut self, id: i64, now: &DateTime<FixedOffset>) -> Result<()> {
        self.conn.execute(
            "UPDATE outbox SET status = 'sent', finished = ?2 WHERE id = ?1",
            params![id, ts(now)],
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
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?2, next_attempt = ?3
             WHERE id = ?1 AND status = 'pending'",
            params![id, error, ts(next_attempt)],
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
        self.conn.execute(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ?2,
             finished = ?3 WHERE id = ?1",
            params![id, error, ts(now)],
        )?;
        Ok(())
    }

    /// Outbox entries per status, for `localfeed status`: (pending, sent, failed).
    pub fn outbox_counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'sent'),
             count(*) FILTER (WHERE status = 'failed') FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-08-22T{h:02}:00:00+08:00")).unwrap()
    }

    fn sub(email: &str, origin: &str) -> SubscriberUpdate {
        SubscriberUpdate {
            email: email.into(),
            token_id: format!("tok-{email}"),
            localities: vec!["高新区".into()],
            codes: vec!["370871".into()],
            schedule: "daily 07:30".into(),
            timezone: "Asia/Shanghai".into(),
            plain_text_only: false,
            origin: origin.into(),
        }
    }

    #[test]
    fn subscribers_are_upserted_pruned_and_unsubscribed() {
        let mut s = Store::open_in_memory().unwrap();
        assert!(
            s.upsert_subscriber(&sub("a@x.cn", "config"), &t(0), false, &t(1))
                .unwrap()
        );
        assert!(
            s.upsert_subscriber(&sub("b@x.cn", "cli"), &t(0), true, &t(1))
                .unwrap()
        );
        let mut changed = sub("a@x.cn", "config");
        changed.schedule = "immediate".into();
        assert!(!s.upsert_subscriber(&changed, &t(5), false, &t(2)).unwrap());
        let a = s.subscriber("a@x.cn").unwrap().unwrap();
        assert_eq!(
            (a.schedule.as_str(), a.created, a.digested_until),
            ("immediate", t(1), t(0))
        );
        assert_eq!(
            s.subscriber_by_token("tok-b@x.cn").unwrap().unwrap().email,
            "b@x.cn"
        );
        assert!(s.unsubscribe("a@x.cn", &t(3)).unwrap());
        // Config sync does not undo an unsubscription; an explicit add does.
        s.upsert_subscriber(&sub("a@x.cn", "config"), &t(0), false, &t(4))
            .unwrap();
        assert_eq!(
            s.subscriber("a@x.cn").unwrap().unwrap().unsubscribed,
            Some(t(3))
        );
        s.upsert_subscriber(&sub("a@x.cn", "cli"), &t(0), true, &t(4))
            .unwrap();
        assert_eq!(s.subscriber("a@x.cn").unwrap().unwrap().unsubscribed, None);
        s.upsert_subscriber(&sub("a@x.cn", "config"), &t(0), false, &t(4))
            .unwrap();
        assert_eq!(
            s.prune_config_subscribers(&[]).unwrap(),
            vec!["a@x.cn".to_string()]
        );
        assert_eq!(s.subscribers().unwrap().len(), 1);
    }

    #[test]
    fn outbox_records_before_sending_and_marks_after() {
        let mut s = Store::open_in_memory().unwrap();
        s.upsert_subscriber(&sub("a@x.cn", "cli"), &t(0), true, &t(1))
            .unwrap();
        let ids = vec!["x1".to_string(), "x2".to_string()];
        let id = s
            .enqueue_digest(
                "a@x.cn",
                "<m1@x.cn>",
                "主题",
                b"bytes",
                &ids,
                &t(6),
                &t(7),
                &t(8),
            )
            .unwrap();
        assert!(s.has_pending_digest("a@x.cn").unwrap());
        let sub = s.subscriber("a@x.cn").unwrap().unwrap();
        assert_eq!((sub.digested_until, sub.last_slot), (t(6), Some(t(7))));
        assert_eq!(
            s.digested_articles("a@x.cn", &["x1".into(), "x3".into()])
                .unwrap(),
            HashSet::from(["x1".to_string()])
        );
        s.outbox_retry(id, "connection refused", &t(9)).unwrap();
        assert!(s.outbox_due(&t(8)).unwrap().is_empty());
        let due = s.outbox_due(&t(9)).unwrap();
        assert_eq!(
            (due.len(), due[0].attempts, due[0].message.as_slice()),
            (1, 1, &b"bytes"[..])
        );
        s.outbox_sent(id, &t(10)).unwrap();
        assert_eq!(s.outbox_counts().unwrap(), (0, 1, 0));
        // A mark never moves backwards.
        s.enqueue_digest(
            "a@x.cn",
            "<m2@x.cn>",
            "主题",
            b"b",
            &[],
            &t(2),
            &t(11),
            &t(11),
        )
        .unwrap();
        assert_eq!(
            s.subscriber("a@x.cn").unwrap().unwrap().digested_until,
            t(6)
        );
        let id2 = s.outbox(Some(OutboxStatus::Pending)).unwrap()[0].id;
        s.outbox_failed(id2, "550 no such user", &t(12)).unwrap();
        assert_eq!(s.outbox_counts().unwrap(), (0, 1, 1));
        assert!(s.remove_subscriber("a@x.cn").unwrap());
        assert!(s.digested_articles("a@x.cn", &ids).unwrap().is_empty());
    }

    fn enqueue(s: &mut Store, email: &str, n: u32) -> i64 {
        s.enqueue_digest(
            email,
            &format!("<m{n}@x.cn>"),
            "主题",
            b"b",
            &[format!("a{n}")],
            &t(n),
            &t(n),
            &t(n),
        )
        .unwrap()
    }

    #[test]
    fn an_address_that_keeps_bouncing_is_suspended_until_added_again() {
        let mut s = Store::open_in_memory().unwrap();
        s.upsert_subscriber(&sub("a@x.cn", "web"), &t(0), true, &t(1))
            .unwrap();
        // sent, failed, sent, failed: never two failures in a row.
        for (n, ok) in [(2, true), (3, false), (4, true), (5, false)] {
            let id = enqueue(&mut s, "a@x.cn", n);
            if ok {
                s.outbox_sent(id, &t(n)).unwrap();
            } else {
                s.outbox_failed(id, "550 no such user", &t(n)).unwrap();
            }
            assert!(
                !s.suspend_if_bouncing("a@x.cn", 2, "550 no such user", &t(n))
                    .unwrap()
            );
        }
        assert!(
            !s.suspend_if_bouncing("a@x.cn", 0, "550", &t(5)).unwrap(),
            "0 never suspends"
        );
        let id = enqueue(&mut s, "a@x.cn", 6);
        s.outbox_failed(id, "550 no such user", &t(6)).unwrap();
        assert!(
            s.suspend_if_bouncing("a@x.cn", 2, "550 no such user", &t(6))
                .unwrap()
        );
        assert!(
            !s.suspend_if_bouncing("a@x.cn", 2, "550 again", &t(7))
                .unwrap(),
            "already suspended"
        );
        let a = s.subscriber("a@x.cn").unwrap().unwrap();
        assert_eq!(a.suspended, Some((t(6), "550 no such user".to_string())));
        assert_eq!(a.origin, "web");
        // Configuration sync leaves the suspension; adding the address again lifts it.
        s.upsert_subscriber(&sub("a@x.cn", "web"), &t(0), false, &t(8))
            .unwrap();
        assert!(s.subscriber("a@x.cn").unwrap().unwrap().suspended.is_some());
        s.upsert_subscriber(&sub("a@x.cn", "cli"), &t(0), true, &t(8))
            .unwrap();
        assert_eq!(s.subscriber("a@x.cn").unwrap().unwrap().suspended, None);
    }

    #[test]
    fn the_subscriber_table_rebuild_keeps_rows_and_what_points_at_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        {
            // A store as the third migration left it, with a subscriber, its history
            // and a digest in the outbox.
            let mut conn = rusqlite::Connection::open(&path).unwrap();
            conn.pragma_update(None, "foreign_keys", "ON").unwrap();
            super::super::schema::migrations()
                .to_version(&mut conn, 3)
                .unwrap();
            conn.execute_batch(
                "INSERT INTO subscribers (email, token_id, localities, codes, schedule, timezone,
                 plain_text_only, origin, unsubscribed, created, digested_until, last_slot)
                 VALUES ('a@x.cn', 'tok', '[\"高新区\"]', '[\"370871\"]', 'immediate',
                 'Asia/Shanghai', 1, 'cli', NULL, '2026-08-22T01:00:00+08:00',
                 '2026-08-22T02:00:00+08:00', NULL);
                 INSERT INTO outbox (message_id, email, subject, articles, message, status,
                 next_attempt, created) VALUES ('<m@x.cn>', 'a@x.cn', 's', 1, x'00', 'sent',
                 '2026-08-22T02:00:00+08:00', '2026-08-22T02:00:00+08:00');
                 INSERT INTO digest_items (email, article_id, outbox_id)
                 VALUES ('a@x.cn', 'art1', 1);",
            )
            .unwrap();
        }
        let s = Store::open(&path).unwrap();
        let a = s.subscriber("a@x.cn").unwrap().unwrap();
        assert_eq!(
            (
                a.origin.as_str(),
                a.plain_text_only,
                a.digested_until,
                a.suspended.clone()
            ),
            ("cli", true, t(2), None)
        );
        assert_eq!(
            s.digested_articles("a@x.cn", &["art1".into()]).unwrap(),
            HashSet::from(["art1".to_string()])
        );
        // Foreign keys are on again: removing the subscriber removes its history.
        let mut s = s;
        assert!(s.remove_subscriber("a@x.cn").unwrap());
        assert!(
            s.digested_articles("a@x.cn", &["art1".into()])
                .unwrap()
                .is_empty()
        );
    }
}
