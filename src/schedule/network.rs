//! The network sources of one run: which URLs are due, one batch of requests (feeds and
//! article pages), what each answer means for the store, a feed's entries read as
//! documents, the full text of entries that carry only a summary, and each entry or page
//! placed and stored as an input of its own.
//!
//! Policy, in one place: a URL is asked again only when it is due (`next_fetch`: the
//! source's `min_interval_mins`, a feed's `<ttl>`, a server's `Retry-After`, or the
//! backoff after failures in a row); a feed is asked with the validators of its last full
//! answer, and a `304` means nothing new, read nothing; a page of a URL list, and a page
//! fetched for an entry's full text, is fetched once. A failure is reported with its URL,
//! recorded, retried on a later run, and never stops the others.

use std::time::Duration;

use anyhow::Result;
use chrono::{DateTime, FixedOffset};

use crate::clock::Clock;
use crate::config::{Config, Origin, Source, UrlList};
use crate::extract;
use crate::model::{InputForm, PageText, SourceHints, content_hash, entry_article_id};
use crate::sources::http::{Fetched, Fetcher, Request, RetryAfter, backoff, shown_url};
use crate::sources::{self, Entry};
use crate::store::{FetchRecord, NewArticle, Store};

use super::budget::Placer;
use super::{Failure, RunReport, store_page};

/// What a URL is fetched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Want {
    Feed,
    Page,
}

struct Job<'a> {
    source: &'a Source,
    url: String,
    want: Want,
    known: Option<FetchRecord>,
}

/// An entry that is new or changed, waiting for its full text perhaps.
struct Pending<'a> {
    source: &'a Source,
    /// The feed it came from.
    feed_url: String,
    entry: Entry,
    doc: String,
    hash: String,
    wants_full_text: bool,
}

/// Fetches and stores what the network sources hold now.
pub(super) fn run(
    store: &mut Store,
    cfg: &Config,
    placer: &mut Placer,
    clock: &dyn Clock,
    report: &mut RunReport,
) -> Result<()> {
    let net: Vec<&Source> = cfg
        .sources
        .iter()
        .filter(|s| !matches!(s.origin(), Origin::Folder(_)))
        .collect();
    if net.is_empty() {
        return Ok(());
    }
    let now = clock.now();
    let fetcher = match Fetcher::new(&cfg.fetch) {
        Ok(f) => f,
        Err(reason) => {
            report.failures.push(Failure {
                path: "[fetch]".into(),
                reason,
            });
            return Ok(());
        }
    };
    let mut jobs = Vec::new();
    for source in net {
        match source.origin() {
            Origin::Feed(url) => {
                let known = store.fetch_record(url)?;
                if due(known.as_ref(), &now) {
                    jobs.push(Job {
                        source,
                        url: url.to_string(),
                        want: Want::Feed,
                        known,
                    });
                } else {
                    tracing::info!(
                        "source {:?}: {} is not due before {}",
                        source.id,
                        shown_url(url),
                        known.and_then(|k| k.next_fetch).unwrap_or_default()
                    );
                }
            }
            Origin::Urls(list) => {
                let urls = match url_list(cfg, list, report) {
                    Some(u) => u,
                    None => continue,
                };
                for url in urls {
                    if store
                        .input(&source.id, &url)?
                        .is_some_and(|i| i.status == "ok")
                    {
                        continue; // a page of a list is fetched once
                    }
                    let known = store.fetch_record(&url)?;
                    if due(known.as_ref(), &now) {
                        jobs.push(Job {
                            source,
                            url,
                            want: Want::Page,
                            known,
                        });
                    }
                }
            }
            Origin::Folder(_) => {}
        }
    }
    let requests: Vec<Request> = jobs
        .iter()
        .map(|j| Request {
            url: j.url.clone(),
            etag: j.known.as_ref().and_then(|k| k.etag.clone()),
            last_modified: j.known.as_ref().and_then(|k| k.last_modified.clone()),
        })
        .collect();
    let answers = fetcher.fetch_all(&requests);
    let mut pending = Vec::new();
    for (job, answer) in jobs.iter().zip(answers) {
        report.totals.files_read += 1;
        let Some((bytes, charset, final_url)) = settle(store, cfg, job, answer, &now, report)?
        else {
            continue;
        };
        let hints = hints_of(job.source);
        let budget = Duration::from_secs_f64(job.source.max_file_secs);
        match job.want {
            Want::Feed => match read_feed(&bytes, charset.as_deref(), &final_url) {
                Ok(feed) => {
                    let mut rec = store
                        .fetch_record(&job.url)?
                        .unwrap_or_else(|| record(job, "ok", &now));
                    rec.ttl_mins = feed.ttl_mins.map(i64::from);
                    rec.skip_hours = (!feed.skip_hours.is_empty()).then(|| {
                        let hours: Vec<String> =
                            feed.skip_hours.iter().map(u32::to_string).collect();
                        hours.join(",")
                    });
                    rec.next_fetch = next_read(&now, job.source, &rec);
                    store.record_fetch(&rec)?;
                    if feed.keyless > 0 {
                        tracing::warn!(
                            "{}: {} entr(y/ies) without guid, id, link or title left out",
                            shown_url(&job.url),
                            feed.keyless
                        );
                    }
                    for entry in feed.entries {
                        let doc = entry.document(feed.title.as_deref());
                        let hash = content_hash(doc.as_bytes());
                        let known = store.input(&job.source.id, &entry.key)?;
                        if known.is_some_and(|k| k.status == "ok" && k.hash == hash) {
                            continue;
                        }
                        let wants_full_text = entry.link.is_some()
                            && match job.source.fulltext {
                                Some(f) => f,
                                None => summary_only(&doc, &hints, cfg.fetch.fulltext_below_chars),
                            };
                        pending.push(Pending {
                            source: job.source,
                            feed_url: job.url.clone(),
                            entry,
                            doc,
                            hash,
                            wants_full_text,
                        });
                    }
                }
                Err(reason) => {
                    fail_url(store, cfg, job, reason, &now, report)?;
                }
            },
            Want::Page => {
                let text = match extract::decode_declared(&bytes, charset.as_deref()) {
                    Ok(d) => {
                        for w in &d.warnings {
                            tracing::warn!("{}: {w}", shown_url(&job.url));
                        }
                        d.text
                    }
                    Err(e) => {
                        fail_input(
                            store,
                            job.source,
                            &job.url,
                            &bytes,
                            e.to_string(),
                            clock,
                            report,
                        );
                        continue;
                    }
                };
                let page = PageText {
                    source: job.source.id.clone(),
                    name: job.url.clone(),
                    text,
                    form: InputForm::Html,
                    hints,
                    seen: None,
                };
                let hash = content_hash(&bytes);
                let url = job.url.clone();
                match store_page(
                    store,
                    cfg,
                    placer,
                    (&job.source.id, &job.url, &hash, bytes.len() as u64),
                    page,
                    budget,
                    clock,
                    |arts| {
                        for a in arts.iter_mut() {
                            a.article.url.get_or_insert(url.clone());
                        }
                    },
                ) {
                    Ok(n) => {
                        report.totals.files_new += 1;
                        report.totals.articles_changed += n;
                    }
                    Err(reason) => {
                        // read again when the page changes, but not at every run
                        if let Some(mut rec) = store.fetch_record(&job.url)? {
                            let wait = backoff(
                                1,
                                cfg.fetch.retry_backoff_secs,
                                cfg.fetch.retry_backoff_max_secs,
                            );
                            rec.next_fetch = later(&now, wait);
                            store.record_fetch(&rec)?;
                        }
                        fail_input(store, job.source, &job.url, &bytes, reason, clock, report)
                    }
                }
            }
        }
    }
    let full_texts = full_texts(store, cfg, &fetcher, &pending, &now, report)?;
    // Feeds with an entry that failed or lacks its page: read in full next time (a 304
    // would hide the entry from the retry).
    let mut read_again: Vec<&str> = Vec::new();
    for (p, full) in pending.iter().zip(full_texts) {
        report.totals.files_read += 1;
        let name = &p.entry.key;
        // an entry stored from its summary because its page could not be had keeps a
        // hash of its own, so a later run tries the page again
        let hash = if p.wants_full_text && full.is_none() {
            read_again.push(&p.feed_url);
            format!("summary:{}", p.hash)
        } else {
            p.hash.clone()
        };
        let budget = Duration::from_secs_f64(p.source.max_file_secs);
        let hints = hints_of(p.source);
        match store_entry(
            store,
            cfg,
            placer,
            (&p.source.id, name),
            (&p.doc, &hash),
            (&p.entry, full),
            (&hints, budget),
            clock,
        ) {
            Ok(n) => {
                report.totals.files_new += 1;
                report.totals.articles_changed += n;
            }
            Err(reason) => {
                read_again.push(&p.feed_url);
                fail_input(
                    store,
                    p.source,
                    name,
                    p.doc.as_bytes(),
                    reason,
                    clock,
                    report,
                );
            }
        }
    }
    read_again.sort_unstable();
    read_again.dedup();
    for url in read_again {
        if let Some(mut rec) = store.fetch_record(url)? {
            rec.etag = None;
            rec.last_modified = None;
            store.record_fetch(&rec)?;
        }
    }
    Ok(())
}

/// Places and stores one feed entry as input `name` of `source`: from `full_text` (the
/// decoded page of its link) when there is one, else from the entry's own document. Its
/// articles take ids from the entry's key, and the entry's title, date, author and link
/// where it has them.
#[allow(clippy::too_many_arguments)]
pub(super) fn store_entry(
    store: &mut Store,
    cfg: &Config,
    placer: &mut Placer,
    (source, name): (&str, &str),
    (doc, hash): (&str, &str),
    (entry, full_text): (&Entry, Option<String>),
    (hints, budget): (&SourceHints, Duration),
    clock: &dyn Clock,
) -> Result<usize, String> {
    let from_page = full_text.is_some();
    let page = PageText {
        source: source.to_string(),
        name: name.to_string(),
        text: full_text.unwrap_or_else(|| doc.to_string()),
        form: InputForm::Html,
        hints: hints.clone(),
        seen: None,
    };
    store_page(
        store,
        cfg,
        placer,
        (source, name, hash, doc.len() as u64),
        page,
        budget,
        clock,
        |arts: &mut Vec<NewArticle>| {
            for (n, a) in arts.iter_mut().enumerate() {
                a.id = entry_article_id(source, &entry.key, n);
                if !from_page {
                    continue;
                }
                let art = &mut a.article;
                if let Some(t) = &entry.title {
                    art.title = Some(t.clone());
                }
                if let Some(d) = entry.published {
                    art.date = Some(d.date_naive()); // the entry's time is at +08:00
                }
                if art.reporters.is_empty() && art.contributors.is_empty() {
                    art.contributors = entry.authors.clone();
                }
                if let Some(l) = &entry.link {
                    art.url = Some(l.clone());
                }
            }
        },
    )
}

/// The pages of the entries that want their full text, in the order of `pending`: from
/// the page cache, else fetched in one batch (and cached); `None` where there is none.
fn full_texts(
    store: &mut Store,
    cfg: &Config,
    fetcher: &Fetcher,
    pending: &[Pending<'_>],
    now: &DateTime<FixedOffset>,
    report: &mut RunReport,
) -> Result<Vec<Option<String>>> {
    let mut out: Vec<Option<(Vec<u8>, Option<String>)>> = vec![None; pending.len()];
    let mut jobs: Vec<(usize, Job<'_>)> = Vec::new();
    for (i, p) in pending.iter().enumerate() {
        let Some(link) = p.entry.link.as_deref().filter(|_| p.wants_full_text) else {
            continue;
        };
        if let Some(cached) = store.cached_page(link)? {
            out[i] = Some(cached);
            continue;
        }
        let known = store.fetch_record(link)?;
        if due(known.as_ref(), now) && !jobs.iter().any(|(_, j)| j.url == link) {
            jobs.push((
                i,
                Job {
                    source: p.source,
                    url: link.to_string(),
                    want: Want::Page,
                    known,
                },
            ));
        }
    }
    let requests: Vec<Request> = jobs
        .iter()
        .map(|(_, j)| Request {
            url: j.url.clone(),
            ..Request::default()
        })
        .collect();
    for ((_, job), answer) in jobs.iter().zip(fetcher.fetch_all(&requests)) {
        report.totals.files_read += 1;
        if let Some((body, charset, _)) = settle(store, cfg, job, answer, now, report)? {
            store.cache_page(&job.url, &body, charset.as_deref(), now)?;
        }
    }
    // entries sharing a link share its page
    for (i, p) in pending.iter().enumerate() {
        if out[i].is_none()
            && p.wants_full_text
            && let Some(link) = p.entry.link.as_deref()
        {
            out[i] = store.cached_page(link)?;
        }
    }
    Ok(out
        .into_iter()
        .zip(pending)
        .map(|(page, p)| {
            let (bytes, charset) = page?;
            match extract::decode_declared(&bytes, charset.as_deref()) {
                Ok(d) => Some(d.text),
                Err(e) => {
                    tracing::warn!(
                        "{}: {e}; the entry is read from its feed",
                        p.entry.link.as_deref().unwrap_or_default()
                    );
                    None
                }
            }
        })
        .collect())
}

/// The body of a full answer, its declared charset and the URL it came from.
type Body = (Vec<u8>, Option<String>, String);

/// Records what asking a URL gave, reports a failure, and returns the body of a full
/// answer.
fn settle(
    store: &mut Store,
    cfg: &Config,
    job: &Job<'_>,
    answer: Fetched,
    now: &DateTime<FixedOffset>,
    report: &mut RunReport,
) -> Result<Option<Body>> {
    let min_interval = Duration::from_secs(job.source.min_interval_mins * 60);
    let known = job.known.clone();
    let mut rec = record(job, "ok", now);
    rec.etag = known.as_ref().and_then(|k| k.etag.clone());
    rec.last_modified = known.as_ref().and_then(|k| k.last_modified.clone());
    rec.ttl_mins = known.as_ref().and_then(|k| k.ttl_mins);
    rec.skip_hours = known.as_ref().and_then(|k| k.skip_hours.clone());
    let failures = known.as_ref().map_or(0, |k| k.failures);
    match answer {
        Fetched::Body {
            body,
            charset,
            etag,
            last_modified,
            final_url,
        } => {
            rec.etag = etag;
            rec.last_modified = last_modified;
            rec.http_status = Some(200);
            rec.next_fetch = later(now, min_interval);
            store.record_fetch(&rec)?;
            Ok(Some((body, charset, final_url)))
        }
        Fetched::NotModified => {
            rec.status = "not-modified".into();
            rec.http_status = Some(304);
            // the <ttl> and <skipHours> of the last full answer still hold
            rec.next_fetch = next_read(now, job.source, &rec);
            store.record_fetch(&rec)?;
            tracing::info!("{}: not modified", shown_url(&job.url));
            Ok(None)
        }
        Fetched::Later {
            status,
            retry_after,
        } => {
            let wait = match retry_after {
                Some(RetryAfter::Secs(s)) => Duration::from_secs(s),
                Some(RetryAfter::At(t)) => (t - *now).to_std().unwrap_or_default(),
                None => backoff(
                    failures as u32 + 1,
                    cfg.fetch.retry_backoff_secs,
                    cfg.fetch.retry_backoff_max_secs,
                ),
            }
            .min(Duration::from_secs(cfg.fetch.retry_backoff_max_secs));
            rec.status = "later".into();
            rec.http_status = Some(i64::from(status));
            rec.failures = failures + 1;
            rec.next_fetch = later(now, wait.max(min_interval));
            let reason = format!(
                "HTTP {status}: the server asks to come back later; asked again after {}",
                rec.next_fetch.clone().unwrap_or_default()
            );
            rec.error = Some(reason.clone());
            store.record_fetch(&rec)?;
            report_failure(job, reason, report);
            Ok(None)
        }
        Fetched::Failed(reason) => {
            fail_url(store, cfg, job, reason, now, report)?;
            Ok(None)
        }
    }
}

/// Records a URL as failed (backoff doubling with each failure in a row; its validators
/// dropped, so the next answer is read in full) and reports it.
fn fail_url(
    store: &mut Store,
    cfg: &Config,
    job: &Job<'_>,
    reason: String,
    now: &DateTime<FixedOffset>,
    report: &mut RunReport,
) -> Result<()> {
    let failures = store
        .fetch_record(&job.url)?
        .filter(|k| k.status == "failed" || k.status == "later")
        .map_or(0, |k| k.failures)
        + 1;
    let wait = backoff(
        failures as u32,
        cfg.fetch.retry_backoff_secs,
        cfg.fetch.retry_backoff_max_secs,
    );
    let mut rec = record(job, "failed", now);
    rec.http_status = reason
        .strip_prefix("HTTP ")
        .and_then(|s| s.get(..3))
        .and_then(|s| s.parse().ok());
    rec.failures = failures;
    rec.error = Some(reason.clone());
    rec.next_fetch = later(now, wait);
    store.record_fetch(&rec)?;
    report_failure(
        job,
        format!("{reason} (tried again after {} s)", wait.as_secs()),
        report,
    );
    Ok(())
}

fn report_failure(job: &Job<'_>, reason: String, report: &mut RunReport) {
    let url = shown_url(&job.url);
    tracing::error!("source {:?}: {url}: {reason}", job.source.id);
    report.totals.files_failed += 1;
    report.failures.push(Failure { path: url, reason });
}

/// Records an input (a page, an entry) that was fetched but could not be read; it is
/// read again when it changes.
fn fail_input(
    store: &mut Store,
    source: &Source,
    name: &str,
    bytes: &[u8],
    reason: String,
    clock: &dyn Clock,
    report: &mut RunReport,
) {
    let reason = match store.record_failure(
        &source.id,
        name,
        &content_hash(bytes),
        bytes.len() as u64,
        &reason,
        &clock.now(),
    ) {
        Ok(()) => reason,
        Err(e) => format!("{reason} (and the failure could not be recorded: {e:#})"),
    };
    let name = shown_url(name);
    tracing::error!("source {:?}: {name}: {reason}", source.id);
    report.totals.files_failed += 1;
    report.failures.push(Failure { path: name, reason });
}

fn record(job: &Job<'_>, status: &str, now: &DateTime<FixedOffset>) -> FetchRecord {
    FetchRecord {
        url: job.url.clone(),
        source: job.source.id.clone(),
        etag: None,
        last_modified: None,
        last_fetch: now.to_rfc3339(),
        status: status.to_string(),
        http_status: None,
        error: None,
        failures: 0,
        next_fetch: None,
        ttl_mins: None,
        skip_hours: None,
    }
}

/// When a URL read (or found unchanged) now may be asked again: after the source's
/// `min_interval_mins` and the feed's `<ttl>`, outside the feed's `<skipHours>`; `None`
/// for at once.
fn next_read(now: &DateTime<FixedOffset>, source: &Source, rec: &FetchRecord) -> Option<String> {
    let ttl = rec.ttl_mins.unwrap_or(0).clamp(0, 10_080) as u64;
    let wait = source.min_interval_mins.max(ttl);
    let skip: Vec<u32> = rec
        .skip_hours
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    let at = *now + chrono::Duration::minutes(wait as i64);
    let at = sources::first_unskipped(at, &skip);
    (at > *now).then(|| at.to_rfc3339())
}

/// `now + wait` as stored, or `None` (due at once) for no wait.
fn later(now: &DateTime<FixedOffset>, wait: Duration) -> Option<String> {
    if wait.is_zero() {
        return None;
    }
    let wait = chrono::Duration::from_std(wait).ok()?;
    Some((*now + wait).to_rfc3339())
}

/// Whether a URL may be asked now.
fn due(known: Option<&FetchRecord>, now: &DateTime<FixedOffset>) -> bool {
    known
        .and_then(|k| k.next_fetch.as_deref())
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .is_none_or(|t| t <= *now)
}

/// A feed's bytes decoded by the charset declared for them (or found in them) and read.
fn read_feed(bytes: &[u8], charset: Option<&str>, url: &str) -> Result<sources::Feed, String> {
    let decoded = extract::decode_declared(bytes, charset).map_err(|e| e.to_string())?;
    for w in &decoded.warnings {
        tracing::warn!("{}: {w}", shown_url(url));
    }
    sources::parse_feed(&decoded.text, Some(url)).map_err(|e| e.to_string())
}

/// Whether an entry's own document reads as only a summary: its text shorter than
/// `below` characters.
fn summary_only(doc: &str, hints: &SourceHints, below: usize) -> bool {
    let page = PageText {
        source: String::new(),
        name: String::new(),
        text: doc.to_string(),
        form: InputForm::Html,
        hints: hints.clone(),
        seen: None,
    };
    let chars: usize = extract::extract(&page)
        .articles
        .iter()
        .map(|a| a.body.chars().count())
        .sum();
    chars < below
}

fn hints_of(source: &Source) -> SourceHints {
    SourceHints {
        publication: source.publication.clone(),
        home: source.home.clone(),
    }
}

/// The URLs of a `urls` source; a list file that cannot be read, and lines that are not
/// URLs, are reported.
fn url_list(cfg: &Config, list: &UrlList, report: &mut RunReport) -> Option<Vec<String>> {
    match list {
        UrlList::List(urls) => Some(urls.clone()),
        UrlList::File(path) => {
            let path = cfg.resolve(path);
            let shown = crate::model::shown_path(&path);
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    report.failures.push(Failure {
                        path: shown,
                        reason: format!("cannot read the URL list: {e}"),
                    });
                    return None;
                }
            };
            let (urls, bad) = sources::parse_url_list(&text);
            for b in bad {
                report.failures.push(Failure {
                    path: shown.clone(),
                    reason: b,
                });
            }
            Some(urls)
        }
    }
}
