//! Fetching over HTTP(S) like a good citizen.
//!
//! One blocking `reqwest` client (rustls) with a `User-Agent` naming localfeed, its
//! version and where it lives; connect and total timeouts; a limit on redirects; gzip and
//! brotli; a limit on the (decompressed) size of a response. [`Fetcher::fetch_all`]
//! sends a batch of requests with at most `concurrency` in flight overall and one at a
//! time per host (host and port), `per_host_delay_ms` apart. Each request carries the
//! validators known of its URL (`If-None-Match`, `If-Modified-Since`); a `304` comes
//! back as [`Fetched::NotModified`] without a body, a `429`/`503` as [`Fetched::Later`]
//! with its `Retry-After`.
//!
//! Why blocking threads and not async: the pipeline around it is synchronous (SQLite
//! stays on the run's thread), a batch is a few hundred requests at most, and a handful
//! of scoped threads each owning a host's queue makes "one at a time per host" a plain
//! loop rather than a semaphore per host. `reqwest::blocking` runs its own small runtime.

use std::collections::{BTreeMap, VecDeque};
use std::io::Read;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};

use crate::config::FetchSettings;

/// One request to make, with what is known of its URL from earlier runs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The URL.
    pub url: String,
    /// The `ETag` of the last full answer, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The `Last-Modified` of the last full answer, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// When a server asks to be asked again (`Retry-After`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAfter {
    /// After this many seconds.
    Secs(u64),
    /// At this time.
    At(DateTime<FixedOffset>),
}

/// What one request gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// A `2xx` answer with its body.
    Body {
        /// The body, decompressed, at most the size limit.
        body: Vec<u8>,
        /// The `charset` of its `Content-Type`, when it names one.
        charset: Option<String>,
        /// Its `ETag`.
        etag: Option<String>,
        /// Its `Last-Modified`.
        last_modified: Option<String>,
        /// The URL it came from after redirects.
        final_url: String,
    },
    /// `304 Not Modified`: nothing new since the validators sent.
    NotModified,
    /// `429` or `503`: the server asks to come back later.
    Later {
        /// The status.
        status: u16,
        /// Its `Retry-After`, when given and readable.
        retry_after: Option<RetryAfter>,
    },
    /// Anything else: the reason, in words (status, timeout, refused, too large …).
    Failed(String),
}

/// The HTTP client and the settings of the run.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::blocking::Client,
    settings: FetchSettings,
    /// When each host last answered, so batches one after another keep the delay too.
    last_answer: Mutex<BTreeMap<String, std::time::Instant>>,
}

impl Fetcher {
    /// Builds the client.
    pub fn new(settings: &FetchSettings) -> Result<Self, String> {
        let client = reqwest::blocking::Client::builder()
            .user_agent(settings.user_agent())
            .connect_timeout(Duration::from_secs_f64(settings.connect_timeout_secs))
            .timeout(Duration::from_secs_f64(settings.timeout_secs))
            .redirect(reqwest::redirect::Policy::limited(settings.max_redirects))
            .gzip(true)
            .brotli(true)
            .no_proxy()
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {}", reason(&e)))?;
        Ok(Self {
            client,
            settings: settings.clone(),
            last_answer: Mutex::new(BTreeMap::new()),
        })
    }

    /// Sends one request and reads its answer.
    pub fn fetch(&self, req: &Request) -> Fetched {
        use reqwest::header;
        let started = std::time::Instant::now();
        let mut rb = self.client.get(&req.url);
        if let Some(e) = &req.etag {
            rb = rb.header(header::IF_NONE_MATCH, e);
        }
        if let Some(lm) = &req.last_modified {
            rb = rb.header(header::IF_MODIFIED_SINCE, lm);
        }
        let resp = match rb.send() {
            Ok(r) => r,
            Err(e) => return Fetched::Failed(reason(&e)),
        };
        let status = resp.status();
        let text_header = |name: header::HeaderName| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Fetched::NotModified;
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS
            || status == reqwest::StatusCode::SERVICE_UNAVAILABLE
        {
            return Fetched::Later {
                status: status.as_u16(),
                retry_after: text_header(header::RETRY_AFTER)
                    .as_deref()
                    .and_then(parse_retry_after),
            };
        }
        if !status.is_success() {
            return Fetched::Failed(format!("HTTP {status}"));
        }
        let limit = self.settings.max_response_mb.saturating_mul(1024 * 1024);
        let too_large = || {
            format!(
                "response larger than {} MB (`max_response_mb`)",
                self.settings.max_response_mb
            )
        };
        if resp.content_length().is_some_and(|n| n > limit) {
            return Fetched::Failed(too_large());
        }
        let charset = text_header(header::CONTENT_TYPE).and_then(|ct| charset_of(&ct));
        let etag = text_header(header::ETAG);
        let last_modified = text_header(header::LAST_MODIFIED);
        let final_url = resp.url().to_string();
        // The client's timeout bounds each read; the whole body is held to it here, so a
        // server dribbling a byte a second cannot keep a run waiting.
        let deadline = started + Duration::from_secs_f64(self.settings.timeout_secs);
        let mut body = Vec::new();
        let mut reader = resp.take(limit.saturating_add(1));
        let mut chunk = [0u8; 16 * 1024];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => body.extend_from_slice(&chunk[..n]),
                Err(e) => {
                    let why = e
                        .get_ref()
                        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                        .map(reason)
                        .unwrap_or_else(|| e.to_string());
                    return Fetched::Failed(format!("while reading the body: {why}"));
                }
            }
            if std::time::Instant::now() > deadline {
                return Fetched::Failed(format!(
                    "timed out: the body took longer than {} s (`timeout_secs`)",
                    self.settings.timeout_secs
                ));
            }
        }
        if body.len() as u64 > limit {
            return Fetched::Failed(too_large());
        }
        Fetched::Body {
            body,
            charset,
            etag,
            last_modified,
            final_url,
        }
    }

    /// Sends a batch of requests: at most `concurrency` in flight, one at a time per host
    /// with `per_host_delay_ms` between two, each host's requests in the order given.
    /// The answers come back in the order of the requests.
    pub fn fetch_all(&self, reqs: &[Request]) -> Vec<Fetched> {
        let mut results: Vec<Option<Fetched>> = vec![None; reqs.len()];
        let mut by_host: BTreeMap<String, VecDeque<usize>> = BTreeMap::new();
        for (i, r) in reqs.iter().enumerate() {
            match host_of(&r.url) {
                Some(h) => by_host.entry(h).or_default().push_back(i),
                None => results[i] = Some(Fetched::Failed("not an http(s) URL".into())),
            }
        }
        let hosts: Mutex<VecDeque<(String, VecDeque<usize>)>> =
            Mutex::new(by_host.into_iter().collect());
        let slots = Mutex::new(results);
        let workers = self.settings.concurrency.max(1);
        let delay = Duration::from_millis(self.settings.per_host_delay_ms);
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| {
                    loop {
                        let next = hosts.lock().map(|mut q| q.pop_front()).ok().flatten();
                        let Some((host, queue)) = next else { break };
                        for i in queue {
                            self.wait_for(&host, delay);
                            let got = self.fetch(&reqs[i]);
                            if let Ok(mut last) = self.last_answer.lock() {
                                last.insert(host.clone(), std::time::Instant::now());
                            }
                            if let Ok(mut slots) = slots.lock() {
                                slots[i] = Some(got);
                            }
                        }
                    }
                });
            }
        });
        slots
            .into_inner()
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Fetched::Failed("not fetched".into())))
            .collect()
    }
}

impl Fetcher {
    /// Sleeps until `delay` has passed since `host` last answered.
    fn wait_for(&self, host: &str, delay: Duration) {
        let last = self
            .last_answer
            .lock()
            .ok()
            .and_then(|l| l.get(host).copied());
        if let Some(at) = last {
            let since = at.elapsed();
            if since < delay {
                std::thread::sleep(delay - since);
            }
        }
    }
}

/// The host and port a URL is fetched from (the unit of "one at a time").
pub fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    Some(format!("{}:{}", u.host_str()?, u.port_or_known_default()?))
}

/// Query parameters whose values are credentials (RSSHub's `key` and `code`, API tokens).
const SECRET_PARAMS: &[&str] = &[
    "key",
    "code",
    "token",
    "access_key",
    "accesskey",
    "apikey",
    "api_key",
    "secret",
    "password",
    "sig",
    "signature",
];

/// A URL as a message or a log line may show it: a user name and password, and the values
/// of query parameters that carry credentials (`?key=…`), replaced by `***`. Anything
/// that is not a URL is shown as it is.
pub fn shown_url(raw: &str) -> String {
    let Ok(mut u) = url::Url::parse(raw) else {
        return crate::model::shown(raw).into_owned();
    };
    if !u.username().is_empty() || u.password().is_some() {
        let _ = u.set_username("***");
        let _ = u.set_password(None);
    }
    if u.query().is_some() {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let secret = SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str());
                (
                    k.into_owned(),
                    if secret { "***".into() } else { v.into_owned() },
                )
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    crate::model::shown(u.as_str()).into_owned()
}

/// The `charset` parameter of a `Content-Type`.
fn charset_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
            .filter(|v| !v.is_empty())
    })
}

/// `Retry-After`: seconds, or an HTTP date.
fn parse_retry_after(v: &str) -> Option<RetryAfter> {
    if let Ok(n) = v.parse::<u64>() {
        return Some(RetryAfter::Secs(n));
    }
    DateTime::parse_from_rfc2822(v).ok().map(RetryAfter::At)
}

/// How long to wait before trying a URL again after `failures` failures in a row:
/// `base` doubled for each failure after the first, at most `max`.
pub fn backoff(failures: u32, base_secs: u64, max_secs: u64) -> Duration {
    let factor = 1u64 << failures.saturating_sub(1).min(30);
    Duration::from_secs(base_secs.saturating_mul(factor).min(max_secs))
}

/// An error of the client in words, with its root cause.
fn reason(e: &reqwest::Error) -> String {
    let mut root = None;
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        root = Some(s.to_string());
        src = s.source();
    }
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else if e.is_redirect() {
        "too many redirects"
    } else if e.is_body() || e.is_decode() {
        "broken response body"
    } else {
        "request failed"
    };
    match root {
        Some(r) if !r.is_empty() && !kind.starts_with("too many") => format!("{kind}: {r}"),
        _ => kind.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read() {
        assert_eq!(
            charset_of("application/rss+xml; charset=\"GBK\"").as_deref(),
            Some("GBK")
        );
        assert_eq!(charset_of("text/html"), None);
        assert_eq!(parse_retry_after("120"), Some(RetryAfter::Secs(120)));
        assert!(matches!(
            parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"),
            Some(RetryAfter::At(_))
        ));
        assert_eq!(
            host_of("http://127.0.0.1:8080/a").as_deref(),
            Some("127.0.0.1:8080")
        );
        assert_eq!(host_of("ftp://x/").as_deref(), None);
        let mut s = FetchSettings::default();
        assert_eq!(
            s.user_agent(),
            concat!("localfeed/", env!("CARGO_PKG_VERSION"))
        );
        s.contact = Some("mailto:news@example.org".into());
        assert!(s.user_agent().ends_with(" (+mailto:news@example.org)"));
        assert_eq!(
            shown_url("http://u:pw@127.0.0.1:1200/hunan/epaper?key=s3cret&limit=5"),
            "http://***@127.0.0.1:1200/hunan/epaper?key=***&limit=5"
        );
        assert_eq!(shown_url("http://x.example/a"), "http://x.example/a");
    }

    #[test]
    fn backoff_doubles_up_to_its_limit() {
        assert_eq!(backoff(1, 60, 3600), Duration::from_secs(60));
        assert_eq!(backoff(3, 60, 3600), Duration::from_secs(240));
        assert_eq!(backoff(40, 60, 3600), Duration::from_secs(3600));
    }
}
