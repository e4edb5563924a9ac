//! `localfeed serve`: the output folder over HTTP, the subscription pages, and optionally
//! the pipeline on a timer.
//!
//! Owns: the `[serve]` settings, the HTTP listener, routing a request to a subscription
//! page (`subscribe`: subscribe, confirm, manage, one-click unsubscribe, place search), to
//! a feed made to order or the article search (`site`), or to a file, mapping a request path to a file inside the output folder
//! (never outside it: no `..`, no hidden files, no link that leads out, no directory
//! listings), content types per feed format, conditional GET (`ETag`, `Last-Modified`,
//! `304`), gzip, `Cache-Control`, graceful shutdown on SIGTERM/SIGINT, and systemd
//! readiness. Must not touch: what is in the files (publish writes them) or the pipeline's
//! logic (it calls `schedule::run_once`), digest composition (the pipeline sends digests).

mod forms;
mod mail;
mod site;
mod subscribe;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context as TaskContext, Poll};
use std::time::Duration;

use anyhow::{Context as _, Result};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::ServeFile;

use crate::clock::Clock;
use crate::config::{Config, ServeSettings};
use crate::model::shown_path;
use crate::schedule::{self, RunError, RunOptions};
use crate::store::Store;
use crate::templates::Templates;

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
    /// Feeds made to order and article search.
    site: Option<Arc<site::Site>>,
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
        .with_context(|| format!("cannot create the output folder {}", shown_path(&opts.root)))?;
    let root = opts
        .root
        .canonicalize()
        .with_context(|| format!("cannot open the output folder {}", shown_path(&opts.root)))?;
    let subs = subscription_pages(&cfg, clock.clone())?.map(Arc::new);
    if subs.is_some() {
        tracing::info!("subscription pages on: /subscribe");
    }
    let cache_control = HeaderValue::from_str(&format!("public, max-age={}", opts.cache_seconds))
        .unwrap_or(HeaderValue::from_static("no-cache"));
    let site = Arc::new(site::Site::new(&cfg, cache_control.clone())?);
    let app = Arc::new(App {
        root,
        cache_control,
        subs,
        site: Some(site),
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
        shown_path(&opts.root)
    );

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    if let Some(every) = opts.run_every {
        tokio::spawn(run_periodically(cfg.clone(), clock, every, stop_rx.clone()));
    }
    let limits = Limits::new(&cfg.serve);
    tracing::debug!(
        "at most {} connections at once; header timeout {:?}, idle timeout {:?}",
        limits.connections,
        limits.header,
        limits.idle
    );
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping: finishing requests in flight");
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
        let _ = stop_tx.send(true);
    });
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
    accept_loop(listener, router, limits, stop_rx).await;
    Ok(())
}

/// The limits that keep the server answering when clients misbehave.
#[derive(Debug, Clone, Copy)]
struct Limits {
    /// Time to send a whole request header.
    header: Duration,
    /// Time a connection may stay open with nothing moving.
    idle: Duration,
    /// Connections served at once.
    connections: usize,
}

impl Limits {
    fn new(s: &ServeSettings) -> Self {
        Self {
            header: Duration::from_secs(s.header_timeout_secs.max(1)),
            idle: Duration::from_secs(s.idle_timeout_secs.max(1)),
            connections: connection_cap(s.max_connections, open_file_limit()),
        }
    }
}

/// Connections that may be open at once: the configured number, but never more than the
/// open-file limit leaves once 64 files are kept for everything else (the state file,
/// templates, the files being served, the pipeline when it runs here).
fn connection_cap(configured: usize, open_files: Option<u64>) -> usize {
    let room = open_files
        .map(|n| usize::try_from(n.saturating_sub(64)).unwrap_or(usize::MAX))
        .unwrap_or(usize::MAX);
    configured.min(room).max(1)
}

/// The soft limit on open files of this process, when there is one.
#[cfg(unix)]
fn open_file_limit() -> Option<u64> {
    rustix::process::getrlimit(rustix::process::Resource::Nofile).current
}

#[cfg(not(unix))]
fn open_file_limit() -> Option<u64> {
    None
}

/// When bytes last moved on a connection, for the idle timeout.
#[derive(Debug, Clone)]
struct Activity {
    opened: tokio::time::Instant,
    /// Milliseconds from `opened` to the last read or write that moved bytes.
    last_ms: Arc<AtomicU64>,
}

impl Activity {
    fn new() -> Self {
        Self {
            opened: tokio::time::Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Completes once nothing has moved for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = self.opened + last + limit;
            if tokio::time::Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A client connection that records when bytes move.
struct Watched {
    stream: tokio::net::TcpStream,
    activity: Activity,
}

impl tokio::io::AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.stream).poll_read(cx, buf);
        if matches!(r, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl tokio::io::AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// Accepts connections until `stop` turns true, then lets the requests in flight finish
/// (for at most 30 seconds). Each connection gets the header and idle timeouts; at most
/// `limits.connections` are open at once, the rest wait in the listen queue (they hold
/// no file of ours while they wait).
async fn accept_loop(
    listener: tokio::net::TcpListener,
    router: axum::Router,
    limits: Limits,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header)
        .keep_alive(true);
    loop {
        let permit = tokio::select! {
            p = slots.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of files, or a client gone before it was accepted: wait a moment
                    // instead of spinning.
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let activity = Activity::new();
        let io = hyper_util::rt::TokioIo::new(Watched {
            stream,
            activity: activity.clone(),
        });
        let app = router.clone();
        let service =
            hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req.map(Body::new))
            });
        let conn = graceful.watch(http.serve_connection(io, service));
        let idle = limits.idle;
        tokio::spawn(async move {
            let _slot = permit;
            tokio::select! {
                r = conn => {
                    if let Err(e) = r {
                        tracing::debug!("connection from {peer}: {e}");
                    }
                }
                () = activity.idle_for(idle) => {
                    tracing::debug!("closed a connection from {peer}: idle for {idle:?}");
                }
            }
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(Duration::from_secs(30)) => {
            tracing::warn!("stopped with requests still in flight after 30 s");
        }
    }
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
                    allow_shrink: false,
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
    /// A folder asked for without its trailing slash: redirect to this path (the folder's
    /// own, rebuilt from its segments: one leading `/`, so never another host) so relative
    /// links work.
    AddSlash(String),
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
            return Target::AddSlash(folder_location(&rel));
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

/// Characters written percent-encoded in a redirect's path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// The path of a folder under the root, for a `Location` header: `/a/b/`, each segment
/// encoded, whatever extra slashes the request had (`//all` would be another host).
fn folder_location(rel: &Path) -> String {
    let mut out = String::from("/");
    for seg in rel.iter() {
        out.extend(percent_encoding::utf8_percent_encode(
            &seg.to_string_lossy(),
            SEGMENT,
        ));
        out.push('/');
    }
    out
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
    if let Some(site) = app.site.clone()
        && let Some(route) = site::Site::route(req.uri().path())
    {
        let query = req.uri().query().map(str::to_string);
        let headers = req.headers().clone();
        return match tokio::task::spawn_blocking(move || {
            site.answer(route, query.as_deref(), &headers)
        })
        .await
        {
            Ok(resp) => resp,
            Err(e) => {
                tracing::error!("{route:?} failed: {e}");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal error\n").into_response()
            }
        };
    }
    let raw = req.uri().path().to_string();
    match resolve(&app.root, &raw) {
        Target::NotFound => (StatusCode::NOT_FOUND, "not found\n").into_response(),
        Target::AddSlash(to) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, to)],
            Body::empty(),
        )
            .into_response(),
        Target::File(path) => {
            let ctype = content_type(&path);
            let mime: mime::Mime = ctype.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
            let head = req.method() == Method::HEAD;
            let size = std::fs::metadata(&path).map_or(0, |m| m.len());
            let gzip = gzip::applies(req.headers(), ctype, size);
            let mut req = req;
            if gzip {
                gzip::plain_validators(req.headers_mut());
            }
            match ServeFile::new_with_mime(&path, &mime).oneshot(req).await {
                Ok(resp) => {
                    let mut resp = resp.map(Body::new);
                    let status = resp.status();
                    if status.is_success() || status == StatusCode::NOT_MODIFIED {
                        let h = resp.headers_mut();
                        h.insert(header::CACHE_CONTROL, app.cache_control.clone());
                        h.insert(
                            header::X_CONTENT_TYPE_OPTIONS,
                            HeaderValue::from_static("nosniff"),
                        );
                        h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
                        if gzip && status != StatusCode::PARTIAL_CONTENT {
                            gzip::mark(h, head && status == StatusCode::OK);
                        }
                    }
                    if gzip && head && status == StatusCode::OK {
                        *resp.body_mut() = Body::new(gzip::Unsized);
                    }
                    resp
                }
                Err(e) => {
                    tracing::error!("{}: {e}", shown_path(&path));
                    (StatusCode::INTERNAL_SERVER_ERROR, "cannot read the file\n").into_response()
                }
            }
        }
    }
}

/// The gzipped variant of a file (the compression layer gzips GET bodies; HEAD must say
/// the same, and the two bodies need entity tags of their own, RFC 9110 §8.8.3).
mod gzip {
    use axum::http::{HeaderMap, HeaderValue, header};

    /// What the entity tag of a gzipped body ends with (inside the quotes).
    const TAG_SUFFIX: &str = "-gzip";

    /// True when the compression layer gzips this response for this request: the client
    /// takes gzip (not `q=0`), the type is not an image (SVG aside) or an event stream,
    /// and the body has at least 32 bytes (the layer's defaults).
    pub(super) fn applies(req: &HeaderMap, content_type: &str, size: u64) -> bool {
        let takes_gzip = req
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|item| {
                let mut parts = item.split(';').map(str::trim);
                let coding = parts.next().unwrap_or("");
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                coding.eq_ignore_ascii_case("gzip") && !refused
            });
        let kind_ok = (!content_type.starts_with("image/")
            || content_type.starts_with("image/svg"))
            && !content_type.starts_with("text/event-stream");
        takes_gzip && kind_ok && size >= 32
    }

    /// `If-None-Match` tags of the gzipped body name the plain one for the file service,
    /// which knows only that.
    pub(super) fn plain_validators(req: &mut HeaderMap) {
        let Some(v) = req.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
            return;
        };
        let plain: Vec<String> = v
            .split(',')
            .map(|t| {
                let t = t.trim();
                match t.strip_suffix(&format!("{TAG_SUFFIX}\"")) {
                    Some(stem) => format!("{stem}\""),
                    None => t.to_string(),
                }
            })
            .collect();
        if let Ok(v) = HeaderValue::from_str(&plain.join(", ")) {
            req.insert(header::IF_NONE_MATCH, v);
        }
    }

    /// An empty body that announces no length, so a `HEAD` is framed as the gzipped `GET`
    /// is (chunked) instead of with a `Content-Length: 0`.
    pub(super) struct Unsized;

    impl hyper::body::Body for Unsized {
        type Data = hyper::body::Bytes;
        type Error = std::convert::Infallible;

        fn poll_frame(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
            std::task::Poll::Ready(None)
        }
    }

    /// The headers of the gzipped variant: its own entity tag, and for a `HEAD` the
    /// `Content-Encoding` a `GET` gets (its length is not known without compressing).
    pub(super) fn mark(resp: &mut HeaderMap, head_ok: bool) {
        if let Some(tag) = resp.get(header::ETAG).and_then(|v| v.to_str().ok())
            && let Some(stem) = tag.strip_suffix('"')
            && let Ok(v) = HeaderValue::from_str(&format!("{stem}{TAG_SUFFIX}\""))
        {
            resp.insert(header::ETAG, v);
        }
        if head_ok {
            resp.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            resp.remove(header::CONTENT_LENGTH);
            resp.remove(header::ACCEPT_RANGES);
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
        assert_eq!(resolve(&root, "/all"), Target::AddSlash("/all/".into()));
        for doubled in ["//all", "///all"] {
            assert_eq!(
                resolve(&root, doubled),
                Target::AddSlash("/all/".into()),
                "{doubled}"
            );
        }
        assert_eq!(connection_cap(512, Some(256)), 192);
        assert_eq!(connection_cap(512, Some(10)), 1);
        assert_eq!(connection_cap(100, None), 100);
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
    fn client_address_comes_from_a_trusted_proxy_only() {
        let mut app = App {
            root: PathBuf::from("/"),
            cache_control: HeaderValue::from_static("no-cache"),
            subs: None,
            site: None,
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
