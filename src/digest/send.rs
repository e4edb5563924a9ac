//! Delivery of finished messages: SMTP through lettre, or `.eml` files in an outbox folder.
//!
//! Owns: the SMTP connection (`smtp://`, `smtp://…?tls=required` for STARTTLS, `smtps://`,
//! rustls), the password (from an environment variable or a file, never logged), one
//! connection reused for a batch, the send rate, and the split of failures into transient
//! (retry later) and permanent (give up). Must not touch: the store, rendering, the clock.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, SmtpTransport, Transport};

use super::{Settings, parse_mailbox};

/// Why a message was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: the server was unreachable, timed out or answered 4xx.
    /// `connection` is true when the server could not be reached at all, so the rest of
    /// the batch would fail the same way.
    #[error("transient: {message}")]
    Transient {
        /// What happened.
        message: String,
        /// The connection itself failed.
        connection: bool,
    },
    /// Not worth retrying: the server answered 5xx (unknown recipient, refused message).
    #[error("permanent: {0}")]
    Permanent(String),
}

/// Where messages go.
pub enum Delivery {
    /// An SMTP server.
    Smtp {
        /// The transport (one pooled connection, reused for the batch).
        transport: SmtpTransport,
        /// The envelope sender.
        envelope_from: Address,
        /// The server, for messages (no password).
        server: String,
    },
    /// `.eml` files in a folder.
    Outbox(PathBuf),
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

fn read_password(settings: &Settings) -> anyhow::Result<Option<String>> {
    let env = settings.password_env.trim();
    if !env.is_empty()
        && let Ok(v) = std::env::var(env)
        && !v.is_empty()
    {
        return Ok(Some(v));
    }
    if let Some(path) = &settings.password_file {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("cannot read the SMTP password file {}: {e}", path.display())
        })?;
        let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
        if line.is_empty() {
            anyhow::bail!("the SMTP password file {} is empty", path.display());
        }
        return Ok(Some(line.to_string()));
    }
    if !env.is_empty() {
        anyhow::bail!("[digest] password_env names {env}, which is not set");
    }
    Ok(None)
}

impl Delivery {
    /// The delivery the settings ask for: SMTP when `smtp_url` is set, else the outbox
    /// folder (relative paths are taken from `base_dir`).
    pub fn from_settings(settings: &Settings, base_dir: &Path) -> anyhow::Result<Self> {
        let url = settings.smtp_url.trim();
        if url.is_empty() {
            let dir = if settings.outbox_dir.is_absolute() {
                settings.outbox_dir.clone()
            } else {
                base_dir.join(&settings.outbox_dir)
            };
            return Ok(Self::Outbox(dir));
        }
        let parsed = url::Url::parse(url)
            .map_err(|e| anyhow::anyhow!("[digest] smtp_url is not a URL: {e}"))?;
        if parsed.password().is_some() {
            anyhow::bail!(
                "[digest] smtp_url must not hold the password: use password_env or password_file"
            );
        }
        let mut builder = SmtpTransport::from_url(url)
            .map_err(|e| anyhow::anyhow!("[digest] smtp_url {url}: {e}"))?
            .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))))
            .pool_config(PoolConfig::new().max_size(1));
        if let Some(ca) = &settings.tls_ca_file {
            let host = parsed.host_str().unwrap_or("").to_string();
            let pem = std::fs::read(ca).map_err(|e| {
                anyhow::anyhow!("cannot read the SMTP CA certificate {}: {e}", ca.display())
            })?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| anyhow::anyhow!("the SMTP CA certificate {}: {e}", ca.display()))?;
            let params = TlsParameters::builder(host)
                .add_root_certificate(cert)
                .build_rustls()
                .map_err(|e| anyhow::anyhow!("SMTP TLS settings: {e}"))?;
            let mode = parsed
                .query_pairs()
                .find(|(k, _)| k == "tls")
                .map(|(_, v)| v.into_owned());
            builder = match (parsed.scheme(), mode.as_deref()) {
                ("smtps", _) => builder.tls(Tls::Wrapper(params)),
                (_, Some("required")) => builder.tls(Tls::Required(params)),
                (_, Some("opportunistic")) => builder.tls(Tls::Opportunistic(params)),
                _ => anyhow::bail!(
                    "[digest] tls_ca_file is set but smtp_url uses no TLS (use smtps:// or ?tls=required)"
                ),
            };
        }
        // A password is read only for a URL that names a user: a relay that needs no
        // authentication works with `password_env` left at its default.
        let user = parsed.username();
        if !user.is_empty() {
            let Some(pw) = read_password(settings)? else {
                anyhow::bail!(
                    "[digest] smtp_url names the user {user:?} but no password is configured (password_env or password_file)"
                )
            };
            builder = builder.credentials(Credentials::new(percent_decode(user), pw));
        }
        let from = if settings.envelope_from.trim().is_empty() {
            parse_mailbox(&settings.from)?.email
        } else {
            parse_mailbox(&settings.envelope_from)?.email
        };
        let server = format!(
            "{}://{}:{}",
            parsed.scheme(),
            parsed.host_str().unwrap_or(""),
            parsed.port().map(|p| p.to_string()).unwrap_or_default()
        );
        Ok(Self::Smtp {
            transport: builder.build(),
            envelope_from: from,
            server,
        })
    }

    /// Where messages go, for people (never the password).
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp { server, .. } => format!("SMTP {server}"),
            Self::Outbox(dir) => format!("outbox folder {}", dir.display()),
        }
    }

    /// Delivers one message to `to`. In outbox mode the file is named after the
    /// Message-ID, so delivering the same message again rewrites the same file.
    pub fn send(&self, to: &str, message_id: &str, bytes: &[u8]) -> Result<(), SendError> {
        match self {
            Self::Smtp {
                transport,
                envelope_from,
                ..
            } => {
                let rcpt: Address = to
                    .trim()
                    .parse()
                    .map_err(|e| SendError::Permanent(format!("invalid recipient {to}: {e}")))?;
                let env = Envelope::new(Some(envelope_from.clone()), vec![rcpt])
                    .map_err(|e| SendError::Permanent(format!("envelope for {to}: {e}")))?;
                transport
                    .send_raw(&env, bytes)
                    .map(|_| ())
                    .map_err(classify)
            }
            Self::Outbox(dir) => {
                write_eml(dir, message_id, bytes).map_err(|e| SendError::Transient {
                    message: format!("cannot write to {}: {e}", dir.display()),
                    connection: true,
                })
            }
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn classify(e: lettre::transport::smtp::Error) -> SendError {
    let message = e.to_string();
    if e.is_permanent() {
        SendError::Permanent(message)
    } else {
        // A server reply (4xx) leaves the connection usable; anything else means the
        // server is unreachable or the connection broke.
        let connection = !e.is_transient();
        SendError::Transient {
            message,
            connection,
        }
    }
}

/// The file name for a message in the outbox folder.
pub fn eml_name(message_id: &str) -> String {
    let inner = message_id
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    let local = inner.split('@').next().unwrap_or(inner);
    let safe: String = local
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{safe}.eml")
}

/// Writes a file atomically: a temporary file in the same folder, then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

fn write_eml(dir: &Path, message_id: &str, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(&dir.join(eml_name(message_id)), bytes)
}

/// Spaces sends to at most `rate` per second (no limit when `rate` is 0).
#[derive(Debug)]
pub struct RateLimiter {
    interval: Option<Duration>,
    last: Option<Instant>,
}

impl RateLimiter {
    /// A limiter for `rate` messages per second.
    pub fn new(rate: f64) -> Self {
        let interval =
            (rate.is_finite() && rate > 0.0).then(|| Duration::from_secs_f64(1.0 / rate));
        Self {
            interval,
            last: None,
        }
    }

    /// Waits until the next send is allowed.
    pub fn wait(&mut self) {
        if let (Some(iv), Some(last)) = (self.interval, self.last) {
            let elapsed = last.elapsed();
            if elapsed < iv {
                std::thread::sleep(iv - elapsed);
            }
        }
        self.last = Some(Instant::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outbox_files_are_named_after_the_message_id() {
        assert_eq!(
            eml_name("<digest.2026.ab12@news.example.org>"),
            "digest.2026.ab12.eml"
        );
        assert_eq!(eml_name("<a/b\\c@x>"), "a_b_c.eml");
        let dir = tempfile::tempdir().unwrap();
        let d = Delivery::Outbox(dir.path().join("out"));
        d.send("r@example.net", "<m1@x.org>", b"one").unwrap();
        d.send("r@example.net", "<m1@x.org>", b"two").unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("out")).unwrap().collect();
        assert_eq!(files.len(), 1);
        assert_eq!(
            std::fs::read(dir.path().join("out/m1.eml")).unwrap(),
            b"two"
        );
    }

    #[test]
    fn smtp_settings_are_checked() {
        let mut s = Settings {
            from: "d@news.example.org".into(),
            smtp_url: "smtp://mailer@127.0.0.1:2525".into(),
            ..Settings::default()
        };
        let e = Delivery::from_settings(&s, Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("no password"), "{e}");
        s.smtp_url = "smtp://127.0.0.1:2525".into();
        let d = Delivery::from_settings(&s, Path::new(".")).unwrap();
        assert_eq!(d.describe(), "SMTP smtp://127.0.0.1:2525");
        s.smtp_url = "smtp://u:pw@127.0.0.1:2525".into();
        assert!(Delivery::from_settings(&s, Path::new(".")).is_err());
    }

    #[test]
    fn rate_limiter_spaces_sends() {
        let mut r = RateLimiter::new(50.0);
        let start = Instant::now();
        for _ in 0..4 {
            r.wait();
        }
        assert!(start.elapsed() >= Duration::from_millis(55));
        let mut free = RateLimiter::new(0.0);
        let start = Instant::now();
        for _ in 0..100 {
            free.wait();
        }
        assert!(start.elapsed() < Duration::from_millis(50));
    }
}
