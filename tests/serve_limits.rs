//! `localfeed serve` against hostile clients on 127.0.0.1: many connections that send part
//! of a header and stall, and paths built to make a redirect leave the site.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::http::{Server, send};

#[test]
fn a_redirect_never_leaves_the_site() {
    let s = common::published_examples();
    let srv = Server::spawn(s.command(&["serve", "--listen", "127.0.0.1:0"]));
    for path in ["//all", "///all", "//all//", "/all", "/./all"] {
        let r = send(srv.port, "GET", path, &[], b"");
        if r.status == 301 {
            let to = r.header("location").unwrap_or("");
            assert!(
                to.starts_with('/') && !to.starts_with("//") && !to.starts_with("/\\"),
                "{path} redirects to {to:?}, which a browser reads as another host"
            );
            assert_eq!(to, "/all/", "{path}");
        } else if r.status == 200 {
            // The folder asked for with its slash: its place page, from this site.
            assert!(
                String::from_utf8_lossy(&r.body).contains("<h1>全部</h1>"),
                "{path}"
            );
        } else {
            assert_eq!(r.status, 404, "{path}");
        }
    }
}

/// One GET on a fresh connection with a read timeout: the status, or `None` when the
/// server does not answer in `wait`.
fn get_status(port: u16, path: &str, wait: Duration) -> Option<u16> {
    let mut c = TcpStream::connect(("127.0.0.1", port)).ok()?;
    c.set_read_timeout(Some(wait)).unwrap();
    c.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .ok()?;
    let mut head = [0u8; 12];
    c.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Whether the server closed a stalled connection within `wait`: a read returns end of
/// file (or a reset, or a `408` it sends before closing) rather than timing out.
fn closed_by_server(c: &mut TcpStream, wait: Duration) -> bool {
    c.set_read_timeout(Some(wait)).unwrap();
    let mut buf = [0u8; 256];
    loop {
        match c.read(&mut buf) {
            Ok(0) => return true,
            Ok(_) => continue, // e.g. "408 Request Timeout", then the close
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false;
            }
            Err(_) => return true, // reset
        }
    }
}

/// 300 connections that send half a request header and stall, against a server whose
/// open-file limit is 256 (the kind of limit that made 1,100 of them take the server down
/// at the default 1,024): a normal request still gets its answer, and every stalled
/// connection is closed by the server.
#[cfg(unix)]
#[test]
fn slow_header_connections_are_closed_and_do_not_starve_requests() {
    let s = common::published_examples();
    let bin = env!("CARGO_BIN_EXE_localfeed");
    let mut cmd = std::process::Command::new("sh");
    cmd.args([
        "-c",
        "ulimit -n 256 && exec \"$0\" serve --listen 127.0.0.1:0",
        bin,
    ])
    .current_dir(s.path())
    .env_remove("LOCALFEED_CONFIG")
    .env_remove("LOCALFEED_LOG");
    let srv = Server::spawn(cmd);
    assert_eq!(
        get_status(srv.port, "/all/rss.xml", Duration::from_secs(30)),
        Some(200)
    );
    let mut slow = Vec::new();
    for _ in 0..300 {
        let mut c = TcpStream::connect(("127.0.0.1", srv.port)).unwrap();
        c.write_all(b"GET /all/rss.xml HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            .unwrap();
        slow.push(c);
    }
    // The answer may wait for the header timeout to free a connection slot, never longer.
    assert_eq!(
        get_status(srv.port, "/all/atom.xml", Duration::from_secs(90)),
        Some(200),
        "a normal request got no answer while 300 slow connections were open"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(90);
    let mut open = 0;
    for c in &mut slow {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        if !closed_by_server(c, left.max(Duration::from_millis(100))) {
            open += 1;
        }
    }
    assert_eq!(open, 0, "stalled connections the server never closed");
    // And it still serves afterwards.
    assert_eq!(
        get_status(srv.port, "/index.html", Duration::from_secs(30)),
        Some(200)
    );
}
