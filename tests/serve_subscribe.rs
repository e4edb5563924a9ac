//! The subscription pages of `localfeed serve` over real HTTP on 127.0.0.1: double opt-in,
//! expired and forged links, one-click unsubscribe (a GET never unsubscribes), the manage
//! page, CSRF, the honeypot, rate limits, size limits and the place search.

mod common;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::http::Server;
use common::{Sandbox, stderr};
use localfeed::digest::TokenKey;
use localfeed::digest::token::Purpose;

const KEY: &str = "test-signing-key-0123456789abcdef";
const NOW: &str = "2024-06-10T09:00:00+08:00";
const LATER: &str = "2024-06-13T09:00:00+08:00";
const READER: &str = "web.reader@example.org";

fn sandbox(serve_table: &str) -> Sandbox {
    let s = Sandbox::examples();
    // Replace the bundled [serve] table (up to the next table) with the test's own.
    let mut cfg = s.read("config.toml");
    if let Some(start) = cfg.find("\n[serve]\n") {
        let rest = &cfg[start + 1..];
        let end = rest.find("\n[").map_or(cfg.len(), |i| start + 1 + i + 1);
        cfg.replace_range(start + 1..end, "");
    }
    cfg.push_str("\n[serve]\n");
    cfg.push_str(serve_table);
    s.write("config.toml", cfg);
    s
}

fn start_at(s: &Sandbox, now: &str) -> Server {
    let mut cmd = s.command(&["serve", "--listen", "127.0.0.1:0"]);
    cmd.env("LOCALFEED_NOW", now)
        .env("LOCALFEED_DIGEST_KEY", KEY);
    Server::spawn(cmd)
}

fn start(s: &Sandbox) -> Server {
    start_at(s, NOW)
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn csrf(&self) -> String {
        between(&self.body, "name=\"csrf\" value=\"", "\"")
            .expect("no csrf field")
            .to_string()
    }
    fn cookie(&self) -> String {
        let c = self.header("set-cookie").expect("no cookie");
        c.split(';').next().unwrap().to_string()
    }
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let start = s.find(a)? + a.len();
    let end = s[start..].find(b)? + start;
    Some(&s[start..end])
}

fn send(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Resp {
    let r = common::http::send(port, method, path, headers, body);
    Resp {
        status: r.status,
        headers: r.headers,
        body: String::from_utf8_lossy(&r.body).into_owned(),
    }
}

fn get(port: u16, path: &str, cookie: Option<&str>) -> Resp {
    match cookie {
        Some(c) => send(port, "GET", path, &[("Cookie", c)], b""),
        None => send(port, "GET", path, &[], b""),
    }
}

fn post(port: u16, path: &str, cookie: Option<&str>, body: &str) -> Resp {
    let mut h = vec![("Content-Type", "application/x-www-form-urlencoded")];
    if let Some(c) = cookie {
        h.push(("Cookie", c));
    }
    send(port, "POST", path, &h, body.as_bytes())
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A division code the gazetteer knows, found by searching (no name is hard-coded).
fn some_place(port: u16) -> String {
    let r = get(port, "/api/places?q=33", None);
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    let list = v.as_array().unwrap();
    assert!(!list.is_empty(), "{}", r.body);
    list.last().unwrap()["code"].as_str().unwrap().to_string()
}

/// Opens the form and subscribes; returns the answer.
fn subscribe(port: u16, email: &str, place: &str, extra: &str) -> Resp {
    let form = get(port, "/subscribe", None);
    assert_eq!(form.status, 200, "{}", form.body);
    let body = format!(
        "csrf={}&email={}&place={place}&schedule={}{extra}",
        enc(&form.csrf()),
        enc(email),
        enc("daily 07:30")
    );
    post(port, "/subscribe", Some(&form.cookie()), &body)
}

fn mails(s: &Sandbox) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(s.path().join("outbox")) else {
        return Vec::new();
    };
    let mut v: Vec<String> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    v.sort();
    v
}

/// Base64 as a MIME body carries it (line breaks allowed).
fn b64(s: &str) -> Vec<u8> {
    let clean: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    STANDARD.decode(clean).expect("base64")
}

/// The confirmation link of a message (from its base64 text part), as a local path.
fn confirm_path(eml: &str) -> String {
    let mut text = String::new();
    for part in eml.split("Content-Transfer-Encoding: base64").skip(1) {
        let body: String = part
            .split("\r\n\r\n")
            .nth(1)
            .unwrap_or("")
            .lines()
            .take_while(|l| !l.starts_with("--"))
            .collect();
        text.push_str(&String::from_utf8_lossy(&b64(&body)));
    }
    let start = text
        .find("https://news.example.org/confirm?token=")
        .expect(&text);
    let link: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect();
    link.replacen("https://news.example.org", "", 1)
}

fn subscribers(s: &Sandbox) -> String {
    let o = s
        .command(&["subscribers", "list"])
        .env("LOCALFEED_DIGEST_KEY", KEY)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn key() -> TokenKey {
    TokenKey::new(KEY.as_bytes()).unwrap()
}

#[test]
fn double_opt_in_then_manage_then_one_click_unsubscribe() {
    let s = sandbox("");
    let srv = start(&s);
    let place = some_place(srv.port);
    let r = subscribe(srv.port, READER, &place, "");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("请查收邮件"));
    let sent = mails(&s);
    assert_eq!(sent.len(), 1, "one confirmation mail");
    // Before confirmation the address is listed as pending only.
    let list = subscribers(&s);
    let line = list
        .lines()
        .find(|l| l.starts_with(READER))
        .unwrap_or_else(|| panic!("the pending subscription is listed: {list}"));
    assert!(
        line.contains(&format!("\t{place}\tdaily 07:30 Asia/Shanghai\tpending confirmation: asked 2024-06-10 09:00:00 +08:00 (0 s ago), link expires 2024-06-12 09:00:00 +08:00 (in 2 days)")),
        "{line}"
    );
    assert_eq!(list.lines().count(), 1, "{list}");
    assert!(!sent[0].contains("List-Unsubscribe"));

    let link = confirm_path(&sent[0]);
    let page = get(srv.port, &link, None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        subscribers(&s).contains("pending confirmation"),
        "a GET of the link confirms nothing"
    );
    let token = between(&page.body, "name=\"token\" value=\"", "\"")
        .unwrap()
        .to_string();
    let done = post(
        srv.port,
        "/confirm",
        Some(&page.cookie()),
        &format!("csrf={}&token={}", enc(&page.csrf()), enc(&token)),
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("订阅成功"));
    let list = subscribers(&s);
    assert!(list.contains(READER) && list.contains(&place), "{list}");
    assert!(!list.contains("unsubscribed"), "{list}");
    assert!(!list.contains("pending"), "confirmed: {list}");
    let used = get(srv.port, &link, None);
    assert_eq!(used.status, 404, "a used link cannot confirm again");

    // The manage page from the digest's token: change the schedule.
    let k = key();
    let manage = format!("/subscription?token={}", k.token(READER, Purpose::Manage));
    let m = get(srv.port, &manage, None);
    assert_eq!(m.status, 200, "{}", m.body);
    assert!(m.body.contains(READER));
    let saved = post(
        srv.port,
        &manage,
        Some(&m.cookie()),
        &format!(
            "csrf={}&place={place}&schedule={}&action=save",
            enc(&m.csrf()),
            enc("weekly mon 07:30")
        ),
    );
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(subscribers(&s).contains("weekly mon 07:30"));

    // A GET of the unsubscribe link shows a button and changes nothing.
    let unsub = format!(
        "/unsubscribe?token={}",
        k.token(READER, Purpose::Unsubscribe)
    );
    let g = get(srv.port, &unsub, None);
    assert_eq!(g.status, 200);
    assert!(g.body.contains("List-Unsubscribe"));
    assert!(
        !subscribers(&s).contains("unsubscribed"),
        "a GET never unsubscribes"
    );
    let head = send(srv.port, "HEAD", &unsub, &[], b"");
    assert_eq!(head.status, 200);
    assert!(
        !subscribers(&s).contains("unsubscribed"),
        "a HEAD never unsubscribes"
    );

    // RFC 8058: the POST unsubscribes at once, 200, no page.
    let p = post(srv.port, &unsub, None, "List-Unsubscribe=One-Click");
    assert_eq!(p.status, 200);
    assert!(p.body.is_empty(), "{}", p.body);
    assert!(subscribers(&s).contains("unsubscribed"));

    // RFC 8058 recommends multipart/form-data for the same POST.
    let m = get(srv.port, &manage, None);
    let again = post(
        srv.port,
        &manage,
        Some(&m.cookie()),
        &format!(
            "csrf={}&place={place}&schedule=immediate&action=save",
            enc(&m.csrf())
        ),
    );
    assert_eq!(again.status, 200);
    assert!(
        !subscribers(&s).contains("unsubscribed"),
        "saving subscribes again"
    );
    let body = "--b0undary\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b0undary--\r\n";
    let p = send(
        srv.port,
        "POST",
        &unsub,
        &[("Content-Type", "multipart/form-data; boundary=b0undary")],
        body.as_bytes(),
    );
    assert_eq!(p.status, 200);
    assert!(p.body.is_empty());
    assert!(subscribers(&s).contains("unsubscribed"));
}

#[test]
fn forged_and_tampered_tokens_are_rejected() {
    let s = sandbox("");
    let srv = start(&s);
    let k = key();
    let other = TokenKey::new(b"some other key of enough length").unwrap();
    let good = k.token(READER, Purpose::Unsubscribe);
    let mut tampered = good.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == '0' { '1' } else { '0' });
    for t in [
        other.token(READER, Purpose::Unsubscribe),
        tampered,
        k.token(READER, Purpose::Manage),
        "u1.0000.0000".to_string(),
    ] {
        let p = post(
            srv.port,
            &format!("/unsubscribe?token={t}"),
            None,
            "List-Unsubscribe=One-Click",
        );
        assert_eq!(p.status, 400, "{t}");
        let g = get(srv.port, &format!("/unsubscribe?token={t}"), None);
        assert_eq!(g.status, 400, "{t}");
        assert!(g.body.contains("链接无效"));
    }
    let forged_manage = other.token(READER, Purpose::Manage);
    assert_eq!(
        get(
            srv.port,
            &format!("/subscription?token={forged_manage}"),
            None
        )
        .status,
        400
    );
    for t in [
        "c1.x.1.00",
        "c1.00000000000000000000000000000000.99999999999.00000000000000000000000000000000",
    ] {
        let r = get(srv.port, &format!("/confirm?token={t}"), None);
        assert_eq!(r.status, 400, "{t}");
    }
    // A POST without the one-click body does not unsubscribe either.
    let p = post(srv.port, &format!("/unsubscribe?token={good}"), None, "");
    assert_eq!(p.status, 400);
}

#[test]
fn expired_confirmation_says_so_and_sends_a_new_link() {
    let s = sandbox("confirm_hours = 24\n");
    let link = {
        let srv = start(&s);
        let place = some_place(srv.port);
        assert_eq!(subscribe(srv.port, READER, &place, "").status, 200);
        confirm_path(&mails(&s)[0])
    };
    let srv = start_at(&s, LATER);
    let r = get(srv.port, &link, None);
    assert_eq!(r.status, 410, "{}", r.body);
    assert!(r.body.contains("已过期"));
    let token = between(&r.body, "name=\"token\" value=\"", "\"")
        .unwrap()
        .to_string();
    // Confirming the expired link does not subscribe.
    let c = post(
        srv.port,
        "/confirm",
        Some(&r.cookie()),
        &format!("csrf={}&token={}", enc(&r.csrf()), enc(&token)),
    );
    assert!(
        !subscribers(&s)
            .lines()
            .any(|l| l.starts_with(READER) && !l.contains("pending confirmation")),
        "subscribed by an expired link"
    );
    assert_eq!(c.status, 200, "{}", c.body);
    assert!(
        c.body.contains("请查收邮件"),
        "the expired page's button sends a new link"
    );
    let sent = mails(&s);
    assert_eq!(sent.len(), 2);
    let fresh = sent
        .iter()
        .map(|m| confirm_path(m))
        .find(|l| *l != link)
        .unwrap();
    assert_eq!(get(srv.port, &fresh, None).status, 200);
}

#[test]
fn forms_without_a_valid_csrf_token_are_rejected() {
    let s = sandbox("");
    let srv = start(&s);
    let place = some_place(srv.port);
    let body = format!("email={}&place={place}&schedule=immediate", enc(READER));
    let r = post(srv.port, "/subscribe", None, &body);
    assert_eq!(r.status, 403);
    let form = get(srv.port, "/subscribe", None);
    let r = post(srv.port, "/subscribe", Some(&form.cookie()), &body);
    assert_eq!(r.status, 403, "a cookie without the field");
    let r = post(
        srv.port,
        "/subscribe",
        Some("lf_csrf=00000000000000000000000000000000"),
        &format!("{body}&csrf={}", enc(&form.csrf())),
    );
    assert_eq!(r.status, 403, "a field made for another cookie");
    assert!(mails(&s).is_empty());
    // The manage form too.
    let manage = format!(
        "/subscription?token={}",
        key().token(READER, Purpose::Manage)
    );
    let r = post(srv.port, &manage, None, "action=unsubscribe");
    assert!(r.status == 403 || r.status == 404, "{}", r.status);
}

#[test]
fn honeypot_and_known_addresses_get_the_same_answer() {
    let s = sandbox("");
    let srv = start(&s);
    let place = some_place(srv.port);
    let strip = |b: &str| b.split("<form").next().unwrap().to_string();
    let robot = subscribe(
        srv.port,
        "robot@example.net",
        &place,
        "&website=http%3A%2F%2Fspam.example",
    );
    assert_eq!(robot.status, 200);
    assert!(mails(&s).is_empty(), "a filled honeypot sends nothing");
    let first = subscribe(srv.port, READER, &place, "");
    let again = subscribe(srv.port, READER, &place, "");
    assert_eq!(first.status, again.status);
    assert_eq!(
        strip(&first.body),
        strip(&again.body),
        "same answer either way"
    );
    assert_eq!(
        strip(&robot.body).replace("robot@example.net", READER),
        strip(&first.body)
    );
}

#[test]
fn rate_limits_per_address_and_per_client() {
    let s = sandbox("per_ip_per_hour = 4\nper_address_per_day = 2\n");
    let srv = start(&s);
    let place = some_place(srv.port);
    for _ in 0..3 {
        assert_eq!(subscribe(srv.port, READER, &place, "").status, 200);
    }
    assert_eq!(
        mails(&s).len(),
        2,
        "the address limit stops the third mail, silently"
    );
    assert_eq!(
        subscribe(srv.port, "other@example.net", &place, "").status,
        200
    );
    let r = subscribe(srv.port, "third@example.net", &place, "");
    assert_eq!(r.status, 429, "the fifth attempt from one client");
    assert_eq!(mails(&s).len(), 3);
}

#[test]
fn bad_input_is_refused_and_escaped() {
    let s = sandbox("");
    let srv = start(&s);
    let place = some_place(srv.port);
    let r = subscribe(srv.port, "<script>x</script>@example.net", &place, "");
    assert_eq!(r.status, 400);
    assert!(!r.body.contains("<script>x</script>"), "input is escaped");
    assert!(r.body.contains("&lt;script&gt;"));
    let r = subscribe(srv.port, READER, "999999999999", "");
    assert_eq!(r.status, 400);
    let form = get(srv.port, "/subscribe", None);
    let r = post(
        srv.port,
        "/subscribe",
        Some(&form.cookie()),
        &format!(
            "csrf={}&email={}&place={place}&schedule=hourly",
            enc(&form.csrf()),
            enc(READER)
        ),
    );
    assert_eq!(r.status, 400);
    let big = format!("csrf={}&email={}", enc(&form.csrf()), "a".repeat(40_000));
    let r = post(srv.port, "/subscribe", Some(&form.cookie()), &big);
    assert_eq!(r.status, 413);
    assert!(mails(&s).is_empty());
    let csp = form.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(form.header("referrer-policy"), Some("no-referrer"));
    let cookie = form.header("set-cookie").unwrap();
    assert!(
        cookie.contains("SameSite=Strict") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP on 127.0.0.1 must be able to carry it"
    );
    let public = send(
        srv.port,
        "GET",
        "/subscribe",
        &[("Host", "news.example.org")],
        b"",
    );
    assert!(
        public.header("set-cookie").unwrap().contains("; Secure"),
        "the https site's host"
    );
}
