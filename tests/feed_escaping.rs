//! Page text full of markup characters, published by the real binary and read back the
//! way readers read it: feedparser with sanitising off (RSS, Atom) and JSON Feed's
//! `content_html`. Text must come out as text, never as tags.

mod common;

use common::{Sandbox, stderr};

const PAGE: &str = "城关镇<b>运动会</b>开幕\n\n\
本报讯(记者 周强)城关镇<img src=x onerror=alert(1)>今天举行运动会，\
<script>alert(2)</script>三百多名居民参加，&amp; 比分3<5。\n";

/// The markup of the page, each of which must reach a reader as visible text (extraction
/// turns ASCII parentheses full-width, so the markers stop short of them).
const MARKERS: &[&str] = &[
    "<img src=x onerror=alert",
    "<script>alert",
    "</script>",
    "&amp;",
];

fn python_has_feedparser() -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import feedparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 with feedparser is needed (pip install feedparser) and CI is set"
        );
        eprintln!("SKIPPED: python3 with feedparser is not installed");
    }
    ok
}

fn published() -> Sandbox {
    let s = Sandbox::empty();
    s.write(
        "config.toml",
        "[[source]]\nid = \"in\"\npath = \"in\"\n\n[publish]\nbase_url = \"http://127.0.0.1:8080/\"\n",
    );
    s.write("in/page.txt", PAGE);
    let o = s.run(&["run"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    s
}

#[test]
fn markup_in_page_text_reaches_readers_as_text() {
    if !python_has_feedparser() {
        return;
    }
    let s = published();
    let feeds = s.path().join("feeds/all");
    let o = std::process::Command::new("python3")
        .arg(common::repo().join("tests/scripts/feed_text.py"))
        .args(["rss.xml", "atom.xml", "feed.json"].map(|f| feeds.join(f)))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // An RSS item title is plain text (RSS Best Practices Profile; check-feed holds us to
    // it), written escaped once. feedparser guesses HTML for a title holding a closing
    // tag, which no escaping inside plain text can prevent; the title is checked as the
    // plain text it is, below, and not through that guess.
    let problems: Vec<&serde_json::Value> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p.as_str().unwrap_or("").starts_with("rss title:"))
        .collect();
    assert!(
        problems.is_empty(),
        "page text became markup in a reader:\n{problems:#?}"
    );
    let texts = v["texts"].as_array().unwrap();
    let rss = std::fs::read_to_string(feeds.join("rss.xml")).unwrap();
    assert!(
        rss.contains("<title>城关镇&lt;b&gt;运动会&lt;/b&gt;开幕</title>"),
        "the RSS title is plain text escaped once: {rss}"
    );
    // Every format shows the page's markup as text in its summary and its content.
    for (format, field) in [
        ("rss", "summary"),
        ("rss", "content"),
        ("atom", "content"),
        ("json", "content_html"),
        ("json", "summary"),
    ] {
        let shown: Vec<&str> = texts
            .iter()
            .filter(|t| t[0] == format && t[1] == field)
            .filter_map(|t| t[2].as_str())
            .collect();
        assert!(!shown.is_empty(), "no {format} {field}: {texts:#?}");
        let all = shown.concat();
        let wanted = if field == "summary" {
            &MARKERS[..1] // a summary is the opening only
        } else {
            MARKERS
        };
        for m in wanted {
            assert!(
                all.contains(m),
                "{format} {field} does not show {m:?}: {all}"
            );
        }
    }
}

#[test]
fn check_feed_finds_no_security_risk() {
    let Some(shared) = common::shared() else {
        return;
    };
    if !python_has_feedparser() {
        return;
    }
    let s = published();
    let feeds = s.path().join("feeds/all");
    let o = std::process::Command::new(shared.join("tools/check-feed"))
        .args(["rss.xml", "atom.xml", "feed.json"].map(|f| feeds.join(f)))
        .output()
        .unwrap();
    let out = format!("{}{}", common::stdout(&o), stderr(&o));
    assert!(!out.contains("SecurityRisk"), "{out}");
}
