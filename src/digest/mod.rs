//! Email digests: who gets which articles when, how the message reads, and how it leaves.
//!
//! Owns: the `[digest]` settings and `[[subscriber]]` entries, address validation, the
//! schedule rule (`schedule`), the signed unsubscribe tokens (`token`), rendering and the
//! MIME message (`compose`), DKIM (`dkim`) and delivery over SMTP or into an outbox folder
//! (`send`). Must not touch: the store, the gazetteer, feeds, or the clock (callers pass
//! the current time in); it uses `crate::model` and `crate::templates` only.

pub mod compose;
pub mod dkim;
pub mod schedule;
pub mod send;
pub mod token;

use std::path::PathBuf;
use std::str::FromStr;

use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

pub use compose::{ComposedDigest, DigestInput, Locality};
pub use schedule::Schedule;
pub use send::{Delivery, SendError};
pub use token::TokenKey;

/// The `[digest]` table of `config.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The `From:` mailbox, e.g. `本地新闻摘要 <digest@news.example.org>`.
    pub from: String,
    /// The envelope sender (`MAIL FROM`, where bounces go); the `from` address when empty.
    pub envelope_from: String,
    /// The `List-Id` identifier, a dotted name under a domain you own, e.g.
    /// `digest.news.example.org`; `digest.` and the `from` address's domain when empty.
    pub list_id: String,
    /// The list's human name, shown in `List-Id` and the message, e.g. `本地新闻摘要`.
    pub list_name: String,
    /// The public https address of the published site, e.g. `https://news.example.org/feeds/`.
    /// Article and unsubscribe links are resolved against it.
    pub base_url: String,
    /// Path of an article's page under `base_url`; `{id}` is replaced by the article id.
    pub article_path: String,
    /// Path of the one-click unsubscribe endpoint under `base_url`; `{token}` is replaced by
    /// the subscriber's signed token.
    pub unsubscribe_path: String,
    /// Path of the page where a subscriber manages the subscription; `{token}` as above.
    pub manage_path: String,
    /// Address for unsubscribing by mail (`List-Unsubscribe: <mailto:…>`); none when empty.
    pub unsubscribe_mailto: String,
    /// SMTP server: `smtp://host:25` (plain), `smtp://host:587?tls=required` (STARTTLS),
    /// `smtps://host:465` (TLS); a user name goes before the host (`smtp://user@host`).
    /// Empty: digests are written as `.eml` files into `outbox_dir` instead.
    pub smtp_url: String,
    /// Environment variable holding the SMTP password.
    pub password_env: String,
    /// File holding the SMTP password (first line); used when `password_env` is empty or unset.
    pub password_file: Option<PathBuf>,
    /// Seconds to wait for the SMTP server to connect and to answer each command before a
    /// send counts as a transient failure.
    pub timeout_secs: u64,
    /// Seconds to wait for the server's reply to the end of a message (the final `.`),
    /// which may come only after the server has checked the whole message. RFC 5321
    /// §4.5.3.2.6 asks for 10 minutes: giving up earlier sends again, later, a message
    /// the server may have accepted.
    pub data_timeout_secs: u64,
    /// PEM file of a CA certificate to trust for the SMTP server's TLS (a private relay);
    /// the public web roots otherwise.
    pub tls_ca_file: Option<PathBuf>,
    /// Environment variable holding the key that signs unsubscribe tokens.
    pub signing_key_env: String,
    /// File holding the key that signs unsubscribe tokens (at least 16 bytes); created
    /// with a random key when it does not exist and the environment variable is unset.
    pub signing_key_file: Option<PathBuf>,
    /// DKIM selector (`selector._domainkey.domain`); signing is on when selector, domain
    /// and key file are all set.
    pub dkim_selector: String,
    /// DKIM signing domain (`d=`), normally the domain of `from`.
    pub dkim_domain: String,
    /// PEM file with the DKIM RSA private key (PKCS#1 `BEGIN RSA PRIVATE KEY` or PKCS#8).
    pub dkim_key_file: Option<PathBuf>,
    /// Folder for `.eml` files when no SMTP server is configured.
    pub outbox_dir: PathBuf,
    /// Messages per second at most; 0 means no limit.
    pub send_rate: f64,
    /// Seconds before the first retry of a transient failure; doubled for each later one.
    pub retry_backoff_secs: u64,
    /// Longest wait between retries, in seconds.
    pub retry_backoff_max_secs: u64,
    /// Transient failures after which a digest is given up and recorded as failed.
    pub max_attempts: u32,
    /// Consecutive digests to one address that fail permanently (5xx, e.g. an unknown
    /// mailbox) before no more are composed for it, until it is added again
    /// (`subscribers add`, or a new confirmation on the subscription page). 0: never.
    pub suspend_after: u32,
    /// Most articles listed in one digest; the rest are counted with a link to the feed.
    pub max_articles: usize,
    /// Length of an article's summary, in characters.
    pub summary_chars: usize,
    /// Time zone of schedules that name none.
    pub default_timezone: String,
    /// For a new subscriber, how many hours of articles before the subscription the first
    /// digest may include.
    pub first_digest_lookback_hours: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            from: String::new(),
            envelope_from: String::new(),
            list_id: String::new(),
            list_name: "本地新闻摘要".into(),
            base_url: String::new(),
            article_path: "articles/{id}.html".into(),
            unsubscribe_path: "unsubscribe?token={token}".into(),
            manage_path: "subscription?token={token}".into(),
            unsubscribe_mailto: String::new(),
            smtp_url: String::new(),
            password_env: String::new(),
            password_file: None,
            timeout_secs: 30,
            data_timeout_secs: 600,
            tls_ca_file: None,
            signing_key_env: "LOCALFEED_DIGEST_KEY".into(),
            signing_key_file: None,
            dkim_selector: String::new(),
            dkim_domain: String::new(),
            dkim_key_file: None,
            outbox_dir: PathBuf::from("outbox"),
            send_rate: 10.0,
            retry_backoff_secs: 300,
            retry_backoff_max_secs: 6 * 3600,
            max_attempts: 12,
            suspend_after: 2,
            max_articles: 40,
            summary_chars: 90,
            default_timezone: "Asia/Shanghai".into(),
            first_digest_lookback_hours: 24,
        }
    }
}

/// Whether a URL's host is this machine (`127.0.0.0/8`, `[::1]` or `localhost`).
fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Settings {
    /// Whether `base_url` is plain http on a loopback address: allowed for trying
    /// subscriptions locally, but one-click unsubscribe needs https in production.
    pub fn base_url_is_local_http(&self) -> bool {
        url::Url::parse(self.base_url.trim()).is_ok_and(|u| u.scheme() == "http" && is_loopback(&u))
    }

    /// Checks the settings a digest needs: a valid `from`, an https `base_url` (http on a
    /// loopback address), a
    /// `list_id`, a known default time zone, and a complete DKIM trio when any part is set.
    pub fn validate(&self) -> anyhow::Result<()> {
        let from = parse_mailbox(&self.from).map_err(|e| anyhow::anyhow!("[digest] from: {e}"))?;
        if !self.envelope_from.trim().is_empty() {
            validate_address(&self.envelope_from)
                .map_err(|e| anyhow::anyhow!("[digest] envelope_from: {e}"))?;
        }
        let base = url::Url::parse(self.base_url.trim()).map_err(|e| {
            anyhow::anyhow!("[digest] base_url {:?} is not a URL: {e}", self.base_url)
        })?;
        if base.scheme() != "https" && !(base.scheme() == "http" && is_loopback(&base)) {
            anyhow::bail!(
                "[digest] base_url {:?} must be https (http only on a loopback address, for local testing): one-click unsubscribe (RFC 8058) needs an https link",
                self.base_url
            );
        }
        for (key, path, hole) in [
            ("article_path", &self.article_path, "{id}"),
            ("unsubscribe_path", &self.unsubscribe_path, "{token}"),
            ("manage_path", &self.manage_path, "{token}"),
        ] {
            if !path.contains(hole) {
                anyhow::bail!("[digest] {key} {path:?} must contain {hole}");
            }
        }
        let id = self.effective_list_id();
        if id.is_empty()
            || !id.contains('.')
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            anyhow::bail!(
                "[digest] list_id {:?} must be a dotted name under your domain, e.g. digest.{}",
                self.list_id,
                from.email.domain()
            );
        }
        if !self.unsubscribe_mailto.trim().is_empty() {
            validate_address(self.unsubscribe_mailto.trim_start_matches("mailto:"))
                .map_err(|e| anyhow::anyhow!("[digest] unsubscribe_mailto: {e}"))?;
        }
        schedule::parse_tz(&self.default_timezone)
            .map_err(|e| anyhow::anyhow!("[digest] default_timezone: {e}"))?;
        let dkim_parts = [
            !self.dkim_selector.is_empty(),
            !self.dkim_domain.is_empty(),
            self.dkim_key_file.is_some(),
        ];
        if dkim_parts.iter().any(|p| *p) && !dkim_parts.iter().all(|p| *p) {
            anyhow::bail!(
                "[digest] DKIM needs dkim_selector, dkim_domain and dkim_key_file together"
            );
        }
        if !self.send_rate.is_finite() || self.send_rate < 0.0 {
            anyhow::bail!("[digest] send_rate must be 0 (no limit) or a positive number");
        }
        if !self.smtp_url.trim().is_empty() {
            let u = url::Url::parse(self.smtp_url.trim())
                .map_err(|e| anyhow::anyhow!("[digest] smtp_url is not a URL: {e}"))?;
            if !matches!(u.scheme(), "smtp" | "smtps") {
                anyhow::bail!(
                    "[digest] smtp_url must start with smtp:// or smtps://, not {}://",
                    u.scheme()
                );
            }
            if u.password().is_some() {
                anyhow::bail!(
                    "[digest] smtp_url must not hold the password: use password_env or password_file"
                );
            }
        }
        Ok(())
    }

    /// Where a new subscriber's first digest starts: `first_digest_lookback_hours` before
    /// `now`, computed without overflow (`check` keeps the hours within a year; a value
    /// beyond any date falls back to `now`, no older articles).
    pub fn first_digest_since(
        &self,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> chrono::DateTime<chrono::FixedOffset> {
        chrono::TimeDelta::try_hours(i64::from(self.first_digest_lookback_hours))
            .and_then(|back| now.checked_sub_signed(back))
            .unwrap_or(now)
    }

    /// The `List-Id` identifier: `list_id`, or `digest.` + the `from` domain when empty.
    pub fn effective_list_id(&self) -> String {
        let id = self.list_id.trim();
        if id.is_empty() {
            format!("digest.{}", self.message_id_domain())
        } else {
            id.to_string()
        }
    }

    /// The key that signs unsubscribe and manage tokens, from `signing_key_env` or
    /// `signing_key_file` (created with a random key on first use).
    pub fn token_key(&self) -> anyhow::Result<TokenKey> {
        TokenKey::load_or_create(&self.signing_key_env, self.signing_key_file.as_deref())
    }

    /// The `From:` mailbox.
    pub fn from_mailbox(&self) -> anyhow::Result<Mailbox> {
        parse_mailbox(&self.from).map_err(|e| anyhow::anyhow!("[digest] from: {e}"))
    }

    /// The domain on the right of generated Message-IDs: the `from` address's domain.
    pub fn message_id_domain(&self) -> String {
        self.from_mailbox()
            .map(|m| m.email.domain().to_string())
            .unwrap_or_else(|_| "localhost".into())
    }
}

/// One `[[subscriber]]` entry of `config.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubscriberConfig {
    /// The subscriber's address, e.g. `reader@example.net`.
    pub email: String,
    /// Places followed, as division codes or names (`330523`, `安吉县`); each includes
    /// everything below it.
    pub localities: Vec<String>,
    /// `immediate`, `daily 07:30` or `weekly mon 07:30`.
    pub schedule: String,
    /// IANA time zone of the schedule; `[digest] default_timezone` when empty.
    pub timezone: String,
    /// Send only a plain-text part.
    pub plain_text_only: bool,
}

impl Default for SubscriberConfig {
    fn default() -> Self {
        Self {
            email: String::new(),
            localities: Vec::new(),
            schedule: "daily 07:30".into(),
            timezone: String::new(),
            plain_text_only: false,
        }
    }
}

impl SubscriberConfig {
    /// Checks the entry: a valid address, at least one locality, a schedule and time zone
    /// that parse. Every message names the address.
    pub fn validate(&self) -> anyhow::Result<()> {
        validate_address(&self.email)?;
        if self.localities.iter().all(|l| l.trim().is_empty()) {
            anyhow::bail!("subscriber {}: no localities to follow", self.email.trim());
        }
        Schedule::from_str(&self.schedule)
            .map_err(|e| anyhow::anyhow!("subscriber {}: {e}", self.email.trim()))?;
        if !self.timezone.trim().is_empty() {
            schedule::parse_tz(&self.timezone)
                .map_err(|e| anyhow::anyhow!("subscriber {}: {e}", self.email.trim()))?;
        }
        Ok(())
    }
}

/// Normalises an address for use as a key and on the wire: trimmed, the domain
/// lower-cased, and a domain written in other scripts (`例子.中国`) in its ASCII form
/// (IDNA, `xn--fsqu00a.xn--fiqs8s`, by the `idna` crate), which every mail server takes.
pub fn normalize_address(email: &str) -> String {
    let e = email.trim();
    match e.rsplit_once('@') {
        Some((local, domain)) => format!("{local}@{}", ascii_domain(domain)),
        None => e.to_string(),
    }
}

/// A domain in ASCII: lower-cased, and IDNA-encoded when it holds other characters (as it
/// was when it cannot be encoded; the address check then refuses it).
fn ascii_domain(domain: &str) -> String {
    if domain.is_ascii() {
        return domain.to_ascii_lowercase();
    }
    idna::domain_to_ascii(domain).unwrap_or_else(|_| domain.to_string())
}

/// Checks a bare address (`local@domain`): one `@`, a dot-atom local part, a domain of
/// dot-separated labels with a dot in it, no spaces or display names. The error names the
/// address.
pub fn validate_address(email: &str) -> anyhow::Result<()> {
    let e = email.trim();
    let bad = |why: &str| anyhow::anyhow!("invalid email address {e:?}: {why}");
    if e.is_empty() {
        return Err(bad("empty"));
    }
    if e.len() > 254 {
        return Err(bad("longer than 254 characters"));
    }
    let (local, domain) = e.rsplit_once('@').ok_or_else(|| bad("no @"))?;
    if local.is_empty() || local.len() > 64 {
        return Err(bad("the part before @ must be 1 to 64 characters"));
    }
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c);
    if local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
        || !local.chars().all(|c| atext(c) || c == '.')
    {
        return Err(bad(
            "the part before @ has characters an address cannot hold",
        ));
    }
    let domain = ascii_domain(domain);
    if !domain.contains('.') {
        return Err(bad("the domain has no dot"));
    }
    for label in domain.split('.') {
        if label.is_empty()
            || label.len() > 63
            || label.starts_with('-')
            || label.ends_with('-')
            || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(bad("the domain is not a host name"));
        }
    }
    if domain
        .rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(bad("the domain is not a host name"));
    }
    Ok(())
}

/// Parses a mailbox such as `名字 <a@b.example>` or `a@b.example`, checking the address.
pub fn parse_mailbox(s: &str) -> anyhow::Result<Mailbox> {
    let s = s.trim();
    if s.is_empty() {
        anyhow::bail!("no address given");
    }
    let addr = match (s.rfind('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => s.get(a + 1..b).unwrap_or(""),
        _ => s,
    };
    validate_address(addr)?;
    // The domain goes on the wire in its ASCII (IDNA) form.
    let wire = s.replacen(addr, &normalize_address(addr), 1);
    Mailbox::from_str(&wire).map_err(|e| anyhow::anyhow!("invalid mailbox {s:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_validated_with_the_address_named() {
        for ok in [
            "a@b.example",
            "first.last+tag@mail.example.org",
            "x_y@a-b.cn",
            "li@例子.中国",
            "li@Bücher.example",
        ] {
            assert!(validate_address(ok).is_ok(), "{ok}");
        }
        // a domain in another script is kept and sent in its ASCII (IDNA) form
        assert_eq!(
            normalize_address(" li@例子.中国 "),
            "li@xn--fsqu00a.xn--fiqs8s"
        );
        assert_eq!(
            normalize_address("Li@Bücher.Example"),
            "Li@xn--bcher-kva.example"
        );
        assert_eq!(
            parse_mailbox("摘要 <d@例子.中国>")
                .unwrap()
                .email
                .to_string(),
            "d@xn--fsqu00a.xn--fiqs8s"
        );
        assert!(validate_address("li@例子").is_err(), "no dot");
        for bad in [
            "",
            "plain",
            "a@b",
            "a@@b.cn",
            ".a@b.cn",
            "a..b@c.cn",
            "a b@c.cn",
            "a@-b.cn",
            "a@b.123",
            "张三@例子.cn",
            "Name <a@b.cn>",
        ] {
            let e = validate_address(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("{:?}", bad.trim())), "{e}");
        }
    }

    #[test]
    fn settings_validation_reports_what_is_wrong() {
        let mut s = Settings {
            from: "本地新闻 <digest@news.example.org>".into(),
            list_id: "digest.news.example.org".into(),
            base_url: "https://news.example.org/feeds/".into(),
            ..Settings::default()
        };
        s.validate().unwrap();
        s.base_url = "http://news.example.org/".into();
        assert!(s.validate().unwrap_err().to_string().contains("https"));
        for local in [
            "http://127.0.0.1:8081/",
            "http://[::1]:8081/",
            "http://localhost/",
        ] {
            s.base_url = local.into();
            s.validate().unwrap();
            assert!(s.base_url_is_local_http(), "{local}");
        }
        s.base_url = "http://127.0.0.1.example.org/".into();
        assert!(s.validate().is_err());
        s.base_url = "https://news.example.org/".into();
        assert!(!s.base_url_is_local_http());
        s.dkim_selector = "sel".into();
        assert!(s.validate().unwrap_err().to_string().contains("DKIM"));
        s.dkim_selector.clear();
        s.smtp_url = "smtp://u:secret@host".into();
        assert!(s.validate().unwrap_err().to_string().contains("password"));
        s.smtp_url = "http://host".into();
        assert!(s.validate().is_err());
    }

    #[test]
    fn subscriber_entries_are_checked() {
        let mut c = SubscriberConfig {
            email: "r@example.net".into(),
            localities: vec!["370871".into()],
            ..SubscriberConfig::default()
        };
        c.validate().unwrap();
        c.schedule = "hourly".into();
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("r@example.net")
        );
        c.schedule = "weekly mon 07:30".into();
        c.timezone = "Mars/Base".into();
        assert!(c.validate().is_err());
        c.timezone = "Europe/Berlin".into();
        c.validate().unwrap();
        c.localities.clear();
        assert!(c.validate().is_err());
    }

    #[test]
    fn settings_table_parses_from_toml() {
        let s: Settings =
            toml::from_str("from = \"d@news.example.org\"\nsend_rate = 2.5\noutbox_dir = \"mail\"")
                .unwrap();
        assert_eq!(s.send_rate, 2.5);
        assert_eq!(s.outbox_dir, PathBuf::from("mail"));
        assert_eq!(s.max_attempts, Settings::default().max_attempts);
        assert!(toml::from_str::<Settings>("unknown_key = 1").is_err());
    }
}
