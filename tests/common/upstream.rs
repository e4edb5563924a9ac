//! An upstream site for the network-source tests: a small axum app on 127.0.0.1 serving
//! the feeds and pages of `tests/fixtures/net/` (our own words), answering conditional
//! requests with `304`, and the ways servers fail (500, 429 with `Retry-After`, a redirect
//! loop, an oversized body, broken XML). It records every request it saw and how many were
//! in flight at once; a raw socket server next to it dribbles a slow body.

#![allow(dead_code, unreachable_pub)]

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::Response;

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub if_none_match: Option<String>,
    pub if_modified_since: Option<String>,
    pub user_agent: String,
}

/// What the server shares with the test.
#[derive(Default)]
pub struct Upstream {
    pub seen: Mutex<Vec<Seen>>,
    in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    /// Which version of the RSSHub-style feed is served (its ETag follows it).
    pub rss_version: AtomicUsize,
    /// While set, the article pages under `/articles/` answer 500.
    pub pages_down: AtomicBool,
}

impl Upstream {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
    pub fn paths(&self) -> Vec<String> {
        self.seen().into_iter().map(|s| s.path).collect()
    }
    pub fn clear(&self) {
        self.seen.lock().unwrap().clear();
    }
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(crate::common::repo().join("tests/fixtures/net").join(name)).unwrap()
}

/// The RSSHub-style feed at `version`: from version 2 on, its first entry's text is
/// corrected and its third entry is gone from the feed.
fn rss(version: usize) -> Vec<u8> {
    let text = String::from_utf8(fixture("rsshub.xml")).unwrap();
    if version < 2 {
        return text.into_bytes();
    }
    let text = text.replace("四百多户居民", "四百二十户居民");
    let cut_from = text.find("<item>\n<title>天子湖镇").unwrap();
    let cut_to = text.rfind("</item>").unwrap() + "</item>".len();
    format!("{}{}", &text[..cut_from], &text[cut_to..]).into_bytes()
}

fn answer(status: StatusCode, headers: &[(header::HeaderName, &str)], body: Vec<u8>) -> Response {
    let mut r = Response::builder().status(status);
    for (k, v) in headers {
        r = r.header(k, *v);
    }
    r.body(Body::from(body)).unwrap()
}

async fn handle(State(up): State<Arc<Upstream>>, uri: Uri, headers: HeaderMap) -> Response {
    let h = |n: header::HeaderName| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    up.seen.lock().unwrap().push(Seen {
        path: uri.path().to_string(),
        if_none_match: h(header::IF_NONE_MATCH),
        if_modified_since: h(header::IF_MODIFIED_SINCE),
        user_agent: h(header::USER_AGENT).unwrap_or_default(),
    });
    let now = up.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    up.max_in_flight.fetch_max(now, Ordering::SeqCst);
    // long enough for a second request to the same host to overlap, were it sent
    tokio::time::sleep(Duration::from_millis(30)).await;
    let r = route(&up, uri.path(), h(header::IF_NONE_MATCH)).await;
    up.in_flight.fetch_sub(1, Ordering::SeqCst);
    r
}

async fn route(up: &Upstream, path: &str, if_none_match: Option<String>) -> Response {
    let xml = "application/rss+xml; charset=utf-8";
    let conditional = |etag: &str, ct: &str, body: Vec<u8>| {
        if if_none_match.as_deref() == Some(etag) {
            answer(
                StatusCode::NOT_MODIFIED,
                &[(header::ETAG, etag)],
                Vec::new(),
            )
        } else {
            answer(
                StatusCode::OK,
                &[
                    (header::CONTENT_TYPE, ct),
                    (header::ETAG, etag),
                    (header::LAST_MODIFIED, "Mon, 10 Jun 2024 00:00:00 GMT"),
                ],
                body,
            )
        }
    };
    if path.starts_with("/articles/") && up.pages_down.load(Ordering::SeqCst) {
        return answer(StatusCode::INTERNAL_SERVER_ERROR, &[], Vec::new());
    }
    match path {
        "/rsshub.xml" => {
            let v = up.rss_version.load(Ordering::SeqCst);
            conditional(&format!("\"rss-v{v}\""), xml, rss(v))
        }
        "/atom.xml" => conditional("\"atom-1\"", "application/atom+xml", fixture("atom.xml")),
        "/feed.json" => conditional("\"json-1\"", "application/feed+json", fixture("feed.json")),
        "/rdf.xml" => conditional("\"rdf-1\"", "application/rdf+xml", fixture("rdf.xml")),
        // no charset in the header: the XML declaration says GBK
        "/gbk.xml" => conditional("\"gbk-1\"", "text/xml", fixture("gbk.xml")),
        "/articles/wk-canteen.html" | "/pages/wk-canteen.html" => answer(
            StatusCode::OK,
            &[(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            fixture("wk-canteen.html"),
        ),
        "/articles/xs-river.html" | "/pages/xs-river.html" => answer(
            StatusCode::OK,
            &[(header::CONTENT_TYPE, "text/html")],
            fixture("xs-river.html"),
        ),
        // the same page in GBK: declared only by the server, and mislabelled UTF-8
        "/pages/gbk-declared.html" | "/pages/gbk-mislabelled.html" => {
            let page = String::from_utf8(fixture("xs-river.html")).unwrap().replace(
                "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\">",
                "",
            );
            let (gbk, _, _) = encoding_rs::GBK.encode(&page);
            let ct = if path.ends_with("declared.html") {
                "text/html; charset=GBK"
            } else {
                "text/html; charset=utf-8"
            };
            answer(StatusCode::OK, &[(header::CONTENT_TYPE, ct)], gbk.into_owned())
        }
        "/500" => answer(StatusCode::INTERNAL_SERVER_ERROR, &[], b"oops".to_vec()),
        "/429" => answer(
            StatusCode::TOO_MANY_REQUESTS,
            &[(header::RETRY_AFTER, "7200")],
            Vec::new(),
        ),
        "/loop" => answer(StatusCode::FOUND, &[(header::LOCATION, "/loop")], Vec::new()),
        "/big.xml" => answer(StatusCode::OK, &[(header::CONTENT_TYPE, xml)], vec![b' '; 2 << 20]),
        "/broken.xml" => answer(
            StatusCode::OK,
            &[(header::CONTENT_TYPE, xml)],
            b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>x</title><item><title>y</item></channel>".to_vec(),
        ),
        _ => answer(StatusCode::NOT_FOUND, &[], Vec::new()),
    }
}

/// A running upstream: its base URL (`http://127.0.0.1:PORT`) and what it saw.
pub struct Running {
    pub base: String,
    pub up: Arc<Upstream>,
}

/// Starts the upstream on a free port of 127.0.0.1, in a thread of its own for the rest
/// of the test process.
pub fn start() -> Running {
    let up = Arc::new(Upstream::default());
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = up.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = axum::Router::new().fallback(handle).with_state(state);
            axum::serve(listener, app).await.unwrap();
        });
    });
    Running { base, up }
}

/// A server that answers every connection with headers at once and then one byte of its
/// body a second; its URL.
pub fn start_slow() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/slow.xml", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten().take(20) {
            std::thread::spawn(move || {
                let mut c = conn;
                // read the request before answering
                let mut got = Vec::new();
                let mut buf = [0u8; 1024];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match std::io::Read::read(&mut c, &mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = c.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: 100\r\n\r\n<rss",
                );
                for _ in 0..30 {
                    std::thread::sleep(Duration::from_secs(1));
                    if c.write_all(b" ").is_err() {
                        return;
                    }
                }
            });
        }
    });
    url
}
