//! Digests from `localfeed run`: what one message carries (no format characters, a token
//! of its own per subscriber), and delivery through a server that is slow to accept the
//! end of a message (a real SMTP server, `../shared/tools/smtp-sink`, behind a relay
//! started by the test that holds back the server's reply to the final dot).

mod common;

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::{Sandbox, emls, shared, stderr, stdout};

fn header(eml: &str, name: &str) -> Option<String> {
    let head = eml.split("\r\n\r\n").next().unwrap_or("");
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}

/// The decoded body of each base64 part of a message.
fn parts(eml: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in eml.split("Content-Transfer-Encoding: base64").skip(1) {
        let Some((_, body)) = chunk.split_once("\r\n\r\n") else {
            continue;
        };
        let end = body.find("\r\n--").unwrap_or(body.len());
        let clean: Vec<u8> = body[..end]
            .bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect();
        out.push(String::from_utf8(STANDARD.decode(clean).unwrap()).unwrap());
    }
    out
}

#[test]
fn format_characters_of_a_page_never_reach_a_digest() {
    let s = Sandbox::examples();
    let page = "examples/pages/mianyang-evening-2024-06-03.txt";
    let text = s
        .read(page)
        .replace(
            "老旧小区改造惠及万户居民",
            "老旧小区\u{202E}改造惠及\u{200B}万户居民",
        )
        .replace(
            "计划改造老旧小区四十六个",
            "计划改造\u{2066}老旧小区\u{FEFF}四十六个",
        );
    s.write(page, text);
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mail = emls(&s.path().join("outbox"));
    assert_eq!(mail.len(), 1, "{}", stderr(&o));
    let eml = std::fs::read_to_string(&mail[0]).unwrap();
    let bodies = parts(&eml);
    assert_eq!(bodies.len(), 2, "an HTML and a plain-text part");
    for b in &bodies {
        assert!(b.contains("老旧小区改造惠及万户居民"), "{b}");
        assert!(b.contains("计划改造老旧小区四十六个"), "{b}");
        let bad: Vec<String> = b
            .chars()
            .filter(|c| matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'))
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(bad.is_empty(), "format characters in a part: {bad:?}");
    }
    // The feeds clean the same text the same way.
    let atom = s.read("feeds/all/atom.xml");
    assert!(atom.contains("老旧小区改造惠及万户居民"));
}

/// The token of a digest's one-click unsubscribe link.
fn unsubscribe_token(eml: &str) -> String {
    let h = header(eml, "List-Unsubscribe").expect("List-Unsubscribe");
    let at = h.find("token=").expect("a token") + "token=".len();
    h[at..].split(['>', '&']).next().unwrap().to_string()
}

#[test]
fn addresses_differing_in_case_each_have_a_token_that_unsubscribes_them() {
    let s = Sandbox::examples();
    for email in [
        "Li.Wei@Example.NET",
        "li.wei@example.net",
        "li.wei@EXAMPLE.net",
    ] {
        let o = s.run(&[
            "subscribers",
            "add",
            email,
            "-l",
            "510703",
            "--schedule",
            "immediate",
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let list = stdout(&s.run(&["subscribers", "list"]));
    // The domain is not case-sensitive, the local part is (RFC 5321 §2.4): two subscribers.
    assert!(list.contains("Li.Wei@example.net"), "{list}");
    assert!(list.contains("li.wei@example.net"), "{list}");
    assert!(!list.contains("EXAMPLE"), "{list}");
    let o = s.run(&["run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mail: Vec<String> = emls(&s.path().join("outbox"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let token_of = |to: &str| {
        let m = mail
            .iter()
            .find(|m| header(m, "To").is_some_and(|t| t.contains(to)))
            .unwrap_or_else(|| panic!("no digest to {to}"));
        unsubscribe_token(m)
    };
    let (upper, lower) = (
        token_of("Li.Wei@example.net"),
        token_of("li.wei@example.net"),
    );
    assert_ne!(upper, lower, "two subscribers share one unsubscribe token");
    let line = |e: &str| -> String {
        let list = stdout(&s.run(&["subscribers", "list"]));
        list.lines()
            .find(|l| l.starts_with(&format!("{e}\t")))
            .unwrap_or_else(|| panic!("{e} not listed: {list}"))
            .to_string()
    };
    let o = s.run(&["subscribers", "unsubscribe", &upper]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(line("Li.Wei@example.net").contains("unsubscribed"));
    assert!(!line("li.wei@example.net").contains("unsubscribed"));
    let o = s.run(&["subscribers", "unsubscribe", &lower]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(line("li.wei@example.net").contains("unsubscribed"));
}

/// A TCP relay on 127.0.0.1 in front of `port` that holds every server reply to the end
/// of a message (the final `.`) for `delay` before passing it on. Returns its port.
fn slow_end_of_data_relay(port: u16, delay: Duration) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let own = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", port)) else {
                continue;
            };
            let ended = Arc::new(AtomicBool::new(false));
            let (mut c_in, mut s_out) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let flag = ended.clone();
            std::thread::spawn(move || {
                let mut tail: Vec<u8> = Vec::new();
                let mut buf = [0u8; 16384];
                while let Ok(n) = c_in.read(&mut buf) {
                    if n == 0 {
                        let _ = s_out.shutdown(std::net::Shutdown::Write);
                        break;
                    }
                    tail.extend_from_slice(&buf[..n]);
                    if tail.windows(5).any(|w| w == b"\r\n.\r\n") {
                        flag.store(true, Ordering::SeqCst);
                    }
                    let keep = tail.len().saturating_sub(4);
                    tail.drain(..keep);
                    if s_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
            let (mut s_in, mut c_out) = (server, client);
            std::thread::spawn(move || {
                let mut buf = [0u8; 16384];
                while let Ok(n) = s_in.read(&mut buf) {
                    if n == 0 {
                        let _ = c_out.shutdown(std::net::Shutdown::Write);
                        break;
                    }
                    if ended.swap(false, Ordering::SeqCst) {
                        std::thread::sleep(delay);
                    }
                    if c_out.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            });
        }
    });
    own
}

#[test]
fn a_server_slow_to_accept_the_end_of_a_message_gets_it_once() {
    let Some(shared) = shared() else { return };
    let s = Sandbox::examples();
    let (_sink, port) = common::start_smtp_sink(&shared.join("tools"), s.path());
    // The server takes 3 s to answer the final dot; commands get 1 s.
    let relay = slow_end_of_data_relay(port, Duration::from_secs(3));
    let cfg = s
        .read("config.toml")
        .replace(
            "smtp_url = \"\"",
            &format!("smtp_url = \"smtp://127.0.0.1:{relay}\""),
        )
        .replace("timeout_secs = 30", "timeout_secs = 1")
        .replace(
            "[[subscriber]]",
            "[[subscriber]]\nemail = \"second@example.net\"\nlocalities = [\"河南省\"]\nschedule = \"immediate\"\n\n[[subscriber]]",
        );
    s.write("config.toml", cfg);
    let o = s.run(&["run"]);
    let first = stderr(&o);
    // A day later every retry would be due.
    let o = s
        .command(&["run"])
        .env("LOCALFEED_NOW", "2024-06-11T09:00:00+08:00")
        .output()
        .unwrap();
    let mail = emls(&s.path().join("mail"));
    let ids: Vec<String> = mail
        .iter()
        .map(|p| header(&std::fs::read_to_string(p).unwrap(), "Message-ID").unwrap())
        .collect();
    let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
    assert_eq!(
        distinct.len(),
        ids.len(),
        "a message the server accepted was sent again: {ids:?}\nfirst run: {first}"
    );
    assert_eq!(ids.len(), 2, "{first}\n{}", stderr(&o));
    assert!(first.contains("2 sent"), "{first}");
    let st = stdout(&s.run(&["status"]));
    assert!(st.contains("digests: 2 sent, 0 pending, 0 failed"), "{st}");
}
