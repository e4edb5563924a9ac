//! One digest pass: subscribers from configuration into the store, the digests that are
//! due composed and recorded in the outbox, then delivered.
//!
//! Owns: the order of a pass and the delivery guarantees. A digest is recorded (with its
//! Message-ID and the articles it holds) before it is sent and marked sent, in a
//! transaction of its own, as soon as the server's `250` to the final dot arrives, so a
//! pass killed at any point loses nothing; the worst case, a crash after the server took
//! the message and before that record, repeats one message with the same Message-ID. Transient failures are retried on later passes with doubling backoff;
//! permanent ones are recorded and not retried. Must not touch: the clock (`now` is passed
//! in), the gazetteer (a resolver is passed in), SQL (the store's methods only).

use std::path::Path;
use std::str::FromStr;

use anyhow::Context as _;
use chrono::{DateTime, Duration, FixedOffset};

use crate::digest::compose::Composer;
use crate::digest::send::{Delivery, RateLimiter, SendError};
use crate::digest::{
    self, ComposedDigest, DigestInput, Locality, Schedule, SubscriberConfig, TokenKey,
};
use crate::model::{Chain, StoredArticle};
use crate::store::{Store, Subscriber, SubscriberUpdate};
use crate::templates::Templates;

/// A recipient whose digest was not delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientFailure {
    /// The recipient.
    pub email: String,
    /// The digest's Message-ID.
    pub message_id: String,
    /// What the server or the system said.
    pub error: String,
    /// True when it will not be retried.
    pub permanent: bool,
}

/// What a digest pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestReport {
    /// Active subscribers considered.
    pub subscribers: usize,
    /// Config entries that could not be used (bad address, unknown locality …), one
    /// message each, naming the address.
    pub rejected: Vec<String>,
    /// Subscribers whose digest was due.
    pub due: usize,
    /// Due subscribers with nothing new (no email).
    pub nothing_new: usize,
    /// Digests composed and recorded in the outbox in this pass.
    pub composed: usize,
    /// Digests the server accepted (or written to the outbox folder) in this pass.
    pub sent: usize,
    /// Digests that failed for now and stay pending.
    pub deferred: usize,
    /// Digests refused for good in this pass.
    pub failed: usize,
    /// Every recipient not delivered in this pass.
    pub failures: Vec<RecipientFailure>,
    /// Addresses suspended in this pass after repeated permanent failures.
    pub suspended: Vec<String>,
    /// Where messages went.
    pub delivery: String,
    /// On a dry run, what the pass would have done, in order; empty otherwise.
    pub plan: Vec<Planned>,
}

/// One thing a dry run would have done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// Retry an outbox entry that is due.
    Retry {
        /// The recipient.
        email: String,
        /// The message's subject.
        subject: String,
        /// How many articles it holds.
        articles: i64,
        /// Attempts made so far.
        attempts: i64,
        /// The last attempt's error, if any.
        last_error: Option<String>,
    },
    /// Compose and send a digest.
    Send {
        /// The recipient.
        email: String,
        /// The message's subject.
        subject: String,
        /// How many articles it holds.
        articles: usize,
        /// The message's size in bytes.
        bytes: usize,
    },
    /// A digest is due but there is nothing new.
    Skip {
        /// The recipient.
        email: String,
    },
}

/// A digest that is due now, before it is rendered.
#[derive(Debug, Clone)]
pub struct DueDigest {
    /// The subscriber.
    pub subscriber: Subscriber,
    /// The schedule slot it is due for.
    pub slot: DateTime<FixedOffset>,
    /// The places followed, resolved.
    pub localities: Vec<Locality>,
    /// The new articles, each once, newest first.
    pub articles: Vec<StoredArticle>,
}

/// Resolves locality strings to followed places: the leaf of each chain.
pub fn resolve_localities(
    localities: &[String],
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
) -> Result<Vec<Locality>, String> {
    let mut out: Vec<Locality> = Vec::new();
    for l in localities
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        let chain = resolve(l)?;
        let leaf = chain
            .leaf()
            .ok_or_else(|| format!("locality {l:?} names no place"))?;
        if !out.iter().any(|o| o.code == leaf.code) {
            out.push(Locality {
                code: leaf.code.clone(),
                name: leaf.name.clone(),
            });
        }
    }
    if out.is_empty() {
        return Err("no localities to follow".into());
    }
    Ok(out)
}

/// The store record for a subscriber entry, after validation and resolution.
pub fn subscriber_update(
    entry: &SubscriberConfig,
    settings: &digest::Settings,
    key: &TokenKey,
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    origin: &str,
) -> anyhow::Result<SubscriberUpdate> {
    entry.validate()?;
    let email = digest::normalize_address(&entry.email);
    let places = resolve_localities(&entry.localities, resolve)
        .map_err(|e| anyhow::anyhow!("subscriber {email}: {e}"))?;
    let schedule = Schedule::from_str(&entry.schedule)?;
    let timezone = if entry.timezone.trim().is_empty() {
        settings.default_timezone.trim().to_string()
    } else {
        entry.timezone.trim().to_string()
    };
    Ok(SubscriberUpdate {
        token_id: key.subscriber_id(&email),
        email,
        localities: entry
            .localities
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        codes: places.into_iter().map(|p| p.code).collect(),
        schedule: schedule.to_string(),
        timezone,
        plain_text_only: entry.plain_text_only,
        origin: origin.to_string(),
    })
}

/// Brings the configured subscribers into the store: adds and updates them, removes the
/// config-made ones no longer configured. Returns the rejected entries' messages.
pub fn sync_subscribers(
    store: &mut Store,
    settings: &digest::Settings,
    key: &TokenKey,
    subscribers: &[SubscriberConfig],
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<Vec<String>> {
    let mut rejected = Vec::new();
    let mut keep = Vec::new();
    let initial = settings.first_digest_since(now);
    // Several entries for one address are one subscriber following all their places
    // (the first entry's schedule and options), so overlapping entries never give one
    // person the same article twice.
    let mut merged: Vec<SubscriberConfig> = Vec::new();
    for entry in subscribers {
        let email = digest::normalize_address(&entry.email);
        match merged
            .iter_mut()
            .find(|m| digest::normalize_address(&m.email) == email)
        {
            Some(m) => {
                for l in &entry.localities {
                    if !m.localities.contains(l) {
                        m.localities.push(l.clone());
                    }
                }
            }
            None => merged.push(entry.clone()),
        }
    }
    for entry in &merged {
        match subscriber_update(entry, settings, key, resolve, "config") {
            Ok(u) => {
                keep.push(u.email.clone());
                store.upsert_subscriber(&u, &initial, false, &now)?;
            }
            Err(e) => {
                // Keep a known subscriber whose entry broke: do not drop their history.
                keep.push(digest::normalize_address(&entry.email));
                rejected.push(format!("{e:#}"));
            }
        }
    }
    store.prune_config_subscribers(&keep)?;
    store.renew_token_ids(&|email| key.subscriber_id(email))?;
    Ok(rejected)
}

/// The new articles for one subscriber: in their places, first seen after their mark and
/// not after `now`, never sent to them before. Newest first.
pub fn new_articles(
    store: &Store,
    sub: &Subscriber,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<Vec<StoredArticle>> {
    // One second of overlap so articles stored in the same second as the mark are seen;
    // the record of what was sent keeps each article to one digest.
    let since = sub.digested_until - Duration::seconds(1);
    let mut list: Vec<StoredArticle> = store
        .articles_in(&sub.codes, Some(&since))?
        .into_iter()
        .filter(|a| a.first_seen <= now)
        .collect();
    let ids: Vec<String> = list.iter().map(|a| a.id.clone()).collect();
    let done = store.digested_articles(&sub.email, &ids)?;
    list.retain(|a| !done.contains(&a.id));
    Ok(list)
}

fn places_of(sub: &Subscriber, resolve: &dyn Fn(&str) -> Result<Chain, String>) -> Vec<Locality> {
    match resolve_localities(&sub.localities, resolve) {
        Ok(p) => p,
        Err(_) => sub
            .codes
            .iter()
            .map(|c| Locality {
                code: c.clone(),
                name: c.clone(),
            })
            .collect(),
    }
}

/// The digests due at `now` (read-only): active subscribers with no digest waiting in the
/// outbox, whose schedule has a slot since the last one handled. `articles` may be empty
/// (nothing new: the slot is handled without an email).
pub fn due_digests(
    store: &Store,
    settings: &digest::Settings,
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    now: DateTime<FixedOffset>,
) -> anyhow::Result<(usize, Vec<DueDigest>)> {
    let mut active = 0;
    let mut out = Vec::new();
    for sub in store.subscribers()? {
        if sub.unsubscribed.is_some() || sub.suspended.is_some() {
            continue;
        }
        active += 1;
        if store.has_pending_digest(&sub.email)? {
            continue; // its pending digest goes first; new articles wait for the next one
        }
        let schedule = Schedule::from_str(&sub.schedule)
            .with_context(|| format!("subscriber {}", sub.email))?;
        let tz_name = if sub.timezone.is_empty() {
            &settings.default_timezone
        } else {
            &sub.timezone
        };
        let tz = digest::schedule::parse_tz(tz_name)
            .with_context(|| format!("subscriber {}", sub.email))?;
        let handled = sub.last_slot.unwrap_or(sub.created);
        let Some(slot) = schedule.due(tz, handled, now) else {
            continue;
        };
        let articles = new_articles(store, &sub, now)?;
        out.push(DueDigest {
            localities: places_of(&sub, resolve),
            subscriber: sub,
            slot,
            articles,
        });
    }
    Ok((active, out))
}

/// Renders the digest a subscriber would get for `articles` (no store access).
pub fn render_for(
    composer: &Composer<'_>,
    settings: &digest::Settings,
    sub: &Subscriber,
    localities: &[Locality],
    articles: &[StoredArticle],
    now: DateTime<FixedOffset>,
) -> anyhow::Result<Option<(ComposedDigest, String, Vec<u8>)>> {
    let tz_name = if sub.timezone.is_empty() {
        &settings.default_timezone
    } else {
        &sub.timezone
    };
    let tz = digest::schedule::parse_tz(tz_name)?;
    let input = DigestInput {
        email: &sub.email,
        localities,
        articles,
        plain_text_only: sub.plain_text_only,
        tz,
        now,
    };
    let Some(composed) = composer.compose(&input)? else {
        return Ok(None);
    };
    let message_id = composer.message_id(&sub.email, &composed.article_ids, now);
    let bytes = composer.message(&sub.email, &composed, &message_id, now)?;
    Ok(Some((composed, message_id, bytes)))
}

/// The wait before retry number `attempt` (1 for the first retry): doubling from
/// `retry_backoff_secs`, at most `retry_backoff_max_secs`.
pub fn backoff(settings: &digest::Settings, attempt: i64) -> Duration {
    let base = settings.retry_backoff_secs.max(1);
    let shift = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    // Never more than a year, whatever the settings: the wait is added to a date.
    const YEAR: u64 = 366 * 24 * 3600;
    let secs = base
        .saturating_mul(1u64 << shift)
        .min(settings.retry_backoff_max_secs.max(base))
        .min(YEAR);
    Duration::seconds(i64::try_from(secs).unwrap_or(0))
}

/// Runs one digest pass (see the module documentation). Fails only when the settings, the
/// key, the templates or the store fail; delivery problems are in the report. A dry run
/// (`dry_run`) walks the same pass and records what it would do in the report's `plan`,
/// composing every due digest but recording, marking and sending nothing; configured
/// subscribers are still synced into the store (that is configuration, not delivery).
pub fn run_digests(
    store: &mut Store,
    settings: &digest::Settings,
    subscribers: &[SubscriberConfig],
    resolve: &dyn Fn(&str) -> Result<Chain, String>,
    templates: &Templates,
    now: DateTime<FixedOffset>,
    dry_run: bool,
) -> anyhow::Result<DigestReport> {
    let key = settings.token_key()?;
    let composer = Composer::new(settings, templates, key.clone())?;
    let delivery = if dry_run {
        None
    } else {
        Some(Delivery::from_settings(settings, Path::new("."))?)
    };
    let mut report = DigestReport {
        delivery: delivery
            .as_ref()
            .map_or_else(|| "nowhere (dry run)".to_string(), Delivery::describe),
        ..DigestReport::default()
    };
    report.rejected = sync_subscribers(store, settings, &key, subscribers, resolve, now)?;
    if dry_run {
        for e in store.outbox_due(&now)? {
            report.plan.push(Planned::Retry {
                email: e.email,
                subject: e.subject,
                articles: e.articles,
                attempts: e.attempts,
                last_error: e.last_error,
            });
        }
    }

    // Compose and record what is due.
    let (active, due) = due_digests(store, settings, resolve, now)?;
    report.subscribers = active;
    report.due = due.len();
    for d in due {
        let rendered = render_for(
            &composer,
            settings,
            &d.subscriber,
            &d.localities,
            &d.articles,
            now,
        )?;
        match rendered {
            None => {
                if dry_run {
                    report.plan.push(Planned::Skip {
                        email: d.subscriber.email.clone(),
                    });
                } else {
                    store.mark_slot(&d.subscriber.email, &d.slot)?;
                }
                report.nothing_new += 1;
            }
            Some((composed, _, bytes)) if dry_run => {
                report.plan.push(Planned::Send {
                    email: d.subscriber.email.clone(),
                    subject: composed.subject,
                    articles: composed.article_ids.len(),
                    bytes: bytes.len(),
                });
                report.composed += 1;
            }
            Some((composed, message_id, bytes)) => {
                let mark = d
                    .articles
                    .iter()
                    .map(|a| a.first_seen)
                    .max()
                    .unwrap_or(d.subscriber.digested_until);
                store.enqueue_digest(
                    &d.subscriber.email,
                    &message_id,
                    &composed.subject,
                    &bytes,
                    &composed.article_ids,
                    &mark,
                    &d.slot,
                    &now,
                )?;
                report.composed += 1;
            }
        }
    }

    // Deliver everything pending and due, this pass's and earlier ones'.
    if let Some(delivery) = &delivery {
        deliver(store, settings, delivery, now, &mut report)?;
    }
    Ok(report)
}

/// Sends the pending outbox entries that are due over one connection, at the configured
/// rate, recording each result as it comes.
pub fn deliver(
    store: &mut Store,
    settings: &digest::Settings,
    delivery: &Delivery,
    now: DateTime<FixedOffset>,
    report: &mut DigestReport,
) -> anyhow::Result<()> {
    let mut limiter = RateLimiter::new(settings.send_rate);
    let mut down: Option<String> = None;
    // One batch (SQLite: every entry due); a shared outbox (PostgreSQL) hands out a batch
    // at a time to each worker, until none is left that no other worker holds.
    let mut claimed = store.outbox_claim(&now)?;
    while !claimed.is_empty() {
        for entry in std::mem::take(&mut claimed) {
            send_one(
                store,
                settings,
                delivery,
                now,
                report,
                &mut limiter,
                &mut down,
                entry,
            )?;
        }
        if store.claims_in_batches() {
            claimed = store.outbox_claim(&now)?;
        }
    }
    Ok(())
}

/// Sends one outbox entry (or records it deferred when the server is down) and records
/// the result.
#[allow(clippy::too_many_arguments)]
fn send_one(
    store: &mut Store,
    settings: &digest::Settings,
    delivery: &Delivery,
    now: DateTime<FixedOffset>,
    report: &mut DigestReport,
    limiter: &mut RateLimiter,
    down: &mut Option<String>,
    entry: crate::store::OutboxEntry,
) -> anyhow::Result<()> {
    {
        let result = match down.as_ref() {
            Some(msg) => Err(SendError::Transient {
                message: msg.clone(),
                connection: true,
            }),
            None => {
                limiter.wait();
                delivery.send(&entry.email, &entry.message_id, &entry.message)
            }
        };
        match result {
            Ok(()) => {
                store.outbox_sent(entry.id, &now)?;
                report.sent += 1;
            }
            Err(SendError::Permanent(msg)) => {
                store.outbox_failed(entry.id, &msg, &now)?;
                if store.suspend_if_bouncing(&entry.email, settings.suspend_after, &msg, &now)? {
                    report.suspended.push(entry.email.clone());
                }
                report.failed += 1;
                report.failures.push(RecipientFailure {
                    email: entry.email,
                    message_id: entry.message_id,
                    error: msg,
                    permanent: true,
                });
            }
            Err(SendError::Transient {
                message,
                connection,
            }) => {
                if connection && down.is_none() {
                    *down = Some(message.clone());
                }
                let attempt = entry.attempts + 1;
                if attempt >= i64::from(settings.max_attempts.max(1)) {
                    let msg = format!("gave up after {attempt} attempts: {message}");
                    store.outbox_failed(entry.id, &msg, &now)?;
                    report.failed += 1;
                    report.failures.push(RecipientFailure {
                        email: entry.email,
                        message_id: entry.message_id,
                        error: msg,
                        permanent: true,
                    });
                } else {
                    store.outbox_retry(entry.id, &message, &(now + backoff(settings, attempt)))?;
                    report.deferred += 1;
                    report.failures.push(RecipientFailure {
                        email: entry.email,
                        message_id: entry.message_id,
                        error: message,
                        permanent: false,
                    });
                }
            }
        }
    }
    Ok(())
}
