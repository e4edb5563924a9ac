//! `localfeed serve`: the output folder over HTTP, the subscription pages, and optionally
//! the pipeline on a timer.
//!
//! Owns: the `[serve]` settings, the HTTP listener, routing a request to a subscription
//! page (`subscribe`: subscribe, confirm, manage, one-click unsubscribe, place search) or to
//! a file, mapping a request path to a file inside the output folder
//! (never outside it: no `..`, no hidden files, no link that leads out, no directory
//! listings), content types per feed format, conditional GET (`ETag`, `Last-Modified`,
//! `304`), gzip, `Cache-Control`, graceful shutdown on SIGTERM/SIGINT, and systemd
//! readiness. Must not touch: what is in the files (publish writes them) or the pipeline's
//! logic (it calls `schedule::run_once`), digest composition (the pipeline sends digests).

mod forms;
mod mail;
mod subscribe;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use crate::clock::Clock;
use crate::config::Config;
use crate::schedule::{self, RunError, RunOptions};
use crate::store::Store;
use crate::templates::Templates;

/// The `[serve]` table of `config.toml`: the subscription pages.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
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
}

impl Default for Settings {
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
        }
    }
}

impl Settings {
    /// Checks the settings; the error names the key.
    pub fn validate(&self) -> Result<()> {
        use std::str::FromStr as _;
        if self.confirm_hours == 0 {
            anyhow::bail!("[serve] confirm_hours must be at least 1");
        }
        if self.per_ip_per_hour == 0 || self.per_address_per_day == 0 {
            anyhow::bail!("[serve] per_ip_per_hour and per_address_per_day must be at least 1");
        }
        if self.max_form_bytes < 1024 || self.max_form_bytes > 64 * 1024 {
            anyhow::bail!("[serve] max_form_bytes must be between 1024 and 65536");
        }
        if self.max_localities == 0 {
            anyhow::bail!("[serve] max_localities must be at least 1");
        }
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

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free one).
    pub listen: SocketAddr,
    /// The folder to serve.
    pub root: PathBuf,
    /// `Cache-Control: max-age` in seconds; match it to how often feeds change.
    pub cache_seconds: u64,
    /// Run the pipeline this often (and once at start), for hosts without a systemd timer.
    pub run_every: Option<Duration>,
}

#[derive(Debug)]
struct App {
    root: PathBuf,
    cache_control: HeaderValue,
    subs: Option<Arc<subscribe::Subs>>,
    trust_forwarded_for: bool,
}

/// The subscription pages, when `[serve] subscriptions` is on and `[digest]` is configured.
fn subscription_pages(cfg: &Config, clock: Arc<dyn Clock>) -> Result<Option<subscribe::Subs>> {
    if !cfg.serve.subscriptions || cfg.digest.is_none() {
        return Ok(None);
    }
    let digest = schedule::digest_settings(cfg)?;
    digest.validate().map_err(|e| {
        anyhow::anyhow!(
            "the subscription pages need a valid [digest] table: {e:#} (set [serve] subscriptions = false to serve the feeds only)"
        )
    })?;
    let templates = Templates::load(cfg.templates_dir().as_deref())?;
    let store = Store::open(&cfg.state_path())?;
    let subs = subscribe::Subs::new(
        cfg.serve.clone(),
        digest,
        cfg.base_dir.clone(),
        templates,
        store,
        clock,
    )?;
    Ok(Some(subs))
}

/// Serves until SIGTERM or SIGINT. With `run_every`, also runs the pipeline on that
/// interval, using `cfg` and `clock`.
pub fn serve(opts: ServeOptions, cfg: Config, clock: Box<dyn Clock>) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the HTTP runtime")?;
    runtime.block_on(serve_async(opts, cfg, Arc::from(clock)))
}

async fn serve_async(opts: ServeOptions, cfg: Config, clock: Arc<dyn Clock>) -> Result<()> {
    std::fs::create_dir_all(&opts.root)
        .with_context(|| format!("cannot create the output folder {}", opts.root.display()))?;
    let root = opts
        .root
        .canonicalize()
        .with_context(|| format!("cannot open the output folder {}", opts.root.display()))?;
    let subs = subscription_pages(&cfg, clock.clone())?.map(Arc::new);
    if subs.is_some() {
        tracing::info!("subscription pages on: /subscribe");
    }
    let app = Arc::new(App {
        root,
        cache_control: HeaderValue::from_str(&format!("public, max-age={}", opts.cache_seconds))
            .unwrap_or(HeaderValue::from_static("no-cache")),
        subs,
        trust_forwarded_for: cfg.serve.trust_forwarded_for,
    });
    let router = axum::Router::new()
        .fallback(handle)
        .with_state(app)
        .layer(tower_http::compression::CompressionLayer::new().gzip(true))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(64 * 1024));
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .with_context(|| format!("cannot listen on {}", opts.listen))?;
    let local = listener.local_addr()?;
    tracing::info!(
        "listening on http://{local}/ serving {}",
        opts.root.display()
    );

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    if let Some(every) = opts.run_every {
        tokio::spawn(run_periodically(cfg, clock, every, stop_rx.clone()));
    }
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        tracing::info!("stopping: finishing requests in flight");
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
        let _ = stop_tx.send(true);
    })
    .await
    .context("the HTTP server failed")?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

async fn run_periodically(
    cfg: Config,
    clock: Arc<dyn Clock>,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let cfg = Arc::new(cfg);
    loop {
        let (c, k) = (cfg.clone(), clock.clone());
        let result = tokio::task::spawn_blocking(move || {
            schedule::run_once(
                &c,
                k.as_ref(),
                RunOptions {
                    progress: false,
                    digests: true,
                },
            )
        })
        .await;
        match result {
            Ok(Ok(r)) if r.failures.is_empty() => {}
            Ok(Ok(r)) => {
                for f in &r.failures {
                    tracing::error!("{}: {}", f.path, f.reason);
                }
            }
            Ok(Err(RunError::Locked(p))) => tracing::info!("skipped a run: lock {p} is held"),
            Ok(Err(RunError::Fatal(e))) => tracing::error!("run failed: {e:#}"),
            Err(e) => tracing::error!("run failed: {e}"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = stop.changed() => return,
        }
    }
}

/// What a request path maps to.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// A file inside the root.
    File(PathBuf),
    /// A folder asked for without its trailing slash: redirect so relative links work.
    AddSlash,
    /// Nothing that may be served.
    NotFound,
}

/// Maps a raw request path to a file inside `root` (which must be canonical). Refuses
/// `..`, hidden names, encoded separators and anything whose real path leaves `root`.
fn resolve(root: &Path, raw_path: &str) -> Target {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw_path).decode_utf8() else {
        return Target::NotFound;
    };
    let mut rel = PathBuf::new();
    for seg in decoded.split('/') {
        if seg.is_empty() {
            continue;
        }
        if seg.starts_with('.') || seg.contains('\\') || seg.contains('\0') {
            return Target::NotFound;
        }
        rel.push(seg);
    }
    let Ok(real) = root.join(&rel).canonicalize() else {
        return Target::NotFound;
    };
    if !real.starts_with(root) {
        return Target::NotFound;
    }
    if real.is_dir() {
        if !decoded.ends_with('/') {
            return Target::AddSlash;
        }
        let index = real.join("index.html");
        return match index.canonicalize() {
            Ok(i) if i.starts_with(root) && i.is_file() => Target::File(i),
            _ => Target::NotFound,
        };
    }
    if real.is_file() {
        Target::File(real)
    } else {
        Target::NotFound
    }
}

/// The content type of a file, from its name, and for `.xml` from its root element.
fn content_type(path: &Path) -> &'static str {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "html" | "htm" => "text/html; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "opml" => "text/x-opml; charset=utf-8",
        "xsl" | "xslt" => "text/xsl; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "json" if name == "feed.json" || name.contains("feed") => {
            "application/feed+json; charset=utf-8"
        }
        "json" => sniff_json(path),
        "xml" => sniff_xml(path),
        _ => "application/octet-stream",
    }
}

fn head(path: &Path) -> String {
    use std::io::Read as _;
    let mut buf = [0u8; 1024];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut buf))
        .unwrap_or(0);
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

fn sniff_xml(path: &Path) -> &'static str {
    let h = head(path);
    if h.contains("<rss") {
        "application/rss+xml; charset=utf-8"
    } else if h.contains("<feed") {
        "application/atom+xml; charset=utf-8"
    } else if h.contains("<opml") {
        "text/x-opml; charset=utf-8"
    } else if h.contains("<xsl:stylesheet") || h.contains("<xsl:transform") {
        "text/xsl; charset=utf-8"
    } else {
        "application/xml; charset=utf-8"
    }
}

fn sniff_json(path: &Path) -> &'static str {
    if head(path).contains("jsonfeed.org/version") {
        "application/feed+json; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    }
}

/// The client's address: the peer, or behind a trusted proxy the last `X-Forwarded-For`.
fn client_ip(app: &App, req: &Request) -> std::net::IpAddr {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    if !app.trust_forwarded_for {
        return peer;
    }
    req.headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|v| v.trim().parse().ok())
        .fold(None, |_, ip| Some(ip))
        .unwrap_or(peer)
}

/// The host name a request was sent to (the `Host` header without its port), lower-cased.
fn request_host(req: &Request) -> String {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let name = host.rsplit_once(':').map_or(host, |(h, p)| {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    name.to_ascii_lowercase()
}

async fn subscription_page(
    app: &App,
    subs: Arc<subscribe::Subs>,
    route: subscribe::Route,
    req: Request,
) -> Response {
    let ip = client_ip(app, &req);
    let host = request_host(&req);
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let query = req.uri().query().map(str::to_string);
    let csrf_cookie = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| forms::cookie(Some(v), forms::CSRF_COOKIE).map(str::to_string));
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let limit = subs_limit(&subs);
    let body = match axum::body::to_bytes(req.into_body(), limit).await {
        Ok(b) => b.to_vec(),
        Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "form too large\n").into_response(),
    };
    let page = subscribe::PageRequest {
        method,
        path,
        csrf_cookie,
        ip,
        host,
        body,
        query,
        content_type,
    };
    match tokio::task::spawn_blocking(move || subs.handle(route, &page)).await {
        Ok(resp) => resp,
        Err(e) => {
            tracing::error!("subscription page failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
        }
    }
}

fn subs_limit(subs: &subscribe::Subs) -> usize {
    subs.max_form_bytes()
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    if let Some(subs) = app.subs.clone()
        && let Some(route) = subs.route(req.uri().path(), req.uri().query())
    {
        return subscription_page(&app, subs, route, req).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let raw = req.uri().path().to_string();
    match resolve(&app.root, &raw) {
        Target::NotFound => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Target::AddSlash => {
            let to = format!("{raw}/");
            (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, to)],
                Body::empty(),
            )
                .into_response()
        }
        Target::File(path) => {
            let ctype = content_type(&path);
            let mime: mime::Mime = ctype.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
            match ServeFile::new_with_mime(&path, &mime).oneshot(req).await {
                Ok(resp) => {
                    let mut resp = resp.map(Body::new);
                    if resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED {
                        resp.headers_mut()
                            .insert(header::CACHE_CONTROL, app.cache_control.clone());
                        resp.headers_mut().insert(
                            header::X_CONTENT_TYPE_OPTIONS,
                            HeaderValue::from_static("nosniff"),
                        );
                    }
                    resp
                }
                Err(e) => {
                    tracing::error!("{}: {e}", path.display());
                    (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n").into_response()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_stays_inside_the_root() {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("all")).unwrap();
        std::fs::write(root.join("all/rss.xml"), "<rss/>").unwrap();
        std::fs::write(root.join("index.html"), "<html/>").unwrap();
        std::fs::write(root.join(".hidden"), "x").unwrap();
        assert_eq!(
            resolve(&root, "/all/rss.xml"),
            Target::File(root.join("all/rss.xml"))
        );
        assert_eq!(resolve(&root, "/"), Target::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/all"), Target::AddSlash);
        assert_eq!(
            resolve(&root, "/all/"),
            Target::NotFound,
            "no directory listing"
        );
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/all/..%2f..%2fetc",
            "/.hidden",
            "/all/%00",
            "/a\\b",
        ] {
            assert_eq!(resolve(&root, bad), Target::NotFound, "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn resolve_refuses_links_out_of_the_root() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "s").unwrap();
        let root = d.path().canonicalize().unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.txt"), root.join("s.txt")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("dir")).unwrap();
        assert_eq!(resolve(&root, "/s.txt"), Target::NotFound);
        assert_eq!(resolve(&root, "/dir/secret.txt"), Target::NotFound);
    }

    #[test]
    fn serve_settings_parse_and_validate() {
        let s: Settings =
            toml::from_str("confirm_hours = 12\nschedules = [\"immediate\"]").unwrap();
        assert_eq!(s.confirm_hours, 12);
        assert_eq!(s.per_ip_per_hour, Settings::default().per_ip_per_hour);
        s.validate().unwrap();
        assert!(toml::from_str::<Settings>("unknown = 1").is_err());
        let bad = Settings {
            schedules: vec!["hourly".into()],
            ..Settings::default()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("schedules")
        );
        let bad = Settings {
            confirm_hours: 0,
            ..Settings::default()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("confirm_hours")
        );
        Settings::default().validate().unwrap();
    }

    #[test]
    fn client_address_comes_from_a_trusted_proxy_only() {
        let mut app = App {
            root: PathBuf::from("/"),
            cache_control: HeaderValue::from_static("no-cache"),
            subs: None,
            trust_forwarded_for: false,
        };
        let peer: SocketAddr = "10.0.0.9:5000".parse().unwrap();
        let mut req = Request::builder()
            .uri("/subscribe")
            .header("x-forwarded-for", "198.51.100.7, 203.0.113.5")
            .header(header::HOST, "News.Example.org:443")
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        assert_eq!(
            client_ip(&app, &req),
            peer.ip(),
            "the header is ignored by default"
        );
        app.trust_forwarded_for = true;
        assert_eq!(
            client_ip(&app, &req).to_string(),
            "203.0.113.5",
            "the proxy's own entry"
        );
        assert_eq!(request_host(&req), "news.example.org");
    }

    #[test]
    fn content_types_follow_the_feed_format() {
        let d = tempfile::tempdir().unwrap();
        let p = |n: &str, body: &str| {
            let path = d.path().join(n);
            std::fs::write(&path, body).unwrap();
            content_type(&path)
        };
        assert_eq!(
            p("rss.xml", "<?xml version=\"1.0\"?><rss version=\"2.0\">"),
            "application/rss+xml; charset=utf-8"
        );
        assert_eq!(
            p(
                "atom.xml",
                "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\">"
            ),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(p("feed.json", "{}"), "application/feed+json; charset=utf-8");
        assert_eq!(p("feeds.opml", "<opml/>"), "text/x-opml; charset=utf-8");
        assert_eq!(p("index.html", ""), "text/html; charset=utf-8");
        assert_eq!(p("feed.xsl", ""), "text/xsl; charset=utf-8");
    }
}
