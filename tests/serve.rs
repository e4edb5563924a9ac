//! `localfeed serve` over real HTTP on 127.0.0.1: content types, conditional GET, gzip,
//! caching headers, path traversal and link escapes, methods, graceful shutdown.

mod common;

use common::Sandbox;
use common::http::{Response, Server, send};

fn start(s: &Sandbox, extra: &[&str]) -> Server {
    let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
    args.extend_from_slice(extra);
    Server::spawn(s.command(&args))
}

fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)]) -> Response {
    send(port, method, path, headers, b"")
}

fn published() -> Sandbox {
    common::published_examples()
}

#[test]
fn feeds_are_served_with_their_content_types_and_cache_headers() {
    let s = published();
    let srv = start(&s, &[]);
    for (path, ctype) in [
        ("/all/rss.xml", "application/rss+xml; charset=utf-8"),
        ("/all/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ] {
        let r = request(srv.port, "GET", path, &[]);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
        assert_eq!(
            r.header("cache-control"),
            Some("public, max-age=900"),
            "{path}"
        );
        assert!(
            r.header("etag").is_some() && r.header("last-modified").is_some(),
            "{path}"
        );
    }
    if s.path().join("feeds/all/feed.json").is_file() {
        let r = request(srv.port, "GET", "/all/feed.json", &[]);
        assert_eq!(
            r.header("content-type"),
            Some("application/feed+json; charset=utf-8")
        );
    }
    if s.path().join("feeds/feeds.opml").is_file() {
        let r = request(srv.port, "GET", "/feeds.opml", &[]);
        assert_eq!(r.header("content-type"), Some("text/x-opml; charset=utf-8"));
    }
    let body = request(srv.port, "GET", "/all/atom.xml", &[]).body;
    assert_eq!(
        body,
        std::fs::read(s.path().join("feeds/all/atom.xml")).unwrap()
    );
}

#[test]
fn conditional_get_answers_304() {
    let s = published();
    let srv = start(&s, &[]);
    let r = request(srv.port, "GET", "/all/rss.xml", &[]);
    let etag = r.header("etag").unwrap().to_string();
    let lm = r.header("last-modified").unwrap().to_string();
    let r = request(srv.port, "GET", "/all/rss.xml", &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    let r = request(
        srv.port,
        "GET",
        "/all/rss.xml",
        &[("If-Modified-Since", &lm)],
    );
    assert_eq!(r.status, 304);
    let r = request(
        srv.port,
        "GET",
        "/all/rss.xml",
        &[("If-None-Match", "\"other\"")],
    );
    assert_eq!(r.status, 200);
}

#[test]
fn gzip_when_asked() {
    let s = published();
    let srv = start(&s, &[]);
    let r = request(
        srv.port,
        "GET",
        "/all/atom.xml",
        &[("Accept-Encoding", "gzip")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(&r.body[..2], &[0x1f, 0x8b], "not a gzip stream");
    let r = request(srv.port, "GET", "/all/atom.xml", &[]);
    assert_eq!(r.header("content-encoding"), None);
}

#[test]
fn head_says_what_get_sends_and_each_body_has_its_own_etag() {
    let s = published();
    let srv = start(&s, &[]);
    let gz = [("Accept-Encoding", "gzip")];
    let get = request(srv.port, "GET", "/all/rss.xml", &gz);
    let head = request(srv.port, "HEAD", "/all/rss.xml", &gz);
    let plain = request(srv.port, "GET", "/all/rss.xml", &[]);
    let plain_head = request(srv.port, "HEAD", "/all/rss.xml", &[]);
    for r in [&get, &head, &plain, &plain_head] {
        assert_eq!(r.status, 200);
        assert_eq!(r.header("vary"), Some("accept-encoding"));
    }
    assert_eq!(head.header("content-encoding"), Some("gzip"));
    assert_eq!(
        head.header("content-length"),
        None,
        "a gzipped length is not known"
    );
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(plain_head.header("etag"), plain.header("etag"));
    assert_eq!(
        plain_head.header("content-length"),
        Some(plain.body.len().to_string().as_str())
    );
    let (gz_tag, plain_tag) = (get.header("etag").unwrap(), plain.header("etag").unwrap());
    assert_ne!(gz_tag, plain_tag);
    assert_eq!(
        gz_tag,
        format!("{}-gzip\"", plain_tag.trim_end_matches('"'))
    );
    // Each tag validates its own body only.
    let r = request(
        srv.port,
        "GET",
        "/all/rss.xml",
        &[gz[0], ("If-None-Match", gz_tag)],
    );
    assert_eq!(r.status, 304);
    assert_eq!(r.header("etag"), Some(gz_tag));
    let r = request(
        srv.port,
        "GET",
        "/all/rss.xml",
        &[("If-None-Match", gz_tag)],
    );
    assert_eq!(
        r.status, 200,
        "the gzipped body's tag matched the plain body"
    );
    let r = request(
        srv.port,
        "GET",
        "/all/rss.xml",
        &[("If-None-Match", plain_tag)],
    );
    assert_eq!(r.status, 304);
    // q=0 refuses gzip.
    let r = request(
        srv.port,
        "HEAD",
        "/all/rss.xml",
        &[("Accept-Encoding", "gzip;q=0")],
    );
    assert_eq!(r.header("content-encoding"), None);
}

#[test]
fn nothing_outside_the_output_folder_is_served() {
    let s = published();
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        s.path().join("config.toml"),
        s.path().join("feeds/leak.txt"),
    )
    .unwrap();
    let srv = start(&s, &[]);
    for path in [
        "/../config.toml",
        "/%2e%2e/config.toml",
        "/all/..%2f..%2fconfig.toml",
        "/all/%2e%2e/%2e%2e/config.toml",
        "/leak.txt",
        "/articles/",
        "/.lock",
        "//etc/passwd",
    ] {
        let r = request(srv.port, "GET", path, &[]);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(
            !String::from_utf8_lossy(&r.body).contains("[[source]]"),
            "{path} leaked the config"
        );
    }
    let r = request(srv.port, "GET", "/all", &[]);
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/all/"));
    // A place's folder answers with its page, never with a listing.
    let r = request(srv.port, "GET", "/330523/", &[]);
    assert_eq!(r.status, 200);
    assert!(String::from_utf8_lossy(&r.body).contains("<h1>安吉县</h1>"));
}

#[test]
fn only_get_and_head() {
    let s = published();
    let srv = start(&s, &[]);
    let r = request(srv.port, "HEAD", "/all/rss.xml", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.is_empty());
    let r = request(srv.port, "DELETE", "/all/rss.xml", &[]);
    assert_eq!(r.status, 405);
    assert!(s.path().join("feeds/all/rss.xml").is_file());
}

#[test]
fn run_every_publishes_without_a_timer_and_sigterm_stops_cleanly() {
    let s = Sandbox::examples();
    let mut srv = start(&s, &["--run-every", "1h"]);
    let mut ok = false;
    for _ in 0..200 {
        if request(srv.port, "GET", "/all/atom.xml", &[]).status == 200 {
            ok = true;
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(ok, "the pipeline did not run at start");
    #[cfg(unix)]
    {
        let pid = srv.child.id().to_string();
        assert!(
            std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
        let status = srv.child.wait().unwrap();
        assert!(
            status.success(),
            "serve did not exit cleanly on SIGTERM: {status:?}"
        );
    }
}
