//! Delivery of finished messages: SMTP through lettre, or `.eml` files in an outbox folder.
//!
//! Owns: the SMTP connection (`smtp://`, `smtp://…?tls=required` for STARTTLS, `smtps://`,
//! rustls), the password (from an environment variable or a file, never logged), one
//! connection reused for a batch, the send rate, and the split of failures into transient
//! (retry later) and permanent (give up). Must not touch: the store, rendering, the clock.
//!
//! The SMTP session is lettre's `AsyncSmtpConnection` over a TCP socket opened here, so that
//! `TCP_NODELAY` can be set on it. lettre writes a message body and its `.` terminator in
//! two writes; with Nagle's algorithm on, the terminator waits for the server to acknowledge
//! the body, and a server that delays its acknowledgements (as Linux does, up to 40 ms)
//! turns every message into a stall. lettre's own transports give no access to the socket;
//! measured against `smtp-sink` on loopback the stall held sending to 17 messages a second
//! (see BENCHMARKS.md). Implicit TLS (`smtps://`) still goes through lettre's own connect,
//! which does not set the option.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{AsyncSmtpConnection, Certificate, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};

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
    Smtp(Box<SmtpClient>),
    /// `.eml` files in a folder.
    Outbox(PathBuf),
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

/// How a connection uses TLS.
#[derive(Clone)]
enum TlsMode {
    /// Plain SMTP.
    Plain,
    /// TLS from the first byte (`smtps://`).
    Implicit(TlsParameters),
    /// STARTTLS, required (`?tls=required`).
    Required(TlsParameters),
    /// STARTTLS when the server offers it (`?tls=opportunistic`).
    Opportunistic(TlsParameters),
}

/// One SMTP server and the connection to it, kept open for a batch and reopened after a
/// failure broke it. Closed with `QUIT` when dropped.
pub struct SmtpClient {
    host: String,
    port: u16,
    tls: TlsMode,
    credentials: Option<Credentials>,
    hello: ClientId,
    /// Connecting, and each command's reply.
    timeout: Duration,
    /// The reply to the end of a message.
    data_timeout: Duration,
    envelope_from: Address,
    /// The server, for messages (no password).
    server: String,
    runtime: tokio::runtime::Runtime,
    connection: Mutex<Option<AsyncSmtpConnection>>,
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

/// The TLS mode a URL asks for (`smtps://`, `?tls=required|opportunistic`), with the
/// default port of each, and the TLS parameters (webpki roots, plus `tls_ca_file`).
fn tls_mode(parsed: &url::Url, settings: &Settings) -> anyhow::Result<(TlsMode, u16)> {
    let host = parsed.host_str().unwrap_or("").to_string();
    let mode = parsed
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let params = || -> anyhow::Result<TlsParameters> {
        let mut builder = TlsParameters::builder(host.clone());
        if let Some(ca) = &settings.tls_ca_file {
            let pem = std::fs::read(ca).map_err(|e| {
                anyhow::anyhow!("cannot read the SMTP CA certificate {}: {e}", ca.display())
            })?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| anyhow::anyhow!("the SMTP CA certificate {}: {e}", ca.display()))?;
            builder = builder.add_root_certificate(cert);
        }
        builder
            .build_rustls()
            .map_err(|e| anyhow::anyhow!("SMTP TLS settings: {e}"))
    };
    Ok(match (parsed.scheme(), mode.as_deref()) {
        ("smtps", None) => (TlsMode::Implicit(params()?), 465),
        ("smtp", Some("required")) => (TlsMode::Required(params()?), 587),
        ("smtp", Some("opportunistic")) => (TlsMode::Opportunistic(params()?), 587),
        ("smtp", None) => {
            if settings.tls_ca_file.is_some() {
                anyhow::bail!(
                    "[digest] tls_ca_file is set but smtp_url uses no TLS (use smtps:// or ?tls=required)"
                );
            }
            (TlsMode::Plain, 25)
        }
        (scheme, tls) => anyhow::bail!(
            "[digest] smtp_url {}: unknown scheme {scheme:?} or tls={:?} (use smtp://, smtps://, ?tls=required or ?tls=opportunistic)",
            parsed.as_str(),
            tls.unwrap_or("")
        ),
    })
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
        let host = match parsed.host_str() {
            Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']'),
            _ => anyhow::bail!("[digest] smtp_url {url} names no host"),
        }
        .to_string();
        let (tls, default_port) = tls_mode(&parsed, settings)?;
        let port = parsed.port().unwrap_or(default_port);
        // A password is read only for a URL that names a user: a relay that needs no
        // authentication works with `password_env` left at its default.
        let user = parsed.username();
        let credentials = if user.is_empty() {
            None
        } else {
            let Some(pw) = read_password(settings)? else {
                anyhow::bail!(
                    "[digest] smtp_url names the user {user:?} but no password is configured (password_env or password_file)"
                )
            };
            Some(Credentials::new(percent_decode(user), pw))
        };
        // The URL's path, when there is one, is the name given in EHLO.
        let path = parsed.path().trim_matches('/');
        let hello = if path.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(path.to_string())
        };
        let envelope_from = if settings.envelope_from.trim().is_empty() {
            parse_mailbox(&settings.from)?.email
        } else {
            parse_mailbox(&settings.envelope_from)?.email
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| anyhow::anyhow!("cannot start the SMTP client: {e}"))?;
        let server = format!("{}://{host}:{port}", parsed.scheme());
        Ok(Self::Smtp(Box::new(SmtpClient {
            host,
            port,
            tls,
            credentials,
            hello,
            timeout: Duration::from_secs(settings.timeout_secs.max(1)),
            data_timeout: Duration::from_secs(settings.data_timeout_secs.max(1)),
            envelope_from,
            server,
            runtime,
            connection: Mutex::new(None),
        })))
    }

    /// Where messages go, for people (never the password).
    pub fn describe(&self) -> String {
        match self {
            Self::Smtp(client) => format!("SMTP {}", client.server),
            Self::Outbox(dir) => format!("outbox folder {}", dir.display()),
        }
    }

    /// Delivers one message to `to`. In outbox mode the file is named after the
    /// Message-ID, so delivering the same message again rewrites the same file.
    pub fn send(&self, to: &str, message_id: &str, bytes: &[u8]) -> Result<(), SendError> {
        match self {
            Self::Smtp(client) => client.send(to, bytes),
            Self::Outbox(dir) => {
                write_eml(dir, message_id, bytes).map_err(|e| SendError::Transient {
                    message: format!("cannot write to {}: {e}", dir.display()),
                    connection: true,
                })
            }
        }
    }
}

impl SmtpClient {
    /// Opens a session: TCP (with `TCP_NODELAY`), greeting and EHLO, STARTTLS, AUTH.
    async fn open(&self) -> Result<AsyncSmtpConnection, String> {
        let mut conn = if let TlsMode::Implicit(params) = &self.tls {
            AsyncSmtpConnection::connect_tokio1(
                (self.host.as_str(), self.port),
                Some(self.timeout),
                &self.hello,
                Some(params.clone()),
                None,
            )
            .await
            .map_err(|e| e.to_string())?
        } else {
            let tcp = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| format!("Connection error: {e}"))?;
            tcp.set_nodelay(true)
                .map_err(|e| format!("Connection error: {e}"))?;
            AsyncSmtpConnection::connect_with_transport(Box::new(tcp), &self.hello)
                .await
                .map_err(|e| e.to_string())?
        };
        match &self.tls {
            TlsMode::Required(params) => conn
                .starttls(params.clone(), &self.hello)
                .await
                .map_err(|e| format!("STARTTLS: {e}"))?,
            TlsMode::Opportunistic(params) if conn.can_starttls() => conn
                .starttls(params.clone(), &self.hello)
                .await
                .map_err(|e| format!("STARTTLS: {e}"))?,
            _ => {}
        }
        if let Some(credentials) = &self.credentials {
            conn.auth(DEFAULT_MECHANISMS, credentials)
                .await
                .map_err(|e| format!("AUTH: {e}"))?;
        }
        Ok(conn)
    }

    fn send(&self, to: &str, bytes: &[u8]) -> Result<(), SendError> {
        let rcpt: Address = to
            .trim()
            .parse()
            .map_err(|e| SendError::Permanent(format!("invalid recipient {to}: {e}")))?;
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        self.runtime.block_on(async {
            let mut conn = match slot.take() {
                Some(conn) if !conn.has_broken() => conn,
                _ => match tokio::time::timeout(self.timeout, self.open()).await {
                    Ok(Ok(conn)) => conn,
                    // Whatever stops a session from opening (refused, TLS, AUTH) stops
                    // the whole batch: retried later, never a recipient's failure.
                    Ok(Err(e)) => {
                        return Err(SendError::Transient {
                            message: format!("cannot open a session with {}: {e}", self.server),
                            connection: true,
                        });
                    }
                    Err(_) => {
                        return Err(SendError::Transient {
                            message: format!(
                                "no session with {} within {} s",
                                self.server,
                                self.timeout.as_secs()
                            ),
                            connection: true,
                        });
                    }
                },
            };
            match self.transaction(&mut conn, rcpt, bytes).await {
                Ok(()) => {
                    *slot = Some(conn);
                    Ok(())
                }
                Err(e) => {
                    // A session left in the middle of a mail transaction (or in an
                    // unknown state after a timeout) is closed; the next message opens
                    // a new one.
                    let _ = tokio::time::timeout(self.timeout, conn.abort()).await;
                    Err(e)
                }
            }
        })
    }

    /// One mail transaction: `MAIL`, `RCPT` and `DATA`, each answered within the command
    /// timeout, then the message and its final dot, whose reply may take up to the data
    /// timeout (RFC 5321 §4.5.3.2.6: the server may check the whole message first). Only
    /// that reply's `250` means the server took the message.
    async fn transaction(
        &self,
        conn: &mut AsyncSmtpConnection,
        rcpt: Address,
        bytes: &[u8],
    ) -> Result<(), SendError> {
        let mut params = Vec::new();
        let info = conn.server_info();
        let ascii = |a: &Address| AsRef::<str>::as_ref(a).is_ascii();
        if !ascii(&self.envelope_from) || !ascii(&rcpt) {
            if !info.supports_feature(Extension::SmtpUtfEight) {
                return Err(SendError::Permanent(format!(
                    "{} does not take non-ASCII addresses (no SMTPUTF8)",
                    self.server
                )));
            }
            params.push(MailParameter::SmtpUtfEight);
        }
        if !bytes.is_ascii() {
            if !info.supports_feature(Extension::EightBitMime) {
                return Err(SendError::Permanent(format!(
                    "{} does not take 8-bit messages (no 8BITMIME)",
                    self.server
                )));
            }
            params.push(MailParameter::Body(MailBodyParameter::EightBitMime));
        }
        let from = Some(self.envelope_from.clone());
        self.step(self.timeout, conn.command(Mail::new(from, params)))
            .await?;
        self.step(self.timeout, conn.command(Rcpt::new(rcpt, vec![])))
            .await?;
        self.step(self.timeout, conn.command(Data)).await?;
        self.step(self.data_timeout, conn.message(bytes)).await
    }

    /// One exchange with the server, given up after `limit`.
    async fn step(
        &self,
        limit: Duration,
        exchange: impl std::future::Future<
            Output = Result<
                lettre::transport::smtp::response::Response,
                lettre::transport::smtp::Error,
            >,
        >,
    ) -> Result<(), SendError> {
        match tokio::time::timeout(limit, exchange).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(classify(e)),
            Err(_) => Err(SendError::Transient {
                message: format!(
                    "{} did not answer within {} s",
                    self.server,
                    limit.as_secs()
                ),
                connection: true,
            }),
        }
    }
}

impl Drop for SmtpClient {
    fn drop(&mut self) {
        let slot = self
            .connection
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(mut conn) = slot.take() {
            let limit = self.timeout;
            self.runtime.block_on(async {
                let _ = tokio::time::timeout(limit, conn.quit()).await;
            });
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
        // A rate so small that its interval is no duration (`check` keeps it at least
        // 0.01 a second) waits the longest interval allowed, 100 seconds.
        let interval = (rate.is_finite() && rate > 0.0).then(|| {
            Duration::try_from_secs_f64(1.0 / rate).map_or(Duration::from_secs(100), |d| {
                d.min(Duration::from_secs(100))
            })
        });
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
    fn smtp_works_from_a_blocking_task_of_a_server_runtime() {
        // `serve` sends confirmation mail from `spawn_blocking`: the client's own runtime
        // must work there. A port nobody listens on gives a transient connection failure.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let s = Settings {
            from: "d@news.example.org".into(),
            smtp_url: format!("smtp://127.0.0.1:{port}"),
            timeout_secs: 5,
            ..Settings::default()
        };
        let rt = tokio::runtime::Runtime::new().unwrap();
        let result = rt.block_on(async move {
            tokio::task::spawn_blocking(move || {
                let d = Delivery::from_settings(&s, Path::new(".")).unwrap();
                d.send("r@example.net", "<m@x.org>", b"Subject: x\r\n\r\nbody\r\n")
            })
            .await
            .unwrap()
        });
        match result {
            Err(SendError::Transient {
                message,
                connection: true,
            }) => assert!(
                message.starts_with(&format!(
                    "cannot open a session with smtp://127.0.0.1:{port}"
                )),
                "{message}"
            ),
            other => panic!("expected a connection failure, got {other:?}"),
        }
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
