//! The configuration file, `config.toml`.
//!
//! Owns: parsing the file into a checked [`Config`] (unknown keys, wrong types and missing
//! keys rejected with the key and the line), resolving relative paths against the file's
//! folder, and applying command-line overrides. Must not touch: global state (the config
//! is passed by reference), the pipeline, or secret values (only where to find them).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A configuration error: what is wrong, where. Its `Display` names the file, the line and
/// the key.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ConfigError {
    /// The configuration file.
    pub path: String,
    /// What is wrong, with the line and key.
    pub message: String,
}

/// One source of input: a folder of files, an upstream feed, or a list of article pages.
/// Exactly one of `path`, `feed` and `urls` is set.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A short stable name; it is part of every article id, so do not rename it.
    pub id: String,
    /// The folder to read, relative to the config file.
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// An upstream feed (RSS 0.9x/1.0/2.0, Atom or JSON Feed) fetched over HTTP(S).
    #[serde(default)]
    pub feed: Option<String>,
    /// Article pages fetched over HTTP(S), each once: a file with one URL a line
    /// (relative to the config file), or a list of URLs.
    #[serde(default)]
    pub urls: Option<UrlList>,
    /// The publication's name, when the pages do not print it (wins over the page).
    #[serde(default)]
    pub publication: Option<String>,
    /// The publication's home place, a name or division code (wins over the page).
    #[serde(default)]
    pub home: Option<String>,
    /// Largest file read, in megabytes; larger files are reported and skipped.
    #[serde(default = "default_max_file_mb")]
    pub max_file_mb: u64,
    /// Longest time spent reading and placing one file, in seconds; a file that takes
    /// longer is reported as failed (and tried again when its bytes change) and the run
    /// goes on with the next file.
    #[serde(default = "default_max_file_secs")]
    pub max_file_secs: f64,
    /// Feed sources: fetch each entry's link and read the article from that page.
    /// Unset: only for entries whose text is shorter than `[fetch] fulltext_below_chars`.
    #[serde(default)]
    pub fulltext: Option<bool>,
    /// Network sources: the fewest minutes between two fetches of the same URL (a feed's
    /// own `<ttl>` is honoured when it is longer).
    #[serde(default)]
    pub min_interval_mins: u64,
    /// Folder sources: glob patterns of the file names read (all when empty), matched
    /// against the path under the folder (`**/*.txt`).
    #[serde(default)]
    pub include: Vec<String>,
    /// Folder sources: glob patterns of file names never read.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// The `urls` of a source: a file of URLs (one a line, `#` starts a comment) or a list.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum UrlList {
    /// A file with one URL a line, relative to the config file.
    File(PathBuf),
    /// The URLs themselves.
    List(Vec<String>),
}

/// Where a source's input comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Origin<'a> {
    /// A folder (`path`).
    Folder(&'a Path),
    /// An upstream feed (`feed`).
    Feed(&'a str),
    /// Article pages (`urls`).
    Urls(&'a UrlList),
}

impl Source {
    /// A folder source reading `path` with every other key at its default.
    pub fn folder(id: &str, path: PathBuf) -> Self {
        Self {
            id: id.to_string(),
            path: Some(path),
            feed: None,
            urls: None,
            publication: None,
            home: None,
            max_file_mb: default_max_file_mb(),
            max_file_secs: default_max_file_secs(),
            fulltext: None,
            min_interval_mins: 0,
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }

    /// A feed source reading `url` with every other key at its default.
    pub fn feed(id: &str, url: &str) -> Self {
        Self {
            path: None,
            feed: Some(url.to_string()),
            ..Self::folder(id, PathBuf::new())
        }
    }

    /// Where the source's input comes from (`check` makes sure exactly one is set).
    pub fn origin(&self) -> Origin<'_> {
        match (&self.path, &self.feed, &self.urls) {
            (_, Some(f), _) => Origin::Feed(f),
            (_, _, Some(u)) => Origin::Urls(u),
            (Some(p), _, _) => Origin::Folder(p),
            (None, None, None) => Origin::Folder(Path::new("")),
        }
    }
}

fn default_max_file_mb() -> u64 {
    64
}

fn default_max_file_secs() -> f64 {
    60.0
}

fn default_state() -> PathBuf {
    PathBuf::from("state/localfeed.db")
}

fn default_out() -> PathBuf {
    PathBuf::from("feeds")
}

/// The `[serve]` table of `config.toml`: the subscription pages and the limits that keep
/// `localfeed serve` answering when clients misbehave. It lives here, not in `serve`,
/// because the configuration knows every table and no stage.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeSettings {
    /// Serve the subscribe, confirm, manage and unsubscribe pages (they also need a
    /// `[digest]` table: its `base_url`, paths, signing key and mail delivery are used).
    pub subscriptions: bool,
    /// Hours a confirmation link works.
    pub confirm_hours: u32,
    /// Subscribe attempts one client address (an IPv6 /64) may make per hour.
    pub per_ip_per_hour: u32,
    /// Confirmation mails one email address may be sent per day.
    pub per_address_per_day: u32,
    /// Largest form body accepted, in bytes.
    pub max_form_bytes: usize,
    /// Most places one subscription may follow.
    pub max_localities: usize,
    /// The schedules offered on the forms, first is the default (`immediate`,
    /// `daily HH:MM`, `weekly mon HH:MM`).
    pub schedules: Vec<String>,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a
    /// reverse proxy that sets it), for the per-client rate limit.
    pub trust_forwarded_for: bool,
    /// Seconds a client has to send a whole request header, counted from the connection
    /// (or from the previous answer on a kept-alive connection); then it is closed.
    pub header_timeout_secs: u64,
    /// Seconds a connection may stay open with no byte moving either way (a body sent or
    /// an answer read too slowly); then it is closed.
    pub idle_timeout_secs: u64,
    /// Connections served at once; more wait until one closes. Never more than the
    /// process's open-file limit (`LimitNOFILE`) allows, less 64 for everything else.
    pub max_connections: usize,
}

impl Default for ServeSettings {
    fn default() -> Self {
        Self {
            subscriptions: true,
            confirm_hours: 48,
            per_ip_per_hour: 10,
            per_address_per_day: 3,
            max_form_bytes: 16 * 1024,
            max_localities: 20,
            schedules: vec![
                "daily 07:30".into(),
                "daily 18:00".into(),
                "weekly mon 07:30".into(),
                "immediate".into(),
            ],
            trust_forwarded_for: false,
            header_timeout_secs: 10,
            idle_timeout_secs: 60,
            max_connections: 512,
        }
    }
}

impl ServeSettings {
    /// Checks what the ranges of [`RANGES`] do not: the schedules offered.
    pub fn validate(&self) -> anyhow::Result<()> {
        use std::str::FromStr as _;
        if self.schedules.is_empty() {
            anyhow::bail!("[serve] schedules must offer at least one schedule");
        }
        for s in &self.schedules {
            crate::digest::Schedule::from_str(s)
                .map_err(|e| anyhow::anyhow!("[serve] schedules: {s:?}: {e}"))?;
        }
        Ok(())
    }
}

/// The `[stories]` table: whether printings of one story (reprints in other papers, the
/// same story on another page) are published as one item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoriesSettings {
    /// Find the printings of each story and publish and mail it once, with every paper
    /// that printed it. `false` publishes every printing as an item of its own.
    pub merge: bool,
}

impl Default for StoriesSettings {
    fn default() -> Self {
        Self { merge: true }
    }
}

/// The `[fetch]` table: how feeds and pages are fetched over HTTP(S). It lives here, not
/// in `sources`, because the configuration knows every table and no stage.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchSettings {
    /// Seconds to wait for a connection.
    pub connect_timeout_secs: f64,
    /// Seconds one request may take in all, body included.
    pub timeout_secs: f64,
    /// Largest response read, in megabytes (after decompression); larger ones fail.
    pub max_response_mb: u64,
    /// Redirects followed before a request fails.
    pub max_redirects: usize,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Milliseconds between two requests to the same host (one at a time per host).
    pub per_host_delay_ms: u64,
    /// Seconds before a failed URL is tried again; doubled after each failure in a row.
    pub retry_backoff_secs: u64,
    /// The longest wait before a failed URL is tried again, in seconds.
    pub retry_backoff_max_secs: u64,
    /// A feed entry whose text is shorter than this many characters is only a summary:
    /// its link is fetched for the full text (unless the source says `fulltext = false`).
    pub fulltext_below_chars: usize,
    /// Threads that read, decode, extract and place the files of folder sources (one
    /// writer stores what they give, in file order); 0: one per core.
    pub read_threads: usize,
    /// How a site's owner reaches whoever runs this instance (a URL or `mailto:`),
    /// added to the `User-Agent` as `(+CONTACT)`; none by default.
    pub contact: Option<String>,
}

impl FetchSettings {
    /// The `User-Agent` of every request: `localfeed/VERSION`, with the operator's
    /// contact when one is configured.
    pub fn user_agent(&self) -> String {
        let base = concat!("localfeed/", env!("CARGO_PKG_VERSION"));
        match self
            .contact
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            Some(c) => format!("{base} (+{c})"),
            None => base.to_string(),
        }
    }
}

impl Default for FetchSettings {
    fn default() -> Self {
        Self {
            connect_timeout_secs: 10.0,
            timeout_secs: 30.0,
            max_response_mb: 16,
            max_redirects: 5,
            concurrency: 4,
            per_host_delay_ms: 1000,
            retry_backoff_secs: 600,
            retry_backoff_max_secs: 86_400,
            fulltext_below_chars: 100,
            read_threads: 0,
            contact: None,
        }
    }
}

/// The range `check` holds a numeric key to. Every numeric key of the configuration is
/// listed in [`RANGES`], and `config.toml` states each range above its key.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// The table (`source` for every `[[source]]`).
    pub table: &'static str,
    /// The key.
    pub key: &'static str,
    /// Smallest value allowed.
    pub min: f64,
    /// Largest value allowed.
    pub max: f64,
    /// `0` is allowed besides `min..=max` (it means "no limit").
    pub zero_too: bool,
}

const fn range(table: &'static str, key: &'static str, min: f64, max: f64) -> Range {
    Range {
        table,
        key,
        min,
        max,
        zero_too: false,
    }
}

/// Every numeric key and its range. The bounds keep every computation on configured
/// values far inside what its types hold (hours and seconds added to dates, megabytes
/// turned into bytes, a rate turned into a wait), and are wide enough for any real site.
pub const RANGES: &[Range] = &[
    range("source", "max_file_mb", 1.0, 4096.0),
    range("source", "max_file_secs", 0.001, 3600.0),
    range("source", "min_interval_mins", 0.0, 10_080.0),
    range("fetch", "connect_timeout_secs", 0.1, 600.0),
    range("fetch", "timeout_secs", 0.1, 3600.0),
    range("fetch", "max_response_mb", 1.0, 1024.0),
    range("fetch", "max_redirects", 0.0, 20.0),
    range("fetch", "concurrency", 1.0, 64.0),
    range("fetch", "per_host_delay_ms", 0.0, 600_000.0),
    range("fetch", "retry_backoff_secs", 1.0, 86_400.0),
    range("fetch", "retry_backoff_max_secs", 1.0, 2_592_000.0),
    range("fetch", "fulltext_below_chars", 0.0, 100_000.0),
    Range {
        zero_too: true,
        ..range("fetch", "read_threads", 1.0, 64.0)
    },
    range("publish", "items_per_feed", 1.0, 10_000.0),
    range("publish", "ttl_minutes", 1.0, 10_080.0),
    range("publish", "archive_size", 1.0, 10_000.0),
    range("publish", "summary_chars", 0.0, 10_000.0),
    range("publish", "threads", 1.0, 16.0),
    range("publish", "max_retire_percent", 0.0, 100.0),
    range("publish", "page_size", 1.0, 1000.0),
    range("serve", "confirm_hours", 1.0, 720.0),
    range("serve", "per_ip_per_hour", 1.0, 10_000.0),
    range("serve", "per_address_per_day", 1.0, 100.0),
    range("serve", "max_form_bytes", 1024.0, 65_536.0),
    range("serve", "max_localities", 1.0, 1000.0),
    range("serve", "header_timeout_secs", 1.0, 300.0),
    range("serve", "idle_timeout_secs", 1.0, 3600.0),
    range("serve", "max_connections", 1.0, 100_000.0),
    range("digest", "timeout_secs", 1.0, 600.0),
    range("digest", "data_timeout_secs", 1.0, 3600.0),
    Range {
        zero_too: true,
        ..range("digest", "send_rate", 0.01, 1000.0)
    },
    range("digest", "retry_backoff_secs", 1.0, 86_400.0),
    range("digest", "retry_backoff_max_secs", 1.0, 2_592_000.0),
    range("digest", "max_attempts", 1.0, 1000.0),
    range("digest", "suspend_after", 0.0, 1000.0),
    range("digest", "max_articles", 1.0, 1000.0),
    range("digest", "summary_chars", 0.0, 10_000.0),
    range("digest", "first_digest_lookback_hours", 0.0, 8760.0),
];

impl Range {
    /// Whether `v` is allowed.
    pub fn allows(&self, v: f64) -> bool {
        (self.zero_too && v == 0.0) || (v >= self.min && v <= self.max)
    }

    /// The range in words: `between 1 and 10000`, `0, or between 0.01 and 1000`.
    pub fn describe(&self) -> String {
        let between = format!("between {} and {}", self.min, self.max);
        if self.zero_too {
            format!("0, or {between}")
        } else {
            between
        }
    }
}

/// The whole configuration.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The SQLite state file, or a PostgreSQL database's `postgres://` URL.
    #[serde(default = "default_state")]
    pub state: PathBuf,
    /// The output folder for feeds and pages.
    #[serde(default = "default_out")]
    pub out: PathBuf,
    /// A folder of user templates that replace the built-in ones file by file.
    #[serde(default)]
    pub templates: Option<PathBuf>,
    /// The input folders.
    #[serde(rename = "source")]
    pub sources: Vec<Source>,
    /// Feed publishing.
    #[serde(default)]
    pub publish: crate::publish::Settings,
    /// Email digests; none are sent when the table is absent.
    #[serde(default)]
    pub digest: Option<crate::digest::Settings>,
    /// `localfeed serve`'s subscription pages.
    #[serde(default)]
    pub serve: ServeSettings,
    /// How feed and page sources are fetched.
    #[serde(default)]
    pub fetch: FetchSettings,
    /// Reprints and one item per story.
    #[serde(default)]
    pub stories: StoriesSettings,
    /// Subscribers kept in the config (more can be added with `localfeed subscribers`).
    #[serde(default, rename = "subscriber")]
    pub subscribers: Vec<crate::digest::SubscriberConfig>,
    /// The folder the config was read from; relative paths are resolved against it.
    #[serde(skip)]
    pub base_dir: PathBuf,
}

/// Overrides given on the command line.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--inbox DIR`: read this folder instead of the configured sources.
    pub inbox: Option<PathBuf>,
    /// `--out DIR`.
    pub out: Option<PathBuf>,
    /// `--state FILE`.
    pub state: Option<PathBuf>,
}

impl Config {
    /// Parses configuration text. `path` is only used in messages and to resolve relative
    /// paths.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let mut cfg: Config = toml::from_str(text).map_err(|e| ConfigError {
            path: shown.clone(),
            message: describe_toml_error(text, &e),
        })?;
        cfg.base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        cfg.check(text).map_err(|message| ConfigError {
            path: shown,
            message,
        })?;
        Ok(cfg)
    }

    /// Reads and parses the configuration file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: path.display().to_string(),
            message: format!("cannot read the configuration file: {e}"),
        })?;
        Self::parse(&text, path)
    }

    /// Checks what types alone do not: ranges, URLs, ids, the tables' own rules. `text` is
    /// the file, to name the line and column of a key.
    fn check(&self, text: &str) -> Result<(), String> {
        self.check_ranges(text)?;
        self.check_urls(text)?;
        if self.sources.is_empty() {
            return Err("no [[source]] is configured: add one with `id` and `path`".into());
        }
        for (i, s) in self.sources.iter().enumerate() {
            check_source(i, s)?;
        }
        let mut ids = std::collections::BTreeSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            let valid = !s.id.is_empty()
                && s.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !valid {
                return Err(format!(
                    "source #{}: key `id` = {:?} must be letters, digits, `-` or `_`",
                    i + 1,
                    s.id
                ));
            }
            if !ids.insert(s.id.as_str()) {
                return Err(format!(
                    "source #{}: key `id` = {:?} is used twice",
                    i + 1,
                    s.id
                ));
            }
        }
        if let Some(d) = &self.digest {
            d.validate().map_err(|e| format!("{e:#}"))?;
        } else if !self.subscribers.is_empty() {
            return Err(
                "[[subscriber]] entries need a [digest] table (sender, links, delivery)".into(),
            );
        }
        self.serve.validate().map_err(|e| format!("{e:#}"))?;
        if let Some(c) = &self.fetch.contact
            && (c.chars().any(|ch| ch.is_control()) || !c.is_ascii())
        {
            return Err(format!(
                "[fetch] contact = {c:?}: a User-Agent holds printable ASCII only (write a \
                 domain in its ASCII form)"
            ));
        }
        for (i, sub) in self.subscribers.iter().enumerate() {
            sub.validate()
                .map_err(|e| format!("[[subscriber]] #{}: {e:#}", i + 1))?;
        }
        Ok(())
    }

    /// The configured values of one numeric key: `(index of the [[source]], value)`.
    fn values_of(&self, r: &Range) -> Vec<(Option<usize>, f64)> {
        let (p, sv) = (&self.publish, &self.serve);
        let one = |v: f64| vec![(None, v)];
        match (r.table, r.key) {
            ("source", "max_file_mb") => self
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (Some(i), s.max_file_mb as f64))
                .collect(),
            ("source", "max_file_secs") => self
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (Some(i), s.max_file_secs))
                .collect(),
            ("source", "min_interval_mins") => self
                .sources
                .iter()
                .enumerate()
                .map(|(i, s)| (Some(i), s.min_interval_mins as f64))
                .collect(),
            ("fetch", key) => {
                let f = &self.fetch;
                one(match key {
                    "connect_timeout_secs" => f.connect_timeout_secs,
                    "timeout_secs" => f.timeout_secs,
                    "max_response_mb" => f.max_response_mb as f64,
                    "max_redirects" => f.max_redirects as f64,
                    "concurrency" => f.concurrency as f64,
                    "per_host_delay_ms" => f.per_host_delay_ms as f64,
                    "retry_backoff_secs" => f.retry_backoff_secs as f64,
                    "retry_backoff_max_secs" => f.retry_backoff_max_secs as f64,
                    "fulltext_below_chars" => f.fulltext_below_chars as f64,
                    "read_threads" => f.read_threads as f64,
                    _ => return Vec::new(),
                })
            }
            ("publish", "items_per_feed") => one(p.items_per_feed as f64),
            ("publish", "ttl_minutes") => one(f64::from(p.ttl_minutes)),
            ("publish", "archive_size") => one(p.archive_size as f64),
            ("publish", "summary_chars") => one(p.summary_chars as f64),
            ("publish", "threads") => one(p.threads as f64),
            ("publish", "max_retire_percent") => one(f64::from(p.max_retire_percent)),
            ("publish", "page_size") => one(p.page_size as f64),
            ("serve", "confirm_hours") => one(f64::from(sv.confirm_hours)),
            ("serve", "per_ip_per_hour") => one(f64::from(sv.per_ip_per_hour)),
            ("serve", "per_address_per_day") => one(f64::from(sv.per_address_per_day)),
            ("serve", "max_form_bytes") => one(sv.max_form_bytes as f64),
            ("serve", "max_localities") => one(sv.max_localities as f64),
            ("serve", "header_timeout_secs") => one(sv.header_timeout_secs as f64),
            ("serve", "idle_timeout_secs") => one(sv.idle_timeout_secs as f64),
            ("serve", "max_connections") => one(sv.max_connections as f64),
            ("digest", key) => {
                let Some(d) = &self.digest else {
                    return Vec::new();
                };
                one(match key {
                    "timeout_secs" => d.timeout_secs as f64,
                    "data_timeout_secs" => d.data_timeout_secs as f64,
                    "send_rate" => d.send_rate,
                    "retry_backoff_secs" => d.retry_backoff_secs as f64,
                    "retry_backoff_max_secs" => d.retry_backoff_max_secs as f64,
                    "max_attempts" => f64::from(d.max_attempts),
                    "suspend_after" => f64::from(d.suspend_after),
                    "max_articles" => d.max_articles as f64,
                    "summary_chars" => d.summary_chars as f64,
                    "first_digest_lookback_hours" => f64::from(d.first_digest_lookback_hours),
                    _ => return Vec::new(),
                })
            }
            _ => Vec::new(),
        }
    }

    /// Holds every numeric key to its range in [`RANGES`].
    fn check_ranges(&self, text: &str) -> Result<(), String> {
        for r in RANGES {
            for (index, v) in self.values_of(r) {
                if r.allows(v) {
                    continue;
                }
                let at = KeyAt {
                    table: r.table,
                    index,
                    key: r.key,
                };
                return Err(at.message(
                    text,
                    &format!("is out of range: it must be {}", r.describe()),
                    &v.to_string(),
                ));
            }
        }
        Ok(())
    }

    /// The site addresses links are made from: absolute http(s) URLs with a host (https
    /// for the digest's, which one-click unsubscribe needs).
    fn check_urls(&self, text: &str) -> Result<(), String> {
        let web = |raw: &str, schemes: &[&str]| {
            url::Url::parse(raw.trim()).is_ok_and(|u| {
                schemes.contains(&u.scheme()) && u.host_str().is_some_and(|h| !h.is_empty())
            })
        };
        if !web(&self.publish.base_url, &["http", "https"]) {
            let at = KeyAt {
                table: "publish",
                index: None,
                key: "base_url",
            };
            let shown = format!("{:?}", self.publish.base_url);
            return Err(at.message(text, "must be an absolute http(s) URL", &shown));
        }
        if let Some(d) = &self.digest
            && !web(&d.base_url, &["https"])
            && !d.base_url_is_local_http()
        {
            let at = KeyAt {
                table: "digest",
                index: None,
                key: "base_url",
            };
            let shown = format!("{:?}", d.base_url);
            return Err(at.message(
                text,
                "must be an absolute https URL (one-click unsubscribe, RFC 8058, needs https; plain http only on a loopback address, for local testing)",
                &shown,
            ));
        }
        Ok(())
    }

    /// Applies command-line overrides. `--inbox` replaces the configured sources with one
    /// source named `inbox` reading that folder (the publication hints of the configured
    /// sources do not apply to it).
    pub fn apply(&mut self, o: &Overrides) {
        if let Some(dir) = &o.inbox {
            self.sources = vec![Source::folder("inbox", absolute(dir))];
        }
        if let Some(out) = &o.out {
            self.out = absolute(out);
        }
        if let Some(state) = &o.state {
            self.state = absolute(state);
        }
    }

    /// A configured path resolved against the config file's folder.
    pub fn resolve(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base_dir.join(p)
        }
    }

    /// The state file.
    pub fn state_path(&self) -> PathBuf {
        if is_database_url(&self.state) {
            return self.state.clone();
        }
        self.resolve(&self.state)
    }

    /// The output folder.
    pub fn out_dir(&self) -> PathBuf {
        self.resolve(&self.out)
    }

    /// The user templates folder, when configured.
    pub fn templates_dir(&self) -> Option<PathBuf> {
        self.templates.as_deref().map(|p| self.resolve(p))
    }
}

/// Checks one `[[source]]`: exactly one of `path`, `feed` and `urls`, URLs that are
/// absolute http(s), glob patterns that compile, and keys only its kind uses.
fn check_source(i: usize, s: &Source) -> Result<(), String> {
    let at = |what: String| format!("source #{} ({:?}): {what}", i + 1, s.id);
    let set = [s.path.is_some(), s.feed.is_some(), s.urls.is_some()];
    if set.iter().filter(|x| **x).count() != 1 {
        return Err(at(
            "needs exactly one of `path` (a folder), `feed` (a feed URL) or `urls` (article pages)"
                .into(),
        ));
    }
    let web = |raw: &str| {
        url::Url::parse(raw.trim()).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
    };
    if let Some(f) = &s.feed
        && !web(f)
    {
        return Err(at(format!(
            "key `feed` = {f:?} must be an absolute http(s) URL"
        )));
    }
    if let Some(UrlList::List(list)) = &s.urls
        && let Some(bad) = list.iter().find(|u| !web(u))
    {
        return Err(at(format!(
            "key `urls`: {bad:?} is not an absolute http(s) URL"
        )));
    }
    if s.fulltext.is_some() && s.feed.is_none() {
        return Err(at("key `fulltext` applies to `feed` sources only".into()));
    }
    if (!s.include.is_empty() || !s.exclude.is_empty()) && s.path.is_none() {
        return Err(at(
            "keys `include` and `exclude` apply to folder (`path`) sources only".into(),
        ));
    }
    for (key, pats) in [("include", &s.include), ("exclude", &s.exclude)] {
        for p in pats {
            if let Err(e) = globset::Glob::new(p) {
                return Err(at(format!("key `{key}`: pattern {p:?}: {e}")));
            }
        }
    }
    Ok(())
}

/// Whether a `state` setting names a PostgreSQL database (`postgres://…` or
/// `postgresql://…`) rather than a SQLite file: such a value is a URL, never resolved
/// against a folder.
pub fn is_database_url(state: &Path) -> bool {
    state
        .to_str()
        .is_some_and(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() || is_database_url(p) {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Turns a TOML/serde error into one line naming the line, column and what is wrong.
/// What the types of config values are called in messages instead of their Rust names
/// (`expected usize` reads `expected a whole number ≥ 0`).
const TYPE_WORDS: &[(&str, &str)] = &[
    ("usize", "a whole number ≥ 0"),
    ("u64", "a whole number ≥ 0"),
    ("u32", "a whole number ≥ 0"),
    ("u16", "a whole number ≥ 0"),
    ("u8", "a whole number ≥ 0"),
    ("i64", "a whole number"),
    ("i32", "a whole number"),
    ("f64", "a number"),
    ("f32", "a number"),
    ("a boolean", "true or false"),
];

/// A deserializer's message in the words of the config file: Rust type names replaced
/// (see [`TYPE_WORDS`]), `floating point` said as `number`.
fn plain_type_words(msg: &str) -> String {
    let Some((head, expected)) = msg.rsplit_once(", expected ") else {
        return msg.to_string();
    };
    let words = TYPE_WORDS
        .iter()
        .find(|(rust, _)| *rust == expected.trim())
        .map_or(expected, |(_, w)| *w);
    let head = head
        .replace("invalid type: floating point", "invalid type: number")
        .replace("invalid type: string", "invalid type: text");
    format!("{head}, expected {words}")
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let msg = plain_type_words(e.message().trim());
    match e.span() {
        Some(span) => {
            let (line, col) = line_column(text, span.start);
            let src = text.lines().nth(line - 1).unwrap_or("").trim();
            format!("line {line}, column {col}: {msg} (`{src}`)")
        }
        None => msg,
    }
}

/// A key of the configuration file: `key` in `[table]`, or in the `index`-th
/// `[[table]]`.
struct KeyAt {
    table: &'static str,
    index: Option<usize>,
    key: &'static str,
}

impl KeyAt {
    /// Where the key is written in `text`: the byte range of the key and of its value.
    fn find(&self, text: &str) -> Option<(std::ops::Range<usize>, std::ops::Range<usize>)> {
        use toml::de::{DeTable, DeValue};
        let doc = DeTable::parse(text).ok()?;
        let (_, table) = doc
            .get_ref()
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == self.table)?;
        let table = match (table.get_ref(), self.index) {
            (DeValue::Table(t), None) => t,
            (DeValue::Array(a), Some(i)) => match a.get(i)?.get_ref() {
                DeValue::Table(t) => t,
                _ => return None,
            },
            _ => return None,
        };
        let (k, v) = table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == self.key)?;
        Some((k.span(), v.span()))
    }

    /// `line L, column C: key = value in [table] <what>`, with the value as written in the
    /// file (else `value`), or without a position when the key is not in the file.
    fn message(&self, text: &str, what: &str, value: &str) -> String {
        let table = match self.index {
            Some(i) => format!("[[{}]] #{}", self.table, i + 1),
            None => format!("[{}]", self.table),
        };
        match self.find(text) {
            Some((key, val)) => {
                let (line, col) = line_column(text, key.start);
                let written = text.get(val).unwrap_or(value).trim();
                format!(
                    "line {line}, column {col}: `{} = {written}` in {table} {what}",
                    self.key
                )
            }
            None => format!("`{} = {value}` in {table} {what}", self.key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("conf/config.toml"))
    }

    #[test]
    fn minimal_config_resolves_paths_against_its_folder() {
        let c = parse("[[source]]\nid = \"a\"\npath = \"pages\"\n").unwrap();
        assert_eq!(c.sources[0].origin(), Origin::Folder(Path::new("pages")));
        assert_eq!(c.resolve(Path::new("pages")), PathBuf::from("conf/pages"));
        assert_eq!(c.state_path(), PathBuf::from("conf/state/localfeed.db"));
        assert_eq!(c.out_dir(), PathBuf::from("conf/feeds"));
    }

    #[test]
    fn a_fetch_contact_goes_into_the_user_agent_and_must_be_printable_ascii() {
        let ok = "[[source]]\nid = \"a\"\npath = \"p\"\n[fetch]\ncontact = \"mailto:news@example.org\"\n";
        let c = parse(ok).unwrap();
        assert!(c.fetch.user_agent().ends_with("(+mailto:news@example.org)"));
        let bad =
            "[[source]]\nid = \"a\"\npath = \"p\"\n[fetch]\ncontact = \"a\\nX-Injected: 1\"\n";
        let e = parse(bad).unwrap_err().to_string();
        assert!(e.contains("[fetch] contact"), "{e}");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("out = \"x\"\n\n[[source]]\nid = \"a\"\npath = \"p\"\nhoem = \"安吉\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("conf/config.toml: line 6, column 1: unknown field `hoem`"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_names_line() {
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\nmax_file_mb = \"big\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 4"), "{e}");
        assert!(e.contains("max_file_mb"), "{e}");
    }

    #[test]
    fn missing_required_key_is_named() {
        let e = parse("[[source]]\nid = \"a\"\n").unwrap_err().to_string();
        assert!(e.contains("needs exactly one of `path`"), "{e}");
        let e = parse("out = \"x\"\n").unwrap_err().to_string();
        assert!(e.contains("missing field `source`"), "{e}");
    }

    #[test]
    fn every_range_names_a_key_of_the_config_and_holds_its_default() {
        let c = parse(
            "[[source]]\nid = \"a\"\npath = \"p\"\n[digest]\nfrom = \"d@news.example.org\"\nbase_url = \"https://news.example.org/\"\n",
        )
        .unwrap();
        for r in RANGES {
            let values = c.values_of(r);
            assert_eq!(values.len(), 1, "{} {}", r.table, r.key);
            assert!(
                r.allows(values[0].1),
                "the default of {} is out of its range",
                r.key
            );
        }
    }

    #[test]
    fn out_of_range_names_line_column_key_and_range() {
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\n[[source]]\nid = \"b\"\npath = \"q\"\n  max_file_mb = 17592186044416\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "conf/config.toml: line 7, column 3: `max_file_mb = 17592186044416` in [[source]] #2 is out of range: it must be between 1 and 4096"
        );
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\n[digest]\nfrom = \"d@news.example.org\"\nbase_url = \"https://news.example.org/\"\nsend_rate = 1e-300\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.ends_with("line 7, column 1: `send_rate = 1e-300` in [digest] is out of range: it must be 0, or between 0.01 and 1000"),
            "{e}"
        );
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\n[publish]\nbase_url = \"javascript:alert(1)//\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 5, column 1: `base_url = \"javascript:alert(1)//\"` in [publish] must be an absolute http(s) URL"), "{e}");
    }

    #[test]
    fn serve_settings_parse_and_validate() {
        let c = parse("[[source]]\nid = \"a\"\npath = \"p\"\n[serve]\nconfirm_hours = 12\nschedules = [\"immediate\"]\n").unwrap();
        assert_eq!(c.serve.confirm_hours, 12);
        assert_eq!(
            c.serve.per_ip_per_hour,
            ServeSettings::default().per_ip_per_hour
        );
        assert!(toml::from_str::<ServeSettings>("unknown = 1").is_err());
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\n[serve]\nschedules = [\"hourly\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("schedules"), "{e}");
        let e = parse("[[source]]\nid = \"a\"\npath = \"p\"\n[serve]\nconfirm_hours = 0\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("confirm_hours = 0` in [serve] is out of range"),
            "{e}"
        );
        ServeSettings::default().validate().unwrap();
    }

    #[test]
    fn feed_and_url_sources_are_checked() {
        let c = parse("[[source]]\nid = \"f\"\nfeed = \"https://rsshub.example.org/a\"\nfulltext = true\n[[source]]\nid = \"u\"\nurls = [\"http://news.example.org/1.html\"]\n[fetch]\nconcurrency = 2\n").unwrap();
        assert_eq!(
            c.sources[0].origin(),
            Origin::Feed("https://rsshub.example.org/a")
        );
        assert!(matches!(c.sources[1].origin(), Origin::Urls(UrlList::List(l)) if l.len() == 1));
        assert_eq!(c.fetch.concurrency, 2);
        for (bad, says) in [
            (
                "id = \"a\"\npath = \"p\"\nfeed = \"http://x.example/\"",
                "exactly one of",
            ),
            (
                "id = \"a\"\nfeed = \"file:///etc/passwd\"",
                "absolute http(s) URL",
            ),
            (
                "id = \"a\"\nurls = [\"ftp://x.example/\"]",
                "not an absolute http(s) URL",
            ),
            (
                "id = \"a\"\npath = \"p\"\nfulltext = true",
                "`feed` sources only",
            ),
            (
                "id = \"a\"\nfeed = \"http://x.example/\"\ninclude = [\"*.txt\"]",
                "folder (`path`) sources only",
            ),
            (
                "id = \"a\"\npath = \"p\"\nexclude = [\"[\"]",
                "key `exclude`: pattern",
            ),
        ] {
            let e = parse(&format!("[[source]]\n{bad}\n"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn duplicate_source_ids_are_rejected() {
        let e =
            parse("[[source]]\nid = \"a\"\npath = \"p\"\n[[source]]\nid = \"a\"\npath = \"q\"\n")
                .unwrap_err()
                .to_string();
        assert!(e.contains("used twice"), "{e}");
    }
}
